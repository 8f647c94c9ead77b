"""A sub-ledger's control account (บัญชีคุม) takes postings only from the sub-ledgers' services: a manual
voucher on share capital would leave ``shares check`` off by its amount for good."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.ledger import services
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import Account, EntrySource, EntryStatus, JournalEntry
from sahakorn.ledger.services import (
    EntrySpec,
    Line,
    journal_entries_post_bulk,
    journal_entry_create,
    journal_entry_record,
    journal_entry_reverse,
)
from sahakorn.shares.reconcile import shares_reconcile

ON = dt.date(2026, 3, 2)
SHARE_CAPITAL_REFUSED = (
    "บัญชี 31000 ทุนเรือนหุ้น เป็นบัญชีคุมของระบบทุนเรือนหุ้น รับรายการจากระบบทุนเรือนหุ้นเท่านั้น "
    "ใบสำคัญบันทึกด้วยมือผ่านรายการเข้าบัญชีนี้ไม่ได้ ให้บันทึกที่หน้าจอของระบบทุนเรือนหุ้น"
)


def _cash_to(role: str, amount: str = "1.00") -> list[Line]:
    return [Line(account="cash", debit=D(amount)), Line(account=role, credit=D(amount))]


def test_a_manual_voucher_on_share_capital_is_refused_and_shares_check_stays_whole(accountant):
    # when: the Dr 11110 / Cr 31000 1.00
    with pytest.raises(LedgerError) as refused:
        journal_entry_record(date=ON, description="ปรับปรุงทุนเรือนหุ้น", lines=_cash_to("share_capital"),
                             created_by=accountant)  # fmt: skip

    # then
    assert refused.value.message == SHARE_CAPITAL_REFUSED
    assert JournalEntry.objects.count() == 0
    assert shares_reconcile().ok


def test_a_manual_draft_on_a_control_account_is_refused_too(accountant):
    # when / then: by the account's code as well as by its role
    with pytest.raises(LedgerError, match="บัญชี 11533 ลูกหนี้เงินกู้สามัญ เป็นบัญชีคุมของระบบเงินกู้"):
        journal_entry_create(date=ON, description="ร่าง", lines=[Line(account="11533", debit=D("5.00")),
                             Line(account="cash", credit=D("5.00"))], created_by=accountant)  # fmt: skip
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "owner"),
    [
        ("share_capital", "ทุนเรือนหุ้น"),
        ("loan_emergency", "เงินกู้"),
        ("accrued_interest_special", "เงินกู้"),
        ("receivable_pending_interest", "เงินกู้"),
        ("deposit_savings", "เงินฝาก"),
        ("deposit_fixed", "เงินฝาก"),
        ("funeral_dues_collected", "สมาคมฌาปนกิจสงเคราะห์"),
    ],
)
def test_every_control_account_refuses_a_manual_voucher(accountant, role, owner):
    # when / then
    with pytest.raises(LedgerError, match=f"เป็นบัญชีคุมของระบบ{owner} รับรายการจากระบบ{owner}เท่านั้น"):
        journal_entry_record(date=ON, description="ด้วยมือ", lines=_cash_to(role), created_by=accountant)


def test_a_manual_voucher_on_a_fund_or_any_other_account_still_posts(accountant):
    # when: a welfare fund takes appropriations from profit by hand (welfare reconciles its own vouchers only)
    entry = journal_entry_record(date=ON, description="จัดสรรทุนสวัสดิการ", lines=[
        Line(account="net_profit", debit=D("50000.00")), Line(account="welfare_fund", credit=D("50000.00"))],
        created_by=accountant)  # fmt: skip

    # then
    assert entry.status == EntryStatus.POSTED and entry.voucher_label == "JV2569-000001"


def test_a_sub_ledger_posts_to_its_control_account_and_reverses_its_own_voucher(accountant):
    # given
    entry = journal_entry_record(date=ON, description="ซื้อหุ้น", lines=_cash_to("share_capital", "100.00"),
                                 source=EntrySource.SHARES, created_by=accountant)  # fmt: skip

    # when
    reversal = journal_entry_reverse(entry=entry, date=ON, reason="บันทึกผิด", reversed_by=accountant)

    # then
    assert (entry.voucher_label, reversal.voucher_label) == ("JV2569-000001", "JV2569-000002")


def test_the_reversal_of_a_manual_voucher_on_a_control_account_is_refused(accountant, monkeypatch):
    # given: a manual voucher on share capital posted before the guard existed
    monkeypatch.setattr(services, "control_sources", lambda: {EntrySource.MANUAL.value})
    old = journal_entry_record(
        date=ON, description="ด้วยมือ", lines=_cash_to("share_capital"), created_by=accountant
    )
    monkeypatch.undo()

    # when / then
    with pytest.raises(LedgerError) as refused:
        journal_entry_reverse(entry=old, date=ON, reason="แก้", reversed_by=accountant)
    assert refused.value.message == (
        "บัญชี 31000 ทุนเรือนหุ้น เป็นบัญชีคุมของระบบทุนเรือนหุ้น รับรายการจากระบบทุนเรือนหุ้นเท่านั้น "
        "ใบสำคัญกลับรายการของใบสำคัญบันทึกด้วยมือผ่านรายการเข้าบัญชีนี้ไม่ได้ ให้บันทึกที่หน้าจอของระบบทุนเรือนหุ้น"
    )
    assert JournalEntry.objects.count() == 1


@pytest.mark.parametrize("source", [EntrySource.MANUAL, EntrySource.OPENING, EntrySource.REVERSAL])
def test_bulk_posting_refuses_a_control_account_outside_the_sub_ledgers(accountant, source):
    # given
    specs = [
        EntrySpec(date=ON, description="ค่าธรรมเนียม", lines=_cash_to("entrance_fee_income"), source=source),
        EntrySpec(date=ON, description="ยอดยกมาทุนเรือนหุ้น", lines=_cash_to("share_capital"), source=source),
    ]

    # when / then
    with pytest.raises(LedgerError) as refused:
        journal_entries_post_bulk(entries=specs, posted_by=accountant)
    label = EntrySource(source).label
    assert refused.value.message == (
        "ใบสำคัญลำดับที่ 2 (ยอดยกมาทุนเรือนหุ้น): บัญชี 31000 ทุนเรือนหุ้น เป็นบัญชีคุมของระบบทุนเรือนหุ้น "
        f"รับรายการจากระบบทุนเรือนหุ้นเท่านั้น ใบสำคัญ{label}ผ่านรายการเข้าบัญชีนี้ไม่ได้ "
        "ให้บันทึกที่หน้าจอของระบบทุนเรือนหุ้น"
    )
    assert JournalEntry.objects.count() == 0


def test_bulk_posting_from_the_sub_ledgers_goes_through(accountant):
    # when: billing settles share capital through the shares' contract
    posted = journal_entries_post_bulk(entries=[
        EntrySpec(date=ON, description="ยอดยกมาทุนเรือนหุ้น", lines=_cash_to("share_capital"), source=EntrySource.SHARES),
        EntrySpec(date=ON, description="เรียกเก็บ", lines=_cash_to("loan_ordinary"), source=EntrySource.BILLING),
    ], posted_by=accountant)  # fmt: skip

    # then
    assert posted == 2


def test_the_manual_voucher_form_shows_why(client, accountant):
    # given
    client.force_login(accountant)
    cash, share_capital = (Account.objects.get(code=code).pk for code in ("11110", "31000"))
    form = {
        "date": "02/03/2569", "description": "ปรับปรุงทุนเรือนหุ้น", "action": "post",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-account": str(cash), "lines-0-debit": "1.00", "lines-0-credit": "", "lines-0-memo": "",
        "lines-1-account": str(share_capital), "lines-1-debit": "", "lines-1-credit": "1.00", "lines-1-memo": "",
    }  # fmt: skip

    # when
    response = client.post(reverse("ledger:entry_create"), form)

    # then
    assert response.status_code == 200
    assert SHARE_CAPITAL_REFUSED in response.content.decode()
    assert JournalEntry.objects.count() == 0
