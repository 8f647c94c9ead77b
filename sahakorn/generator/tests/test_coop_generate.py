import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from sahakorn.core.thai import national_id_is_valid
from sahakorn.generator.coop import GeneratorError, coop_generate
from sahakorn.ledger.models import EntrySource, JournalEntry, JournalLine
from sahakorn.members.models import Member, MemberStatus, MemberStatusChange, Unit

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _snapshot() -> dict:
    """The generated coop by natural keys (database ids differ between runs)."""
    return {
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "path")),
        "members": list(
            Member.objects.order_by("number").values_list(
                "number",
                "title",
                "first_name",
                "last_name",
                "national_id",
                "birth_date",
                "joined_on",
                "member_type",
                "unit__code",
                "salary",
                "phone",
                "status",
                "status_since",
                "bank_account_no",
            )
        ),  # fmt: skip
        "entries": list(
            JournalLine.objects.order_by(
                "entry__fiscal_year__year_be", "entry__voucher_no", "id"
            ).values_list(
                "entry__fiscal_year__year_be",
                "entry__voucher_no",
                "entry__date",
                "account__code",
                "member__number",
                "debit",
                "credit",
            )
        ),  # fmt: skip
    }


def _generate_and_roll_back(**kwargs) -> dict:
    try:
        with transaction.atomic():
            coop_generate(**kwargs)
            snap = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Member.objects.exists()
    return snap


def test_same_seed_gives_the_same_coop_and_another_seed_another():
    # when
    first = _generate_and_roll_back(members=300, years=3, seed=42, as_of=AS_OF)
    second = _generate_and_roll_back(members=300, years=3, seed=42, as_of=AS_OF)
    other = _generate_and_roll_back(members=300, years=3, seed=43, as_of=AS_OF)

    # then
    assert len(first["members"]) == 300
    assert first == second
    assert first["members"] != other["members"]


def test_generated_coop_is_realistic_and_its_ledger_matches_what_it_created():
    # when
    coop = coop_generate(members=1000, years=3, seed=7, as_of=AS_OF)

    # then: the history starts at the fiscal year three years back (January start)
    assert coop.history_start == dt.date(2024, 1, 1)
    members = Member.objects.all()
    assert members.count() == 1000
    assert all(national_id_is_valid(n) for n in members.values_list("national_id", flat=True))
    assert members.filter(joined_on__gt=AS_OF).count() == 0
    left = members.exclude(status=MemberStatus.ACTIVE)
    assert 40 <= left.count() <= 200  # some resigned, deceased and expelled members
    assert set(left.values_list("status", flat=True)) >= {MemberStatus.RESIGNED, MemberStatus.DECEASED}
    assert all(m.status_since >= m.joined_on for m in left)
    # each member has a joining status row, and leavers a second one
    assert MemberStatusChange.objects.count() == 1000 + left.count()
    # every member joined on or after the history start paid a 100-baht entrance fee, posted to 42050
    joined_inside = members.filter(joined_on__gte=coop.history_start).count()
    fees = JournalLine.objects.filter(account__code="42050").aggregate(cr=Sum("credit"), dr=Sum("debit"))
    assert fees["cr"] == D("100.00") * joined_inside
    assert JournalEntry.objects.filter(source=EntrySource.MEMBERS).count() == joined_inside
    cash = JournalLine.objects.filter(account__code="11110", entry__source=EntrySource.MEMBERS).aggregate(
        dr=Sum("debit")
    )["dr"]
    assert cash == fees["cr"]
    call_command("ledger", "check")


def test_generate_refuses_a_database_that_already_has_members():
    coop_generate(members=20, years=1, seed=1, as_of=AS_OF)
    with pytest.raises(GeneratorError):
        coop_generate(members=20, years=1, seed=1, as_of=AS_OF)
