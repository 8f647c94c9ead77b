"""The operation screens: permission, CSRF-protected posts, field errors, rule checks, maker-checker."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from sahakorn.core.thai import format_be_date
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.services import member_status_change
from sahakorn.shares.models import (
    RequestKind,
    RequestStatus,
    ShareAccount,
    ShareRequest,
    ShareRules,
    ShareTransaction,
    TransactionKind,
)
from sahakorn.shares.services import share_extra_purchase, share_request_create
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db

GET_URLS = [
    ("shares:purchase", "shares.add_sharetransaction"),
    ("shares:monthly_change", "shares.change_shareaccount"),
    ("shares:request_create", "shares.add_sharerequest"),
    ("shares:requests", "shares.view_sharerequest"),
    ("shares:refund_pay", "shares.add_sharetransaction"),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "perm"), GET_URLS)
def test_screens_need_login_and_permission(name, perm, officer, auditor, outsider):
    url = reverse(name)
    assert Client().get(url).status_code == 302
    assert _client(outsider).get(url).status_code == 403
    assert _client(officer).get(url).status_code == 200
    expected = 200 if name == "shares:requests" else 403
    assert _client(auditor).get(url).status_code == expected


def test_purchase_form_prefills_the_member_and_shows_the_requirement(officer):
    member = member_with_shares(10, salary=D("15000.00"))

    response = _client(officer).get(reverse("shares:purchase") + f"?member={member.number}")

    html = response.content.decode()
    assert f'value="{member.number}"' in html
    assert "เงินเดือน 15,000.00 บาท อยู่ในขั้นไม่เกิน 15,000.00 บาท: ขั้นต่ำ 70 หุ้น (700.00 บาท)" in html


def test_extra_purchase_through_the_screen(officer):
    member_with_shares(10_000)
    member = member_with_shares(100)

    response = _client(officer).post(
        reverse("shares:purchase"),
        {
            "member": member.number,
            "kind": "extra",
            "shares": "",
            "amount": "1,500.00",
            "channel": "counter",
            "on": "05/03/2569",
        },
    )

    assert response.status_code == 302
    row = ShareTransaction.objects.get(kind=TransactionKind.EXTRA)
    assert (row.shares, row.amount, row.date, row.created_by) == (
        150,
        D("1500.00"),
        dt.date(2026, 3, 5),
        officer,
    )


def test_refused_purchase_shows_the_failed_rule_and_writes_nothing(officer):
    # given: 100 of 1,000 shares, five holders; 126 more would pass 1/5
    for _ in range(4):
        member_with_shares(225)
    member = member_with_shares(100)
    before = ShareTransaction.objects.count()

    response = _client(officer).post(
        reverse("shares:purchase"),
        {"member": member.number, "kind": "extra", "shares": "126", "channel": "counter", "on": "05/03/2569"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน" in html
    assert "หลังรายการถือ 226 หุ้น จากหุ้นทั้งหมด 1,126 หุ้น = ร้อยละ 20.07" in html
    assert ShareTransaction.objects.count() == before


def test_purchase_errors_name_the_field(officer):
    response = _client(officer).post(
        reverse("shares:purchase"),
        {"member": "999999", "kind": "extra", "shares": "1", "channel": "counter", "on": "05/03/2026"},
    )

    html = response.content.decode()
    assert "เลขทะเบียนสมาชิก: ไม่พบสมาชิกเลขทะเบียน 999999" in html
    assert "ปี 2026 เป็นปี ค.ศ." in html


def test_post_without_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("shares:purchase"), {"member": "1"})

    assert response.status_code == 403


def test_monthly_change_screen(officer):
    from django.utils import timezone

    member = member_with_shares(10, salary=D("15000.00"))
    month = timezone.localdate().replace(day=1)

    response = _client(officer).post(
        reverse("shares:monthly_change"),
        {
            "member": member.number,
            "to_shares": "69",
            "effective_month": month.strftime("%d/%m/") + str(month.year + 543),
            "reason": "member_request",
        },
    )
    assert "ขั้นต่ำ 70 หุ้น" in response.content.decode()

    response = _client(officer).post(
        reverse("shares:monthly_change"),
        {
            "member": member.number,
            "to_shares": "90",
            "effective_month": month.strftime("15/%m/") + str(month.year + 543),
            "reason": "member_request",
        },
    )
    assert response.status_code == 302
    assert ShareAccount.objects.get(member=member).monthly_shares == 90


def test_request_create_refused_shows_checks_and_records_nothing(officer):
    member = member_with_shares(1000, joined_on=dt.date(2015, 1, 1))

    response = _client(officer).post(
        reverse("shares:request_create"),
        {
            "kind": "suspension",
            "member": member.number,
            "effective_on": "01/07/2569",
            "suspension": "temporary",
            "reason": "ขอ",
        },
    )

    html = response.content.decode()
    assert "อายุการเป็นสมาชิกและทุนเรือนหุ้นยังไม่ถึงเกณฑ์งดส่ง" in html
    assert "เป็นสมาชิก 138 เดือน ทุนเรือนหุ้น 10,000.00 บาท" in html
    assert not ShareRequest.objects.exists()


@pytest.fixture
def withdrawal(officer):
    member = member_with_shares(250)
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 6, 30), reason="ลาออก", by=officer
    )
    return share_request_create(
        kind=RequestKind.WITHDRAWAL,
        member=member,
        by=officer,
        effective_on=dt.date(2026, 6, 30),
        reason="ลาออก",
    )


def test_request_create_then_a_manager_approves_it(officer, manager):
    member = member_with_shares(250)
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 6, 30), reason="ลาออก", by=officer
    )

    response = _client(officer).post(
        reverse("shares:request_create"),
        {"kind": "withdrawal", "member": member.number, "effective_on": "30/06/2569", "reason": "ลาออก"},
    )
    request = ShareRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("shares:request_detail", args=[request.pk])

    queue = _client(manager).get(reverse("shares:requests")).content.decode()
    assert "ถอนหุ้นได้เมื่อพ้นสมาชิกภาพเท่านั้น" in queue
    assert reverse("shares:request_approve", args=[request.pk]) in queue

    response = _client(manager).post(
        reverse("shares:request_approve", args=[request.pk]), {"note": "ตรวจแล้ว"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("2500.00")


def test_the_maker_sees_no_approve_button_and_cannot_approve(withdrawal, manager):
    # given: a manager recorded it
    ShareRequest.objects.filter(pk=withdrawal.pk).update(requested_by=manager)
    client = _client(manager)

    detail = client.get(reverse("shares:request_detail", args=[withdrawal.pk])).content.decode()
    assert "ต้องให้ผู้อนุมัติคนอื่นพิจารณา" in detail
    response = client.post(reverse("shares:request_approve", args=[withdrawal.pk]), {"note": ""})

    assert response.status_code == 400
    assert "ผู้อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ" in response.content.decode()
    withdrawal.refresh_from_db()
    assert withdrawal.status == RequestStatus.PENDING


def test_the_maker_cannot_reject_their_own_request_either(withdrawal, manager):
    # given: a manager recorded it
    ShareRequest.objects.filter(pk=withdrawal.pk).update(requested_by=manager)

    response = _client(manager).post(
        reverse("shares:request_reject", args=[withdrawal.pk]), {"note": "บันทึกผิด"}
    )

    assert response.status_code == 400
    assert "ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ" in response.content.decode()
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.decided_by, withdrawal.decision_note) == (
        RequestStatus.PENDING,
        None,
        "",
    )


def test_a_decision_says_what_was_done_to_which_request_in_the_users_language(withdrawal, officer, manager2):
    client = _client(manager2)

    response = client.post(
        reverse("shares:request_reject", args=[withdrawal.pk]), {"note": "เอกสารไม่ครบ"}, follow=True
    )
    assert f"ไม่อนุมัติคำขอเลขที่ {withdrawal.pk} แล้ว" in response.content.decode()

    again = share_request_create(
        kind=RequestKind.WITHDRAWAL,
        member=withdrawal.member,
        by=officer,
        effective_on=withdrawal.effective_on,
        reason="ลาออก",
    )
    client.cookies["django_language"] = "en"
    response = client.post(reverse("shares:request_approve", args=[again.pk]), {"note": ""}, follow=True)
    assert f"Approve and post: done for request no. {again.pk}." in response.content.decode()


def test_an_officer_cannot_approve_or_reject(withdrawal, officer):
    client = _client(officer)
    assert client.post(reverse("shares:request_approve", args=[withdrawal.pk])).status_code == 403
    assert (
        client.post(reverse("shares:request_reject", args=[withdrawal.pk]), {"note": "x"}).status_code == 403
    )
    assert client.get(reverse("shares:request_approve", args=[withdrawal.pk])).status_code in (403, 405)


def test_reject_without_a_reason_names_the_field(withdrawal, manager):
    response = _client(manager).post(reverse("shares:request_reject", args=[withdrawal.pk]), {"note": ""})

    assert "หมายเหตุ/เหตุผล: กรุณาระบุเหตุผลที่ไม่อนุมัติ" in response.content.decode()


def test_refund_pay_screen(withdrawal, officer, manager):
    from sahakorn.shares.services import share_request_approve

    share_request_approve(request=withdrawal, by=manager)
    member = withdrawal.member

    page = _client(officer).get(reverse("shares:refund_pay") + f"?member={member.number}").content.decode()
    assert "2,500.00" in page
    response = _client(officer).post(
        reverse("shares:refund_pay"),
        {"member": member.number, "amount": "3000.00", "channel": "transfer", "on": "01/07/2569"},
    )
    assert "จ่ายคืนได้ไม่เกินหุ้นรอจ่ายคืน 2,500.00 บาท" in response.content.decode()
    response = _client(officer).post(
        reverse("shares:refund_pay"),
        {"member": member.number, "amount": "", "channel": "transfer", "on": "01/07/2569"},
    )
    assert response.status_code == 302
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("0.00")


def test_reverse_screen(officer, auditor):
    member_with_shares(10_000)
    member = member_with_shares(100)
    row = share_extra_purchase(
        member=member, shares=30, on=dt.date(2026, 3, 5), channel="counter", by=officer
    )
    url = reverse("shares:reverse", args=[row.pk])

    assert _client(auditor).get(url).status_code == 403
    assert "กลับรายการ" in _client(officer).get(url).content.decode()
    response = _client(officer).post(url, {"on": "06/03/2569", "reason": "ผิดคน"})

    assert response.status_code == 302
    assert ShareTransaction.objects.get(reverses=row).amount == D("-300.00")
    assert "ถูกกลับรายการแล้ว" in _client(officer).get(url).content.decode()


def test_rules_admin_adds_a_version_through_the_service_and_never_changes_one(django_user_model):
    from django.utils import timezone

    admin_user = django_user_model.objects.create_superuser(username="root", password=None)
    client = _client(admin_user)
    on = timezone.localdate() + dt.timedelta(days=10)
    seeded = ShareRules.objects.get()
    data = {
        "effective_from": format_be_date(on, "numeric"),  # typed in B.E., like every date field
        "note": "มติที่ประชุมใหญ่",
        "par_value": "20.00",
        "min_initial_shares": "5",
        "entrance_fee": "50.00",
        "max_extra_purchase": "",
        "holding_cap_ratio": "0.2000",
        "holding_cap_min_holders": "10",
        "monthly_method": "table",
        "table_unit": "shares",
        "monthly_min_percent": "",
        "monthly_percent_rounding": "ten_baht_up",
        "monthly_max_percent": "",
        "monthly_floor_no_salary": "100.00",
        "default_consecutive_months": "3",
        "default_months_per_year": "6",
        "suspension_min_months": "",
        "suspension_min_balance": "",
        "suspension_requires_debt_below_shares": "on",
        "suspension_allow_temporary": "on",
        "suspension_allow_permanent": "on",
        "withdrawal_settles_debts": "on",
        "transfer_allowed": "on",
        "brackets-TOTAL_FORMS": "2",
        "brackets-INITIAL_FORMS": "0",
        "brackets-MIN_NUM_FORMS": "0",
        "brackets-MAX_NUM_FORMS": "1000",
        "brackets-0-salary_up_to": "10000.00",
        "brackets-0-value": "30",
        "brackets-1-salary_up_to": "",
        "brackets-1-value": "60",
    }

    # an incomplete table (no open top row) is refused
    bad = {**data, "brackets-TOTAL_FORMS": "1"}
    response = client.post(reverse("admin:shares_sharerules_add"), bad)
    assert response.status_code == 200 and "ขั้นสุดท้ายของตารางต้องเว้นว่าง" in response.content.decode()

    # the form shows the founding-coop setting with its help text, and refuses 0 holders
    form_html = client.get(reverse("admin:shares_sharerules_add")).content.decode()
    assert 'name="holding_cap_min_holders"' in form_html and "สำหรับสหกรณ์ตั้งใหม่" in form_html
    response = client.post(reverse("admin:shares_sharerules_add"), {**data, "holding_cap_min_holders": "0"})
    assert (
        response.status_code == 200 and "holding_cap_min_holders" in response.context["adminform"].form.errors
    )

    response = client.post(reverse("admin:shares_sharerules_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rules = ShareRules.objects.exclude(pk=seeded.pk).get()
    assert (rules.par_value, rules.created_by, rules.brackets.count()) == (D("20.00"), admin_user, 2)
    assert rules.holding_cap_min_holders == 10

    # saved versions are read-only and cannot be deleted
    change = client.get(reverse("admin:shares_sharerules_change", args=[rules.pk]))
    assert change.status_code == 200 and 'name="par_value"' not in change.content.decode()
    assert client.post(reverse("admin:shares_sharerules_change", args=[rules.pk]), data).status_code == 403
    assert client.get(reverse("admin:shares_sharerules_delete", args=[rules.pk])).status_code == 403
