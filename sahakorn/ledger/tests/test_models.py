"""The database refuses what the services refuse, whatever code path tries it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sahakorn.ledger.models import Account, EntryStatus, JournalEntry, JournalLine
from sahakorn.ledger.services import EntrySpec, Line, journal_entries_post_bulk
from sahakorn.ledger.tests.factories import draft_create, voucher_record


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


@pytest.fixture
def posted(accountant):
    return voucher_record(dt.date(2026, 3, 1), "250.00")


def test_posted_entry_cannot_be_updated_or_deleted(posted):
    # when / then
    assert _refused(lambda: JournalEntry.objects.filter(pk=posted.pk).update(description="แก้ไข"))
    assert _refused(lambda: JournalEntry.objects.filter(pk=posted.pk).update(status=EntryStatus.DRAFT))
    assert _refused(lambda: JournalEntry.objects.filter(pk=posted.pk).delete())
    posted.refresh_from_db()
    assert posted.description == "รับชำระค่าหุ้น" and posted.status == EntryStatus.POSTED


def test_lines_of_a_posted_entry_cannot_be_updated_deleted_or_added(posted):
    # given
    line = posted.lines.first()
    cash = Account.objects.get(code="11110")

    # when / then
    assert _refused(lambda: JournalLine.objects.filter(pk=line.pk).update(debit=D("1.00")))
    assert _refused(lambda: JournalLine.objects.filter(pk=line.pk).delete())
    assert _refused(lambda: JournalLine.objects.create(entry=posted, account=cash, debit=D("1.00")))
    assert list(posted.lines.values_list("debit", "credit")) == [
        (D("250.00"), D("0.00")),
        (D("0.00"), D("250.00")),
    ]


def test_an_entry_cannot_be_born_posted(posted):
    # when / then
    assert _refused(
        lambda: JournalEntry.objects.create(
            fiscal_year=posted.fiscal_year,
            period=posted.period,
            voucher_no=99,
            date=posted.date,
            description="ลัดขั้นตอน",
            status=EntryStatus.POSTED,
            posted_at=timezone.now(),
        )
    )


def test_drafts_stay_editable(accountant):
    # given
    draft = draft_create(dt.date(2026, 3, 2), [("cash", "5.00", "0"), ("reserve_fund", "0", "5.00")])

    # when
    JournalEntry.objects.filter(pk=draft.pk).update(description="แก้ร่าง")
    JournalLine.objects.filter(entry=draft, credit__gt=0).update(credit=D("5.00"))

    # then
    draft.refresh_from_db()
    assert draft.description == "แก้ร่าง"


def _flip_to_posted(entry: JournalEntry) -> None:
    JournalEntry.objects.filter(pk=entry.pk).update(
        status=EntryStatus.POSTED, voucher_no=77, posted_at=timezone.now()
    )


def test_an_unbalanced_draft_cannot_be_flipped_to_posted_behind_the_services(accountant):
    # given
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    draft = draft_create(dt.date(2026, 3, 2), [("cash", "5.00", "0"), ("reserve_fund", "0", "4.99")])

    # when / then
    assert _refused(lambda: _flip_to_posted(draft))


def test_a_balanced_draft_may_be_flipped_to_posted(accountant):
    # given: the same check, satisfied (sums of REAL on SQLite are compared in whole satang)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    draft = draft_create(
        dt.date(2026, 3, 2), [("cash", "0.10", "0"), ("cash", "0.20", "0"), ("reserve_fund", "0", "0.30")]
    )

    # when / then
    assert not _refused(lambda: _flip_to_posted(draft))


# ---- PostgreSQL: the deferred constraint triggers checked at commit ----


def _set_immediate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL constraint triggers")
def test_pg_deferred_check_passes_a_balanced_bulk_batch_at_commit(accountant):
    # given: a batch whose lines arrive after their entries, as bulk posting does
    journal_entries_post_bulk(
        entries=[
            EntrySpec(
                date=dt.date(2026, 3, 3),
                description=f"ชุด {n}",
                lines=[
                    Line(account="bank", debit=D("10.10")),
                    Line(account="reserve_fund", credit=D("10.10")),
                ],
            )
            for n in range(50)
        ]
    )

    # when / then: forcing the deferred checks to run now (as commit would) raises nothing
    assert not _refused(_set_immediate)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL constraint triggers")
def test_pg_deferred_check_refuses_an_unbalanced_posted_entry_at_commit(accountant):
    # given
    draft = draft_create(dt.date(2026, 3, 2), [("cash", "5.00", "0"), ("reserve_fund", "0", "4.99")])

    # when / then: the flip itself succeeds while checks are deferred; at "commit" it is refused.
    # (Inside a savepoint, so rolling it back also drops the queued checks that Django's test
    # teardown would otherwise fire.)
    with pytest.raises(DatabaseError, match="เดบิต 5.00 เครดิต 4.99"):
        with transaction.atomic():
            _flip_to_posted(draft)
            assert JournalEntry.objects.get(pk=draft.pk).status == EntryStatus.POSTED
            _set_immediate()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL constraint triggers")
# Inserting a line into a posted entry is left to the immutability guard alone (see migration 0003).
@pytest.mark.parametrize("change", ["update", "delete"])
def test_pg_line_trigger_refuses_unbalancing_a_posted_entry_even_without_the_immutability_guard(
    accountant, change
):
    # given: the immutability guard gone, the deferred balance trigger is the last line of defence
    posted = voucher_record(dt.date(2026, 3, 1), "250.00")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER ledger_journalline_immutable ON ledger_journalline")
    _set_immediate()
    line = posted.lines.order_by("id").first()
    actions = {
        "update": lambda: JournalLine.objects.filter(pk=line.pk).update(debit=D("249.99")),
        "delete": lambda: JournalLine.objects.filter(pk=line.pk).delete(),
    }

    # when / then
    assert _refused(actions[change])
