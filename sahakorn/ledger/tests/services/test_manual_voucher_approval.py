"""A manual voucher above the coop's limit (CoopProfile.manual_voucher_approval_above, 100,000.00 by
default) is not posted by the one accountant who records it: a second person approves it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.core.models import CoopProfile
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntryStatus, JournalEntry
from sahakorn.ledger.services import (
    Line,
    journal_entry_post,
    journal_entry_record,
    manual_voucher_approve,
    manual_voucher_record,
)
from sahakorn.ledger.tests.factories import user_create

ON = dt.date(2026, 3, 2)
OWN_REFUSED = (
    "ใบสำคัญยอดเดบิตรวม 100,000.01 บาท เกินวงเงิน 100,000.00 บาท ที่ผู้บันทึกผ่านรายการเองได้ "
    "ต้องให้สมุห์บัญชีหรือผู้จัดการอีกคนอนุมัติ"
)


@pytest.fixture
def accountant2(db):
    return user_create("somying", role="accountant")


@pytest.fixture
def manager(db):
    return user_create("manee", role="manager")


def _lines(amount: str) -> list[Line]:
    return [Line(account="bank", debit=D(amount)), Line(account="reserve_fund", credit=D(amount))]


def test_at_the_limit_a_manual_voucher_posts_at_once(accountant):
    # when
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("100000.00"), by=accountant)

    # then
    assert entry.status == EntryStatus.POSTED and entry.voucher_label == "JV2569-000001"
    assert entry.posted_by == accountant


def test_above_the_limit_it_waits_as_a_draft(accountant):
    # when
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("100000.01"), by=accountant)

    # then
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.voucher_no is None and entry.posted_by is None


def test_the_one_who_recorded_it_cannot_post_or_approve_it(accountant):
    # given
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("100000.01"), by=accountant)

    # when / then: neither through the approval nor the plain posting, nor in one step
    with pytest.raises(LedgerError, match=r"^ผู้อนุมัติต้องไม่ใช่ผู้บันทึกใบสำคัญ \(ต้องมีผู้ตรวจสอบคนที่สอง\)$"):
        manual_voucher_approve(entry=entry, by=accountant)
    with pytest.raises(LedgerError) as refused:
        journal_entry_post(entry=entry, posted_by=accountant)
    assert refused.value.message == OWN_REFUSED
    with pytest.raises(LedgerError, match="เกินวงเงิน 100,000.00 บาท"):
        journal_entry_record(date=ON, description="ทางลัด", lines=_lines("100000.01"), created_by=accountant)
    assert list(JournalEntry.objects.values_list("status", flat=True)) == [EntryStatus.DRAFT]


@pytest.mark.parametrize("approver", ["accountant2", "manager"])
def test_another_accountant_or_the_manager_approves_and_it_posts_with_a_voucher_number(
    accountant, approver, request
):
    # given
    by = request.getfixturevalue(approver)
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("250000.00"), by=accountant)

    # when
    posted = manual_voucher_approve(entry=entry, by=by)

    # then
    posted.refresh_from_db()
    assert posted.status == EntryStatus.POSTED and posted.voucher_label == "JV2569-000001"
    assert (posted.created_by, posted.posted_by) == (accountant, by)


def test_an_officer_cannot_approve(accountant, officer):
    # given
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("250000.00"), by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="^ผู้ใช้ somsri ไม่มีสิทธิ์อนุมัติใบสำคัญ$"):
        manual_voucher_approve(entry=entry, by=officer)


def test_the_limit_is_the_coops_setting(accountant):
    # given
    CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ", manual_voucher_approval_above=D("5000.00"))

    # when
    small = manual_voucher_record(date=ON, description="เล็ก", lines=_lines("5000.00"), by=accountant)
    large = manual_voucher_record(date=ON, description="ใหญ่", lines=_lines("5000.01"), by=accountant)

    # then
    assert (small.status, large.status) == (EntryStatus.POSTED, EntryStatus.DRAFT)


# ======== Screens ========


def _voucher_form(amount: str) -> dict:
    from sahakorn.ledger.models import Account

    bank, reserve = (Account.objects.get(code=code).pk for code in ("11131", "32000"))
    return {
        "date": "02/03/2569", "description": "โอนทุนสำรอง", "action": "post",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-account": str(bank), "lines-0-debit": amount, "lines-0-credit": "", "lines-0-memo": "",
        "lines-1-account": str(reserve), "lines-1-debit": "", "lines-1-credit": amount, "lines-1-memo": "",
    }  # fmt: skip


def test_the_screens_from_recording_to_approval(client, accountant, accountant2):
    # given: the first accountant records 250,000.00
    client.force_login(accountant)
    response = client.post(reverse("ledger:entry_create"), _voucher_form("250,000.00"), follow=True)
    entry = JournalEntry.objects.get()
    page = response.content.decode()
    assert entry.status == EntryStatus.DRAFT
    assert "บันทึกใบสำคัญแล้ว รออนุมัติ: ยอดเดบิตรวมเกิน 100,000.00 บาท" in page
    assert "รออนุมัติ: ยอดเดบิตรวมเกิน 100,000.00 บาท ผู้บันทึกผ่านรายการเองไม่ได้" in page
    assert reverse("ledger:entry_approve", args=[entry.pk]) not in page  # not offered to its maker
    listing = client.get(reverse("ledger:approvals")).content.decode()
    assert "ท่านเป็นผู้บันทึก อนุมัติเองไม่ได้" in listing

    # when: the second accountant reads the list, the lines, then approves
    client.force_login(accountant2)
    listing = client.get(reverse("ledger:approvals")).content.decode()
    confirm = client.get(reverse("ledger:entry_approve", args=[entry.pk])).content.decode()
    response = client.post(reverse("ledger:entry_approve", args=[entry.pk]), follow=True)

    # then
    assert "โอนทุนสำรอง" in listing and "250,000.00" in listing
    assert "11131" in confirm and "32000" in confirm and "อนุมัติและผ่านรายการ" in confirm
    entry.refresh_from_db()
    assert entry.status == EntryStatus.POSTED and entry.posted_by == accountant2
    assert "อนุมัติและผ่านรายการแล้ว เลขที่ใบสำคัญ JV2569-000001" in response.content.decode()


def test_the_maker_posting_to_the_approval_url_is_refused(client, accountant):
    # given
    client.force_login(accountant)
    client.post(reverse("ledger:entry_create"), _voucher_form("250,000.00"))
    entry = JournalEntry.objects.get()

    # when
    response = client.post(reverse("ledger:entry_approve", args=[entry.pk]))

    # then
    assert response.status_code == 400
    assert "ผู้อนุมัติต้องไม่ใช่ผู้บันทึกใบสำคัญ" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_an_officer_may_not_open_the_approval_screens(client, accountant, officer):
    # given
    entry = manual_voucher_record(date=ON, description="โอนทุนสำรอง", lines=_lines("250000.00"), by=accountant)
    client.force_login(officer)

    # when / then
    assert client.get(reverse("ledger:approvals")).status_code == 403
    assert client.post(reverse("ledger:entry_approve", args=[entry.pk])).status_code == 403
