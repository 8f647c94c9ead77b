"""The loan calculator: ``sahakorn loans calc FILE.json`` and the back-office screen, by hand to the
satang, with every bad key named and exit status 2."""

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from sahakorn.loans.calculator import (
    INTEREST_ROUNDINGS,
    PRINCIPAL_ROUNDINGS,
    LoanCalcInputError,
    loan_calc_input_parse,
    loan_calc_run,
)

BASE = {
    "principal": "10000",
    "annual_rate": "6",
    "style": "equal_principal",
    "installments": 2,
    "disbursed_on": "2026-01-15",
    "day_basis": "365",
    "interest_rounding": "half_up_satang",
    "principal_rounding": "none",
}

EXPECTED_10000 = """\
{
  "rows": [
    {
      "n": 1,
      "due_date": "2026-01-31",
      "days": 16,
      "opening": "10000.00",
      "interest": "26.30",
      "principal": "5000.00",
      "payment": "5026.30",
      "closing": "5000.00"
    },
    {
      "n": 2,
      "due_date": "2026-02-28",
      "days": 28,
      "opening": "5000.00",
      "interest": "23.01",
      "principal": "5000.00",
      "payment": "5023.01",
      "closing": "0.00"
    }
  ],
  "total_interest": "49.31",
  "total_paid": "10049.31"
}
"""


def run_command(tmp_path: Path, document) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``loans calc`` on ``document`` written to a file."""
    path = tmp_path / "input.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("loans", "calc", str(path), stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


# ======== The command: figures ========


def test_equal_principal_prints_the_hand_computed_schedule_as_json(tmp_path):
    # given: 10,000 at 6% in 2 installments, paid out 15 Jan 2026, due dates by default

    # when
    status, out, err = run_command(tmp_path, BASE)

    # then: month-ends 31 Jan (16 days) and 28 Feb (28 days), 5,000 principal each:
    #   10,000 × 6 × 16 / 36,500 = 960,000 / 36,500 = 26.3013… → 26.30
    #    5,000 × 6 × 28 / 36,500 = 840,000 / 36,500 = 23.0136… → 23.01
    #   total interest 49.31, total paid 10,049.31
    assert (status, err) == (0, "")
    assert out == EXPECTED_10000


def test_level_with_a_given_installment_takes_the_principal_as_installment_minus_interest():
    # given: 10,000 at 6%, 3 installments of 3,400, paid out on a month-end (31 Jan 2026)
    document = {
        **BASE,
        "style": "level",
        "installments": 3,
        "installment": "3400",
        "disbursed_on": "2026-01-31",
    }

    # when
    output = loan_calc_run(document)

    # then: due 28 Feb (28 days), 31 Mar (31), 30 Apr (30):
    #   10,000.00 × 6 × 28 / 36,500 = 46.027… → 46.03; principal 3,400 − 46.03 = 3,353.97 → 6,646.03
    #    6,646.03 × 6 × 31 / 36,500 = 33.867… → 33.87; principal 3,366.13 → 3,279.90
    #    3,279.90 × 6 × 30 / 36,500 = 16.174… → 16.17; the last pays 3,279.90 + 16.17 = 3,296.07
    rows = output["rows"]
    assert [r["due_date"] for r in rows] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    assert [r["interest"] for r in rows] == ["46.03", "33.87", "16.17"]
    assert [r["principal"] for r in rows] == ["3353.97", "3366.13", "3279.90"]
    assert [r["payment"] for r in rows] == ["3400.00", "3400.00", "3296.07"]
    assert rows[-1]["closing"] == "0.00"
    assert (output["total_interest"], output["total_paid"]) == ("96.07", "10096.07")


def test_level_without_installment_rounds_the_annuity_by_principal_rounding():
    # given: 100,000 at 6% over 12 months, the installment rounded up to 10 baht
    document = {
        **BASE,
        "principal": "100000",
        "style": "level",
        "installments": 12,
        "principal_rounding": "up_10",
    }

    # when
    rows = loan_calc_run(document)["rows"]

    # then: 100,000 × 0.005 / (1 − 1.005^−12) = 8,606.64 → 8,610.00; the first row's interest is
    # 100,000 × 6 × 16 / 36,500 = 263.01, so its principal is 8,610 − 263.01 = 8,346.99
    assert rows[0]["payment"] == "8610.00" and rows[0]["principal"] == "8346.99"
    assert all(r["payment"] == "8610.00" for r in rows[:-1]) and rows[-1]["closing"] == "0.00"


def test_nearest_quarter_rounds_interest_to_the_closest_25_satang():
    # given: 12,629 at 9%, due dates given: 15 days to 31 Jan, then 18 days to 18 Feb
    document = {
        **BASE,
        "principal": "12629",
        "annual_rate": "9",
        "disbursed_on": "2026-01-16",
        "due_dates": ["2026-01-31", "2026-02-18"],
        "interest_rounding": "nearest_quarter",
    }

    # when
    rows = loan_calc_run(document)["rows"]

    # then: 12,629.00 × 9 × 15 / 36,500 = 1,704,915 / 36,500 = 46.71  → 46.75 (186.84 quarters → 187)
    #        6,314.50 × 9 × 18 / 36,500 = 1,022,949 / 36,500 = 28.026 → 28.00 (112.10 quarters → 112)
    assert [r["days"] for r in rows] == [15, 18]
    assert [r["interest"] for r in rows] == ["46.75", "28.00"]


def test_principal_rounded_up_to_100_repays_50000_in_167_installments():
    # given: 50,000 over 180 installments, the principal part rounded up to 100 baht
    document = {**BASE, "principal": "50000", "installments": 180, "principal_rounding": "up_100"}

    # when
    output = loan_calc_run(document)

    # then: 50,000 / 180 = 277.78 → 300; 166 × 300 = 49,800, so the 167th takes the last 200.00
    rows = output["rows"]
    assert len(rows) == 167
    assert {r["principal"] for r in rows[:-1]} == {"300.00"}
    assert rows[-1]["principal"] == "200.00" and rows[-1]["closing"] == "0.00"
    assert D(output["total_paid"]) == D("50000.00") + D(output["total_interest"])


def test_days_as_one_number_replaces_every_rows_day_count():
    # given: the 10,000 example with every installment counted as 30 days
    document = {**BASE, "days": 30}

    # when
    rows = loan_calc_run(document)["rows"]

    # then: 10,000 × 6 × 30 / 36,500 = 49.315… → 49.32; 5,000 × 6 × 30 / 36,500 = 24.657… → 24.66
    assert [r["days"] for r in rows] == [30, 30]
    assert [r["interest"] for r in rows] == ["49.32", "24.66"]


def test_actual_day_basis_divides_leap_year_days_by_366():
    # given: 10,000 at 6% paid out 31 Jan 2024 (a leap year), each day by its own year's length
    document = {**BASE, "disbursed_on": "2024-01-31", "day_basis": "actual"}

    # when
    rows = loan_calc_run(document)["rows"]

    # then: 29 Feb 2024 (29 days): 10,000 × 6 × 29 / 36,600 = 47.540… → 47.54 (by 365 it would be 47.67)
    #       31 Mar 2024 (31 days):  5,000 × 6 × 31 / 36,600 = 25.409… → 25.41 (by 365: 25.48)
    assert [(r["due_date"], r["days"]) for r in rows] == [("2024-02-29", 29), ("2024-03-31", 31)]
    assert [r["interest"] for r in rows] == ["47.54", "25.41"]


def test_default_due_dates_are_month_ends_strictly_after_disbursement():
    # given: paid out on a month-end, and in the middle of a month

    # when
    on_month_end = loan_calc_input_parse({**BASE, "disbursed_on": "2024-01-31", "installments": 3})
    mid_month = loan_calc_input_parse({**BASE, "disbursed_on": "2024-01-15", "installments": 3})

    # then: a month-end payout starts on the next month-end; February stays on its last day
    assert [d.isoformat() for d in on_month_end.due_dates] == ["2024-02-29", "2024-03-31", "2024-04-30"]
    assert [d.isoformat() for d in mid_month.due_dates] == ["2024-01-31", "2024-02-29", "2024-03-31"]


def test_rows_limits_the_printed_list_but_totals_cover_the_whole_schedule():
    # given: the 10,000 example, asking for one row
    document = {**BASE, "rows": 1}

    # when
    output = loan_calc_run(document)

    # then: only installment 1 is printed; the totals are still 49.31 / 10,049.31
    assert [r["n"] for r in output["rows"]] == [1]
    assert (output["total_interest"], output["total_paid"]) == ("49.31", "10049.31")


# ======== The command: bad input ========


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"principal": 10000}, "principal"),
        ({"principal": "10000.001"}, "principal"),
        ({"principal": "0"}, "principal"),
        ({"principal": "-5"}, "principal"),
        ({"annual_rate": "6.1234"}, "annual_rate"),
        ({"annual_rate": "abc"}, "annual_rate"),
        ({"style": "flat"}, "style"),
        ({"installments": "12"}, "installments"),
        ({"installments": True}, "installments"),
        ({"installments": 0}, "installments"),
        ({"installments": 2.0}, "installments"),
        ({"installment": "3400"}, "installment"),  # only for "level"
        ({"disbursed_on": "15/01/2026"}, "disbursed_on"),
        ({"disbursed_on": "2569-01-15"}, "disbursed_on"),  # a B.E. year
        ({"disbursed_on": "2026-02-30"}, "disbursed_on"),
        ({"due_dates": ["2026-01-31"]}, "due_dates"),  # one date for two installments
        ({"due_dates": ["2026-01-31", "2026-01-31"]}, "due_dates"),  # not after the previous
        ({"due_dates": ["2026-01-10", "2026-02-28"]}, "due_dates"),  # before the payout
        ({"due_dates": "2026-01-31"}, "due_dates"),
        ({"days": [30]}, "days"),
        ({"days": -1}, "days"),
        ({"days": "30"}, "days"),
        ({"day_basis": 365}, "day_basis"),
        ({"interest_rounding": "up_10"}, "interest_rounding"),
        ({"principal_rounding": "half_up_satang"}, "principal_rounding"),
        ({"rows": 0}, "rows"),
        ({"colour": "red"}, "colour"),  # an unknown key
    ],
)
def test_bad_input_names_its_key_and_exits_with_status_2(tmp_path, change, key):
    # given: the good example with one key spoiled

    # when
    status, out, err = run_command(tmp_path, {**BASE, **change})

    # then: one line naming the key, nothing on stdout, no traceback
    assert status == 2 and out == ""
    assert err.startswith(f"{key}: ") and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("key", ["principal", "annual_rate", "style", "installments", "disbursed_on",
                                 "day_basis", "interest_rounding", "principal_rounding"])  # fmt: skip
def test_each_required_key_is_required(tmp_path, key):
    # given
    document = {k: v for k, v in BASE.items() if k != key}

    # when
    status, _, err = run_command(tmp_path, document)

    # then: Thai, then English
    assert status == 2 and err == f"{key}: ต้องระบุ / required\n"


def test_messages_are_printed_in_thai_and_english(tmp_path):
    # given
    document = {**BASE, "principal": "10000.001"}

    # when
    _, _, err = run_command(tmp_path, document)

    # then
    assert err.startswith("principal: ต้องเป็นจำนวนเงินเป็นข้อความ")
    assert " / must be an amount given as a string" in err and '(got "10000.001")' in err


def test_every_bad_key_is_reported_at_once(tmp_path):
    # given: three keys wrong
    document = {**BASE, "principal": "x", "style": "flat", "rows": -1}

    # when
    status, _, err = run_command(tmp_path, document)

    # then
    assert status == 2
    assert [line.split(":")[0] for line in err.splitlines()] == ["principal", "style", "rows"]


def test_a_level_installment_that_never_reduces_the_principal_is_refused_on_installment(tmp_path):
    # given: 100,000 at 6%: the first month's interest (31 Jan → 28 Feb: 460.27) exceeds 400
    document = {
        **BASE,
        "principal": "100000",
        "style": "level",
        "installment": "400",
        "disbursed_on": "2026-01-31",
    }

    # when
    status, _, err = run_command(tmp_path, document)

    # then
    assert status == 2 and err.startswith("installment: ค่างวด 400.00 บาท")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"principal": ', "ไม่ใช่ JSON ที่ถูกต้อง"),
        ("[1, 2]", "input: ข้อมูลต้องเป็นออบเจกต์ JSON"),
        ('{"principal": "1", "principal": "2"}', "principal: ระบุคีย์นี้ซ้ำ"),
    ],
)
def test_a_file_that_is_not_one_json_object_is_refused(tmp_path, text, fragment):
    # when
    status, out, err = run_command(tmp_path, text)

    # then
    assert status == 2 and out == "" and fragment in err


def test_a_missing_file_is_refused_with_status_2(tmp_path):
    # given
    missing = tmp_path / "nowhere.json"

    # when
    with pytest.raises(SystemExit) as exit_:
        call_command("loans", "calc", str(missing), stdout=StringIO(), stderr=(err := StringIO()))

    # then
    assert exit_.value.code == 2 and err.getvalue().startswith(f"{missing}: อ่านไฟล์ไม่ได้")


def test_the_console_script_exits_2_on_bad_input_and_0_on_good(tmp_path):
    # given: the installed ``sahakorn`` script beside this interpreter
    script = Path(sys.executable).with_name("sahakorn")
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps({**BASE, "installments": "2"}), encoding="utf-8")
    good.write_text(json.dumps(BASE), encoding="utf-8")

    # when
    refused = subprocess.run([script, "loans", "calc", bad], capture_output=True, text=True, check=False)
    printed = subprocess.run([script, "loans", "calc", good], capture_output=True, text=True, check=False)

    # then
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("installments: ") and "Traceback" not in refused.stderr
    assert printed.returncode == 0 and printed.stdout == EXPECTED_10000


# ======== Properties ========


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(min_value=100, max_value=500_000_000),
    rate=st.integers(min_value=0, max_value=20_000).map(lambda r: str(D(r) / 1000)),
    style=st.sampled_from(["equal_principal", "level"]),
    installments=st.integers(min_value=1, max_value=120),
    disbursed_on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    day_basis=st.sampled_from(["365", "366", "actual"]),
    interest_rounding=st.sampled_from(list(INTEREST_ROUNDINGS)),
    principal_rounding=st.sampled_from(list(PRINCIPAL_ROUNDINGS)),
)
def test_any_good_input_repays_the_principal_and_totals_add_up(
    cents, rate, style, installments, disbursed_on, day_basis, interest_rounding, principal_rounding
):
    # given: any amount, rate (up to 20%, three places), term, dates and rounding
    document = {
        "principal": str(D(cents) / 100),
        "annual_rate": rate,
        "style": style,
        "installments": installments,
        "disbursed_on": disbursed_on.isoformat(),
        "day_basis": day_basis,
        "interest_rounding": interest_rounding,
        "principal_rounding": principal_rounding,
    }

    # when
    try:
        output = loan_calc_run(document)
    except LoanCalcInputError as e:
        # then (refused): only a level installment below some month's interest, named as such
        assert style == "level" and [p.key for p in e.problems] == ["installment"]
        return

    # then: the principal comes back exactly, each row adds up, and the totals are the rows' sums
    rows = output["rows"]
    assert sum(D(r["principal"]) for r in rows) == D(document["principal"])
    assert rows[-1]["closing"] == "0.00" and len(rows) <= installments
    assert all(D(r["payment"]) == D(r["principal"]) + D(r["interest"]) for r in rows)
    assert D(output["total_interest"]) == sum(D(r["interest"]) for r in rows)
    assert D(output["total_paid"]) == sum(D(r["payment"]) for r in rows)


# ======== The screen ========


SCREEN = {
    "principal": "10,000",
    "annual_rate": "6",
    "style": "equal_principal",
    "installments": "2",
    "disbursed_on": "15/1/2569",
    "day_basis": "365",
    "interest_rounding": "half_up_satang",
    "principal_rounding": "none",
}


def test_calculator_screen_shows_the_schedule_and_exact_totals(client, officer):
    # given
    client.force_login(officer)

    # when: the 10,000 example, typed as an officer types it (commas, a B.E. date)
    r = client.get(reverse("loans:calculator"), SCREEN)

    # then: the same figures as the command, dates in B.E.
    html = r.content.decode()
    assert r.status_code == 200
    assert '<strong id="total-interest">49.31</strong>' in html
    assert '<strong id="total-paid">10,049.31</strong>' in html
    assert "31 ม.ค. 2569" in html and "28 ก.พ. 2569" in html and "5,026.30" in html


def test_calculator_screen_takes_due_dates_and_days_as_typed(client, officer):
    # given
    client.force_login(officer)

    # when: the nearest-quarter example with B.E. due dates separated by a comma
    r = client.get(
        reverse("loans:calculator"),
        {**SCREEN, "principal": "12629", "annual_rate": "9", "disbursed_on": "16/1/2569",
         "due_dates": "31/1/2569, 18/2/2569", "interest_rounding": "nearest_quarter"},
    )  # fmt: skip

    # then: 46.75 + 28.00
    assert '<strong id="total-interest">74.75</strong>' in r.content.decode()


def test_calculator_screen_puts_the_engines_message_beside_the_field(client, officer):
    # given
    client.force_login(officer)

    # when: three places of satang, and a fixed installment on an equal-principal loan
    r = client.get(reverse("loans:calculator"), {**SCREEN, "principal": "10000.001", "installment": "5000"})

    # then: the command's messages, each under its own field; no schedule
    form = r.context["form"]
    assert form.errors["principal"][0].startswith("ต้องเป็นจำนวนเงินเป็นข้อความ")
    assert form.errors["installment"] == ['ใช้ได้เฉพาะแบบคงยอด (style "level") เท่านั้น']
    html = r.content.decode()
    assert r.context["result"] is None and 'id="total-interest"' not in html
    assert "คำนวณไม่ได้ กรุณาแก้ไขตามข้อความด้านล่าง" in html


def test_calculator_screen_shows_due_date_order_in_be(client, officer):
    # given
    client.force_login(officer)

    # when: the second due date is not after the first
    r = client.get(reverse("loans:calculator"), {**SCREEN, "due_dates": "31/1/2569, 31/1/2569"})

    # then
    assert r.context["form"].errors["due_dates"] == [
        "วันที่ลำดับที่ 2 (31 ม.ค. 2569) ต้องอยู่หลังวันที่ลำดับก่อนหน้า 31 ม.ค. 2569"
    ]


def test_calculator_screen_in_english(client, officer):
    # given
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    # when
    r = client.get(reverse("loans:calculator"), {**SCREEN, "installments": "two"})

    # then
    html = r.content.decode()
    assert "Loan calculator" in html
    assert r.context["form"].errors["installments"] == ['must be a whole number from 1 to 600 (got "two")']


def test_calculator_screen_is_refused_to_anonymous_and_outsiders(client, outsider):
    # when: not logged in
    r = client.get(reverse("loans:calculator"), SCREEN)

    # then: sent to the login page
    assert r.status_code == 302 and r.url.startswith(reverse("login"))

    # when: logged in without a staff role
    client.force_login(outsider)

    # then
    assert client.get(reverse("loans:calculator"), SCREEN).status_code == 403
