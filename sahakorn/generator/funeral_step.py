"""The funeral aid association of the generated coop (สมาคมฌาปนกิจสงเคราะห์), a step after the members.

About 80% of members enrol, on or after the day they joined the coop, naming one to three
beneficiaries whose shares total 100%. Members who joined the association inside the history pay
its entrance fee. Members who resigned or were expelled leave the association on that day. For
each enrolled member who died: a claim reported a few days later and approved by the manager, a
per-death levy on the approval day calling every membership in force then, the dues collected by
payroll one month later (one voucher per levy), and the payout to the beneficiaries a few days
after that, split by their shares (``payout_split``), under the rules in force (``payout_figures``).
Only deaths in the last stretch of the history get that chain (see ``claims_from``); earlier deaths
just end the membership, as if settled before the association's records moved into the system.

The GL gets what the services would post: the fee per member (Dr cash / Cr the liability), one
voucher per collection, one per payout. The dues (memberships × deaths) are written by one
INSERT … SELECT inside the database; how many each levy calls is counted beforehand in Python
with two sorted lists of dates, so the vouchers can be posted first, and checked afterwards.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.core.thai import format_be_date, national_id_check_digit
from sahakorn.funeral.models import (
    Channel,
    ClaimStatus,
    DeathClaim,
    EndReason,
    FuneralBeneficiary,
    FuneralLevy,
    FuneralMembership,
    FuneralPayout,
    LevyKind,
    LevyStatus,
    MembershipStatus,
    PayoutMethod,
)
from sahakorn.funeral.rules import payout_figures, payout_split
from sahakorn.funeral.selectors import funeral_settings_for
from sahakorn.funeral.services import LIABILITY, SOURCE
from sahakorn.generator import names
from sahakorn.generator.coop import (
    GeneratedCoop,
    GeneratorError,
    bulk_load,
    entries_post,
    ids_reserve,
    rows_insert,
)
from sahakorn.ledger.services import EntrySpec, Line
from sahakorn.members.models import Member, MemberStatus

ENROLLED = 0.8
CLAIM_HISTORY_DAYS_AT_20K = 120
SHARE_SPLITS = {
    1: [("100.00",)],
    2: [("50.00", "50.00"), ("60.00", "40.00"), ("70.00", "30.00")],
    3: [("50.00", "25.00", "25.00"), ("40.00", "30.00", "30.00"), ("33.34", "33.33", "33.33")],
}
RELATIONS = ["คู่สมรส", "บุตร", "บุตร", "บิดา", "มารดา", "พี่น้อง"]
MEMBERSHIP_COLUMNS = ["member_id", "number", "joined_on", "status", "ended_on", "end_reason", "end_note",
                      "entrance_fee", "entrance_fee_entry_id", "created_at"]  # fmt: skip
BENEFICIARY_COLUMNS = ["membership_id", "position", "name", "relation", "national_id", "phone", "share_percent",
                       "created_at"]  # fmt: skip
_GEN_TABLE = "funeral_generated_levy"


@dataclass(slots=True)
class _Plan:
    member_id: int
    member_number: str
    joined: dt.date
    ended_on: dt.date | None = None
    end_reason: str = ""
    fee_spec: int = -1
    beneficiaries: list[tuple[str, str, str, str, Decimal]] = field(default_factory=list)


@dataclass(slots=True)
class _Death:
    plan: _Plan
    died: dt.date
    reported: dt.date
    approved: dt.date | None
    collected: dt.date | None = None
    paid: dt.date | None = None
    called: int = 0
    collect_spec: int = -1
    pay_spec: int = -1
    amounts: list[Decimal] = field(default_factory=list)
    dues_collected: Decimal = ZERO
    admin_fee: Decimal = ZERO
    total: Decimal = ZERO


def _month_later(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _national_id(rng) -> str:
    first12 = str(rng.randint(1, 8)) + f"{rng.randrange(10**11):011d}"
    return first12 + str(national_id_check_digit(first12))


def _beneficiaries(rng, last_name: str) -> list[tuple[str, str, str, str, Decimal]]:
    n = rng.choice((1, 1, 2, 2, 2, 3))
    split = rng.choice(SHARE_SPLITS[n])
    out = []
    for share in split:
        female = rng.random() < 0.5
        first, _ = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
        title = ("นาง" if rng.random() < 0.6 else "นางสาว") if female else "นาย"
        national_id = _national_id(rng) if rng.random() < 0.6 else ""
        phone = "+66" + rng.choice("689") + f"{rng.randrange(10**8):08d}" if rng.random() < 0.7 else ""
        out.append((f"{title}{first} {last_name}", rng.choice(RELATIONS), national_id, phone, Decimal(share)))
    return out


def funeral_step(coop: GeneratedCoop) -> None:
    """สมาคมฌาปนกิจ: memberships, beneficiaries, entrance fees, and each death's claim, levy, dues and payout."""
    rng = coop.rng("funeral")
    start, as_of = coop.history_start, coop.as_of
    # Numbers, last names and the dates members left (a deceased member's status_since is the death date).
    info = {
        pk: (number, last_name, since)
        for pk, number, last_name, since in Member.objects.values_list(
            "id", "number", "last_name", "status_since"
        )
    }
    # Per-death dues are one row per membership per death (members × deaths), so only the deaths of
    # the last stretch of history carry their claim, levy, dues and payout; the stretch shrinks as the
    # coop grows, keeping the rows near 40 × members (100,000 members: the last ~30 days).
    claims_days = max(
        30, min((as_of - start).days, CLAIM_HISTORY_DAYS_AT_20K * 20_000 // max(coop.members, 1))
    )
    claims_from = as_of - dt.timedelta(days=claims_days)
    plans: list[_Plan] = []
    deaths: list[_Death] = []
    for member_id, joined, status in coop.member_rows:
        if rng.random() >= ENROLLED:
            continue
        number, last_name, since = info[member_id]
        enrol = min(joined + dt.timedelta(days=rng.choice((0, 0, rng.randint(1, 365)))), as_of)
        if status != MemberStatus.ACTIVE and enrol >= since:
            enrol = joined
        plan = _Plan(member_id=member_id, member_number=number, joined=enrol,
                     beneficiaries=_beneficiaries(rng, last_name))  # fmt: skip
        if status in (MemberStatus.RESIGNED, MemberStatus.EXPELLED):
            plan.ended_on = since
            plan.end_reason = EndReason.RESIGNATION if status == MemberStatus.RESIGNED else EndReason.OTHER
        elif status == MemberStatus.DECEASED and since < claims_from:
            # Settled before the association's records start in the system: the membership just ends.
            plan.ended_on, plan.end_reason = since, EndReason.DEATH
        elif status == MemberStatus.DECEASED:
            reported = since + dt.timedelta(days=rng.randint(1, 10))
            approved = reported + dt.timedelta(days=rng.randint(0, 5))
            death = _Death(plan=plan, died=since, reported=min(reported, as_of),
                           approved=approved if approved <= as_of else None)  # fmt: skip
            if death.approved is not None:
                # Approval ends the membership on the death date; a pending claim leaves it in force.
                plan.ended_on, plan.end_reason = since, EndReason.DEATH
                collected = _month_later(death.approved)
                if collected <= as_of:
                    death.collected = collected
                    paid = collected + dt.timedelta(days=rng.randint(3, 10))
                    death.paid = paid if paid <= as_of else None
            deaths.append(death)
        plans.append(plan)
    # The association numbers its members in the order they joined it.
    plans.sort(key=lambda p: (p.joined, p.member_number))

    # ---- how many each levy calls: in force on the levy day, i.e. joined by then and not ended by then
    joins = sorted(p.joined for p in plans)
    ends = sorted(p.ended_on for p in plans if p.ended_on is not None)
    deaths.sort(key=lambda d: (d.approved or as_of, d.plan.member_number))
    for death in deaths:
        if death.approved is not None:
            on = death.approved
            death.called = bisect.bisect_right(joins, on) - bisect.bisect_right(ends, on)

    # ---- vouchers
    specs: list[EntrySpec] = []
    for p in plans:
        if p.joined >= start:
            rules = funeral_settings_for(on=p.joined)
            if rules.entrance_fee > 0:
                p.fee_spec = len(specs)
                fee = rules.entrance_fee
                specs.append(EntrySpec(date=p.joined, description=f"รับค่าสมัครสมาคมฌาปนกิจ {p.member_number}",
                                       source=SOURCE, lines=(
                    Line(account="cash", debit=fee, member_id=p.member_id),
                    Line(account=LIABILITY, credit=fee, member_id=p.member_id, memo="ค่าสมัครสมาคม"))))  # fmt: skip
    levy_amounts: dict[int, Decimal] = {}
    for k, death in enumerate(deaths):
        if death.approved is None:
            continue
        levy_amounts[k] = funeral_settings_for(on=death.approved).per_death_amount
        if death.collected is not None and death.called:
            amount = levy_amounts[k] * death.called
            label = f"{LevyKind.PER_DEATH.label} {format_be_date(death.approved)}"
            death.collect_spec = len(specs)
            specs.append(EntrySpec(date=death.collected, description=f"รับ{label} ({death.called:,} ราย)",
                                   source=SOURCE, lines=(Line(account="bank", debit=amount),
                                                         Line(account=LIABILITY, credit=amount, memo=label))))  # fmt: skip
            rules = funeral_settings_for(on=death.died)
            figures = payout_figures(basis=rules.payout_basis, dues_collected=amount,
                                     admin_fee_percent=rules.admin_fee_percent, fixed_payout=rules.fixed_payout,
                                     max_payout=rules.max_payout)  # fmt: skip
            death.dues_collected, death.admin_fee, death.total = amount, figures.admin_fee, figures.total
            if death.paid is not None and figures.total > 0:
                death.amounts = payout_split(figures.total, [b[4] for b in death.plan.beneficiaries])
                member_id = death.plan.member_id
                death.pay_spec = len(specs)
                specs.append(EntrySpec(date=death.paid, description=f"จ่ายเงินสงเคราะห์ศพ {death.plan.member_number}",
                                       source=SOURCE, lines=(
                    Line(account=LIABILITY, debit=figures.total, member_id=member_id),
                    *(Line(account="bank", credit=a, member_id=member_id, memo=f"{b[0]} {b[4]}%"[:200])
                      for b, a in zip(death.plan.beneficiaries, death.amounts, strict=True) if a > 0))))  # fmt: skip
            else:
                death.paid = None
    bar = coop.progress("บัญชีฌาปนกิจ", len(specs))
    entry_ids = entries_post(specs, bar=bar) if specs else []
    bar.close()

    # ---- memberships and beneficiaries
    now = timezone.now()
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    rows = []
    for n, p in enumerate(plans, 1):
        fee_entry = entry_ids[p.fee_spec] if p.fee_spec >= 0 else None
        fee = specs[p.fee_spec].lines[0].debit if p.fee_spec >= 0 else ZERO
        status = MembershipStatus.ENDED.value if p.ended_on else MembershipStatus.ACTIVE.value
        rows.append((p.member_id, f"{n:06d}", p.joined, status, p.ended_on, str(p.end_reason), "", fee, fee_entry,
                     stamp))  # fmt: skip
    if connection.vendor == "postgresql":
        membership_ids = ids_reserve("funeral_funeralmembership", len(rows)) if rows else []
        rows_insert("funeral_funeralmembership", ["id", *MEMBERSHIP_COLUMNS],
                    [(pk, *row) for pk, row in zip(membership_ids, rows, strict=True)])  # fmt: skip
    else:
        created = FuneralMembership.objects.bulk_create(
            FuneralMembership(**dict(zip(MEMBERSHIP_COLUMNS[:-1], row[:-1], strict=True)), created_at=now)
            for row in rows
        )
        membership_ids = [m.pk for m in created]
    membership_of = {p.member_id: pk for p, pk in zip(plans, membership_ids, strict=True)}
    rows_insert("funeral_funeralbeneficiary", BENEFICIARY_COLUMNS, [
        (membership_of[p.member_id], i, name, relation, national_id, phone, share, stamp)
        for p in plans for i, (name, relation, national_id, phone, share) in enumerate(p.beneficiaries, 1)
    ])  # fmt: skip

    # ---- claims, levies, payouts
    claims = DeathClaim.objects.bulk_create(
        DeathClaim(
            membership_id=membership_of[d.plan.member_id], death_date=d.died, reported_on=d.reported,
            note="", requested_by=None, requested_at=now,
            status=(ClaimStatus.PAID if d.paid else ClaimStatus.APPROVED if d.approved else ClaimStatus.PENDING),
            decided_at=now if d.approved else None,
            dues_collected=d.dues_collected if d.paid else None, admin_fee=d.admin_fee if d.paid else None,
            payout_total=d.total if d.paid else None, paid_on=d.paid,
            journal_entry_id=entry_ids[d.pay_spec] if d.paid else None,
        )
        for d in deaths
    )  # fmt: skip
    levied = [k for k, d in enumerate(deaths) if d.approved is not None]
    levies = FuneralLevy.objects.bulk_create(
        FuneralLevy(kind=LevyKind.PER_DEATH, levied_on=deaths[k].approved, amount_per_member=levy_amounts[k],
                    claim_id=claims[k].pk, status=LevyStatus.OPEN, members=deaths[k].called,
                    total_amount=levy_amounts[k] * deaths[k].called, created_at=now, seconds=Decimal("0.000"))
        for k in levied
    )  # fmt: skip
    beneficiary_ids = {}
    if levied:
        for membership_id, position, pk in FuneralBeneficiary.objects.filter(
            membership_id__in=[membership_of[d.plan.member_id] for d in deaths if d.paid]
        ).values_list("membership_id", "position", "id"):
            beneficiary_ids[(membership_id, position)] = pk
    FuneralPayout.objects.bulk_create(
        FuneralPayout(claim_id=claims[k].pk, beneficiary_id=beneficiary_ids[(membership_of[d.plan.member_id], i)],
                      share_percent=b[4], amount=a, method=PayoutMethod.BANK, paid_on=d.paid,
                      journal_entry_id=entry_ids[d.pay_spec], created_at=now)
        for k, d in enumerate(deaths) if d.paid
        for i, (b, a) in enumerate(zip(d.plan.beneficiaries, d.amounts, strict=True), 1)
    )  # fmt: skip

    # ---- dues: every membership in force on each levy day, but the deceased, in one INSERT … SELECT
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_GEN_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_GEN_TABLE} (levy_id bigint, exclude_id bigint, collected_on date, "
            "entry_id bigint, channel varchar(10))"
        )
    rows_insert(_GEN_TABLE, ["levy_id", "exclude_id", "collected_on", "entry_id", "channel"], [
        (levy.pk, membership_of[deaths[k].plan.member_id], deaths[k].collected,
         entry_ids[deaths[k].collect_spec] if deaths[k].collect_spec >= 0 else None,
         Channel.PAYROLL.value if deaths[k].collect_spec >= 0 else "")
        for k, levy in zip(levied, levies, strict=True)
    ])  # fmt: skip
    with bulk_load("funeral_funeraldue"), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO funeral_funeraldue (levy_id, membership_id, amount, collected_on, channel, journal_entry_id)
            SELECT l.id, m.id, l.amount_per_member, g.collected_on, g.channel, g.entry_id
            FROM {_GEN_TABLE} g
            JOIN funeral_funerallevy l ON l.id = g.levy_id
            JOIN funeral_funeralmembership m
              ON m.joined_on <= l.levied_on AND (m.ended_on IS NULL OR m.ended_on > l.levied_on)
             AND m.id <> g.exclude_id
            """  # noqa: S608 -- fixed table names
        )
        dues = cursor.rowcount
        cursor.execute(f"DROP TABLE {_GEN_TABLE}")
    expected = sum(deaths[k].called for k in levied)
    if dues != expected:
        raise GeneratorError(f"funeral: wrote {dues} dues but the levies' vouchers count {expected}")
    coop.counts["funeral_memberships"] = len(plans)
    coop.counts["funeral_claims"] = len(claims)
    coop.counts["funeral_dues"] = dues
    coop.counts["journal_entries"] = coop.counts.get("journal_entries", 0) + len(specs)
