"""Reads of the member registry (ทะเบียนสมาชิก), shared by the back office, the portal and the generator."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat

from sahakorn.core.phone import PhoneError, phone_display, phone_to_e164
from sahakorn.core.thai import format_be_date, national_id_format, national_id_normalize
from sahakorn.members.models import (
    Member,
    MemberChange,
    MemberStatus,
    MemberStatusChange,
    MemberType,
    Title,
    Unit,
)
from sahakorn.members.validation import MEMBER_NUMBER_WIDTH, field_label

# Longest first, so "นางสาว" is stripped before "นาง" would leave "สาว" behind.
_TITLES = sorted((t.value for t in Title if t != Title.OTHER), key=len, reverse=True)
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{9,}$")


def _search_q(q: str) -> Q:
    condition = Q(pk__in=[])
    digits = national_id_normalize(q)
    if digits.isascii() and digits.isdigit():
        condition |= Q(number__startswith=digits)
        if len(digits) <= MEMBER_NUMBER_WIDTH:
            # Officers type "123" for member 000123.
            condition |= Q(number=digits.zfill(MEMBER_NUMBER_WIDTH))
        if len(digits) == 13:
            condition |= Q(national_id=digits)
        elif len(digits) >= 6:
            condition |= Q(national_id__startswith=digits)
    elif q.isascii() and re.fullmatch(r"[A-Za-z0-9\-]+", q):
        condition |= Q(number__istartswith=q)
    if _PHONE_LIKE.match(q):
        try:
            condition |= Q(phone=phone_to_e164(q))
        except PhoneError:
            pass
    words = q.split()
    if words and not digits.isdigit():
        first = _strip_title(words[0])
        if len(words) == 1:
            condition |= (
                Q(first_name__icontains=first)
                | Q(last_name__icontains=first)
                | Q(first_name_en__icontains=first)
                | Q(last_name_en__icontains=first)
            )
        else:
            last = " ".join(words[1:])
            condition |= (Q(first_name__icontains=first) & Q(last_name__icontains=last)) | (
                Q(first_name_en__icontains=first) & Q(last_name_en__icontains=last)
            )
    return condition


def _strip_title(word: str) -> str:
    for title in _TITLES:
        if word.startswith(title) and len(word) > len(title):
            return word[len(title) :]
    return word


def member_search(
    *, q: str = "", status: str | None = None, member_type: str | None = None, unit: Unit | None = None
) -> QuerySet[Member]:
    """Members matching the search box and filters, by number.

    ``q`` matches the member number (exact, prefix, or without its leading zeros), the national
    ID (dashes ignored), the phone (any typed format) or the Thai/English name ("first last").
    A unit includes its whole branch.
    """
    qs = Member.objects.select_related("unit")
    q = (q or "").strip()
    if q:
        qs = qs.filter(_search_q(q))
    if status:
        qs = qs.filter(status=status)
    if member_type:
        qs = qs.filter(member_type=member_type)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("number")


def member_find_exact(*, q: str) -> Member | None:
    """The one member whose number or national ID is exactly ``q``; the search box jumps to them."""
    q = (q or "").strip()
    digits = national_id_normalize(q)
    if not q:
        return None
    condition = Q(number=q)
    if digits.isascii() and digits.isdigit():
        if len(digits) <= MEMBER_NUMBER_WIDTH:
            condition |= Q(number=digits.zfill(MEMBER_NUMBER_WIDTH))
        if len(digits) == 13:
            condition |= Q(national_id=digits)
    found = list(Member.objects.filter(condition)[:2])
    return found[0] if len(found) == 1 else None


def member_get(*, pk: int) -> Member:
    """One member with their unit; raises ``Member.DoesNotExist``."""
    return Member.objects.select_related("unit").get(pk=pk)


def member_counts_by_status() -> dict:
    """Members per status in one GROUP BY, every status present: for the home page's tiles."""
    counts = dict(Member.objects.order_by().values_list("status").annotate(n=Count("id")))
    by_status = [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in MemberStatus]
    return {"total": sum(row["count"] for row in by_status), "by_status": by_status}


def unit_tree(*, active_only: bool = False) -> list[Unit]:
    """Units in tree order (by path); ``unit.depth`` gives the indentation."""
    qs = Unit.objects.order_by("path")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs)


def unit_chain(*, unit: Unit) -> list[Unit]:
    """The unit and its ancestors from the root down, in one query (the codes are in its path)."""
    codes = [c for c in unit.path.split("/") if c]
    return list(Unit.objects.filter(code__in=codes).order_by("path"))


def years_months_between(start: dt.date, end: dt.date) -> tuple[int, int]:
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    months = max(months, 0)
    return divmod(months, 12)


@dataclass(frozen=True)
class AuditLine:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    change: MemberChange
    lines: list[AuditLine]


_DATE_FIELDS = {"birth_date", "joined_on", "status_since"}
_CHOICE_LABELS = {
    "member_type": dict(MemberType.choices),
    "status": dict(MemberStatus.choices),
}


def _audit_display(name: str, value: str | None) -> str:
    # The audit keeps machine values (ISO dates, codes, E.164); people read B.E. and labels.
    if value in (None, ""):
        return "—"
    if name in _DATE_FIELDS:
        try:
            return format_be_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if name in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[name].get(value, value))
    if name == "national_id":
        return national_id_format(value)
    if name == "phone":
        return phone_display(value)
    if name == "salary":
        return f"{Decimal(value):,.2f}"
    return value


def _audit_label(name: str) -> str:
    try:
        return field_label(name)
    except Exception:  # a field removed since the row was written still shows by its name
        return name


@dataclass(frozen=True)
class MemberHistory:
    changes: list[AuditEntry]
    status_changes: list[MemberStatusChange]


def member_history(*, member: Member) -> MemberHistory:
    """The member's audit trail and status history, newest first, ready to show."""
    changes = (
        MemberChange.objects.filter(member=member).select_related("changed_by").order_by("-changed_at", "-id")
    )
    status_changes = list(
        MemberStatusChange.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-effective_on", "-id")
    )
    entries = [
        AuditEntry(
            change=c,
            lines=[
                AuditLine(
                    field=name,
                    label=_audit_label(name),
                    before=_audit_display(name, before),
                    after=_audit_display(name, after),
                )
                for name, (before, after) in c.diff.items()
                # A new record's dump lists every field; blank ones would only be noise.
                if not (before in (None, "") and after in (None, ""))
            ],
        )
        for c in changes
    ]
    return MemberHistory(changes=entries, status_changes=status_changes)


def member_full_name_sql(prefix: str = "") -> Concat:
    """A member's full name (title first last) in SQL; ``prefix`` is the path to the member, e.g.
    ``"account__member__"``."""
    return Concat(
        f"{prefix}title", f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=CharField()
    )
