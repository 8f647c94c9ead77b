"""Welfare history of the generated coop (ประวัติการรับสวัสดิการ), a step after the members.

Each fiscal year of the history: scholarships for the school-age children of about 15% of members
(one a child a year, the level by the child's age), birth gifts, in-patient days (at most the
scheme's days a year), the yearly pension welfare for members aged 60 and over, and the senior
welfare once for those who reach 25 years of membership at 60. Claims follow the seeded schemes'
rules (membership months, age, windows, limits), so the claim screens agree with the history.
Payments are by bank or cash (independent of the deposits step), one voucher per claim; the last
few claims, applied for but not yet due for payment by ``as_of``, stay pending for the demo queue.
An opening voucher credits the two funds at the start of the history with what they pay out, plus
a margin, so the funds never go below zero.

Deterministic: one random stream (``coop.rng("welfare")``), members in number order; bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from sahakorn.core.models import CoopProfile
from sahakorn.core.months import add_months
from sahakorn.generator import names
from sahakorn.generator.coop import GeneratedCoop, entries_post, rows_insert
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import EntrySpec, Line
from sahakorn.members.models import Member, MemberStatus
from sahakorn.members.selectors import years_months_between
from sahakorn.welfare.models import ClaimStatus, PaymentMethod, Relation, WelfareScheme

SCHOOL_CHILDREN = 0.2  # members with children at school or university …
CLAIMS_A_YEAR = 0.75  # … who claim the scholarship in a given year (about 15% of members)
BIRTH = 0.015  # a birth a member a year (members under 45)
HOSPITAL = 0.05  # an in-patient stay a member a year
PENSION_CLAIMS = 0.9  # members aged 60+ who claim the yearly pension welfare
SENIOR_CLAIMS = 0.9
BANK = 0.8  # the rest are paid in cash
HOSPITAL_DAYS = (1, 2, 2, 3, 3, 3, 4, 5, 6, 7, 10)
FUND_MARGIN = Decimal("1.15")
LEVELS = ((6, 11, "primary"), (12, 17, "secondary"), (18, 21, "bachelor"))
CHECKS = json.dumps(
    [{"rule": "ผ่านหลักเกณฑ์ของสวัสดิการ (ข้อมูลตัวอย่าง)", "figure": "", "passed": True, "message": "ผ่าน"}],
    ensure_ascii=False,
)
COLUMNS = ["scheme_id", "member_id", "beneficiary_name", "beneficiary_relation", "event_date", "applied_on",
           "level", "days", "amount", "note", "status", "checks", "requested_at", "decided_at", "decision_note",
           "paid_on", "payment_method", "fund_role", "journal_entry_id", "reversal_reason"]  # fmt: skip


@dataclass(slots=True)
class _Claim:
    scheme: WelfareScheme
    member_id: int
    number: str
    beneficiary: str
    relation: str
    event_date: dt.date
    applied_on: dt.date
    amount: Decimal
    level: str = ""
    days: int | None = None
    paid_on: dt.date | None = None
    method: str = ""
    spec: int = -1


def _between(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _age(birth: dt.date, on: dt.date) -> int:
    return years_months_between(birth, on)[0]


def _months(start: dt.date, on: dt.date) -> int:
    years, months = years_months_between(start, on)
    return years * 12 + months


def _child_name(rng, last_name: str) -> str:
    boy = rng.random() < 0.5
    first = rng.choice(names.MALE_FIRST if boy else names.FEMALE_FIRST)
    return f"{'ด.ช.' if boy else 'ด.ญ.'} {first} {last_name}"


def _level_for(age: int) -> str:
    return next((level for low, high, level in LEVELS if low <= age <= high), "")


def welfare_step(coop: GeneratedCoop) -> None:
    """สวัสดิการ: paid claims across the history, one voucher each, and the funds' opening balance."""
    rng = coop.rng("welfare")
    schemes = {s.code: s for s in WelfareScheme.objects.prefetch_related("levels")}
    scholarship, birth, hospital = schemes["SCH-CHILD"], schemes["WF-BIRTH"], schemes["WF-HOSP"]
    senior, pension = schemes["WF-SENIOR"], schemes["WF-PENSION"]
    level_amount = {row.level: row.amount for row in scholarship.levels.all()}
    profile = CoopProfile.objects.order_by("pk").first()
    start_month = profile.fiscal_year_start_month if profile else 1
    first_year = dt.date(coop.history_start.year, start_month, 1)
    if first_year > coop.history_start:
        first_year = add_months(first_year, -12)
    years = []
    year_start = first_year
    while year_start <= coop.as_of:
        years.append((year_start, add_months(year_start, 12) - dt.timedelta(days=1)))
        year_start = add_months(year_start, 12)
    last_day = coop.as_of - dt.timedelta(days=1)

    claims: list[_Claim] = []
    rows = Member.objects.order_by("number").values_list(
        "id", "number", "last_name", "joined_on", "birth_date", "status", "status_since"
    )
    for member_id, number, last_name, joined, born, status, status_since in rows.iterator(chunk_size=10_000):
        # The member may claim from the history's start (or joining) to the day before leaving.
        until = (
            min(last_day, status_since - dt.timedelta(days=1)) if status != MemberStatus.ACTIVE else last_day
        )
        since = max(joined, coop.history_start)

        def open_on(day: dt.date, *, since=since, until=until) -> bool:
            return since <= day <= until

        def add(scheme, event, applied, amount, *, member_id=member_id, number=number, **fields) -> None:
            claims.append(_Claim(scheme=scheme, member_id=member_id, number=number, event_date=event,
                                 applied_on=applied, amount=amount, **fields))  # fmt: skip

        children = []
        if rng.random() < SCHOOL_CHILDREN:
            for _ in range(1 if rng.random() < 0.7 else 2):
                name = _child_name(rng, last_name)
                low, high = max(born.year + 22, coop.as_of.year - 21), coop.as_of.year - 6
                if low <= high:
                    children.append((name, rng.randint(low, high)))
        senior_done = False
        for y_start, y_end in years:
            # scholarships: the school year opens in May; applications in May–June
            for name, child_year in children:
                applied = _between(
                    rng, max(y_start, dt.date(y_start.year, 5, 1)), dt.date(y_start.year, 6, 30)
                )
                level = _level_for(applied.year - child_year)
                if (level and rng.random() < CLAIMS_A_YEAR and open_on(applied) and y_start <= applied <= y_end
                        and _months(joined, applied) >= scholarship.min_membership_months):  # fmt: skip
                    add(scholarship, applied, applied, level_amount[level], beneficiary=name,
                        relation=Relation.CHILD, level=level)  # fmt: skip
            # a birth: the gift is claimed within a few weeks
            event = _between(rng, y_start, y_end)
            if rng.random() < BIRTH and _age(born, event) < 45:
                applied = event + dt.timedelta(days=rng.randint(7, 120))
                if open_on(event) and open_on(applied):
                    name = _child_name(rng, last_name)
                    add(birth, event, applied, birth.amount, beneficiary=name, relation=Relation.CHILD)
            # an in-patient stay: one claim a year, within the scheme's days
            event = _between(rng, y_start, y_end)
            if rng.random() < HOSPITAL:
                days = min(rng.choice(HOSPITAL_DAYS), hospital.max_days_per_year or 10)
                applied = event + dt.timedelta(days=days + rng.randint(3, 45))
                if open_on(event) and open_on(applied) and applied <= y_end:
                    add(hospital, event, applied, hospital.amount * days, beneficiary="", relation=Relation.SELF,
                        days=days)  # fmt: skip
            # the pension welfare fund, once a year from 60
            applied = _between(
                rng, max(y_start, dt.date(y_start.year, 10, 1)), min(y_end, dt.date(y_start.year, 11, 30))
            )
            if (_age(born, applied) >= (pension.min_age_years or 60) and open_on(applied)
                    and y_start <= applied <= y_end and rng.random() < PENSION_CLAIMS):  # fmt: skip
                add(pension, applied, applied, pension.amount, beneficiary="", relation=Relation.SELF)
            # the senior welfare, once, soon after both 25 years of membership and age 60 are reached
            if not senior_done:
                reached = max(
                    add_months(joined.replace(day=1), senior.min_membership_months + 1),
                    dt.date(born.year + (senior.min_age_years or 60), born.month, 1) + dt.timedelta(days=31),
                )
                if y_start <= reached <= y_end:
                    senior_done = True
                    applied = reached + dt.timedelta(days=rng.randint(0, 60))
                    if open_on(applied) and rng.random() < SENIOR_CLAIMS:
                        add(senior, applied, applied, senior.amount, beneficiary="", relation=Relation.SELF)

    # ---- payments: a few days to two weeks after the application; none yet for the newest ones
    for claim in claims:
        paid_on = claim.applied_on + dt.timedelta(days=rng.randint(3, 14))
        if paid_on <= last_day:
            claim.paid_on = paid_on
            claim.method = PaymentMethod.BANK if rng.random() < BANK else PaymentMethod.CASH

    # ---- vouchers: the funds' opening balance, then one per paid claim
    paid = [c for c in claims if c.paid_on is not None]
    need = {"welfare_fund": Decimal(0), "scholarship_fund": Decimal(0)}
    for c in paid:
        need[c.scheme.fund_role] += c.amount
    specs: list[EntrySpec] = []
    opening_lines = [
        Line(account=role, credit=Decimal(math.ceil(total * FUND_MARGIN / 10_000) * 10_000))
        for role, total in need.items()
        if total > 0
    ]
    if opening_lines:
        total = sum((line.credit for line in opening_lines), Decimal(0))
        specs.append(EntrySpec(date=coop.history_start, description="ยอดยกมาทุนสวัสดิการและทุนการศึกษา",
                               source=EntrySource.OPENING, lines=(Line(account="bank", debit=total), *opening_lines)))  # fmt: skip
    for c in paid:
        c.spec = len(specs)
        who = c.beneficiary or c.number
        specs.append(EntrySpec(date=c.paid_on, description=f"จ่าย{c.scheme.name} {c.number}", source=EntrySource.WELFARE,
                               lines=(Line(account=c.scheme.fund_role, debit=c.amount, member_id=c.member_id,
                                           memo=f"{c.scheme.name}: {who}"),
                                      Line(account="cash" if c.method == PaymentMethod.CASH else "bank",
                                           credit=c.amount, member_id=c.member_id, memo=c.number))))  # fmt: skip
    bar = coop.progress("สวัสดิการ", len(specs))
    entry_ids = entries_post(specs, bar=bar)
    bar.close()

    now = timezone.now()
    rows_insert("welfare_welfareclaim", COLUMNS, [
        (c.scheme.pk, c.member_id, c.beneficiary, str(c.relation), c.event_date, c.applied_on, c.level, c.days,
         c.amount, "", str(ClaimStatus.PAID if c.paid_on else ClaimStatus.PENDING), CHECKS, now,
         now if c.paid_on else None, "", c.paid_on, str(c.method), c.scheme.fund_role if c.paid_on else "",
         entry_ids[c.spec] if c.paid_on else None, "")
        for c in claims
    ])  # fmt: skip
    coop.counts["welfare_claims"] = len(claims)
    coop.counts["journal_entries"] = coop.counts.get("journal_entries", 0) + len(specs)
