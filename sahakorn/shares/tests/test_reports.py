"""The share reports' figures on a small hand-built coop whose fiscal year starts in October.

Four members in two units and two types, built through the share services (so every figure has
its voucher): initial shares in September 2024 (fiscal year 2567), monthly contributions from
October, an extra purchase, a member who resigns and withdraws, one who dies and whose shares
are transferred to another member, and a member who misses three months in a row.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.core.models import CoopProfile
from sahakorn.members.models import MemberStatus, MemberType
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory, UnitFactory
from sahakorn.shares import reports
from sahakorn.shares.models import Channel, RequestKind
from sahakorn.shares.selectors import share_capital_gl_balance
from sahakorn.shares.services import (
    share_extra_purchase,
    share_initial_purchase,
    share_monthly_contribution_record,
    share_request_approve,
    share_request_create,
)
from sahakorn.shares.tests.factories import share_rules

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = dt.date(2024, 10, 1), dt.date(2024, 11, 1), dt.date(2024, 12, 1)
JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def _month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _monthly(member, period: dt.date) -> None:
    share_monthly_contribution_record(member=member, period=period, on=_month_end(period))


@pytest.fixture
def coop(db, manager, manager2):
    """The dataset; returns the members by letter. Par 10 baht, 20 shares (200 baht) a month each."""
    CoopProfile.objects.create(name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด", fiscal_year_start_month=10)
    # One member may hold any part of the shares here (the transfer would break the 1/5 cap).
    share_rules(effective_from=dt.date(2000, 1, 1), holding_cap_ratio=D("1.0000"))
    finance = UnitFactory(code="01", name="กองคลัง")
    works = UnitFactory(code="02", name="กองช่าง")
    common = {"joined_on": dt.date(2024, 9, 1), "salary": D("5000.00")}
    a = MemberFactory(number="000001", unit=finance, member_type=MemberType.ORDINARY, **common)
    b = MemberFactory(number="000002", unit=works, member_type=MemberType.ORDINARY, **common)
    c = MemberFactory(number="000003", unit=finance, member_type=MemberType.ASSOCIATE, **common)
    d = MemberFactory(number="000004", unit=works, member_type=MemberType.ASSOCIATE, **common)
    on = dt.date(2024, 9, 10)
    for member, shares in ((a, 50), (b, 20), (c, 10), (d, 10)):
        share_initial_purchase(member=member, shares=shares, on=on, with_entrance_fee=False)
    for member in (a, b, c, d):
        _monthly(member, OCT)
    for member in (a, b, d):
        _monthly(member, NOV)
    share_extra_purchase(member=b, shares=30, on=dt.date(2024, 11, 10), channel=Channel.COUNTER, by=manager)
    for period in (DEC, JAN, FEB):  # A misses December, January and February
        _monthly(d, period)

    member_status_change(
        member=c,
        to_status=MemberStatus.RESIGNED,
        effective_on=dt.date(2025, 1, 15),
        reason="ลาออก",
        by=manager,
    )
    c.refresh_from_db()
    withdrawal = share_request_create(
        kind=RequestKind.WITHDRAWAL, member=c, by=manager, effective_on=dt.date(2025, 1, 20), reason="ลาออก"
    )
    share_request_approve(request=withdrawal, by=manager2)

    member_status_change(
        member=b,
        to_status=MemberStatus.DECEASED,
        effective_on=dt.date(2025, 2, 10),
        reason="เสียชีวิต",
        by=manager,
    )
    b.refresh_from_db()
    transfer = share_request_create(
        kind=RequestKind.TRANSFER,
        member=b,
        to_member=a,
        by=manager,
        effective_on=dt.date(2025, 2, 15),
        reason="โอนให้ทายาท",
    )
    share_request_approve(request=transfer, by=manager2)
    for m in (a, b, c, d):
        m.refresh_from_db()
    return {"a": a, "b": b, "c": c, "d": d, "finance": finance, "works": works}


# ======== (1) Share register ========


def test_register_today_lists_members_holding_shares_and_ties_to_the_gl(coop):
    # when
    report = reports.share_register()
    rows = list(report.iter_rows())

    # then: A 50 + 2×20 + 90 received = 180 shares; D 10 + 5×20 = 110; B and C hold none now
    assert [(r["number"], r["shares"], r["amount"], r["monthly"]) for r in rows] == [
        ("000001", 180, D("1800.00"), 20),
        ("000004", 110, D("1100.00"), 20),
    ]
    assert rows[0]["name"] == "นายสมชาย ทดสอบ" or rows[0]["name"].startswith("นาย")
    assert rows[0]["unit_code"] == "01" and rows[0]["member_type_label"] == "สมาชิกสามัญ"
    assert report.totals == {"members": 2, "shares": 290, "amount": D("2900.00"), "monthly": 40}
    assert share_capital_gl_balance() == D("2900.00")
    assert [r.ok for r in report.reconciliations] == [True]


def test_register_rows_for_the_benchmark_are_plain_dicts(coop):
    rows = reports.share_register_rows(as_of=None, order="number")
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    assert sum(r["amount"] for r in rows) == D("2900.00")


def test_register_as_of_a_past_date_sums_the_transactions_up_to_then(coop):
    # when: the end of December 2024, before the withdrawal and the transfer
    report = reports.share_register(as_of=dt.date(2024, 12, 31))
    rows = list(report.iter_rows())

    # then
    assert [(r["number"], r["shares"], r["amount"]) for r in rows] == [
        ("000001", 90, D("900.00")),
        ("000002", 90, D("900.00")),
        ("000003", 30, D("300.00")),
        ("000004", 70, D("700.00")),
    ]
    assert report.totals["amount"] == D("2800.00") == share_capital_gl_balance(as_of=dt.date(2024, 12, 31))
    assert report.reconciliations[0].ok


def test_register_by_unit_groups_the_members_with_unit_subtotals(coop):
    # when
    report = reports.share_register(as_of=dt.date(2024, 12, 31), order="unit")
    lines = list(report.iter_grouped())

    # then
    assert [(s["unit_code"], s["members"], s["shares"], s["amount"]) for s in report.unit_subtotals] == [
        ("01", 2, 120, D("1200.00")),
        ("02", 2, 160, D("1600.00")),
    ]
    kinds = [(line.get("row_kind") or line["number"]) for line in lines]
    assert kinds == ["group", "000001", "000003", "subtotal", "group", "000002", "000004", "subtotal"]


def test_register_of_members_who_left_shows_their_shares_and_the_whole_register_beside_the_gl(coop):
    # when
    report = reports.share_register(as_of=dt.date(2024, 12, 31), status=reports.LEFT)

    # then: B and C (who left later, but have left now) held 1,200 baht then
    assert report.totals["amount"] == D("1200.00")
    recon = report.reconciliations[0]
    assert recon.subledger == recon.gl == D("2800.00")


def test_register_with_zero_balances_includes_every_account(coop):
    report = reports.share_register(include_zero=True)
    assert report.totals["members"] == 4
    assert report.totals["amount"] == D("2900.00")


# ======== (2) Monthly summary ========


def test_monthly_summary_by_member_type_and_in_total(coop):
    # when
    summary = reports.monthly_contribution_summary(period=dt.date(2024, 11, 20))

    # then: November: A and B (ordinary), D (associate), 20 shares each
    by_type = {r["member_type"]: (r["members"], r["shares"], r["amount"]) for r in summary["rows"]}
    assert by_type == {"ordinary": (2, 40, D("400.00")), "associate": (1, 20, D("200.00"))}
    assert summary["total"] == {"members": 3, "shares": 60, "amount": D("600.00")}
    assert all(r.ok for r in summary["reconciliations"])
    # the month's movement: 1,700 brought forward + 600 monthly + 300 extra = 2,600 at the end
    movement = summary["movement"]
    assert movement["opening"]["amount"] == D("1700.00")
    assert {line["kind"]: line["amount"] for line in movement["lines"] if line["amount"]} == {
        "monthly": D("600.00"),
        "extra": D("300.00"),
    }
    assert movement["closing"]["amount"] == D("2600.00") == movement["gl_closing"]


def test_monthly_summary_of_a_month_with_a_withdrawal_still_ties_to_the_gl(coop):
    summary = reports.monthly_contribution_summary(period=JAN)
    assert summary["total"] == {"members": 1, "shares": 20, "amount": D("200.00")}
    lines = {line["kind"]: line["amount"] for line in summary["movement"]["lines"] if line["amount"]}
    assert lines == {"monthly": D("200.00"), "withdrawal": D("-300.00")}
    assert all(r.ok for r in summary["reconciliations"])


# ======== (3) Member history by fiscal year ========


def test_member_history_by_fiscal_year_starting_in_october(coop):
    # when
    history = reports.member_share_history(member=coop["a"], today=dt.date(2025, 2, 28))

    # then: September 2024 falls in fiscal year 2567 (Oct 2023 – Sep 2024); October on in 2568
    rows = history["rows"]
    assert [(r["year_be"], r["start"], r["end"]) for r in rows] == [
        (2567, dt.date(2023, 10, 1), dt.date(2024, 9, 30)),
        (2568, dt.date(2024, 10, 1), dt.date(2025, 9, 30)),
    ]
    assert (rows[0]["opening_amount"], rows[0]["initial"], rows[0]["closing_amount"]) == (
        D("0.00"),
        D("500.00"),
        D("500.00"),
    )
    assert (
        rows[1]["opening_amount"],
        rows[1]["monthly"],
        rows[1]["transfer_in"],
        rows[1]["closing_amount"],
    ) == (
        D("500.00"),
        D("400.00"),
        D("900.00"),
        D("1800.00"),
    )
    assert rows[1]["closing_shares"] == 180
    assert all(r["ok"] for r in rows) and history["reconciliations"][0].ok


def test_member_history_of_a_member_who_withdrew(coop):
    history = reports.member_share_history(member=coop["c"], today=dt.date(2025, 2, 28))
    last = history["rows"][-1]
    assert (last["monthly"], last["withdrawal"], last["closing_amount"]) == (
        D("200.00"),
        D("-300.00"),
        D("0.00"),
    )
    assert history["reconciliations"][0].ok


# ======== (4) Monthly contribution status ========


def test_status_flags_three_consecutive_missed_months_as_default(coop):
    # when: the last day of February, so February is due
    status = reports.monthly_contribution_status(as_of=dt.date(2025, 2, 28))

    # then: only active members; A missed December–February, D paid every month
    rows = {r["number"]: r for r in status["rows"]}
    assert set(rows) == {"000001", "000004"}
    a, d = rows["000001"], rows["000004"]
    assert (a["consecutive"], a["missed_in_year"], a["defaulted"], a["state"]) == (3, 3, True, "default")
    assert a["last_paid"] == NOV
    assert (d["consecutive"], d["missed_in_year"], d["paid"], d["state"]) == (0, 0, True, "paid")
    assert d["amount_this_month"] == D("200.00")
    by_type = {s["member_type"]: s for s in status["by_type"]}
    assert by_type["ordinary"]["default"] == 1 and by_type["associate"]["paid"] == 1
    assert status["total"]["amount_this_month"] == D("200.00")
    assert status["reconciliations"][0].ok


def test_status_before_the_month_is_collected_counts_only_past_months(coop):
    # when: mid-February, before February's contributions (D's is dated the 28th)
    status = reports.monthly_contribution_status(as_of=dt.date(2025, 2, 20))

    # then
    rows = {r["number"]: r for r in status["rows"]}
    assert (rows["000001"]["consecutive"], rows["000001"]["state"]) == (2, "behind")
    assert (rows["000004"]["paid"], rows["000004"]["state"]) == (False, "pending")


def test_status_by_member_number(coop):
    status = reports.monthly_contribution_status(as_of=dt.date(2025, 2, 28), order="number")
    assert [r["number"] for r in status["rows"]] == ["000001", "000004"]


# ======== (5) Requests ========


def test_requests_report_totals_what_was_withdrawn_and_transferred_and_ties_to_the_gl(coop):
    # when
    data = reports.share_requests_report(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28))

    # then
    assert [
        (r["number"], r["kind"], r["posted_shares"], r["posted_amount"], r["to_number"]) for r in data["rows"]
    ] == [
        ("000003", "withdrawal", 30, D("300.00"), None),
        ("000002", "transfer", 90, D("900.00"), "000001"),
    ]
    assert data["total"] == {"requests": 2, "shares": 120, "amount": D("1200.00")}
    assert all(r.ok for r in data["reconciliations"])


def test_requests_report_filters_by_kind_and_dates(coop):
    only_transfers = reports.share_requests_report(kind=RequestKind.TRANSFER)
    assert [r["number"] for r in only_transfers["rows"]] == ["000002"]
    january = reports.share_requests_report(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))
    assert [r["number"] for r in january["rows"]] == ["000003"]
