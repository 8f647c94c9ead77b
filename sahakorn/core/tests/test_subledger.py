"""The sub-ledger contract: every app found in one place, in one order, and `sahakorn reconcile`."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from sahakorn.core.subledger import (
    Reconciled,
    member_cards,
    owned_debt_roles,
    reconciled_write,
    subledger,
    subledgers,
)


def test_every_sub_ledger_is_found_by_its_module_in_order():
    assert [item.key for item in subledgers()] == [
        "shares",
        "loans",
        "deposits",
        "welfare",
        "funeral",
        "ledger",
    ]
    assert subledger("loans").title == "เงินกู้"


def test_the_member_page_cards_in_page_order_with_the_dividends_placeholder():
    assert [(card.key, card.title) for card in member_cards()] == [
        ("shares", "ทุนเรือนหุ้น"),
        ("loans", "เงินกู้"),
        ("guarantees", "การค้ำประกัน"),
        ("deposits", "เงินฝาก"),
        ("welfare", "สวัสดิการ"),
        ("dividends", "เงินปันผล-เฉลี่ยคืน"),
        ("funeral", "สมาคมฌาปนกิจสงเคราะห์"),
    ]


def test_the_loans_own_their_debt_roles_so_the_gl_fallback_skips_them():
    assert owned_debt_roles() == {
        "loan_emergency",
        "loan_ordinary",
        "loan_special",
        "receivable_pending_interest",
    }


@pytest.mark.django_db
def test_reconcile_runs_every_sub_ledger_and_the_ledger_on_an_empty_coop(db):
    out = io.StringIO()
    call_command("reconcile", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    titles = [line[3:] for line in text.splitlines() if line.startswith("== ")]
    assert len(titles) == 6
    assert titles[-1] == "บัญชีแยกประเภท / general ledger"
    assert "ตรวจบัญชีผ่าน / ledger check OK: ใบสำคัญ 0 ฉบับ 0 รายการ" in text
    assert "กระทบยอดผ่านทั้งหมด / all 6 reconciled" in text


@pytest.mark.django_db
def test_reconcile_only_the_sub_ledgers_named(db):
    out = io.StringIO()
    call_command("reconcile", "--only", "shares", "ledger", stdout=out, stderr=io.StringIO())
    assert "all 2 reconciled" in out.getvalue()


def test_reconcile_refuses_an_unknown_sub_ledger_by_name():
    with pytest.raises(CommandError, match="unknown sub-ledger: dividend"):
        call_command("reconcile", "--only", "dividend")


def test_a_failed_reconciliation_goes_to_stderr_and_is_named():
    out, err = io.StringIO(), io.StringIO()

    class Command:
        stdout, stderr = OutputWrapper(out), OutputWrapper(err)

    results = [
        Reconciled(title="ทุนเรือนหุ้น", ok=True, lines=["✔ 1,000.00"]),
        Reconciled(title="เงินฝาก", ok=False, lines=[f"✘ ผลต่าง {D('0.01'):,.2f}"]),
    ]
    assert reconciled_write(Command, results, titled=True) == ["เงินฝาก"]
    assert err.getvalue() == "✘ ผลต่าง 0.01\n"
    assert out.getvalue() == "== ทุนเรือนหุ้น\n✔ 1,000.00\n== เงินฝาก\n"


@pytest.mark.django_db
def test_reconcile_as_of_a_day_says_the_ledger_proof_covers_every_voucher(db):
    out = io.StringIO()
    call_command("reconcile", "--as-of", "2026-12-31", "--only", "ledger", stdout=out, stderr=io.StringIO())
    assert "  ตรวจทุกใบสำคัญ ไม่ว่าลงวันที่ใด / every voucher, whatever its date\n" in out.getvalue()
