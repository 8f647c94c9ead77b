"""The loan screens: eligibility table, application, approval (maker-checker), disbursement, and the
contract page's counter work: payoff quote, payment, payoff, reversal, rate change; the list."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.core.dates import today
from sahakorn.core.thai import format_be_date
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    LoanApplication,
    LoanContract,
    LoanTransaction,
    LoanTxKind,
)
from sahakorn.loans.services import loan_application_create
from sahakorn.loans.tests.conftest import APPLIED, borrower, disbursed, guarantor


def test_eligibility_page_shows_rules_and_maximum(client, officer, ordinary):
    member = borrower(shares=1000)
    client.force_login(officer)
    r = client.get(reverse("loans:eligibility"), {"member": member.number, "product": ordinary.pk,
                                                  "amount": "100000.01", "installments": "120", "on": "1/3/2568"})  # fmt: skip
    assert r.status_code == 200
    html = r.content.decode()
    assert "100,000.00" in html and "ทุนเรือนหุ้นไม่ถึงร้อยละที่กำหนดของเงินกู้" in html


def test_apply_approve_disburse_flow(client, officer, manager, ordinary):
    member, g = borrower(), guarantor()
    client.force_login(officer)
    r = client.post(reverse("loans:application_create"), {
        "member": member.number, "product": ordinary.pk, "amount": "150000", "installments": "120",
        "guarantors": g.number, "applied_on": "1/3/2568", "purpose": "ซ่อมบ้าน"})  # fmt: skip
    app = LoanApplication.objects.get()
    assert r.status_code == 302 and r.url == reverse("loans:application_detail", args=[app.pk])
    # the maker cannot approve (officer has no permission at all)
    assert client.post(reverse("loans:application_approve", args=[app.pk])).status_code == 403
    client.force_login(manager)
    r = client.post(reverse("loans:application_approve", args=[app.pk]), {"note": "ok"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    client.force_login(officer)
    r = client.post(reverse("loans:disburse", args=[app.pk]),
                    {"on": "5/3/2568", "first_due": "30/4/2568", "channel": "bank"})  # fmt: skip
    contract = LoanContract.objects.get()
    assert r.status_code == 302 and r.url == reverse("loans:contract", args=[contract.pk])
    r = client.get(r.url)
    assert r.status_code == 200 and contract.number in r.content.decode()


def test_refused_application_shows_checks(client, officer, ordinary):
    member = borrower(shares=1000)
    client.force_login(officer)
    r = client.post(reverse("loans:application_create"), {
        "member": member.number, "product": ordinary.pk, "amount": "150000", "installments": "120",
        "applied_on": "1/3/2568"})  # fmt: skip
    assert r.status_code == 200 and "จำนวนผู้ค้ำไม่ครบตามวงเงิน" in r.content.decode()
    assert not LoanApplication.objects.exists()


def test_member_page_cards_and_flag(client, officer, manager, ordinary):
    from sahakorn.members.services import member_status_change

    member, g = borrower(), guarantor()
    contract = disbursed(product=ordinary, member=member, amount="150000.00", installments=120, guarantors=[g],
                         maker=officer, checker=manager)  # fmt: skip
    member_status_change(member=g, to_status="deceased", effective_on=dt.date(2025, 6, 1), reason="เสียชีวิต",
                         by=officer)  # fmt: skip
    client.force_login(officer)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert contract.number in html and "ต้องเปลี่ยนผู้ค้ำ" in html
    html = client.get(reverse("members:detail", args=[g.pk])).content.decode()
    assert contract.number in html
    assert client.get(reverse("loans:contract", args=[contract.pk])).status_code == 200
    assert contract.principal_balance == D("150000.00")


def _application(product, by, guarantors):
    return loan_application_create(member=borrower(), product=product, amount=D("150000.00"), installments=120,
                                   guarantors=guarantors, applied_on=APPLIED, by=by)  # fmt: skip


def test_a_refused_approval_shows_the_checks_as_they_stand_now(client, officer, manager, ordinary):
    # given: the only guarantor resigned after the application was recorded
    from sahakorn.members.services import member_status_change

    g = guarantor()
    app = _application(ordinary, officer, [g])
    member_status_change(member=g, to_status="resigned", effective_on=dt.date(2025, 3, 2), reason="ลาออก",
                         by=officer)  # fmt: skip

    # when
    client.force_login(manager)
    r = client.post(reverse("loans:application_approve", args=[app.pk]), {"note": ""})

    # then: the page again, with the checks run now beside the ones the officer saw
    html = r.content.decode()
    assert r.status_code == 400
    assert "ผลการตรวจ ณ ขณะนี้" in html and "ผู้ค้ำไม่ได้อยู่ในสถานะปกติ" in html
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING


def test_approve_and_reject_say_what_was_done(client, officer, manager, ordinary):
    approved, rejected = (_application(ordinary, officer, [guarantor()]) for _ in range(2))
    client.force_login(manager)

    r = client.post(reverse("loans:application_approve", args=[approved.pk]), {"note": "มติ"}, follow=True)
    assert f"อนุมัติคำขอกู้เลขที่ {approved.pk} แล้ว" in r.content.decode()

    r = client.post(reverse("loans:application_reject", args=[rejected.pk]), {"note": ""})
    assert r.status_code == 400 and "กรุณาระบุเหตุผลที่ไม่อนุมัติ" in r.content.decode()
    r = client.post(reverse("loans:application_reject", args=[rejected.pk]), {"note": "ไม่ผ่านมติ"}, follow=True)
    assert f"ไม่อนุมัติคำขอกู้เลขที่ {rejected.pk} แล้ว" in r.content.decode()
    rejected.refresh_from_db()
    assert (rejected.status, rejected.decision_note) == (ApplicationStatus.REJECTED, "ไม่ผ่านมติ")


def test_the_maker_is_not_offered_the_decision_and_is_refused_it(client, manager, manager2, ordinary):
    app = _application(ordinary, manager, [guarantor()])
    client.force_login(manager)

    html = client.get(reverse("loans:application_detail", args=[app.pk])).content.decode()
    assert "ท่านเป็นผู้บันทึกคำขอนี้" in html

    r = client.post(reverse("loans:application_reject", args=[app.pk]), {"note": "ถอนคำขอ"})
    assert r.status_code == 400 and "ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอกู้" in r.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING


@pytest.mark.parametrize("name", ["loans:eligibility", "loans:applications"])
def test_outsider_forbidden_auditor_sees(client, outsider, auditor, name, db):
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse(name)).status_code == 200


# ======== The contract page (งานรับชำระที่หน้าสัญญา) ========


@pytest.fixture
def contract(ordinary, officer, manager):
    """150,000.00 ordinary at 6.5%, paid out 5 March 2568, 120 installments."""
    return disbursed(product=ordinary, member=borrower(), amount="150000.00", installments=120,
                     guarantors=[guarantor()], maker=officer, checker=manager)  # fmt: skip


def _pay(client, contract, **data):
    fields = {"pay-amount": "2000", "pay-on": "30/4/2568", "pay-channel": "cash", "pay-memo": ""}
    fields.update({f"pay-{k}": v for k, v in data.items()})
    return client.post(reverse("loans:contract_pay", args=[contract.pk]), fields)


def test_the_page_quotes_the_payoff_to_the_chosen_day(client, officer, contract):
    # 150,000 × 6.5% × 15 days (6–20 March) / 365 = 400.68
    client.force_login(officer)
    r = client.get(reverse("loans:contract", args=[contract.pk]), {"quote_on": "20/3/2568"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "400.68" in html and "150,400.68" in html


@pytest.mark.parametrize("role", ["officer", "manager", "auditor"])
def test_the_page_renders_when_interest_is_paid_past_the_default_quote_day(client, request, role, contract):
    # given: interest paid to a year ahead (a receipt dated ahead, from before the counter refused
    # one): no payoff can be quoted for today, the default quote day
    paid_to = today() + dt.timedelta(days=365)
    LoanContract.objects.filter(pk=contract.pk).update(interest_paid_to=paid_to)
    client.force_login(request.getfixturevalue(role))

    # when
    r = client.get(reverse("loans:contract", args=[contract.pk]))

    # then: the page, with the reason beside the quote's date instead of a quote
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        f"วันที่ {format_be_date(today())} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้วของสัญญา {contract.number} "
        f"({format_be_date(paid_to)})" in html
    )
    assert 'id="payoff-total"' not in html
    assert f'value="{format_be_date(today(), "numeric")}"' in html


def test_a_counter_payment_takes_interest_to_the_day_then_principal(client, officer, contract):
    # given / when: 2,000.00 on 30 April: 56 days, 150,000 × 6.5% × 56 / 365 = 1,495.89 of interest
    client.force_login(officer)
    r = _pay(client, contract)

    # then
    assert r.status_code == 302
    row = contract.transactions.get(kind=LoanTxKind.PAYMENT)
    assert (row.interest, row.principal, row.channel) == (D("1495.89"), D("-504.11"), "cash")
    contract.refresh_from_db()
    assert contract.principal_balance == D("149495.89")
    page = client.get(r.url).content.decode()
    assert "ดอกเบี้ย 1,495.89 เงินต้น 504.11 บาท" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("2000.001", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
        ("200000", "ยอดปิดบัญชี ณ วันที่ 30 เม.ย. 2568 คือ 151,495.89 บาท"),
    ],
)
def test_a_bad_payment_names_the_field_and_changes_nothing(client, officer, contract, amount, message):
    client.force_login(officer)
    r = _pay(client, contract, amount=amount)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not contract.transactions.filter(kind=LoanTxKind.PAYMENT).exists()
    contract.refresh_from_db()
    assert contract.principal_balance == D("150000.00")


def test_a_payment_below_the_interest_is_received_and_the_rest_shown_as_arrears(client, officer, contract):
    # given: 1,495.89 of interest due on 30 Apr 2568; 1,000.00 received
    client.force_login(officer)

    # when
    r = _pay(client, contract, amount="1000")

    # then: the receipt is posted, 495.89 stays due and the page says so
    assert r.status_code == 302
    row = contract.transactions.get(kind=LoanTxKind.PAYMENT)
    assert (row.interest, row.principal, row.interest_arrears) == (D("1000.00"), D("0.00"), D("495.89"))
    page = client.get(r.url).content.decode()
    assert "ดอกเบี้ยค้างชำระ 495.89 บาท" in page
    assert 'id="interest-arrears"' in page


def test_payoff_then_reversal_reopens(client, officer, contract):
    client.force_login(officer)
    r = client.post(reverse("loans:contract_payoff", args=[contract.pk]),
                    {"payoff-on": "20/3/2568", "payoff-channel": "bank"})  # fmt: skip
    assert r.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.closed_on) == (ContractStatus.CLOSED, dt.date(2025, 3, 20))
    paid = contract.transactions.get(kind=LoanTxKind.PAYMENT)
    assert (paid.principal, paid.interest) == (D("-150000.00"), D("400.68"))
    ended = contract.guarantees.get()  # the guarantor is free once the loan is paid off
    assert (ended.ended_on, ended.end_reason) == (dt.date(2025, 3, 20), "ปิดสัญญา")

    r = client.post(reverse("loans:contract_reverse", args=[contract.pk]),
                    {"rev-on": "21/3/2568", "rev-reason": "รับเงินผิดสัญญา"})  # fmt: skip
    assert r.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.principal_balance, contract.interest_paid_to) == (
        ContractStatus.ACTIVE, D("150000.00"), dt.date(2025, 3, 5))  # fmt: skip
    assert LoanTransaction.objects.get(kind=LoanTxKind.REVERSAL).reverses == paid
    assert contract.guarantees.get().ended_on is None  # and bound again when it reopens


def test_rate_change_is_for_a_manager(client, officer, manager, contract):
    data = {"rate-annual_rate": "7.000", "rate-effective_from": "6/3/2568", "rate-installment_policy": "keep"}
    client.force_login(officer)
    assert client.post(reverse("loans:contract_rate", args=[contract.pk]), data).status_code == 403
    client.force_login(manager)
    r = client.post(reverse("loans:contract_rate", args=[contract.pk]), data)
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.annual_rate == D("7.000")
    r = client.post(reverse("loans:contract_rate", args=[contract.pk]),
                    {"rate-annual_rate": "7.5", "rate-effective_from": "6/3/2568", "rate-installment_policy": "keep"})  # fmt: skip
    assert r.status_code == 200 and "ที่มีผลตั้งแต่ 6 มี.ค. 2568 แล้ว" in r.content.decode()
    page = client.get(reverse("loans:contract", args=[contract.pk])).content.decode()
    assert "7.000% ตั้งแต่ 6 มี.ค. 2568" in page


def test_the_auditor_reads_but_cannot_take_money(client, auditor, contract):
    client.force_login(auditor)
    assert client.get(reverse("loans:contract", args=[contract.pk])).status_code == 200
    assert _pay(client, contract).status_code == 403
    assert not contract.transactions.filter(kind=LoanTxKind.PAYMENT).exists()


def test_contract_list_finds_by_member_and_flags_replacement(client, officer, contract, ordinary, manager):
    other = disbursed(product=ordinary, member=borrower(), amount="100000.00", installments=60,
                      guarantors=[guarantor()], maker=officer, checker=manager)  # fmt: skip
    client.force_login(officer)
    html = client.get(reverse("loans:contracts"), {"q": contract.member.number}).content.decode()
    assert contract.number in html and other.number not in html
    html = client.get(reverse("loans:contracts"), {"q": other.number[:8]}).content.decode()
    assert contract.number in html and other.number in html  # a prefix of the contract numbers
    other.guarantor_replacement_needed = True
    other.save(update_fields=["guarantor_replacement_needed"])
    html = client.get(reverse("loans:contracts"), {"replacement": "on"}).content.decode()
    assert other.number in html and contract.number not in html


def test_an_interest_refund_from_the_contract_page(client, officer, contract):
    # given: the April installment paid (1,495.89 of interest)
    client.force_login(officer)
    _pay(client, contract)

    # when: 95.89 given back
    r = client.post(reverse("loans:contract_refund", args=[contract.pk]),
                    {"refund-amount": "95.89", "refund-on": "30/4/2568", "refund-channel": "bank",
                     "refund-reason": "เรียกเก็บเกิน"})  # fmt: skip

    # then
    assert r.status_code == 302
    refund = contract.transactions.get(kind=LoanTxKind.REFUND)
    assert refund.interest == D("-95.89")
    assert f"คืนดอกเบี้ยสัญญา {contract.number} 95.89 บาท ใบสำคัญ" in client.get(r.url).content.decode()
    # and a refund above the interest received is refused beside the amount
    r = client.post(reverse("loans:contract_refund", args=[contract.pk]),
                    {"refund-amount": "1400.01", "refund-on": "30/4/2568", "refund-channel": "bank",
                     "refund-reason": "x"})  # fmt: skip
    assert r.status_code == 200 and "เกินดอกเบี้ยที่รับจากสัญญา" in r.content.decode()


def test_the_new_contract_page_parts_read_in_english(client, officer, manager, contract):
    # given: a short receipt leaves interest in arrears
    client.force_login(officer)
    _pay(client, contract, amount="1000")
    client.force_login(manager)
    client.cookies["django_language"] = "en"

    # when
    html = client.get(reverse("loans:contract", args=[contract.pk])).content.decode()

    # then
    for english in ("Refund interest", "Interest rate", "collected first at the next payment",
                    "Keep the installment (the principal part changes)"):  # fmt: skip
        assert english in html
    for thai in ("คืนดอกเบี้ยที่รับไว้เกิน", "เก็บก่อนในการรับชำระครั้งถัดไป", "คงค่างวดเดิม"):
        assert thai not in html
