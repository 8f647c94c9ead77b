"""Money: Decimal baht with two places, and the one rounding helper.

Every amount that is stored has been rounded here first, with a rule whose name says what it
does. PostgreSQL rounds 1.005 to 1.01 on save, SQLite to 1.00, and Python's ``round()`` is
banker's rounding, so nothing may be left for the database or ``round()`` to decide.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models

SATANG = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 15


class Rounding(StrEnum):
    """Named rounding rules a coop chooses from (per setting: line, total, interest, …).

    Truncation goes toward zero and "up" away from zero, so a negative amount (a reversal)
    rounds to the mirror image of its positive twin.
    """

    NONE = "none"  # keep every digit: only for intermediate figures that are summed later
    SATANG_HALF_UP = "satang_half_up"  # 1.005 → 1.01
    SATANG_TRUNCATE = "satang_truncate"  # 1.009 → 1.00
    SATANG_UP = "satang_up"  # 1.001 → 1.01
    BAHT_HALF_UP = "baht_half_up"  # 10.50 → 11
    BAHT_TRUNCATE = "baht_truncate"  # 10.99 → 10
    BAHT_UP = "baht_up"  # 10.01 → 11
    QUARTER_UP = "quarter_up"  # up to the next 0.25 baht: 10.01 → 10.25
    QUARTER_HALF_UP = "quarter_half_up"  # to the nearest 0.25 baht, a tie up: 46.71 → 46.75, 28.03 → 28.00
    TEN_BAHT_UP = "ten_baht_up"  # up to the next 10 baht: 1,201 → 1,210
    HUNDRED_BAHT_UP = "hundred_baht_up"  # up to the next 100 baht: 277.78 → 300

    @property
    def label_th(self) -> str:
        return ROUNDING_LABELS_TH[self]


ROUNDING_LABELS_TH = {
    Rounding.NONE: "ไม่ปัด",
    Rounding.SATANG_HALF_UP: "ปัดเศษสตางค์ครึ่งขึ้น",
    Rounding.SATANG_TRUNCATE: "ตัดเศษทิ้งที่สตางค์",
    Rounding.SATANG_UP: "ปัดขึ้นที่สตางค์",
    Rounding.BAHT_HALF_UP: "ปัดเป็นบาท (ครึ่งขึ้น)",
    Rounding.BAHT_TRUNCATE: "ตัดเศษสตางค์ทิ้ง",
    Rounding.BAHT_UP: "ปัดขึ้นเป็นบาท",
    Rounding.QUARTER_UP: "ปัดขึ้นทีละ 25 สตางค์",
    Rounding.QUARTER_HALF_UP: "ปัดเป็น 25 สตางค์ที่ใกล้ที่สุด",
    Rounding.TEN_BAHT_UP: "ปัดขึ้นทีละ 10 บาท",
    Rounding.HUNDRED_BAHT_UP: "ปัดขึ้นทีละ 100 บาท",
}

_RULES: dict[Rounding, tuple[Decimal, str]] = {
    Rounding.SATANG_HALF_UP: (SATANG, ROUND_HALF_UP),
    Rounding.SATANG_TRUNCATE: (SATANG, ROUND_DOWN),
    Rounding.SATANG_UP: (SATANG, ROUND_UP),
    Rounding.BAHT_HALF_UP: (Decimal("1"), ROUND_HALF_UP),
    Rounding.BAHT_TRUNCATE: (Decimal("1"), ROUND_DOWN),
    Rounding.BAHT_UP: (Decimal("1"), ROUND_UP),
    Rounding.QUARTER_UP: (Decimal("0.25"), ROUND_UP),
    Rounding.QUARTER_HALF_UP: (Decimal("0.25"), ROUND_HALF_UP),
    Rounding.TEN_BAHT_UP: (Decimal("10"), ROUND_UP),
    Rounding.HUNDRED_BAHT_UP: (Decimal("100"), ROUND_UP),
}


def round_money(amount: Decimal, rule: Rounding | str = Rounding.SATANG_HALF_UP) -> Decimal:
    """Round ``amount`` by a named rule; the result has two places (except ``NONE``).

    >>> round_money(Decimal("1.005"))
    Decimal('1.01')
    >>> round_money(Decimal("10.01"), Rounding.QUARTER_UP)
    Decimal('10.25')
    >>> round_money(Decimal("-10.99"), Rounding.BAHT_TRUNCATE)
    Decimal('-10.00')
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    rule = Rounding(rule)
    if rule is Rounding.NONE:
        return amount
    step, mode = _RULES[rule]
    units = (amount / step).quantize(Decimal("1"), rounding=mode)
    return (units * step).quantize(SATANG)


def money(value: str | int | Decimal) -> Decimal:
    """Parse a money literal exactly; refuses floats and more than two places."""
    if isinstance(value, float):
        raise TypeError("money from a float would carry binary error; pass a string")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if has_more_than_two_places(amount):
        raise ValueError(f"{value!r} has more than two decimal places")
    return amount.quantize(SATANG)


def baht(amount: Decimal) -> str:
    """1234.5 → "1,234.50": an amount inside a message or a figure (``{{ x|baht }}`` in templates)."""
    return f"{amount:,.2f}"


def has_more_than_two_places(amount: Decimal) -> bool:
    return amount != amount.quantize(SATANG, rounding=ROUND_DOWN)


def validate_two_places(value: Decimal) -> None:
    if value is not None and has_more_than_two_places(Decimal(value)):
        raise ValidationError(
            "จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง: %(value)s", code="too_many_places", params={"value": value}
        )


class MoneyField(models.DecimalField):
    """Baht with two places that refuses, rather than rounds, a third place.

    The check runs on every save path Django has (``save()``, ``bulk_create``, ``update()``),
    because ``get_db_prep_save`` is where both backends would otherwise round differently.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "sahakorn.core.money.MoneyField", args, kwargs

    def get_db_prep_save(self, value, connection):
        if isinstance(value, float):
            raise TypeError(f"{self.model.__name__}.{self.name}: money must be Decimal, not float")
        if isinstance(value, Decimal) and has_more_than_two_places(value):
            raise ValueError(
                f"{self.model.__name__}.{self.name}: {value} has more than two decimal places; "
                "round it with round_money() first"
            )
        return super().get_db_prep_save(value, connection)

    def formfield(self, **kwargs):
        from sahakorn.core.forms import MoneyFormField

        return super().formfield(**{"form_class": MoneyFormField, **kwargs})
