"""``sahakorn bench billing`` runs every step on a tiny generated coop and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import call_command

from sahakorn.billing.models import Bill, BillingPeriod
from sahakorn.ledger.models import EntrySource, JournalEntry

pytestmark = pytest.mark.django_db


def test_bench_billing_times_each_step_and_rolls_everything_back():
    # when
    out = StringIO()
    call_command("bench", "billing", "--members", "120", "--years", "1", "--naive-cap", "20", "--post-cap", "20",
                 stdout=out)  # fmt: skip

    # then: every step is timed against its baselines, and nothing stays
    text = out.getvalue()
    for operation in ("freeze: billing_cycle_freeze()", "freeze: naive per-member contract",
                      "freeze: one SQL aggregate", "files:", "import + check", "post: billing_units_post()",
                      "post: naive, each demand taken by itself", "post: one SQL aggregate"):  # fmt: skip
        assert operation in text
    assert "everything rolled back" in text
    assert not BillingPeriod.objects.exists() and not Bill.objects.exists()
    assert not JournalEntry.objects.filter(source=EntrySource.BILLING).exists()
