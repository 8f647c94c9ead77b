import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from sahakorn.generator.coop import STEPS, coop_generate
from sahakorn.ledger.models import JournalLine
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.batch import monthly_contributions_run
from sahakorn.shares.models import MonthlyRun, ShareAccount, ShareTransaction, TransactionKind

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _gl(role_code: str) -> D:
    """Credit minus debit of an account, by code (share capital 31000, refund payable 21600)."""
    sums = JournalLine.objects.filter(account__code=role_code).aggregate(dr=Sum("debit"), cr=Sum("credit"))
    return (sums["cr"] or D(0)) - (sums["dr"] or D(0))


@pytest.fixture
def coop():
    return coop_generate(members=400, years=3, seed=11, as_of=AS_OF)


def test_shares_step_comes_after_the_members_and_their_ledger():
    names = [name for name, _ in STEPS]
    assert names.index("shares") > names.index("members_ledger") > names.index("members")


def test_cached_balances_equal_the_sum_of_each_accounts_transactions(coop):
    # then
    assert ShareAccount.objects.count() == 400
    off = ShareAccount.objects.annotate(s=Sum("transactions__shares"), a=Sum("transactions__amount")).filter(
        ~Q(s=F("balance_shares")) | ~Q(a=F("balance_amount"))
    )
    assert not off.exists()
    # leavers hold nothing: their shares moved to pending refund
    left = ShareAccount.objects.exclude(member__status=MemberStatus.ACTIVE)
    assert left.exists() and not left.exclude(balance_shares=0).exists()
    assert left.count() == ShareTransaction.objects.filter(kind=TransactionKind.WITHDRAWAL).count()


def test_ledger_control_accounts_equal_the_share_sub_ledger(coop):
    # then: share capital in the GL is the sum of every share transaction
    total = ShareTransaction.objects.aggregate(a=Sum("amount"))["a"]
    assert total > 0 and _gl("31000") == total
    # and the refund payable is what was withdrawn minus what was paid back
    withdrawn = -ShareTransaction.objects.filter(kind=TransactionKind.WITHDRAWAL).aggregate(a=Sum("amount"))[
        "a"
    ]
    refunded = JournalLine.objects.filter(account__code="21600", debit__gt=0).aggregate(d=Sum("debit"))["d"]
    assert 0 < refunded < withdrawn
    assert _gl("21600") == withdrawn - refunded
    # every refund-payable line names its member
    assert not JournalLine.objects.filter(account__code="21600", member__isnull=True).exists()
    out = StringIO()
    call_command("shares", "check", stdout=out)
    call_command("ledger", "check", stdout=out)
    assert "shares check OK" in out.getvalue() and "ledger check OK" in out.getvalue()


def test_history_is_realistic(coop):
    # then: every month up to the one before as_of has a run record and one summary voucher
    runs = MonthlyRun.objects.order_by("period")
    assert runs.first().period == dt.date(2024, 1, 1) and runs.last().period == dt.date(2026, 10, 1)
    assert runs.count() == 34
    for run in runs[:3]:
        monthly = ShareTransaction.objects.filter(kind=TransactionKind.MONTHLY, period=run.period)
        assert monthly.count() == run.members
        assert monthly.aggregate(a=Sum("amount"))["a"] == run.amount
        assert set(monthly.values_list("journal_entry_id", flat=True)) == {run.journal_entry_id}
    kinds = dict(ShareTransaction.objects.values_list("kind").annotate(n=Count("id")))
    joined_before = Member.objects.filter(joined_on__lt=coop.history_start).count()
    assert kinds[TransactionKind.OPENING] == joined_before
    assert kinds[TransactionKind.INITIAL] == 400 - joined_before
    assert kinds[TransactionKind.EXTRA] > 0
    # nobody pays after leaving, and monthly shares follow the salary table (at least the minimum of 20)
    for account in ShareAccount.objects.exclude(member__status=MemberStatus.ACTIVE).select_related("member"):
        assert not account.transactions.filter(date__gt=account.member.status_since).exists()
    assert not ShareAccount.objects.filter(monthly_shares__lt=20).exists()
    # some members are in arrears: fewer monthly rows than months of membership
    active = ShareAccount.objects.filter(
        member__status=MemberStatus.ACTIVE, member__joined_on__lt=coop.history_start
    )
    assert (
        active.annotate(n=Count("transactions", filter=Q(transactions__kind="monthly")))
        .filter(n__lt=34)
        .exists()
    )


def test_the_monthly_batch_takes_over_after_the_generated_history(coop):
    # when: the first month after the history
    run = monthly_contributions_run(period=dt.date(2026, 11, 1), posted_on=dt.date(2026, 11, 30))

    # then: it posts about as many members as the month before, and a month of the history is not reposted
    previous = MonthlyRun.objects.get(period=dt.date(2026, 10, 1))
    assert abs(run.members - previous.members) <= previous.members * 0.1
    again = monthly_contributions_run(period=dt.date(2026, 10, 1), posted_on=dt.date(2026, 10, 31))
    assert again.pk == previous.pk
    call_command("shares", "check", stdout=StringIO())


def _share_snapshot() -> dict:
    return {
        "transactions": list(
            ShareTransaction.objects.order_by("account__member__number", "date", "kind", "id").values_list(
                "account__member__number", "date", "kind", "channel", "period", "shares", "amount",
                "journal_entry__fiscal_year__year_be", "journal_entry__voucher_no",
            )
        ),
        "accounts": list(
            ShareAccount.objects.order_by("member__number").values_list(
                "member__number", "opened_on", "monthly_shares", "balance_shares", "balance_amount",
                "suspension", "suspended_from",
            )
        ),
    }  # fmt: skip


def _generate_and_roll_back(**kwargs) -> dict:
    try:
        with transaction.atomic():
            coop_generate(**kwargs)
            snap = _share_snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snap


def test_share_history_is_deterministic():
    # when
    first = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    second = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    other = _generate_and_roll_back(members=150, years=2, seed=6, as_of=AS_OF)

    # then
    assert len(first["transactions"]) > 150 * 12
    assert first == second
    assert first["transactions"] != other["transactions"]


def test_bench_shares_runs_on_a_tiny_coop_and_leaves_the_data_unchanged():
    # when: the bench generates a coop into the empty database, then times everything
    out = StringIO()
    call_command("bench", "shares", "--members", "60", "--years", "1", "--naive-cap", "10", stdout=out)

    # then
    text = out.getvalue()
    for operation in ("share_register_rows()", "monthly_contribution_summary()", "monthly_contributions_run()",
                      "naive per-member service", "one SQL GROUP BY"):  # fmt: skip
        assert operation in text
    assert f"unchanged after the bench: share transactions {ShareTransaction.objects.count():,}" in text
    # the batch's month (the generated coop's current month) was rolled back
    assert not MonthlyRun.objects.filter(period__gte=timezone.localdate().replace(day=1)).exists()
