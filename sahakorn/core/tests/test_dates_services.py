"""Every service that records a counter movement or a dated member fact refuses a date after today,
and writes nothing (issue 11: a movement dated ahead froze the record it was on).

One row per service: ``setup`` builds what the service needs with dates in the past and returns the
call, given only the date. Month-end work received inside a caller's voucher (a payroll receipt)
may be dated up to ``CoopProfile.month_end_days_ahead`` days ahead (``core.dates.latest_batch_date``):
those rows are called with the day after that allowance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from sahakorn.core.dates import M_BATCH_FUTURE, M_FUTURE, latest_batch_date, month_end_days_ahead, today
from sahakorn.core.errors import ServiceError
from sahakorn.core.months import month_start
from sahakorn.core.thai import format_be_date
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

PAST = dt.date(2025, 3, 1)
APPS = ("members", "deposits", "shares", "loans", "welfare", "funeral", "ledger")

Call = Callable[[dt.date], Any]


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # the movement's name in the refusal (``core.dates``' ``what``)
    field: str  # the form field the message goes beside
    setup: Callable[[Any, Any], Call]  # (officer, manager) -> the call, given the date
    batch: bool = False  # month-end work: refused only after the coop's allowance


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


# ======== Deposits ========


def _savings():
    from sahakorn.deposits.models import DepositProduct

    return DepositProduct.objects.get(code="10")


def _deposit_account(amount: str = "5000"):
    from sahakorn.deposits.tests.factories import account_open

    return account_open(product=_savings(), amount=amount, on=PAST)


def _deposit_open(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_account_open

    member = MemberFactory()
    return lambda on: deposit_account_open(member=member, product=_savings(), opened_on=on,
                                           initial_amount=D("100.00"), channel="cash", by=officer)  # fmt: skip


def _deposit_reactivate(officer, manager) -> Call:
    from sahakorn.deposits.models import AccountStatus, DepositAccount
    from sahakorn.deposits.services import deposit_account_reactivate

    account = _deposit_account()
    # as the dormancy run leaves it
    DepositAccount.objects.filter(pk=account.pk).update(status=AccountStatus.DORMANT)
    return lambda on: deposit_account_reactivate(account=account, on=on, by=officer, reason="มาติดต่อ")


def _deposit_close(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_account_close

    account = _deposit_account()
    return lambda on: deposit_account_close(account=account, on=on, channel="cash", by=officer)


def _deposit_make(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_make

    account = _deposit_account()
    return lambda on: deposit_make(account=account, amount=D("500.00"), on=on, channel="cash", by=officer)


def _deposit_withdraw(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_withdraw

    account = _deposit_account()
    return lambda on: deposit_withdraw(account=account, amount=D("500.00"), on=on, channel="cash", by=officer)


def _deposit_transfer(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_account_open, deposit_transfer

    source = _deposit_account()
    target = deposit_account_open(member=source.member, product=_savings(), opened_on=PAST,
                                  initial_amount=D("100.00"), by=officer)  # fmt: skip
    return lambda on: deposit_transfer(from_account=source, to_account=target, amount=D("500.00"), on=on,
                                       by=officer)  # fmt: skip


def _deposit_credit_internal(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_credit_internal

    account = _deposit_account()
    return lambda on: deposit_credit_internal(account=account, amount=D("500.00"), on=on, debit_role="cash",
                                              description="เงินปันผล", by=officer)  # fmt: skip


def _deposit_hold_place(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_hold_place

    account = _deposit_account()
    return lambda on: deposit_hold_place(account=account, amount=D("500.00"), reason="ค้ำเงินกู้", on=on,
                                         by=officer)  # fmt: skip


def _deposit_hold_release(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_hold_place, deposit_hold_release

    hold = deposit_hold_place(account=_deposit_account(), amount=D("500.00"), reason="ค้ำเงินกู้", on=PAST,
                              by=officer)  # fmt: skip
    return lambda on: deposit_hold_release(hold=hold, on=on, by=officer)


def _deposit_reverse(officer, manager) -> Call:
    from sahakorn.deposits.services import deposit_make, deposit_transaction_reverse

    account = _deposit_account()
    row = deposit_make(account=account, amount=D("500.00"), on=PAST, channel="cash", by=officer)
    return lambda on: deposit_transaction_reverse(transaction=row, on=on, reason="บันทึกผิด", by=officer)


# ======== Shares ========


def _holder(shares: int = 100):
    from sahakorn.shares.tests.factories import member_with_shares

    return member_with_shares(shares, on=PAST)


def _share_account_open(officer, manager) -> Call:
    from sahakorn.shares.services import share_account_open

    member = MemberFactory()
    return lambda on: share_account_open(member=member, opened_on=on, by=officer)


def _share_initial(officer, manager) -> Call:
    from sahakorn.shares.services import share_initial_purchase

    member = MemberFactory()
    return lambda on: share_initial_purchase(member=member, shares=50, on=on, channel="counter", by=officer)


def _share_extra(officer, manager) -> Call:
    from sahakorn.shares.services import share_extra_purchase

    member = _holder()
    return lambda on: share_extra_purchase(member=member, shares=10, on=on, channel="counter", by=officer)


def _share_withdrawal_request(officer, manager) -> Call:
    from sahakorn.members.services import member_status_change
    from sahakorn.shares.models import RequestKind
    from sahakorn.shares.services import share_request_create

    member = member_status_change(member=_holder(), to_status="resigned", effective_on=PAST, reason="ลาออก",
                                  by=manager)  # fmt: skip
    return lambda on: share_request_create(kind=RequestKind.WITHDRAWAL, member=member, by=officer,
                                           effective_on=on, reason="ลาออก")  # fmt: skip


def _share_transfer_request(officer, manager) -> Call:
    from sahakorn.members.services import member_status_change
    from sahakorn.shares.models import RequestKind
    from sahakorn.shares.services import share_request_create

    member = member_status_change(member=_holder(), to_status="deceased", effective_on=PAST,
                                  reason="ถึงแก่กรรม", by=manager)  # fmt: skip
    heir = _holder()
    return lambda on: share_request_create(kind=RequestKind.TRANSFER, member=member, to_member=heir,
                                           by=officer, effective_on=on, reason="โอนให้ทายาท")  # fmt: skip


def _share_refund(officer, manager) -> Call:
    from sahakorn.shares.services import share_refund_pay

    member = _holder()
    return lambda on: share_refund_pay(member=member, on=on, channel="counter", by=officer)


def _share_reverse(officer, manager) -> Call:
    from sahakorn.shares.models import ShareTransaction
    from sahakorn.shares.services import share_transaction_reverse

    row = ShareTransaction.objects.get(account__member=_holder())
    return lambda on: share_transaction_reverse(transaction=row, on=on, reason="บันทึกผิด", by=officer)


def _share_monthly(officer, manager) -> Call:
    from sahakorn.shares.services import share_monthly_contribution_record

    member = _holder()
    return lambda on: share_monthly_contribution_record(member=member, period=month_start(today()), on=on,
                                                        by=officer)  # fmt: skip


def _share_monthly_receipt(officer, manager) -> Call:
    from sahakorn.ledger.models import EntrySource
    from sahakorn.ledger.services import Line, voucher_post
    from sahakorn.shares.services import monthly_contribution_credit_lines, share_monthly_receipt_record

    member, period, amount = _holder(), month_start(today()), D("1000.00")
    # the caller's payroll voucher, posted today
    entry = voucher_post(source=EntrySource.SHARES, on=today(), description="หักเงินเดือน", by=officer,
                         lines=[Line("bank", debit=amount),
                                *monthly_contribution_credit_lines(member=member, amount=amount, period=period)])  # fmt: skip
    return lambda on: share_monthly_receipt_record(member=member, period=period, amount=amount, on=on,
                                                   entry=entry, by=officer)  # fmt: skip


# ======== Loans ========


def _contract(**kwargs):
    from sahakorn.loans.tests.factories import contract_create

    return contract_create(**{"disbursed_on": PAST, **kwargs})


def _loan_application(officer, manager) -> Call:
    from sahakorn.loans.models import LoanProduct
    from sahakorn.loans.services import loan_application_create

    member, product = _holder(1500), LoanProduct.objects.get(code="20")
    return lambda on: loan_application_create(member=member, product=product, amount=D("10000.00"),
                                              installments=12, guarantors=[], applied_on=on, by=officer)  # fmt: skip


def _loan_disburse(officer, manager) -> Call:
    from sahakorn.loans.models import ApplicationStatus, LoanApplication, LoanProduct
    from sahakorn.loans.services import loan_disburse

    application = LoanApplication.objects.create(
        member=_holder(1500), product=LoanProduct.objects.get(code="20"), amount=D("10000.00"), installments=12,
        applied_on=PAST, status=ApplicationStatus.APPROVED, requested_by=officer,
    )  # fmt: skip
    return lambda on: loan_disburse(application=application, on=on, channel="cash",
                                    first_due=on + dt.timedelta(days=30), by=officer)  # fmt: skip


def _guarantor_replace(officer, manager) -> Call:
    from sahakorn.loans.models import Guarantee
    from sahakorn.loans.services import guarantor_replace

    contract, old, new = _contract(), _holder(), _holder()
    Guarantee.objects.create(
        application=contract.application, contract=contract, guarantor=old, started_on=PAST
    )
    return lambda on: guarantor_replace(contract=contract, old=old, new=new, on=on, by=officer)


def _loan_payment(officer, manager) -> Call:
    from sahakorn.loans.payments import loan_payment_record

    contract = _contract()
    return lambda on: loan_payment_record(
        contract=contract, amount=D("5000.00"), on=on, channel="cash", by=officer
    )


def _loan_prepay(officer, manager) -> Call:
    from sahakorn.loans.payments import loan_prepay

    contract = _contract()
    return lambda on: loan_prepay(contract=contract, amount=D("30000.00"), on=on, channel="cash", by=officer)


def _loan_payoff(officer, manager) -> Call:
    from sahakorn.loans.payments import loan_payoff

    contract = _contract()
    return lambda on: loan_payoff(contract=contract, on=on, channel="cash", by=officer)


def _loan_interest_refund(officer, manager) -> Call:
    from sahakorn.loans.payments import loan_interest_refund, loan_payment_record

    contract = _contract()
    loan_payment_record(contract=contract, amount=D("5000.00"), on=PAST + dt.timedelta(days=31), channel="cash",
                        by=officer)  # fmt: skip
    return lambda on: loan_interest_refund(contract=contract, amount=D("10.00"), on=on, channel="cash",
                                           reason="คิดเกิน", by=officer)  # fmt: skip


def _loan_reverse(officer, manager) -> Call:
    from sahakorn.loans.payments import loan_payment_record, loan_transaction_reverse

    contract = _contract()
    row = loan_payment_record(contract=contract, amount=D("5000.00"), on=PAST + dt.timedelta(days=31),
                              channel="cash", by=officer)  # fmt: skip
    return lambda on: loan_transaction_reverse(transaction_row=row, on=on, reason="โอนไม่ผ่าน", by=officer)


def _loan_leaver_settlement(officer, manager) -> Call:
    from sahakorn.loans.debts import loan_member_debts

    contract = _contract()

    def call(on: dt.date) -> Any:
        (debt,) = loan_member_debts(member=contract.member, on=on)  # the member left on ``on``
        return debt.credit_lines(debt.amount)

    return call


def _loan_settlements_reverse(officer, manager) -> Call:
    from sahakorn.loans.debts import loan_settlements_reverse
    from sahakorn.loans.models import LoanTransaction

    entry = LoanTransaction.objects.get(contract=_contract()).journal_entry
    # refused before either voucher is read
    return lambda on: loan_settlements_reverse(entry=entry, reversal_entry=entry, on=on, reason="กลับรายการถอนหุ้น",
                                               by=officer)  # fmt: skip


def _loan_payroll_demand(officer, manager) -> Call:
    from sahakorn.loans.debts import loan_monthly_demands

    # the first installment falls the day after the month-end allowance: its receipt is dated then
    due = latest_batch_date() + dt.timedelta(days=1)
    contract = _contract(disbursed_on=today() - dt.timedelta(days=10), first_due=due)

    def call(on: dt.date) -> Any:
        assert on == due
        (demand,) = loan_monthly_demands(member=contract.member, period=due)
        return demand.credit_lines(demand.amount)

    return call


# ======== Members ========


def _member_create(officer, manager) -> Call:
    from sahakorn.members.services import member_create
    from sahakorn.members.tests.factories import UnitFactory, valid_national_id

    unit = UnitFactory()
    return lambda on: member_create(by=officer, title="นาง", first_name="สมศรี", last_name="ใจดี",
                                    national_id=valid_national_id(424242), birth_date=dt.date(1990, 1, 1),
                                    joined_on=on, unit=unit, salary=D("20000.00"))  # fmt: skip


def _member_update(officer, manager) -> Call:
    from sahakorn.members.services import member_update

    member = MemberFactory()
    return lambda on: member_update(member=member, by=officer, joined_on=on)


def _member_status(officer, manager) -> Call:
    from sahakorn.members.services import member_status_change

    member = MemberFactory()
    return lambda on: member_status_change(member=member, to_status="resigned", effective_on=on, reason="ลาออก",
                                           by=manager)  # fmt: skip


# ======== Welfare ========


def _hospital():
    from sahakorn.welfare.models import WelfareScheme

    return WelfareScheme.objects.get(code="WF-HOSP")


def _welfare_apply(officer, manager) -> Call:
    from sahakorn.welfare.services import welfare_claim_apply

    member = MemberFactory()
    return lambda on: welfare_claim_apply(scheme=_hospital(), member=member, event_date=PAST, days=2,
                                          applied_on=on, by=officer)  # fmt: skip


def _welfare_pay(officer, manager) -> Call:
    from sahakorn.welfare.services import welfare_claim_apply, welfare_claim_approve, welfare_claim_pay

    claim = welfare_claim_apply(scheme=_hospital(), member=MemberFactory(), event_date=PAST, days=2,
                                applied_on=PAST, by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)
    return lambda on: welfare_claim_pay(claim=claim, method="bank", on=on, by=manager)


def _welfare_reverse(officer, manager) -> Call:
    from sahakorn.welfare.services import welfare_claim_reverse
    from sahakorn.welfare.tests.factories import claim_paid

    claim = claim_paid(scheme=_hospital(), member=MemberFactory(), maker=officer, checker=manager, event_date=PAST,
                       days=2)  # fmt: skip
    return lambda on: welfare_claim_reverse(claim=claim, on=on, reason="จ่ายผิด", by=manager)


# ======== Funeral ========


def _enrolled():
    from sahakorn.funeral.tests.factories import enrolled

    return enrolled(joined_on=PAST)


def _death_claim(officer, *, approved_by=None):
    from sahakorn.funeral.services import death_claim_approve, death_claim_create

    claim = death_claim_create(membership=_enrolled(), death_date=PAST + dt.timedelta(days=30),
                               reported_on=PAST + dt.timedelta(days=31), by=officer)  # fmt: skip
    if approved_by is not None:
        death_claim_approve(claim=claim, by=approved_by, on=PAST + dt.timedelta(days=32))
    return claim


def _funeral_enrol(officer, manager) -> Call:
    from sahakorn.funeral.services import funeral_membership_enrol
    from sahakorn.funeral.tests.factories import ONE_HEIR

    member = MemberFactory()
    return lambda on: funeral_membership_enrol(
        member=member, joined_on=on, beneficiaries=ONE_HEIR, by=officer
    )


def _funeral_end(officer, manager) -> Call:
    from sahakorn.funeral.models import EndReason
    from sahakorn.funeral.services import funeral_membership_end

    membership = _enrolled()
    return lambda on: funeral_membership_end(membership=membership, on=on, reason=EndReason.RESIGNATION,
                                             by=officer)  # fmt: skip


def _funeral_levy(officer, manager) -> Call:
    from sahakorn.funeral.models import LevyKind
    from sahakorn.funeral.services import funeral_levy_create

    _enrolled()
    return lambda on: funeral_levy_create(kind=LevyKind.ANNUAL, levied_on=on, by=officer)


def _funeral_collect(officer, manager) -> Call:
    from sahakorn.funeral.models import FuneralLevy
    from sahakorn.funeral.services import funeral_dues_collect

    _enrolled()
    levy = FuneralLevy.objects.get(claim=_death_claim(officer, approved_by=manager))
    return lambda on: funeral_dues_collect(levy=levy, on=on, channel="counter", by=officer)


def _funeral_dues_settle(officer, manager) -> Call:
    from sahakorn.funeral.models import FuneralDue
    from sahakorn.funeral.services import SOURCE, funeral_dues_credit_lines, funeral_dues_settle
    from sahakorn.ledger.services import Line, voucher_post

    _enrolled()
    _death_claim(officer, approved_by=manager)
    due = FuneralDue.objects.select_related("levy", "membership").get()
    # the caller's payroll voucher, posted today
    entry = voucher_post(source=SOURCE, on=today(), description="หักเงินเดือน", by=officer,
                         lines=[Line("bank", debit=due.amount), *funeral_dues_credit_lines(dues=[due], amount=due.amount)])  # fmt: skip
    return lambda on: funeral_dues_settle(dues=[due], amount=due.amount, on=on, entry=entry, by=officer)


def _death_reported(officer, manager) -> Call:
    from sahakorn.funeral.services import death_claim_create

    membership = _enrolled()
    return lambda on: death_claim_create(membership=membership, death_date=PAST + dt.timedelta(days=30),
                                         reported_on=on, by=officer)  # fmt: skip


def _death_date(officer, manager) -> Call:
    from sahakorn.funeral.services import death_claim_create

    membership = _enrolled()
    return lambda on: death_claim_create(
        membership=membership, death_date=on, reported_on=today(), by=officer
    )


def _death_approve(officer, manager) -> Call:
    from sahakorn.funeral.services import death_claim_approve

    claim = _death_claim(officer)
    return lambda on: death_claim_approve(claim=claim, by=manager, on=on)


def _death_pay(officer, manager) -> Call:
    from sahakorn.funeral.services import death_claim_pay

    claim = _death_claim(officer, approved_by=manager)
    return lambda on: death_claim_pay(claim=claim, on=on, method="bank", by=manager)


def _funeral_remit(officer, manager) -> Call:
    from sahakorn.funeral.services import funeral_remittance_record

    _enrolled()  # its 50.00 entrance fee is held for the association
    return lambda on: funeral_remittance_record(amount=D("50.00"), on=on, by=officer)


CASES = [
    Case("deposit_account_open", "การเปิดบัญชีเงินฝาก", "opened_on", _deposit_open),
    Case("deposit_account_reactivate", "การเปิดใช้บัญชี", "on", _deposit_reactivate),
    Case("deposit_account_close", "การปิดบัญชี", "on", _deposit_close),
    Case("deposit_make", "รายการฝากเงิน", "on", _deposit_make),
    Case("deposit_withdraw", "รายการถอนเงิน", "on", _deposit_withdraw),
    Case("deposit_transfer", "รายการโอนเงิน", "on", _deposit_transfer),
    Case("deposit_credit_internal", "รายการเงินโอนเข้าบัญชีเงินฝาก", "on", _deposit_credit_internal),
    Case("deposit_hold_place", "การอายัดเงินฝาก", "on", _deposit_hold_place),
    Case("deposit_hold_release", "การถอนอายัด", "on", _deposit_hold_release),
    Case("deposit_transaction_reverse", "การกลับรายการ", "on", _deposit_reverse),
    Case("share_account_open", "การเปิดบัญชีหุ้น", "opened_on", _share_account_open),
    Case("share_initial_purchase", "การซื้อหุ้นแรกเข้า", "on", _share_initial),
    Case("share_extra_purchase", "การซื้อหุ้นเพิ่ม", "on", _share_extra),
    Case(
        "share_request_create withdrawal", "คำขอถอนหุ้น (พ้นสมาชิกภาพ)", "effective_on", _share_withdrawal_request
    ),
    Case("share_request_create transfer", "คำขอโอนหุ้น", "effective_on", _share_transfer_request),
    Case("share_refund_pay", "การจ่ายคืนค่าหุ้น", "on", _share_refund),
    Case("share_transaction_reverse", "การกลับรายการ", "on", _share_reverse),
    Case("share_monthly_contribution_record", "การบันทึกหุ้นรายเดือน", "on", _share_monthly, batch=True),
    Case("share_monthly_receipt_record", "การรับชำระหุ้นรายเดือน", "on", _share_monthly_receipt, batch=True),
    Case("loan_application_create", "คำขอกู้", "applied_on", _loan_application),
    Case("loan_disburse", "การจ่ายเงินกู้", "on", _loan_disburse),
    Case("guarantor_replace", "การเปลี่ยนผู้ค้ำ", "on", _guarantor_replace),
    Case("loan_payment_record", "การรับชำระเงินกู้", "on", _loan_payment),
    Case("loan_prepay", "การรับชำระเงินกู้", "on", _loan_prepay),
    Case("loan_payoff", "การปิดบัญชีเงินกู้", "on", _loan_payoff),
    Case("loan_interest_refund", "การคืนดอกเบี้ย", "on", _loan_interest_refund),
    Case("loan_transaction_reverse", "การกลับรายการ", "on", _loan_reverse),
    Case("loan leaver's settlement from shares", "การรับชำระเงินกู้", "on", _loan_leaver_settlement),
    Case("loan_settlements_reverse", "การกลับรายการหักชำระหนี้จากหุ้น", "on", _loan_settlements_reverse),
    Case("loan payroll demand", "การหักเงินเดือนชำระค่างวด", "on", _loan_payroll_demand, batch=True),
    Case("member_create", "การรับสมาชิก", "joined_on", _member_create),
    Case("member_update", "การรับสมาชิก", "joined_on", _member_update),
    Case("member_status_change", "การเปลี่ยนสถานะสมาชิก", "effective_on", _member_status),
    Case("welfare_claim_apply", "คำขอรับสวัสดิการ", "applied_on", _welfare_apply),
    Case("welfare_claim_pay", "การจ่ายเงินสวัสดิการ", "on", _welfare_pay),
    Case("welfare_claim_reverse", "การกลับรายการ", "on", _welfare_reverse),
    Case("funeral_membership_enrol", "การสมัครสมาชิกสมาคม", "joined_on", _funeral_enrol),
    Case("funeral_membership_end", "การสิ้นสภาพสมาชิกสมาคม", "on", _funeral_end),
    Case("funeral_levy_create", "การเรียกเก็บเงินสงเคราะห์", "levied_on", _funeral_levy),
    Case("funeral_dues_collect", "การรับเงินสงเคราะห์", "on", _funeral_collect),
    Case("funeral_dues_settle", "การรับเงินสงเคราะห์", "on", _funeral_dues_settle, batch=True),
    Case("death_claim_create reported_on", "การแจ้งถึงแก่กรรม", "reported_on", _death_reported),
    Case("death_claim_create death_date", "การถึงแก่กรรม", "death_date", _death_date),
    Case("death_claim_approve", "การอนุมัติ", "on", _death_approve),
    Case("death_claim_pay", "การจ่ายเงินสงเคราะห์ศพ", "on", _death_pay),
    Case("funeral_remittance_record", "การนำส่งเงินให้สมาคม", "on", _funeral_remit),
]


def _expected(case: Case, on: dt.date) -> str:
    if case.batch:
        return gettext(M_BATCH_FUTURE) % {
            "what": case.what,
            "on": format_be_date(on),
            "days": month_end_days_ahead(),
            "latest": format_be_date(latest_batch_date()),
        }
    return gettext(M_FUTURE) % {"what": case.what, "on": format_be_date(on), "today": format_be_date(today())}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_service_refuses_a_date_ahead_and_writes_nothing(case, officer, manager):
    # given: what the service needs, dated in the past
    call = case.setup(officer, manager)
    on = latest_batch_date() + dt.timedelta(days=1) if case.batch else today() + dt.timedelta(days=1)
    before = _row_counts()

    # when
    with pytest.raises((ServiceError, ValidationError)) as refused:
        call(on)

    # then: the policy's message beside the date's field, and not a row more or less anywhere
    error = refused.value
    by_field = (
        {name: messages[0] for name, messages in error.message_dict.items()}
        if isinstance(error, ValidationError)
        else error.errors
    )
    assert by_field.get(case.field) == _expected(case, on)
    assert _row_counts() == before
