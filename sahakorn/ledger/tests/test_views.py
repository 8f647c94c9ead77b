import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from sahakorn.ledger.models import EntrySource, EntryStatus, FiscalYear, JournalEntry
from sahakorn.ledger.services import fiscal_year_ensure
from sahakorn.ledger.tests.factories import draft_create, voucher_record


@pytest.fixture
def posted(accountant):
    return voucher_record(dt.date(2026, 3, 1), "1250.50", by=accountant)


def _pages(entry_pk: int) -> list[str]:
    return [
        reverse("ledger:journal"),
        reverse("ledger:entry", args=[entry_pk]),
        reverse("ledger:entry_create"),
        reverse("ledger:trial_balance"),
        reverse("ledger:account_statement"),
        reverse("ledger:chart"),
        reverse("ledger:periods"),
    ]


def test_every_ledger_page_renders_for_an_accountant(client, accountant, posted):
    # given
    client.force_login(accountant)

    # when / then
    for url in _pages(posted.pk):
        response = client.get(url)
        assert response.status_code == 200, url


def test_every_ledger_page_is_forbidden_without_permission(client, outsider, posted):
    # given
    client.force_login(outsider)

    # when / then
    for url in _pages(posted.pk):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_login(client, posted):
    for url in _pages(posted.pk):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_an_officer_may_read_but_not_write_the_ledger(client, officer, posted):
    # given
    client.force_login(officer)

    # when / then
    assert client.get(reverse("ledger:journal")).status_code == 200
    assert client.get(reverse("ledger:entry_create")).status_code == 403
    reverse_url = reverse("ledger:entry_reverse", args=[posted.pk])
    assert client.post(reverse_url, {"date": "05/03/2569", "reason": "x"}).status_code == 403
    year = posted.fiscal_year
    assert client.post(reverse("ledger:period_close", args=[year.periods.first().pk])).status_code == 403


def test_journal_lists_vouchers_with_be_dates_and_filters(client, accountant, posted):
    # given
    voucher_record(dt.date(2026, 4, 2), "99.00", description="ค่าธรรมเนียม")
    client.force_login(accountant)

    # when
    march = client.get(reverse("ledger:journal"), {"start": "01/03/2569", "end": "31/03/2569"})
    by_number = client.get(reverse("ledger:journal"), {"start": "", "end": "", "voucher": "JV2569-000002"})

    # then
    assert march.status_code == 200
    page = march.content.decode()
    assert "JV2569-000001" in page and "1 มี.ค. 2569" in page and "1,250.50" in page
    assert "JV2569-000002" not in page
    assert "ค่าธรรมเนียม" in by_number.content.decode()
    assert "JV2569-000001" not in by_number.content.decode()


def test_journal_refuses_a_ce_year_with_a_clear_message(client, accountant):
    client.force_login(accountant)
    response = client.get(reverse("ledger:journal"), {"start": "01/03/2026"})
    assert "เป็นปี ค.ศ." in response.content.decode()


def _voucher_post(action: str, debit: str, credit: str) -> dict:
    return {
        "date": "15/03/2569",
        "description": "รับเงินค่าหุ้นสมาชิกใหม่",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-account": str(_account_pk("11110")),
        "lines-0-debit": debit,
        "lines-0-credit": "",
        "lines-0-memo": "",
        "lines-1-account": str(_account_pk("32000")),
        "lines-1-debit": "",
        "lines-1-credit": credit,
        "lines-1-memo": "สมาชิก 000123",
        "lines-2-account": "",
        "lines-2-debit": "",
        "lines-2-credit": "",
        "lines-2-memo": "",
        "action": action,
    }


def _account_pk(code: str) -> int:
    from sahakorn.ledger.models import Account

    return Account.objects.get(code=code).pk


def test_manual_voucher_post_creates_and_posts_it(client, accountant):
    # given
    client.force_login(accountant)

    # when
    response = client.post(reverse("ledger:entry_create"), _voucher_post("post", "1,500.00", "1500.00"))

    # then
    entry = JournalEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledger:entry", args=[entry.pk])
    assert entry.status == EntryStatus.POSTED and entry.voucher_label == "JV2569-000001"
    assert entry.date == dt.date(2026, 3, 15) and entry.source == EntrySource.MANUAL
    assert entry.created_by == accountant and entry.posted_by == accountant
    assert list(entry.lines.values_list("account__code", "debit", "credit", "memo")) == [
        ("11110", D("1500.00"), D("0.00"), ""),
        ("32000", D("0.00"), D("1500.00"), "สมาชิก 000123"),
    ]
    detail = client.get(response.url).content.decode()
    assert "15 มีนาคม 2569" in detail and "หนึ่งพันห้าร้อยบาทถ้วน" in detail


def test_manual_voucher_saved_as_draft_then_posted_from_its_page(client, accountant):
    # given
    client.force_login(accountant)
    client.post(reverse("ledger:entry_create"), _voucher_post("draft", "10.00", "10.00"))
    draft = JournalEntry.objects.get()
    assert draft.status == EntryStatus.DRAFT
    assert "ผ่านรายการ" in client.get(reverse("ledger:entry", args=[draft.pk])).content.decode()

    # when
    client.post(reverse("ledger:entry_post", args=[draft.pk]))

    # then
    draft.refresh_from_db()
    assert draft.status == EntryStatus.POSTED and draft.voucher_no == 1


def test_unbalanced_manual_voucher_shows_the_error_and_creates_nothing(client, accountant):
    # given
    client.force_login(accountant)

    # when
    response = client.post(reverse("ledger:entry_create"), _voucher_post("post", "1500.00", "1499.00"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "ไม่สมดุล" in page and "1,500.00" in page and "1,499.00" in page
    assert JournalEntry.objects.count() == 0
    assert FiscalYear.objects.count() == 0  # not even the fiscal year it would have opened


def test_line_with_both_sides_is_a_form_error(client, accountant):
    client.force_login(accountant)
    data = _voucher_post("post", "10.00", "10.00")
    data["lines-0-credit"] = "10.00"
    response = client.post(reverse("ledger:entry_create"), data)
    assert "ด้านเดียว" in response.content.decode()
    assert JournalEntry.objects.count() == 0


def test_reverse_from_the_voucher_page(client, accountant, posted):
    # given
    client.force_login(accountant)

    # when
    response = client.post(
        reverse("ledger:entry_reverse", args=[posted.pk]), {"date": "02/03/2569", "reason": "บันทึกซ้ำ"}
    )

    # then
    reversal = JournalEntry.objects.get(reverses=posted)
    assert response.status_code == 302 and response.url == reverse("ledger:entry", args=[reversal.pk])
    assert reversal.voucher_label == "JV2569-000002" and reversal.date == dt.date(2026, 3, 2)
    original_page = client.get(reverse("ledger:entry", args=[posted.pk])).content.decode()
    assert "JV2569-000002" in original_page and "ถูกกลับรายการแล้ว" in original_page


def test_refused_reversal_shows_the_reason(client, accountant, posted):
    client.force_login(accountant)
    response = client.post(
        reverse("ledger:entry_reverse", args=[posted.pk]), {"date": "28/02/2569", "reason": "ย้อนวัน"}
    )
    assert response.status_code == 200
    assert "ต้องไม่ก่อนวันที่" in response.content.decode()
    assert JournalEntry.objects.count() == 1


def test_trial_balance_page_shows_equal_totals_and_coop_heading(client, accountant, posted):
    # given
    voucher_record(dt.date(2026, 3, 5), "49.50", debit="bank_charges", credit="cash")
    client.force_login(accountant)

    # when
    page = client.get(reverse("ledger:trial_balance"), {"as_of": "31/03/2569"}).content.decode()

    # then
    assert "31 มีนาคม 2569" in page
    assert page.count("1,250.50") >= 2  # the total row, both sides
    assert "1,201.00" in page and "49.50" in page
    assert "ไม่สมดุล" not in page


def test_account_statement_page_shows_running_balance(client, accountant, posted):
    # given
    voucher_record(dt.date(2026, 3, 5), "49.50", debit="bank_charges", credit="cash")
    client.force_login(accountant)

    # when
    page = client.get(
        reverse("ledger:account_statement"),
        {"account": _account_pk("11110"), "start": "01/03/2569", "end": "31/03/2569"},
    ).content.decode()

    # then
    assert "ยอดยกมา" in page and "1,201.00" in page and "JV2569-000002" in page


def test_chart_shows_role_keys(client, accountant):
    client.force_login(accountant)
    page = client.get(reverse("ledger:chart")).content.decode()
    assert "share_capital" in page and "11110" in page


def test_periods_close_in_order_and_open_next_year(client, accountant):
    # given
    year = fiscal_year_ensure(on=timezone.localdate())
    client.force_login(accountant)
    first = year.periods.get(number=1)

    # when
    client.post(reverse("ledger:period_close", args=[first.pk]))
    client.post(reverse("ledger:fiscal_year_open"))

    # then
    first.refresh_from_db()
    assert first.is_closed and first.closed_by == accountant
    assert FiscalYear.objects.count() == 2
    page = client.get(reverse("ledger:periods")).content.decode()
    assert "ปิดงวดแล้ว" in page and f"ปีบัญชี {year.year_be + 1}" in page


def test_delete_draft(client, accountant):
    client.force_login(accountant)
    draft = draft_create(dt.date(2026, 3, 1), [("cash", "1.00", "0"), ("reserve_fund", "0", "1.00")])
    client.post(reverse("ledger:entry_delete", args=[draft.pk]))
    assert JournalEntry.objects.count() == 0


def test_get_is_not_allowed_on_actions(client, accountant, posted):
    client.force_login(accountant)
    assert client.get(reverse("ledger:entry_reverse", args=[posted.pk])).status_code == 405


def test_home_page_lists_recent_vouchers(client, accountant, posted):
    client.force_login(accountant)
    page = client.get(reverse("home")).content.decode()
    assert "JV2569-000001" in page and "1,250.50" in page
