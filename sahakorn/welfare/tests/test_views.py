"""The welfare screens: login and permission, CSRF-protected posts, rule checks shown, maker-checker, XLSX."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from sahakorn.core.reports import XLSX_CONTENT_TYPE
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.welfare.models import ClaimStatus, WelfareClaim
from sahakorn.welfare.services import welfare_claim_apply, welfare_claim_approve
from sahakorn.welfare.tests.factories import claim_paid

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "officer_ok", "auditor_ok"),
    [
        ("welfare:schemes", True, True),
        ("welfare:claims", True, True),
        ("welfare:claim_create", True, False),
        ("welfare:report_payments", True, True),
    ],
)
def test_screens_need_login_and_permission(name, officer_ok, auditor_ok, officer, auditor, outsider):
    url = reverse(name)
    assert Client().get(url).status_code == 302
    assert _client(outsider).get(url).status_code == 403
    assert _client(officer).get(url).status_code == (200 if officer_ok else 403)
    assert _client(auditor).get(url).status_code == (200 if auditor_ok else 403)


def _form(member, scheme, **extra) -> dict:
    return {
        "member": member.number,
        "scheme": scheme.pk,
        "event_date": "01/06/2569",
        "applied_on": "03/06/2569",
        "beneficiary_relation": "child",
        "beneficiary_name": "ด.ญ. มะลิ",
        "level": "secondary",
        **extra,
    }


def test_claim_form_check_shows_the_checks_and_the_amount_and_writes_nothing(scholarship, officer):
    # given
    member = MemberFactory()

    # when
    response = _client(officer).post(
        reverse("welfare:claim_create"), {**_form(member, scholarship), "action": "check"}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "1,500.00" in html and "หนึ่งพันห้าร้อยบาทถ้วน" in html
    assert "เป็นสมาชิกไม่น้อยกว่า 1 ปี" in html
    assert not WelfareClaim.objects.exists()


def test_claim_failing_a_rule_is_refused_with_the_failed_checks_listed(scholarship, officer):
    # given: a member of three months
    member = MemberFactory(joined_on=dt.date(2026, 3, 1))

    # when
    response = _client(officer).post(
        reverse("welfare:claim_create"), {**_form(member, scholarship), "action": "save"}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "อายุการเป็นสมาชิกยังไม่ครบ 1 ปี" in html and "ไม่ผ่าน" in html
    assert not WelfareClaim.objects.exists()


def test_claim_form_names_the_field_of_a_ce_year(scholarship, officer):
    member = MemberFactory()
    response = _client(officer).post(
        reverse("welfare:claim_create"),
        {**_form(member, scholarship, event_date="01/06/2026"), "action": "save"},
    )
    assert "วันที่เกิดเหตุ: ปี 2026 เป็นปี ค.ศ." in response.content.decode()


def test_apply_approve_and_pay_through_the_screens(scholarship, officer, manager):
    # given
    member = MemberFactory()

    # when: the officer applies
    response = _client(officer).post(
        reverse("welfare:claim_create"), {**_form(member, scholarship), "action": "save"}
    )
    claim = WelfareClaim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "welfare:claim_detail", args=[claim.pk]
    )

    # then: the officer cannot approve; the manager can, from the queue
    assert _client(officer).post(reverse("welfare:claim_approve", args=[claim.pk])).status_code == 403
    queue = _client(manager).get(reverse("welfare:claims")).content.decode()
    assert reverse("welfare:claim_approve", args=[claim.pk]) in queue
    assert _client(manager).post(reverse("welfare:claim_approve", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED

    # and the officer pays by bank
    paid = _client(officer).post(
        reverse("welfare:claim_pay", args=[claim.pk]), {"method": "bank", "on": "10/06/2569"}
    )
    assert paid.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.paid_on == dt.date(2026, 6, 10)
    detail = _client(officer).get(reverse("welfare:claim_detail", args=[claim.pk])).content.decode()
    assert claim.journal_entry.voucher_label in detail and "10 มิถุนายน 2569" in detail


def test_the_maker_sees_no_approve_button_and_is_refused(birth, manager):
    # given
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=TODAY, applied_on=TODAY,
                                beneficiary_name="ลูก", by=manager)  # fmt: skip

    # when
    detail = _client(manager).get(reverse("welfare:claim_detail", args=[claim.pk])).content.decode()
    response = _client(manager).post(reverse("welfare:claim_approve", args=[claim.pk]))

    # then
    assert "ต้องให้ผู้อนุมัติคนอื่นพิจารณา" in detail
    assert response.status_code == 400 and "ผู้อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ" in response.content.decode()


def test_posts_need_the_csrf_token(birth, officer, manager):
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=TODAY, applied_on=TODAY,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(reverse("welfare:claim_approve", args=[claim.pk])).status_code == 403


def test_pay_form_refuses_a_deposit_payment_without_an_account(birth, officer, manager):
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=TODAY, applied_on=TODAY,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)
    response = _client(officer).post(
        reverse("welfare:claim_pay", args=[claim.pk]), {"method": "deposit", "on": ""}
    )
    html = response.content.decode()
    assert "กรุณาระบุบัญชีเงินฝากที่จะโอนเข้า" in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_member_page_shows_the_welfare_card(birth, officer, manager):
    # given
    member = MemberFactory()
    claim_paid(scheme=birth, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 3, 1),
               beneficiary_name="ด.ช. ใหม่")  # fmt: skip

    # when
    html = _client(officer).get(reverse("members:detail", args=[member.pk])).content.decode()

    # then
    assert "ได้รับสวัสดิการแล้วรวม" in html and "2,000.00" in html and "ด.ช. ใหม่" in html


def test_schemes_screen_shows_a_members_eligibility(senior, officer):
    member = MemberFactory(birth_date=dt.date(1990, 1, 1))
    html = _client(officer).get(reverse("welfare:schemes") + f"?member={member.number}").content.decode()
    assert "อายุยังไม่ถึง 60 ปี" in html
    assert _client(officer).get(reverse("welfare:scheme_detail", args=[senior.pk])).status_code == 200


def test_payments_report_on_screen_and_as_xlsx(scholarship, officer, manager, auditor):
    # given
    claim_paid(scheme=scholarship, member=MemberFactory(), maker=officer, checker=manager,
               event_date=dt.date(2026, 6, 1), beneficiary_name="ลูก", level="bachelor")  # fmt: skip
    query = "?start=01/06/2569&end=30/06/2569"

    # when
    html = _client(auditor).get(reverse("welfare:report_payments") + query).content.decode()
    xlsx = _client(auditor).get(reverse("welfare:report_payments") + query + "&format=xlsx")

    # then
    assert "3,000.00" in html and "ตรงกัน" in html
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    sheet = book["สรุปตามประเภท"]
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "SCH-CHILD"]
    assert values[0][3:5] == (1, 3000)
    assert D(str(values[0][7])) == D("3000")


def _pdf_html(monkeypatch) -> list[str]:
    """Let WeasyPrint render for real, and keep the HTML it was given (its text is searchable)."""
    import weasyprint

    seen: list[str] = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return seen


def test_payments_report_as_pdf_with_the_same_figures_and_file_names(
    scholarship, officer, manager, auditor, monkeypatch
):
    # given: a bachelor's scholarship of 3,000.00 paid in June 2569
    claim_paid(scheme=scholarship, member=MemberFactory(), maker=officer, checker=manager,
               event_date=dt.date(2026, 6, 1), beneficiary_name="ลูก", level="bachelor")  # fmt: skip
    url = reverse("welfare:report_payments") + "?start=01/06/2569&end=30/06/2569"
    html_seen = _pdf_html(monkeypatch)

    # when
    screen = _client(auditor).get(url).content.decode()
    pdf = _client(auditor).get(url + "&format=pdf")
    xlsx = _client(auditor).get(url + "&format=xlsx")

    # then: the screen links both downloads with its dates; each file is named by the date range
    assert "format=pdf" in screen and "format=xlsx" in screen
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="welfare-payments-25690601-25690630.pdf"' in pdf["Content-Disposition"]
    assert 'filename="welfare-payments-25690601-25690630.xlsx"' in xlsx["Content-Disposition"]
    (html,) = html_seen
    assert "รายงานการจ่ายสวัสดิการตามประเภท" in html and "วันที่จ่าย 1 มิถุนายน 2569 ถึง 30 มิถุนายน 2569" in html
    assert "SCH-CHILD" in html and "3,000.00" in html and "ตรงกัน" in html


def test_the_maker_cannot_reject_through_the_screen_either(birth, manager, manager2):
    # given: a claim recorded by a manager
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=TODAY, applied_on=TODAY,
                                beneficiary_name="ลูก", by=manager)  # fmt: skip

    # when
    own = _client(manager).post(reverse("welfare:claim_reject", args=[claim.pk]), {"note": "เอกสารไม่ครบ"})
    other = _client(manager2).post(reverse("welfare:claim_reject", args=[claim.pk]), {"note": "เอกสารไม่ครบ"})

    # then
    assert own.status_code == 400 and "ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ" in own.content.decode()
    assert other.status_code == 302 and other["Location"] == reverse("welfare:claim_detail", args=[claim.pk])
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.decision_note) == (
        ClaimStatus.REJECTED,
        manager2,
        "เอกสารไม่ครบ",
    )
