"""``sahakorn welfare check``: paid minus reversed claims per fund equal the GL's welfare debits."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.welfare.models import PaymentMethod
from sahakorn.welfare.reconcile import welfare_reconcile
from sahakorn.welfare.services import welfare_claim_reverse
from sahakorn.welfare.tests.factories import claim_paid

pytestmark = pytest.mark.django_db


def test_paid_claims_minus_reversals_equal_the_fund_debits_and_appropriations_stay_out(
    scholarship, birth, pension, officer, manager
):
    # given: the funds were appropriated from profit (not welfare vouchers), then three claims paid, one reversed
    journal_entry_record(date=dt.date(2026, 1, 5), description="จัดสรรกำไรเข้าทุน", lines=[
        Line("net_profit", debit=D("80000.00")), Line("welfare_fund", credit=D("50000.00")),
        Line("scholarship_fund", credit=D("30000.00"))])  # fmt: skip
    member = MemberFactory(birth_date=dt.date(1960, 1, 1))
    claim_paid(scheme=scholarship, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก ก", level="bachelor")  # fmt: skip
    claim_paid(scheme=birth, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก ข", method=PaymentMethod.CASH)  # fmt: skip
    pension_claim = claim_paid(scheme=pension, member=member, maker=officer, checker=manager,
                               event_date=dt.date(2026, 6, 1))  # fmt: skip
    welfare_claim_reverse(claim=pension_claim, on=dt.date(2026, 6, 20), reason="จ่ายผิดคน", by=manager)

    # when
    result = welfare_reconcile()

    # then
    welfare, scholarship_fund = result.funds
    assert (welfare.paid, welfare.reversed, welfare.net, welfare.ledger) == (
        D("3200.00"), D("1200.00"), D("2000.00"), D("2000.00"))  # fmt: skip
    assert (scholarship_fund.net, scholarship_fund.ledger) == (D("3000.00"), D("3000.00"))
    assert result.ok
    # as of the day before the reversal, the pension is still paid out
    before = welfare_reconcile(as_of=dt.date(2026, 6, 19))
    assert (before.funds[0].net, before.funds[0].ledger) == (D("3200.00"), D("3200.00"))
    out = StringIO()
    call_command("welfare", "check", stdout=out)
    assert "welfare check OK" in out.getvalue()
    assert "ทุนสวัสดิการสมาชิก: สุทธิตามทะเบียนสวัสดิการ" in out.getvalue()


def test_a_welfare_voucher_without_its_claim_fails_the_check(birth, officer, manager):
    # given: a claim paid, and a welfare voucher posted by hand with no claim behind it
    claim_paid(scheme=birth, member=MemberFactory(), maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก")  # fmt: skip
    journal_entry_record(date=dt.date(2026, 6, 2), description="จ่ายสวัสดิการ (ไม่มีคำขอ)", source=EntrySource.WELFARE,
                         lines=[Line("welfare_fund", debit=D("500.00")), Line("cash", credit=D("500.00"))])  # fmt: skip

    # when
    result = welfare_reconcile()

    # then
    assert not result.ok
    assert (result.funds[0].net, result.funds[0].ledger) == (D("2000.00"), D("2500.00"))
    err = StringIO()
    with pytest.raises(CommandError, match="welfare check FAILED"):
        call_command("welfare", "check", stdout=StringIO(), stderr=err)
