"""The loan reports' figures on a small hand-built book whose fiscal year starts in October.

Fiscal year 2569 runs from 1 October 2025 to 30 September 2026. Every contract is equal principal
at 6% a year (interest by actual days / 365, half up to the satang), built with the factory and
repaid through the payment services, so every figure has its voucher:

- K1 ordinary 12,000 (A, unit 01), 1,000 a month from 1 Nov 2025: pays 1 Nov, 1 Dec and 1 Jan.
- K2 ordinary 24,000 (B, unit 02), 2,000 a month from 1 Nov 2025: pays 1 Nov, misses 1 Dec,
  catches up one installment on 10 Jan.
- K3 emergency 6,000 (C, unit 01), 1,000 a month from 1 Dec 2025: pays 1 Dec, the payment is
  reversed on 3 Dec (a bounced transfer), pays again on 5 Dec.
- K4 special 5,000 (A), paid off on 16 Oct 2025 (closed).
- The month-end accrual runs once, on 30 November 2025; December's receipts settle it.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.core.models import CoopProfile
from sahakorn.ledger.selectors import account_balance
from sahakorn.loans import reports
from sahakorn.loans.arrears import loan_arrears, members_missed_installments
from sahakorn.loans.batch import loan_interest_accrual_run
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    Guarantee,
    LoanApplication,
    LoanContract,
    LoanTransaction,
    LoanTxKind,
    RepaymentStyle,
)
from sahakorn.loans.payments import (
    loan_payment_record,
    loan_payoff,
    loan_transaction_reverse,
)
from sahakorn.loans.selectors import contract_summary
from sahakorn.loans.tests.factories import contract_create, loan_product
from sahakorn.members.tests.factories import MemberFactory, UnitFactory

pytestmark = pytest.mark.django_db

OCT_1, NOV_1, NOV_30 = dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 11, 30)
DEC_1, JAN_1 = dt.date(2025, 12, 1), dt.date(2026, 1, 1)
FY2569 = 2026  # C.E. year in which fiscal year 2569 ends


def _pay(contract, amount: str, on: dt.date, by):
    return loan_payment_record(contract=contract, amount=D(amount), on=on, channel="payroll", by=by)


@pytest.fixture
def book(db, officer):
    CoopProfile.objects.create(name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด", fiscal_year_start_month=10)
    finance = UnitFactory(code="01", name="กองคลัง")
    works = UnitFactory(code="02", name="กองช่าง")
    a = MemberFactory(number="000001", unit=finance, phone="+66812345678")
    b = MemberFactory(number="000002", unit=works, phone="+66898765432")
    c = MemberFactory(number="000003", unit=finance)
    g1, g2, g3 = (MemberFactory(number=f"00001{n}", unit=works) for n in (1, 2, 3))
    ordinary, emergency, special = (loan_product(family=f) for f in ("ordinary", "emergency", "special"))
    style = {"repayment_style": RepaymentStyle.EQUAL_PRINCIPAL, "annual_rate": D("6.000")}
    k1 = contract_create(member=a, product=ordinary, amount=D("12000.00"), installments=12, disbursed_on=OCT_1,
                         number="K1", **style)  # fmt: skip
    k2 = contract_create(member=b, product=ordinary, amount=D("24000.00"), installments=12, disbursed_on=OCT_1,
                         number="K2", **style)  # fmt: skip
    k3 = contract_create(member=c, product=emergency, amount=D("6000.00"), installments=6, disbursed_on=NOV_1,
                         number="K3", **style)  # fmt: skip
    k4 = contract_create(member=a, product=special, amount=D("5000.00"), installments=12, disbursed_on=OCT_1,
                         number="K4", **style)  # fmt: skip

    # 5,000 × 6% × 15/365 = 12.33: paid off on 16 October
    loan_payoff(contract=k4, on=dt.date(2025, 10, 16), channel="bank", by=officer)
    # 12,000 × 6% × 31/365 = 61.15 and 24,000 × 6% × 31/365 = 122.30
    _pay(k1, "1061.15", NOV_1, officer)
    _pay(k2, "2122.30", NOV_1, officer)
    # 30 Nov: 11,000 × 6% × 29/365 = 52.44; 22,000 × 29 days = 104.88; 6,000 × 29 days = 28.60
    loan_interest_accrual_run(period_end=NOV_30, by=officer)
    # 11,000 × 6% × 30/365 = 54.25 (52.44 of it accrued)
    _pay(k1, "1054.25", DEC_1, officer)
    # 6,000 × 6% × 30/365 = 29.59, reversed, then 34 days = 33.53 (28.60 of each accrued)
    bounced = _pay(k3, "1029.59", DEC_1, officer)
    loan_transaction_reverse(transaction_row=bounced, on=dt.date(2025, 12, 3), reason="โอนไม่ผ่าน", by=officer)
    _pay(k3, "1033.53", dt.date(2025, 12, 5), officer)
    # 10,000 × 6% × 31/365 = 50.96
    _pay(k1, "1050.96", JAN_1, officer)
    # 22,000 × 6% × 70/365 (1 Nov – 10 Jan) = 253.15 (104.88 of it accrued)
    _pay(k2, "2253.15", dt.date(2026, 1, 10), officer)

    # Guarantees in force: G1 on K1, K2, K3 and a pending application; G2 on K2 and K3; G3 on K1,
    # K2, K3. G2's guarantee of K1 ended (replaced) and of the closed K4 is not counted.
    for guarantor, contracts in ((g1, (k1, k2, k3)), (g2, (k2, k3)), (g3, (k1, k2, k3))):
        for k in contracts:
            Guarantee.objects.create(
                application=k.application, contract=k, guarantor=guarantor, started_on=k.disbursed_on
            )
    Guarantee.objects.create(application=k1.application, contract=k1, guarantor=g2, started_on=OCT_1,
                             ended_on=DEC_1, end_reason="เปลี่ยนผู้ค้ำ")  # fmt: skip
    Guarantee.objects.create(application=k4.application, contract=k4, guarantor=g2, started_on=OCT_1)
    pending = LoanApplication.objects.create(member=c, product=ordinary, amount=D("10000.00"), installments=12,
                                             applied_on=JAN_1, status=ApplicationStatus.PENDING, requested_by=officer)  # fmt: skip
    Guarantee.objects.create(application=pending, guarantor=g1, started_on=JAN_1)
    for k in (k1, k2, k3, k4):
        k.refresh_from_db()
    return {"a": a, "b": b, "c": c, "g1": g1, "g2": g2, "g3": g3, "k1": k1, "k2": k2, "k3": k3, "k4": k4,
            "ordinary": ordinary, "emergency": emergency, "special": special, "finance": finance, "works": works}  # fmt: skip


def test_the_book_is_as_hand_computed(book):
    # the interest figures the fixture's comments work out are the ones the services charged
    interest = {
        (t.contract.number, t.date, t.kind): t.interest
        for t in LoanTransaction.objects.exclude(kind=LoanTxKind.DISBURSEMENT).select_related("contract")
    }
    assert interest == {
        ("K4", dt.date(2025, 10, 16), "payment"): D("12.33"),
        ("K1", NOV_1, "payment"): D("61.15"),
        ("K2", NOV_1, "payment"): D("122.30"),
        ("K1", NOV_30, "accrual"): D("52.44"),
        ("K2", NOV_30, "accrual"): D("104.88"),
        ("K3", NOV_30, "accrual"): D("28.60"),
        ("K1", DEC_1, "payment"): D("54.25"),
        ("K3", DEC_1, "payment"): D("29.59"),
        ("K3", dt.date(2025, 12, 3), "reversal"): D("-29.59"),
        ("K3", dt.date(2025, 12, 5), "payment"): D("33.53"),
        ("K1", JAN_1, "payment"): D("50.96"),
        ("K2", dt.date(2026, 1, 10), "payment"): D("253.15"),
    }
    assert [book[k].principal_balance for k in ("k1", "k2", "k3", "k4")] == [
        D("9000.00"), D("20000.00"), D("5000.00"), D("0.00"),
    ]  # fmt: skip
    assert book["k4"].status == ContractStatus.CLOSED


# ======== (1) Register by product ========


def _recon(recons) -> list[tuple[str, D, D]]:
    return [(r.mark, r.subledger, r.gl) for r in recons]


def test_register_lists_active_contracts_by_product_with_subtotals_tied_to_the_gl(book):
    # when
    report = reports.loan_register()

    # then
    rows = list(report.iter_rows())
    assert [(r["product_code"], r["number"]) for r in rows] == [("TEM", "K3"), ("TOR", "K1"), ("TOR", "K2")]
    k2 = rows[2]
    assert {key: k2[key] for key in ("member_number", "unit_code", "disbursed_on", "amount", "annual_rate",
            "installments", "installments_paid", "installments_left", "installment_amount", "balance",
            "status_label", "family_label")} == {
        "member_number": "000002", "unit_code": "02", "disbursed_on": OCT_1, "amount": D("24000.00"),
        "annual_rate": D("6.000"), "installments": 12, "installments_paid": 2, "installments_left": 10,
        "installment_amount": D("2000.00"), "balance": D("20000.00"), "status_label": "ปกติ",
        "family_label": "เงินกู้สามัญ",
    }  # fmt: skip
    # K1 paid three installments (12,000 → 9,000), K3 one (6,000 → 5,000, the reversed one not counted)
    assert [(r["installments_paid"], r["installments_left"]) for r in rows[:2]] == [(1, 5), (3, 9)]
    # the same count as the contract page and the member's loan record
    for row in rows:
        summary = contract_summary(LoanContract.objects.get(pk=row["contract_id"]))
        assert (summary.installments_paid, summary.installments_left) == (
            row["installments_paid"], row["installments_left"],
        )  # fmt: skip
    assert [
        (s["product_code"], s["contracts"], s["amount"], s["balance"]) for s in report.product_subtotals
    ] == [
        ("TEM", 1, D("6000.00"), D("5000.00")),
        ("TOR", 2, D("36000.00"), D("29000.00")),
    ]
    assert [(f["family"], f["balance"]) for f in report.family_subtotals] == [
        ("emergency", D("5000.00")), ("ordinary", D("29000.00")),
    ]  # fmt: skip
    assert report.totals == {"contracts": 3, "amount": D("42000.00"), "balance": D("34000.00")}
    assert _recon(report.reconciliations) == [
        ("✔", D("5000.00"), D("5000.00")),
        ("✔", D("29000.00"), D("29000.00")),
        ("✔", D("0.00"), D("0.00")),
    ]


def test_register_as_of_a_past_date_sums_the_transactions_to_that_day(book):
    # when: 30 November 2025, active and closed
    report = reports.loan_register(as_of=NOV_30, status=reports.ALL)

    # then: one installment paid on K1 and K2, none due yet on K3; K4 closed on 16 October
    assert [(r["number"], r["balance"], r["installments_paid"], r["installments_left"], r["status_value"])
            for r in report.iter_rows()] == [
        ("K3", D("6000.00"), 0, 6, "active"),
        ("K1", D("11000.00"), 1, 11, "active"),
        ("K2", D("22000.00"), 1, 11, "active"),
        ("K4", D("0.00"), 12, 0, "closed"),
    ]  # fmt: skip
    assert report.totals == {"contracts": 4, "amount": D("47000.00"), "balance": D("39000.00")}
    assert _recon(report.reconciliations) == [
        ("✔", D("6000.00"), D("6000.00")),
        ("✔", D("33000.00"), D("33000.00")),
        ("✔", D("0.00"), D("0.00")),
    ]
    # K4 was still open on 10 October, and a contract disbursed later is not in the register yet
    early = reports.loan_register(as_of=dt.date(2025, 10, 10))
    assert [(r["number"], r["balance"]) for r in early.iter_rows()] == [
        ("K1", D("12000.00")), ("K2", D("24000.00")), ("K4", D("5000.00")),
    ]  # fmt: skip


def test_register_filters_show_the_whole_book_beside_the_gl(book):
    # when: only unit 02
    by_unit = reports.loan_register(unit=book["works"])
    closed = reports.loan_register(status=ContractStatus.CLOSED)
    emergency = reports.loan_register(product=book["emergency"])

    # then
    assert [r["number"] for r in by_unit.iter_rows()] == ["K2"]
    assert by_unit.totals["balance"] == D("20000.00")
    assert by_unit.filtered
    assert _recon(by_unit.reconciliations)[1] == ("✔", D("29000.00"), D("29000.00"))
    assert [(r["number"], r["status_label"], r["installments_left"]) for r in closed.iter_rows()] == [
        ("K4", "ปิดสัญญาแล้ว", 0)
    ]
    assert [r["number"] for r in emergency.iter_rows()] == ["K3"]


def test_register_grouped_rows_put_a_heading_and_a_subtotal_round_each_product(book):
    # when
    grouped = list(reports.loan_register().iter_grouped())

    # then
    assert [(g.get("row_kind", "row"), g.get("row_label") or g["number"]) for g in grouped] == [
        ("group", "TEM ทดสอบ emergency"), ("row", "K3"), ("subtotal", "TEM ทดสอบ emergency"),
        ("group", "TOR ทดสอบ ordinary"), ("row", "K1"), ("row", "K2"), ("subtotal", "TOR ทดสอบ ordinary"),
    ]  # fmt: skip
    assert grouped[-1]["balance"] == D("29000.00")


# ======== (2) Arrears ========


def _arrears(data) -> list[tuple]:
    return [
        (r["number"], r["missed"], r["overdue"], r["months_overdue"], r["overdue_since"], r["balance"])
        for r in data["rows"]
    ]


def test_arrears_in_mid_january(book):
    # when
    data = reports.loans_in_arrears(as_of=dt.date(2026, 1, 15))

    # then: K1 is up to date. K2 missed 1 Dec (paid only on 10 Jan) and 1 Jan (still 2,000 short);
    # K3 missed 1 Dec (its payment bounced: the 3 Dec reversal stands where the payment stood, and
    # the payment again on 5 Dec came after the due date) and 1 Jan.
    # K2's overdue is the smaller shortfall: principal 6,000.00 − 4,000.00 = 2,000.00, payments
    # (2,122.30 + 2,108.49 + 2,101.92) − paid (2,122.30 + 2,253.15) = 1,957.26 (the 10 Jan receipt
    # paid 70 days of interest, 42.74 more than rows 2 and 3 carry); K3's: 1,000.00 against
    # 2,050.82 − 1,033.53 = 1,017.29.
    assert _arrears(data) == [
        ("K3", 2, D("1000.00"), 1, JAN_1, D("5000.00")),
        ("K2", 2, D("1957.26"), 1, JAN_1, D("20000.00")),
    ]
    k2 = data["rows"][1]
    assert (k2["member_number"], k2["unit_code"], k2["phone_display"], k2["guarantors"]) == (
        "000002", "02", "089 876 5432", "000011, 000012, 000013",
    )  # fmt: skip
    assert data["fiscal_year"] == (OCT_1, dt.date(2026, 9, 30))
    assert data["totals"] == {
        "contracts": 2, "missed": 4, "overdue": D("2957.26"), "interest_arrears": D("0.00"), "balance": D("25000.00"),
    }  # fmt: skip
    assert [(s["product_code"], s["contracts"], s["overdue"]) for s in data["product_subtotals"]] == [
        ("TEM", 1, D("1000.00")), ("TOR", 1, D("1957.26")),
    ]  # fmt: skip
    assert all(r.ok for r in data["reconciliations"])


def test_arrears_agree_with_loan_arrears_and_the_average_return_count(book):
    # given
    as_of = dt.date(2026, 1, 15)

    # when
    data = reports.loans_in_arrears(as_of=as_of)

    # then: the same figures, contract by contract, as the per-contract function and the set the
    # dividend run reads (members_missed_installments)
    listed = {r["number"]: (r["missed"], r["overdue"]) for r in data["rows"]}
    for key in ("k1", "k2", "k3"):
        missed, overdue = loan_arrears(contract=book[key], as_of=as_of)
        assert listed.get(book[key].number, (0, D("0.00"))) == (missed, overdue)
    by_member = members_missed_installments(fiscal_year_start=OCT_1, fiscal_year_end=as_of)
    assert by_member == {book["b"].pk: 2, book["c"].pk: 2}


def test_arrears_on_earlier_days(book):
    # 4 Dec: K3's payment was reversed on 3 Dec, so 1 Dec is missed and 1,000 overdue
    assert _arrears(reports.loans_in_arrears(as_of=dt.date(2025, 12, 4))) == [
        ("K3", 1, D("1000.00"), 1, DEC_1, D("6000.00")),
        ("K2", 1, D("2000.00"), 1, DEC_1, D("22000.00")),
    ]
    # 15 Dec: K3 paid again on 5 Dec: nothing overdue, but 1 Dec stays missed in the year
    assert _arrears(reports.loans_in_arrears(as_of=dt.date(2025, 12, 15))) == [
        ("K3", 1, D("0.00"), 0, None, D("5000.00")),
        ("K2", 1, D("2000.00"), 1, DEC_1, D("22000.00")),
    ]


def test_arrears_in_the_next_fiscal_year_count_the_installments_behind_since_the_year_before(book):
    # given: fiscal year 2570 opened (1 Oct 2026), nothing paid since January
    from sahakorn.ledger.services import fiscal_year_ensure

    as_of = dt.date(2026, 10, 15)
    fiscal_year_ensure(on=as_of)

    # when
    data = reports.loans_in_arrears(as_of=as_of)

    # then: only 1 Oct 2026 is missed in the new year, but months overdue run back to the oldest
    # installment not covered: K3's 2nd of 6 (1 Jan), K1's 4th (1 Feb), K2's 3rd (1 Jan)
    assert _arrears(data) == [
        ("K3", 0, D("5000.00"), 5, JAN_1, D("5000.00")),
        ("K1", 1, D("9000.00"), 9, dt.date(2026, 2, 1), D("9000.00")),
        ("K2", 1, D("20000.00"), 10, JAN_1, D("20000.00")),
    ]
    for key in ("k1", "k2", "k3"):
        row = next(r for r in data["rows"] if r["number"] == book[key].number)
        assert loan_arrears(contract=book[key], as_of=as_of) == (row["missed"], row["overdue"])


def test_arrears_filters(book):
    as_of = dt.date(2026, 1, 15)
    assert [r["number"] for r in reports.loans_in_arrears(as_of=as_of, min_missed=2)["rows"]] == ["K3", "K2"]
    assert [r["number"] for r in reports.loans_in_arrears(as_of=as_of, min_missed=3)["rows"]] == []
    assert [
        r["number"] for r in reports.loans_in_arrears(as_of=as_of, product=book["emergency"])["rows"]
    ] == ["K3"]


def test_arrears_is_one_query_however_many_contracts(book, officer, django_assert_num_queries):
    # given: the query count with the book as it is
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_of = dt.date(2026, 1, 15)
    with CaptureQueriesContext(connection) as before:
        reports.loans_in_arrears(as_of=as_of)
    # when: five more contracts fall behind
    for n in range(5):
        contract_create(product=book["ordinary"], amount=D("1200.00"), installments=12, disbursed_on=OCT_1,
                        number=f"X{n}", repayment_style=RepaymentStyle.EQUAL_PRINCIPAL)  # fmt: skip

    # then: the same number of queries, and the five are listed
    with django_assert_num_queries(len(before.captured_queries)):
        data = reports.loans_in_arrears(as_of=as_of)
    assert data["totals"]["contracts"] == 7


# ======== (3) Guarantor obligations ========


def test_guarantor_obligations_share_each_balance_between_the_guarantors_in_force(book):
    # when
    report = reports.guarantor_obligations()

    # then
    summary = [(g["guarantor_number"], g["contracts"], g["balance"], g["share"], g["applications"], g["flag"])
               for g in report.guarantors]  # fmt: skip
    assert summary == [
        # 9,000 ÷ 2 = 4,500.00; 20,000 ÷ 3 = 6,666.67; 5,000 ÷ 3 = 1,666.67; + a pending application: 4 > 3
        ("000011", 3, D("34000.00"), D("12833.34"), 1, "over"),
        # K1 (guarantee ended) and the closed K4 are not counted
        ("000012", 2, D("25000.00"), D("8333.34"), 0, ""),
        ("000013", 3, D("34000.00"), D("12833.34"), 0, "at"),
    ]
    assert report.rules.max_contracts_per_guarantor == 3
    assert report.totals == {"guarantors": 3, "contracts": 8, "balance": D("93000.00"), "share": D("34000.02"),
                             "applications": 1, "flagged": 2}  # fmt: skip
    rows = report.rows_for([book["g1"].pk])[book["g1"].pk]
    assert [(r["contract_number"], r["borrower_number"], r["guarantors_on_contract"], r["balance"], r["share"])
            for r in rows] == [
        ("K1", "000001", 2, D("9000.00"), D("4500.00")),
        ("K2", "000002", 3, D("20000.00"), D("6666.67")),
        ("K3", "000003", 3, D("5000.00"), D("1666.67")),
    ]  # fmt: skip


def test_guarantor_obligations_of_one_member_and_of_the_flagged(book):
    one = reports.guarantor_obligations(member=book["g2"])
    flagged = reports.guarantor_obligations(flagged_only=True)

    assert [(g["guarantor_number"], g["share"]) for g in one.guarantors] == [("000012", D("8333.34"))]
    assert [(r.get("row_kind", "row"), r.get("contract_number")) for r in one.iter_grouped()] == [
        ("group", None), ("row", "K2"), ("row", "K3"), ("subtotal", None),
    ]  # fmt: skip
    assert [g["guarantor_number"] for g in flagged.guarantors] == ["000011", "000013"]
    assert flagged.totals["share"] == D("25666.68")
    assert sum(1 for r in flagged.iter_grouped() if "row_kind" not in r) == 6


def test_guarantor_amount_limit_flags_the_full_balance(book, manager):
    # given: from 1 January 2026 one member may guarantee at most 30,000 in all
    from sahakorn.loans.models import GuaranteeRules

    GuaranteeRules.objects.create(effective_from=JAN_1, max_contracts_per_guarantor=5,
                                  max_amount_per_guarantor=D("30000.00"), created_by=manager)  # fmt: skip

    # when
    report = reports.guarantor_obligations(on=dt.date(2026, 1, 15))

    # then: G1 (34,000 + 10,000 applied) and G3 (34,000) are over it, G2 (25,000) is not
    assert [(g["guarantor_number"], g["flag"]) for g in report.guarantors] == [
        ("000011", "amount"), ("000012", ""), ("000013", "amount"),
    ]  # fmt: skip


# ======== (4) Interest received per month ========


def _family(data, family: str) -> dict:
    return next(f for f in data["families"] if f["family"] == family)


def _month(fam: dict, month: dt.date) -> tuple:
    m = next(m for m in fam["recon"] if m["month"] == month)
    return m["received"], m["settled"], m["accrued"], m["income"], m["gl"], m["ok"]


def test_interest_received_per_month_ties_to_interest_income_to_the_satang(book):
    # when
    data = reports.loan_interest_by_month(fy_end_year=FY2569)

    # then: the fiscal year's months run October to September
    assert (
        data["months"][0] == OCT_1 and data["months"][-1] == dt.date(2026, 9, 1) and len(data["months"]) == 12
    )
    ordinary = _family(data, "ordinary")
    # November: 61.15 + 122.30 received; 52.44 + 104.88 accrued at month-end → income 340.77
    assert _month(ordinary, NOV_1) == (D("183.45"), D("0.00"), D("157.32"), D("340.77"), D("340.77"), True)
    # December: K1's 54.25 settles its 52.44 accrual: 1.81 is new income
    assert _month(ordinary, DEC_1) == (D("54.25"), D("52.44"), D("0.00"), D("1.81"), D("1.81"), True)
    # January: 50.96 + 253.15, of which K2's 104.88 was accrued
    assert _month(ordinary, JAN_1) == (D("304.11"), D("104.88"), D("0.00"), D("199.23"), D("199.23"), True)
    emergency = _family(data, "emergency")
    assert _month(emergency, NOV_1) == (D("0.00"), D("0.00"), D("28.60"), D("28.60"), D("28.60"), True)
    # December: 29.59 − 29.59 (reversed) + 33.53 received; 28.60 settled, given back, settled again
    assert _month(emergency, DEC_1) == (D("33.53"), D("28.60"), D("0.00"), D("4.93"), D("4.93"), True)
    special = _family(data, "special")
    assert _month(special, OCT_1) == (D("12.33"), D("0.00"), D("0.00"), D("12.33"), D("12.33"), True)
    assert [
        (f["family"], f["total"], f["income_total"], f["gl_total"], f["ok"]) for f in data["families"]
    ] == [
        ("emergency", D("33.53"), D("33.53"), D("33.53"), True),
        ("ordinary", D("541.81"), D("541.81"), D("541.81"), True),
        ("special", D("12.33"), D("12.33"), D("12.33"), True),
    ]
    assert [(r.mark, r.subledger, r.gl) for r in data["reconciliations"]] == [
        ("✔", D("33.53"), D("33.53")), ("✔", D("541.81"), D("541.81")), ("✔", D("12.33"), D("12.33")),
    ]  # fmt: skip
    # the year's interest income equals the GL balance of each income account
    assert account_balance(account="interest_income_ordinary") == D("541.81")


def test_interest_product_rows_sum_to_their_family_and_the_total(book):
    # when
    data = reports.loan_interest_by_month(fy_end_year=FY2569)

    # then
    ordinary = _family(data, "ordinary")
    tor = next(p for p in ordinary["products"] if p["product_code"] == "TOR")
    assert tor["received"][1:4] == [D("183.45"), D("54.25"), D("304.11")]
    assert (tor["m02"], tor["total"]) == (D("183.45"), D("541.81"))
    for fam in data["families"]:
        for n in range(12):
            assert fam["received"][n] == sum((p["received"][n] for p in fam["products"]), D("0.00"))
    assert data["total"]["received"][:4] == [D("12.33"), D("183.45"), D("87.78"), D("304.11")]
    assert data["total"]["total"] == D("587.67")


def test_interest_a_voucher_off_the_sub_ledger_shows_its_month_crossed(book, officer):
    # given: interest income posted by hand in February, with no loan transaction behind it
    from sahakorn.ledger.models import EntrySource
    from sahakorn.ledger.services import Line, journal_entry_record

    journal_entry_record(
        date=dt.date(2026, 2, 15), description="ดอกเบี้ยรับ บันทึกด้วยมือ", source=EntrySource.MANUAL,
        lines=[Line(account="cash", debit=D("100.00")), Line(account="interest_income_ordinary", credit=D("100.00"))],
        created_by=officer,
    )  # fmt: skip

    # when
    data = reports.loan_interest_by_month(fy_end_year=FY2569)

    # then
    ordinary = _family(data, "ordinary")
    assert _month(ordinary, dt.date(2026, 2, 1)) == (D("0"), D("0"), D("0"), D("0.00"), D("100.00"), False)
    assert not ordinary["ok"]
    assert [(r.mark, r.label, r.difference) for r in data["reconciliations"] if not r.ok] == [
        ("✘", "เงินกู้สามัญ: รายได้ดอกเบี้ยตามทะเบียนเงินกู้ทั้งปีบัญชี", D("-100.00")),
        ("✘", "เงินกู้สามัญ เดือนกุมภาพันธ์ 2569", D("-100.00")),
    ]


def test_interest_of_a_netting_that_settles_an_accrual(ordinary, officer, manager):
    # given: a 150,000 ordinary loan from 5 March 2025 (6.5%) accrues 26 days at 31 March
    # (150,000 × 6.5% × 26 / 365 = 694.52) and is netted off by a new loan on 10 April
    # (36 days: 961.64, of which 694.52 was accrued)
    from sahakorn.loans.tests.conftest import borrower, disbursed, guarantor

    member, g = borrower(shares=2000), guarantor()
    old = disbursed(product=ordinary, member=member, amount="150000.00", installments=120, guarantors=[g],
                    maker=officer, checker=manager)  # fmt: skip
    loan_interest_accrual_run(period_end=dt.date(2025, 3, 31))
    disbursed(product=ordinary, member=member, amount="200000.00", installments=120, guarantors=[g],
              maker=officer, checker=manager, applied_on=dt.date(2025, 4, 8), on=dt.date(2025, 4, 10),
              first_due=dt.date(2025, 5, 31), refinance=old)  # fmt: skip

    # when: fiscal year 2568 (the default coop's year is the calendar year)
    data = reports.loan_interest_by_month(fy_end_year=2025)

    # then: the netting's 961.64 is received in April, 694.52 of it settles March's accrual
    fam = _family(data, "ordinary")
    march, april = _month(fam, dt.date(2025, 3, 1)), _month(fam, dt.date(2025, 4, 1))
    assert march == (D("0.00"), D("0.00"), D("694.52"), D("694.52"), D("694.52"), True)
    assert april == (D("961.64"), D("694.52"), D("0.00"), D("267.12"), D("267.12"), True)
    assert fam["ok"] and all(r.ok for r in data["reconciliations"])


def test_interest_report_ties_to_the_gl_with_arrears_refunds_and_recomputed_accruals(officer):
    # given: a short payroll receipt (arrears), a late receipt after the month-end accrual (recomputed)
    # and an interest refund, all in one fiscal year
    from sahakorn.loans.batch import loan_interest_accrual_run
    from sahakorn.loans.payments import loan_interest_refund

    contract = contract_create(amount=D("100000.00"), disbursed_on=dt.date(2026, 1, 1))
    loan_payment_record(
        contract=contract, amount=D("300.00"), on=dt.date(2026, 1, 31), channel="payroll", by=officer
    )
    loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer)
    loan_payment_record(
        contract=contract, amount=D("9000.00"), on=dt.date(2026, 2, 20), channel="cash", by=officer
    )
    loan_interest_refund(contract=contract, amount=D("10.00"), on=dt.date(2026, 3, 5), channel="cash", reason="x",
                         by=officer)  # fmt: skip

    # when
    data = reports.loan_interest_by_month(fy_end_year=2026)

    # then: every month of the ordinary family ties to the interest income account
    ordinary = next(f for f in data["families"] if f["family"] == "ordinary")
    assert ordinary["ok"]
    jan, feb, mar = ordinary["recon"][0:3]
    # Jan: 100,000 × 6% × 30 / 365 = 493.15 charged, 300.00 received, 193.15 left in arrears
    assert (jan["received"], jan["arrears"], jan["income"]) == (D("300.00"), D("193.15"), D("493.15"))
    # Feb: the 28 Feb accrual recomputed from 20 Feb; the 20 Feb receipt collects the arrears
    assert feb["income"] == account_balance(
        account="interest_income_ordinary", as_of=dt.date(2026, 2, 28)
    ) - D("493.15")
    assert mar["received"] == D("-10.00") and mar["income"] == D("-10.00")
