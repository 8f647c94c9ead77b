from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, Case, CharField, F, Sum, Value, When
from django.db.models.functions import Cast, Round

from sahakorn.core.models import CoopProfile
from sahakorn.core.money import SATANG, ZERO

DEFAULT_COOP_NAME = "สหกรณ์ออมทรัพย์ (ยังไม่ได้ตั้งชื่อ)"


def coop_profile_get() -> CoopProfile:
    """The coop's profile; an unsaved default before the first one is configured."""
    return CoopProfile.objects.order_by("pk").first() or CoopProfile(name_th=DEFAULT_COOP_NAME)


def choice_label_sql(field_name: str, choices) -> Case:
    """A choice's label computed in SQL, so report rows stay plain ``values()`` dicts."""
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=F(field_name),
        output_field=CharField(),
    )


# ======== Money sums that are exact on both databases ========


def money_cents(field_name: str):
    """A money column as SQL sums it exactly: whole satang as an integer on SQLite (its decimals are
    REAL and drift in long sums), the NUMERIC column itself on PostgreSQL. Read a sum of it back with
    ``money_from_sum``."""
    if connection.vendor == "sqlite":
        return Cast(Round(F(field_name) * 100), output_field=BigIntegerField())
    return F(field_name)


def money_sum(field_name: str, **extra) -> Sum:
    """SUM of a money column, exact on both databases (read it back with ``money_from_sum``).

    SQLite keeps decimals as REAL, so a long SUM drifts by fractions of a satang; summing whole satang
    as integers keeps totals exact. PostgreSQL sums NUMERIC exactly as it is.
    """
    return Sum(money_cents(field_name), **extra)


def money_from_sum(value: Decimal | int | None) -> Decimal:
    """A ``money_sum`` result as baht (None, an empty sum, is 0.00)."""
    if value is None:
        return ZERO
    if connection.vendor == "sqlite":
        return (Decimal(value) / 100).quantize(SATANG)
    return Decimal(value).quantize(SATANG)


def money_from_sums() -> Callable[[Decimal | int | None], Decimal]:
    """``money_from_sum`` for many results of one query: the database asked once, not once a value."""
    if connection.vendor == "sqlite":
        return lambda value: ZERO if value is None else (Decimal(value) / 100).quantize(SATANG)
    return lambda value: ZERO if value is None else Decimal(value).quantize(SATANG)


# Ids per ``__in`` query: within SQLite's parameter limit, few round trips on PostgreSQL.
IN_CHUNK = 5_000
# From this many ids on, a set-based read of a whole month (billing's freeze) reads every row with one
# join and drops those not asked for, rather than sending the ids in lists of ``IN_CHUNK``: building
# and binding 300,000 parameters costs more than reading the few rows of members not billed.
WHOLE_BOOK = 20_000


def in_chunks(queryset, field: str, ids) -> list:
    """``queryset.filter(<field>__in=ids)`` for any number of ids (a unit of billing, every member of the
    coop): on PostgreSQL one query with the ids as one array (``core.lookups``), in the queryset's order;
    elsewhere a query per ``IN_CHUNK``, the rows in the queryset's order within each chunk."""
    ids = sorted(set(ids))
    if connection.vendor == "postgresql":
        return list(queryset.filter(**{f"{field}__any_of": ids})) if ids else []
    rows: list = []
    for start in range(0, len(ids), IN_CHUNK):
        rows += queryset.filter(**{f"{field}__in": ids[start : start + IN_CHUNK]})
    return rows
