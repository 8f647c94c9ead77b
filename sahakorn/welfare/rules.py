"""A scheme's eligibility and amount rules (หลักเกณฑ์สวัสดิการ) applied to one claim, read-only.

``claim_evaluate`` returns every check (the rule, the figure it was applied to, pass or fail) and the
amount the scheme pays; the services refuse a claim with a failed check, the screens show them, and
``welfare_schemes_available`` runs the member-level ones to say which schemes a member can claim now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from sahakorn.core.money import ZERO, baht, round_money
from sahakorn.core.rules import PASSED, RuleCheck, checks_failed
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.members.models import Member, MemberStatus, MemberType
from sahakorn.members.selectors import years_months_between
from sahakorn.welfare.models import (
    COUNTING_STATUSES,
    AmountRule,
    ClaimStatus,
    SchemeKind,
    WelfareClaim,
    WelfareScheme,
)


@dataclass(frozen=True)
class Evaluation:
    """The checks of a claim and what the scheme pays for it (zero when a figure is missing)."""

    checks: list[RuleCheck]
    amount: Decimal
    payable_days: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not checks_failed(self.checks)


def beneficiary_normalize(name: str) -> str:
    """Names as typed at the counter differ in spacing only; limits per child compare this form."""
    return " ".join((name or "").split())


def _months(start: dt.date, end: dt.date) -> int:
    years, months = years_months_between(start, end)
    return years * 12 + months


def _check(rule: str, figure: str, passed: bool, failed_message: str) -> RuleCheck:
    return RuleCheck(rule=rule, figure=figure, passed=passed, message=PASSED if passed else failed_message)


def _counting(*, scheme: WelfareScheme, member: Member, exclude_claim_id: int | None):
    rows = WelfareClaim.objects.filter(scheme=scheme, member_id=member.pk, status__in=COUNTING_STATUSES)
    if exclude_claim_id is not None:
        rows = rows.exclude(pk=exclude_claim_id)
    return rows


def scheme_paid_total(*, scheme: WelfareScheme, start: dt.date, end: dt.date) -> Decimal:
    """What the scheme has paid with payment dates in ``start``–``end`` (reversed claims gave it back)."""
    total = WelfareClaim.objects.filter(
        scheme=scheme, status=ClaimStatus.PAID, paid_on__gte=start, paid_on__lte=end
    ).aggregate(t=Sum("amount"))["t"]
    return round_money(Decimal(total)) if total is not None else ZERO


def scheme_committed_total(
    *, scheme: WelfareScheme, start: dt.date, end: dt.date, exclude_claim_id: int | None = None
) -> Decimal:
    """Pending and approved claims applied for in ``start``–``end``: money the budget has promised."""
    rows = WelfareClaim.objects.filter(
        scheme=scheme,
        status__in=(ClaimStatus.PENDING, ClaimStatus.APPROVED),
        applied_on__gte=start,
        applied_on__lte=end,
    )
    if exclude_claim_id is not None:
        rows = rows.exclude(pk=exclude_claim_id)
    total = rows.aggregate(t=Sum("amount"))["t"]
    return round_money(Decimal(total)) if total is not None else ZERO


def budget_check(
    *,
    scheme: WelfareScheme,
    on: dt.date,
    amount: Decimal,
    include_committed: bool,
    exclude_claim_id: int | None = None,
) -> RuleCheck | None:
    """The scheme's annual budget: paid in the fiscal year (plus what is promised) plus ``amount``."""
    if scheme.annual_budget is None:
        return None
    start, end = fiscal_year_span(on=on)
    used = scheme_paid_total(scheme=scheme, start=start, end=end)
    figure = f"งบ {baht(scheme.annual_budget)} บาท จ่ายแล้ว {baht(used)} บาท"
    if include_committed:
        committed = scheme_committed_total(
            scheme=scheme, start=start, end=end, exclude_claim_id=exclude_claim_id
        )
        used += committed
        figure += f" รออนุมัติ/รอจ่าย {baht(committed)} บาท"
    figure += f" คำขอนี้ {baht(amount)} บาท"
    left = scheme.annual_budget - used
    passed = amount <= left if amount > 0 else left > 0
    return _check(
        "ยอดจ่ายทั้งปีบัญชีต้องไม่เกินงบประมาณของสวัสดิการ",
        figure,
        passed,
        f"งบประมาณปีบัญชีนี้คงเหลือ {baht(max(left, ZERO))} บาท ไม่พอ",
    )


def _member_checks(*, scheme: WelfareScheme, member: Member, on: dt.date) -> list[RuleCheck]:
    """The rules that depend only on the scheme, the member and the date (no event, no beneficiary)."""
    in_window = scheme.valid_from <= on and (scheme.valid_until is None or on <= scheme.valid_until)
    window = f"{format_be_date(scheme.valid_from)} – " + (
        format_be_date(scheme.valid_until) if scheme.valid_until else "ไม่กำหนดวันสิ้นสุด"
    )
    checks = [
        _check(
            "สวัสดิการเปิดรับคำขอและอยู่ในช่วงที่มีผล",
            f"{'เปิด' if scheme.is_active else 'ปิด'}รับคำขอ · มีผล {window}",
            scheme.is_active and in_window,
            f"สวัสดิการนี้ไม่เปิดรับคำขอในวันที่ {format_be_date(on)}",
        )
    ]
    allowed = [MemberStatus.ACTIVE] + ([MemberStatus.DECEASED] if scheme.kind == SchemeKind.DEATH else [])
    checks.append(
        _check(
            "สมาชิกต้องมีสถานะปกติ" + (" (หรือเสียชีวิต สำหรับสวัสดิการกรณีเสียชีวิต)" if len(allowed) > 1 else ""),
            f"สถานะ{member.get_status_display()} ตั้งแต่ {format_be_date(member.status_since)}",
            member.status in allowed,
            f"สมาชิกมีสถานะ{member.get_status_display()} ขอรับสวัสดิการนี้ไม่ได้",
        )
    )
    if scheme.member_types:
        labels = ", ".join(MemberType(t).label for t in scheme.member_types if t in MemberType.values)
        checks.append(
            _check(
                f"เฉพาะ{labels}",
                member.get_member_type_display(),
                member.member_type in scheme.member_types,
                f"{member.get_member_type_display()}ไม่มีสิทธิ์ในสวัสดิการนี้",
            )
        )
    if scheme.min_membership_months:
        months = _months(member.joined_on, on)
        years, rest = divmod(months, 12)
        need_y, need_m = divmod(scheme.min_membership_months, 12)
        need = f"{need_y} ปี" + (f" {need_m} เดือน" if need_m else "") if need_y else f"{need_m} เดือน"
        checks.append(
            _check(
                f"เป็นสมาชิกไม่น้อยกว่า {need}",
                f"เป็นสมาชิกตั้งแต่ {format_be_date(member.joined_on)} ({years} ปี {rest} เดือน)",
                months >= scheme.min_membership_months,
                f"อายุการเป็นสมาชิกยังไม่ครบ {need}",
            )
        )
    if scheme.min_age_years:
        age, _ = years_months_between(member.birth_date, on)
        checks.append(
            _check(
                f"สมาชิกอายุไม่น้อยกว่า {scheme.min_age_years} ปี",
                f"เกิด {format_be_date(member.birth_date)} อายุ {age} ปี",
                age >= scheme.min_age_years,
                f"อายุยังไม่ถึง {scheme.min_age_years} ปี",
            )
        )
    return checks


def _limit_checks(
    *,
    scheme: WelfareScheme,
    member: Member,
    on: dt.date,
    beneficiary: str,
    exclude_claim_id: int | None,
) -> list[RuleCheck]:
    checks = []
    per_person = scheme.per_beneficiary and beneficiary
    who = f" สำหรับ {beneficiary}" if per_person else ""
    base = _counting(scheme=scheme, member=member, exclude_claim_id=exclude_claim_id)
    if per_person:
        base = base.filter(beneficiary_name=beneficiary)
    if scheme.max_per_year:
        start, end = fiscal_year_span(on=on)
        used = base.filter(applied_on__gte=start, applied_on__lte=end).count()
        per = "ต่อผู้รับประโยชน์" if scheme.per_beneficiary else ""
        checks.append(
            _check(
                f"ขอได้ไม่เกิน {scheme.max_per_year} ครั้ง{per}ต่อปีบัญชี",
                f"ปีบัญชี {format_be_date(start)} – {format_be_date(end)} ขอแล้ว {used} ครั้ง{who}",
                used < scheme.max_per_year,
                f"ขอครบ {scheme.max_per_year} ครั้งในปีบัญชีนี้แล้ว{who}",
            )
        )
    if scheme.max_lifetime:
        used = base.count()
        per = "ต่อผู้รับประโยชน์" if scheme.per_beneficiary else ""
        checks.append(
            _check(
                f"ขอได้ไม่เกิน {scheme.max_lifetime} ครั้ง{per}ตลอดสมาชิกภาพ",
                f"ขอแล้ว {used} ครั้ง{who}",
                used < scheme.max_lifetime,
                f"เคยได้รับสวัสดิการนี้ครบ {scheme.max_lifetime} ครั้งแล้ว{who}",
            )
        )
    return checks


def claim_evaluate(
    *,
    scheme: WelfareScheme,
    member: Member,
    applied_on: dt.date,
    event_date: dt.date | None = None,
    beneficiary_name: str = "",
    level: str = "",
    days: int | None = None,
    exclude_claim_id: int | None = None,
    include_committed: bool = True,
) -> Evaluation:
    """Every check of a claim as of ``applied_on`` and the amount it pays.

    ``exclude_claim_id`` leaves the claim itself out of the counts (approval re-checks a pending
    claim). The budget counts promised (pending, approved) claims unless ``include_committed`` is off.
    """
    beneficiary = beneficiary_normalize(beneficiary_name)
    checks = _member_checks(scheme=scheme, member=member, on=applied_on)
    if scheme.requires_beneficiary:
        checks.append(
            _check("ต้องระบุชื่อผู้รับประโยชน์", beneficiary or "ไม่ได้ระบุ", bool(beneficiary), "กรุณาระบุชื่อผู้รับประโยชน์")
        )
    if event_date is None:
        checks.append(_check("ต้องระบุวันที่เกิดเหตุ", "ไม่ได้ระบุ", False, "กรุณาระบุวันที่เกิดเหตุ"))
    else:
        checks.append(
            _check(
                "วันที่เกิดเหตุต้องไม่อยู่หลังวันที่ยื่นคำขอ",
                f"เกิดเหตุ {format_be_date(event_date)} ยื่น {format_be_date(applied_on)}",
                event_date <= applied_on,
                "วันที่เกิดเหตุอยู่หลังวันที่ยื่นคำขอ",
            )
        )
        if scheme.event_within_days is not None:
            elapsed = (applied_on - event_date).days
            checks.append(
                _check(
                    f"ยื่นคำขอภายใน {scheme.event_within_days} วันนับจากวันที่เกิดเหตุ",
                    f"{elapsed:,} วัน",
                    elapsed <= scheme.event_within_days,
                    f"ยื่นเกินกำหนด {scheme.event_within_days} วัน",
                )
            )
    checks += _limit_checks(
        scheme=scheme,
        member=member,
        on=applied_on,
        beneficiary=beneficiary,
        exclude_claim_id=exclude_claim_id,
    )

    amount, payable_days = ZERO, None
    if scheme.amount_rule == AmountRule.FIXED:
        amount = scheme.amount
    elif scheme.amount_rule == AmountRule.BY_LEVEL:
        levels = {row.level: row for row in scheme.levels.all()}
        row = levels.get(level)
        known = ", ".join(f"{r.label} {baht(r.amount)}" for r in levels.values())
        checks.append(
            _check(
                "จำนวนเงินตามระดับ",
                f"{row.label} {baht(row.amount)} บาท" if row else (level or "ไม่ได้ระบุระดับ"),
                row is not None,
                f"กรุณาเลือกระดับ ({known})",
            )
        )
        amount = row.amount if row else ZERO
    else:
        asked = days or 0
        payable_days = asked
        figure = f"{asked} วัน × {baht(scheme.amount)} บาท"
        passed, message = asked > 0, "กรุณากรอกจำนวนวันมากกว่า 0"
        if asked > 0 and scheme.max_days_per_year:
            start, end = fiscal_year_span(on=applied_on)
            used = (
                _counting(scheme=scheme, member=member, exclude_claim_id=exclude_claim_id)
                .filter(applied_on__gte=start, applied_on__lte=end)
                .aggregate(d=Sum("days"))["d"]
                or 0
            )
            left = max(scheme.max_days_per_year - used, 0)
            payable_days = min(asked, left)
            figure += f" · ปีบัญชีนี้ใช้ไปแล้ว {used} วัน จาก {scheme.max_days_per_year} วัน"
            passed = left > 0
            message = f"ใช้สิทธิ์ครบ {scheme.max_days_per_year} วันในปีบัญชีนี้แล้ว"
            if passed and payable_days < asked:
                message = f"จ่ายได้ {payable_days} วัน (ส่วนที่เกินเพดาน {asked - payable_days} วันไม่จ่าย)"
            elif passed:
                message = PASSED
        checks.append(
            RuleCheck(
                rule=f"วันละ {baht(scheme.amount)} บาท"
                + (f" ไม่เกิน {scheme.max_days_per_year} วันต่อปีบัญชี" if scheme.max_days_per_year else ""),
                figure=figure,
                passed=passed,
                message=message,
            )
        )
        amount = scheme.amount * payable_days if passed else ZERO
    if scheme.max_amount_per_claim is not None and amount > scheme.max_amount_per_claim:
        checks.append(
            RuleCheck(
                rule=f"จ่ายไม่เกิน {baht(scheme.max_amount_per_claim)} บาทต่อครั้ง",
                figure=f"คำนวณได้ {baht(amount)} บาท",
                passed=True,
                message=f"จ่าย {baht(scheme.max_amount_per_claim)} บาท",
            )
        )
        amount = scheme.max_amount_per_claim
    amount = round_money(amount)
    budget = budget_check(
        scheme=scheme,
        on=applied_on,
        amount=amount,
        include_committed=include_committed,
        exclude_claim_id=exclude_claim_id,
    )
    if budget is not None:
        checks.append(budget)
    return Evaluation(checks=checks, amount=amount, payable_days=payable_days)


def scheme_member_checks(*, scheme: WelfareScheme, member: Member, on: dt.date) -> list[RuleCheck]:
    """What can be known before the event and beneficiary are: may this member claim this scheme now?"""
    checks = _member_checks(scheme=scheme, member=member, on=on)
    if not scheme.per_beneficiary:
        checks += _limit_checks(scheme=scheme, member=member, on=on, beneficiary="", exclude_claim_id=None)
    budget = budget_check(scheme=scheme, on=on, amount=ZERO, include_committed=True)
    if budget is not None:
        checks.append(budget)
    return checks


def schemes_in_force(*, on: dt.date):
    """Schemes open for claims on ``on``, with their amount tables."""
    return (
        WelfareScheme.objects.filter(is_active=True, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .prefetch_related("levels")
        .order_by("code")
    )
