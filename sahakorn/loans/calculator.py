"""The loan calculator (เครื่องคำนวณเงินกู้): one engine behind ``sahakorn loans calc FILE.json``, the
back-office calculator screen and, later, the member's "what would I pay".

It takes JSON-shaped input (money and rates as strings, so no float ever carries an amount), checks
every key and names the key in each message, builds the schedule with the pure calculators of
``loans/calc.py`` and returns JSON-shaped output. External programs depend on the keys and their
meaning (docs/loan-calculator.md), so they only ever grow.

Messages are Thai msgids translated at the moment they are shown: the screen shows them in the
user's language, the command prints both ("ไทย / English") after the key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from sahakorn.core.interest import DayBasis
from sahakorn.core.money import SATANG, Rounding
from sahakorn.core.months import month_end
from sahakorn.loans.calc import (
    Installment,
    level_payment,
    monthly_due_dates,
    schedule_equal_installment,
    schedule_equal_principal,
)

MAX_INSTALLMENTS = 600  # 50 years of months: longer than any coop lends, short enough for a screen
MAX_DAYS = 9999
FIRST_YEAR, LAST_YEAR = 1900, 2299  # C.E.; a B.E. year (25xx) typed by mistake falls outside


class LoanCalcStyle(models.TextChoices):
    EQUAL_PRINCIPAL = "equal_principal", _("คงต้น (ต้นเท่ากันทุกงวด)")
    LEVEL = "level", _("คงยอด (ผ่อนเท่ากันทุกงวด)")


# Input value → (engine rule, label). The keys are the file format; the labels are the screen's.
DAY_BASES: dict[str, tuple[DayBasis, Any]] = {
    "365": (DayBasis.DAYS_365, _("หาร 365 วันเสมอ")),
    "366": (DayBasis.DAYS_366, _("หาร 366 วันเสมอ")),
    "actual": (DayBasis.ACTUAL, _("ตามจำนวนวันจริงของแต่ละปี (ปีอธิกสุรทินหาร 366)")),
}
INTEREST_ROUNDINGS: dict[str, tuple[Rounding, Any]] = {
    "half_up_satang": (Rounding.SATANG_HALF_UP, _("ปัดเศษสตางค์ครึ่งขึ้น")),
    "truncate_satang": (Rounding.SATANG_TRUNCATE, _("ตัดเศษทิ้งที่สตางค์")),
    "up_quarter": (Rounding.QUARTER_UP, _("ปัดขึ้นทีละ 25 สตางค์")),
    "nearest_quarter": (Rounding.QUARTER_HALF_UP, _("ปัดเป็น 25 สตางค์ที่ใกล้ที่สุด")),
    "half_up_baht": (Rounding.BAHT_HALF_UP, _("ปัดเป็นบาท (ครึ่งขึ้น)")),
    "truncate_baht": (Rounding.BAHT_TRUNCATE, _("ตัดเศษสตางค์ทิ้ง")),
    "up_baht": (Rounding.BAHT_UP, _("ปัดขึ้นเป็นบาท")),
}
# "none" still rounds to the satang: an installment or its principal part is money that is paid.
PRINCIPAL_ROUNDINGS: dict[str, tuple[Rounding, Any]] = {
    "none": (Rounding.SATANG_HALF_UP, _("ไม่ปัด (ถึงสตางค์)")),
    "up_baht": (Rounding.BAHT_UP, _("ปัดขึ้นเป็นบาท")),
    "up_10": (Rounding.TEN_BAHT_UP, _("ปัดขึ้นทีละ 10 บาท")),
    "up_100": (Rounding.HUNDRED_BAHT_UP, _("ปัดขึ้นทีละ 100 บาท")),
}

REQUIRED_KEYS = (
    "principal",
    "annual_rate",
    "style",
    "installments",
    "disbursed_on",
    "day_basis",
    "interest_rounding",
    "principal_rounding",
)
OPTIONAL_KEYS = ("installment", "due_dates", "days", "rows")
KEYS = (*REQUIRED_KEYS, *OPTIONAL_KEYS)

# The messages (Thai msgids, English in locale/en). ``%(got)s`` is the value as it was given.
M_REQUIRED = gettext_noop("ต้องระบุ")
M_UNKNOWN = gettext_noop("ไม่รู้จักคีย์นี้ (คีย์ที่ใช้ได้: %(keys)s)")
M_DUPLICATE = gettext_noop("ระบุคีย์นี้ซ้ำ")
M_NOT_OBJECT = gettext_noop("ข้อมูลต้องเป็นออบเจกต์ JSON {…} (ได้ %(got)s)")
M_BAD_JSON = gettext_noop("ไม่ใช่ JSON ที่ถูกต้อง: %(error)s")
M_UNREADABLE = gettext_noop("อ่านไฟล์ไม่ได้: %(error)s")
M_MONEY = gettext_noop(
    'ต้องเป็นจำนวนเงินเป็นข้อความ มากกว่าศูนย์ ทศนิยมไม่เกิน 2 ตำแหน่ง ไม่เกิน 13 หลักหน้าจุด เช่น "10000.00" (ได้ %(got)s)'
)
M_RATE = gettext_noop('ต้องเป็นอัตราร้อยละต่อปีเป็นข้อความ ตั้งแต่ 0 ถึง 100 ทศนิยมไม่เกิน 3 ตำแหน่ง เช่น "6.25" (ได้ %(got)s)')
M_CHOICE = gettext_noop("ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: %(choices)s (ได้ %(got)s)")
M_INSTALLMENTS = gettext_noop("ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง %(max)s (ได้ %(got)s)")
M_ROWS = gettext_noop("ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป (ได้ %(got)s)")
M_DATE = gettext_noop('ต้องเป็นวันที่ ค.ศ. รูปแบบ YYYY-MM-DD ปี 1900–2299 เช่น "2026-01-15" (ได้ %(got)s)')
M_DATE_BE = gettext_noop("ปี %(year)s เป็นปี พ.ศ. ต้องใช้ปี ค.ศ. (พ.ศ. %(year)s = ค.ศ. %(ce)s)")
M_DUE_DATES = gettext_noop("ต้องเป็นรายการวันที่ ค.ศ. รูปแบบ YYYY-MM-DD หนึ่งวันต่องวด (ได้ %(got)s)")
M_DUE_DATE_ITEM = gettext_noop("วันที่ลำดับที่ %(i)s: %(error)s")
M_DUE_COUNT = gettext_noop("มี %(count)s วัน แต่จำนวนงวด (installments) คือ %(installments)s")
M_DUE_AFTER_DISBURSED = gettext_noop("วันที่ลำดับที่ %(i)s (%(day)s) ต้องอยู่หลังวันจ่ายเงินกู้ (disbursed_on) %(previous)s")
M_DUE_ORDER = gettext_noop("วันที่ลำดับที่ %(i)s (%(day)s) ต้องอยู่หลังวันที่ลำดับก่อนหน้า %(previous)s")
M_DAYS = gettext_noop("ต้องเป็นจำนวนวัน (จำนวนเต็ม 0 ถึง %(max)s) ค่าเดียวใช้ทุกงวด หรือรายการหนึ่งค่าต่องวด (ได้ %(got)s)")
M_DAYS_COUNT = gettext_noop("มี %(count)s ค่า แต่จำนวนงวด (installments) คือ %(installments)s")
M_LEVEL_ONLY = gettext_noop('ใช้ได้เฉพาะแบบคงยอด (style "level") เท่านั้น')
M_PAYMENT_TOO_SMALL = gettext_noop(
    "ค่างวด %(payment)s บาท ไม่มากกว่าดอกเบี้ยของบางงวด เงินต้นจะไม่ลดลง: ระบุค่างวดที่มากขึ้น หรือให้วันครบกำหนดห่างกันน้อยลง"
)

_MONEY_TEXT = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")
_RATE_TEXT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?")
_ISO_DATE = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}")


# ======== Messages ========


@dataclass(frozen=True)
class InputProblem:
    """What is wrong with one key: a Thai msgid and its parameters (dates stay dates until shown)."""

    key: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, *, date_format: Callable[[dt.date], str] = dt.date.isoformat) -> str:
        """The message in the active language; the screen passes a B.E. ``date_format``."""
        params = {name: _shown(value, date_format) for name, value in self.params.items()}
        return gettext(self.message) % params

    def line(self) -> str:
        """``key: ไทย / English``: one line of the command's error output."""
        with translation.override("th"):
            thai = self.text()
        with translation.override("en"):
            english = self.text()
        return f"{self.key}: {thai}" if thai == english else f"{self.key}: {thai} / {english}"


def _shown(value: Any, date_format: Callable[[dt.date], str]) -> Any:
    if isinstance(value, dt.date):
        return date_format(value)
    if isinstance(value, InputProblem):  # a message inside a message, translated with it
        return value.text(date_format=date_format)
    return value


class LoanCalcInputError(ValueError):
    """The input is refused; ``problems`` has one entry per key at fault."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("\n".join(problem.line() for problem in problems))
        self.problems = problems


class _Bad(Exception):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params


def _got(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


# ======== Input ========


@dataclass(frozen=True)
class LoanCalcInput:
    principal: Decimal
    annual_rate: Decimal
    style: LoanCalcStyle
    installments: int
    disbursed_on: dt.date
    due_dates: tuple[dt.date, ...]  # the given ones, or the default month-ends
    day_basis: str
    interest_rounding: str
    principal_rounding: str
    installment: Decimal | None = None
    days: int | tuple[int, ...] | None = None
    rows: int | None = None


def default_due_dates(*, disbursed_on: dt.date, installments: int) -> list[dt.date]:
    """Month-ends, the first strictly after ``disbursed_on``: 15 Jan → 31 Jan, 29 Feb …; a loan paid
    out on a month-end starts on the next one (31 Jan → 29 Feb → 31 Mar …)."""
    first = month_end(disbursed_on)
    if first == disbursed_on:
        first = month_end(disbursed_on + dt.timedelta(days=1))
    return monthly_due_dates(first, installments)


def _money(value: Any) -> Decimal:
    if not isinstance(value, str) or not _MONEY_TEXT.fullmatch(value) or not Decimal(value):
        raise _Bad(M_MONEY, got=_got(value))
    return Decimal(value).quantize(SATANG)


def _rate(value: Any) -> Decimal:
    if not isinstance(value, str) or not _RATE_TEXT.fullmatch(value) or Decimal(value) > 100:
        raise _Bad(M_RATE, got=_got(value))
    return Decimal(value)


def _whole(value: Any, low: int, high: int | None) -> int:
    # JSON true/false are ints to Python; a count given as true is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high and value > high):
        raise _Bad("")
    return value


def _installments(value: Any) -> int:
    try:
        return _whole(value, 1, MAX_INSTALLMENTS)
    except _Bad:
        raise _Bad(M_INSTALLMENTS, max=MAX_INSTALLMENTS, got=_got(value)) from None


def _rows(value: Any) -> int:
    try:
        return _whole(value, 1, None)
    except _Bad:
        raise _Bad(M_ROWS, got=_got(value)) from None


def _date(value: Any) -> dt.date:
    match = _ISO_DATE.fullmatch(value) if isinstance(value, str) else None
    if match and 2400 <= int(match[1]) <= 2799:
        raise _Bad(M_DATE_BE, year=match[1], ce=int(match[1]) - 543)
    try:
        day = dt.date.fromisoformat(value) if match else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _Bad(M_DATE, got=_got(value))
    return day


def _due_dates(value: Any) -> tuple[dt.date, ...]:
    if not isinstance(value, list) or not value:
        raise _Bad(M_DUE_DATES, got=_got(value))
    days = []
    for i, item in enumerate(value, start=1):
        try:
            days.append(_date(item))
        except _Bad as bad:
            raise _Bad(M_DUE_DATE_ITEM, i=i, error=InputProblem("", bad.message, bad.params)) from None
    return tuple(days)


def _days(value: Any) -> int | tuple[int, ...]:
    try:
        if isinstance(value, list) and value:
            return tuple(_whole(item, 0, MAX_DAYS) for item in value)
        return _whole(value, 0, MAX_DAYS)
    except _Bad:
        raise _Bad(M_DAYS, max=MAX_DAYS, got=_got(value)) from None


def _choice(choices: Mapping[str, Any]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise _Bad(M_CHOICE, choices=", ".join(f'"{c}"' for c in choices), got=_got(value))
        return value

    return parse


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "principal": _money,
    "annual_rate": _rate,
    "style": _choice(LoanCalcStyle.values),
    "installments": _installments,
    "disbursed_on": _date,
    "day_basis": _choice(DAY_BASES),
    "interest_rounding": _choice(INTEREST_ROUNDINGS),
    "principal_rounding": _choice(PRINCIPAL_ROUNDINGS),
    "installment": _money,
    "due_dates": _due_dates,
    "days": _days,
    "rows": _rows,
}


def loan_calc_input_parse(data: Any) -> LoanCalcInput:
    """Check every key of ``data`` (the decoded JSON) and return the typed input.

    Raises ``LoanCalcInputError`` with a problem for every key at fault, so a screen can show them
    all at once.
    """
    if not isinstance(data, Mapping):
        raise LoanCalcInputError([InputProblem("input", M_NOT_OBJECT, {"got": _got(data)})])
    problems = [
        InputProblem(key, M_UNKNOWN, {"keys": ", ".join(KEYS)}) for key in data if key not in _PARSERS
    ]
    values: dict[str, Any] = {}
    for key, parse in _PARSERS.items():
        # An optional key given as null is the same as leaving it out.
        if key not in data or (data[key] is None and key in OPTIONAL_KEYS):
            if key in REQUIRED_KEYS:
                problems.append(InputProblem(key, M_REQUIRED))
            continue
        try:
            values[key] = parse(data[key])
        except _Bad as bad:
            problems.append(InputProblem(key, bad.message, bad.params))
    problems += _cross_check(values)
    if problems:
        raise LoanCalcInputError(problems)
    if "due_dates" not in values:
        values["due_dates"] = tuple(
            default_due_dates(disbursed_on=values["disbursed_on"], installments=values["installments"])
        )
    return LoanCalcInput(**{**values, "style": LoanCalcStyle(values["style"])})


def _cross_check(values: dict[str, Any]) -> list[InputProblem]:
    """Checks between keys, each run when the keys it compares are good on their own."""
    problems = []
    if "installment" in values and values.get("style", LoanCalcStyle.LEVEL) != LoanCalcStyle.LEVEL:
        problems.append(InputProblem("installment", M_LEVEL_ONLY))
    installments = values.get("installments")
    due_dates = values.get("due_dates")
    if due_dates is not None and installments is not None and len(due_dates) != installments:
        count = {"count": len(due_dates), "installments": installments}
        problems.append(InputProblem("due_dates", M_DUE_COUNT, count))
    elif due_dates is not None and "disbursed_on" in values:
        previous, message = values["disbursed_on"], M_DUE_AFTER_DISBURSED
        for i, day in enumerate(due_dates, start=1):
            if day <= previous:
                problems.append(
                    InputProblem("due_dates", message, {"i": i, "day": day, "previous": previous})
                )
                break
            previous, message = day, M_DUE_ORDER
    days = values.get("days")
    if isinstance(days, tuple) and installments is not None and len(days) != installments:
        count = {"count": len(days), "installments": installments}
        problems.append(InputProblem("days", M_DAYS_COUNT, count))
    return problems


# ======== Computing ========


@dataclass(frozen=True)
class LoanCalcResult:
    """The whole schedule; the totals are over every row, however many are printed."""

    rows: list[Installment]
    total_interest: Decimal
    total_paid: Decimal

    @property
    def total_principal(self) -> Decimal:
        return self.total_paid - self.total_interest


def loan_calc_compute(spec: LoanCalcInput) -> LoanCalcResult:
    """The schedule by ``loans/calc.py``. It may be shorter than ``installments`` when a principal
    rounded up repays the loan early (50,000 at 300 a month closes in the 167th installment)."""
    common: dict[str, Any] = {
        "amount": spec.principal,
        "annual_rate": spec.annual_rate,
        "installments": spec.installments,
        "disbursed_on": spec.disbursed_on,
        "interest_rounding": INTEREST_ROUNDINGS[spec.interest_rounding][0],
        "day_basis": DAY_BASES[spec.day_basis][0],
        "due_dates": list(spec.due_dates),
        "days": list(spec.days) if isinstance(spec.days, tuple) else spec.days,
    }
    step = PRINCIPAL_ROUNDINGS[spec.principal_rounding][0]
    if spec.style == LoanCalcStyle.EQUAL_PRINCIPAL:
        rows = schedule_equal_principal(**common, principal_rounding=step)
    else:
        try:
            rows = schedule_equal_installment(
                **common, installment_step_rounding=step, installment=spec.installment
            )
        except ValueError:
            # The one refusal left after the input checks: interest at or above the installment.
            payment = spec.installment or level_payment(
                amount=spec.principal,
                annual_rate=spec.annual_rate,
                installments=spec.installments,
                rounding=step,
            )
            problem = InputProblem("installment", M_PAYMENT_TOO_SMALL, {"payment": f"{payment:,.2f}"})
            raise LoanCalcInputError([problem]) from None
    return LoanCalcResult(
        rows=rows,
        total_interest=sum((row.interest for row in rows), Decimal("0.00")),
        total_paid=sum((row.payment for row in rows), Decimal("0.00")),
    )


# ======== Output ========


def _amount(value: Decimal) -> str:
    return str(value.quantize(SATANG))


def loan_calc_output(result: LoanCalcResult, *, rows: int | None = None) -> dict[str, Any]:
    """The output document: the first ``rows`` rows (all when ``None``) and the whole schedule's
    totals. Money is a string with two places."""
    return {
        "rows": [
            {
                "n": row.number,
                "due_date": row.due_date.isoformat(),
                "days": row.days,
                "opening": _amount(row.opening_balance),
                "interest": _amount(row.interest),
                "principal": _amount(row.principal),
                "payment": _amount(row.payment),
                "closing": _amount(row.closing_balance),
            }
            for row in result.rows[:rows]
        ],
        "total_interest": _amount(result.total_interest),
        "total_paid": _amount(result.total_paid),
    }


def loan_calc_run(data: Any) -> dict[str, Any]:
    """Input document → output document; raises ``LoanCalcInputError``."""
    spec = loan_calc_input_parse(data)
    return loan_calc_output(loan_calc_compute(spec), rows=spec.rows)


def loan_calc_json_load(text: str, *, source: str) -> Any:
    """Decode the input file; bad JSON and a key given twice are refused, named by ``source``/key."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise LoanCalcInputError([InputProblem(key, M_DUPLICATE)])
            seen[key] = value
        return seen

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        error = f"line {e.lineno} column {e.colno}: {e.msg}"
        raise LoanCalcInputError([InputProblem(source, M_BAD_JSON, {"error": error})]) from None


def loan_calc_json_dump(output: dict[str, Any]) -> str:
    return json.dumps(output, ensure_ascii=False, indent=2)
