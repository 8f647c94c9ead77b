"""A realistic, deterministic generated coop: ``sahakorn generate --members N --years Y --seed S``.

The coop is built in steps (units, members, the ledger entries of what was created). Each
step draws from its own random stream derived from the seed and the step's name, so a later
issue can add a step (shares, loans, deposits, billing history) without changing the data
the earlier steps produce for the same seed. Steps write with bulk inserts only.
"""

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from sahakorn.core.bulk import ids_reserve, rows_insert
from sahakorn.core.models import CoopProfile
from sahakorn.core.money import ZERO
from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import national_id_check_digit
from sahakorn.generator import names
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import EntrySpec, Line, journal_entries_post_bulk
from sahakorn.members.models import Member, MemberChange, MemberStatus, MemberStatusChange, MemberType, Unit

BATCH = 5000
ENTRANCE_FEE = Decimal("100.00")
DEMO_COOP_NAME = "สหกรณ์ออมทรัพย์ครูราชบุรีตัวอย่าง จำกัด"


class GeneratorError(Exception):
    pass


@dataclass
class GeneratedCoop:
    """What the steps share: parameters, and the rows earlier steps made, for later steps."""

    members: int
    years: int
    seed: int
    as_of: dt.date
    history_start: dt.date
    progress: Callable[[str, int], "Progress"]
    unit_ids: list[int] = field(default_factory=list)
    # (member id, joined_on, status) in member-number order, for the sub-ledger steps.
    member_rows: list[tuple[int, dt.date, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for ``sahakorn bench generate``
    # The months billed by the real cycle (``billing_history``); the steps before it stop their payroll
    # at the first of them (``as_of`` is that month's end while they run).
    billed_months: list[dt.date] = field(default_factory=list)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")


class Progress:
    """A progress bar (tqdm) or nothing; steps call ``update(n)``."""

    def __init__(self, label: str, total: int, enabled: bool):
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=" แถว", leave=False)

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


__all__ = ["ids_reserve", "rows_insert"]  # the steps' modules take them from here


def entries_post(specs: list[EntrySpec], *, bar: "Progress | None" = None, chunk: int = 20_000) -> list[int]:
    """Post vouchers through ``journal_entries_post_bulk`` and return their ids, in ``specs`` order.

    The bulk service returns a count, not ids; it numbers a batch's vouchers by date (input order
    within a date), so the batch's new rows read back in (date, voucher number) order line up with
    the specs sorted stably by date. The generator writes alone into its own database.
    """
    ids: list[int] = []
    for part in _chunks(specs, chunk):
        before = JournalEntry.objects.aggregate(last=Max("id"))["last"] or 0
        journal_entries_post_bulk(entries=part)
        new = list(
            JournalEntry.objects.filter(id__gt=before)
            .order_by("date", "voucher_no")
            .values_list("id", flat=True)
        )
        if len(new) != len(part):
            raise GeneratorError(f"posted {len(part)} vouchers but found {len(new)} new ones")
        part_ids = [0] * len(part)
        for k, entry_id in zip(sorted(range(len(part)), key=lambda k: part[k].date), new, strict=True):
            part_ids[k] = entry_id
        ids += part_ids
        if bar is not None:
            bar.update(len(part))
    return ids


@contextmanager
def bulk_load(table: str) -> Iterator[None]:
    """PostgreSQL: load a big table the way its manual advises, inside the generator's transaction.

    Its foreign keys and secondary indexes are dropped before the load and created again after:
    a deferred foreign key queues a check per row until commit (millions of them for the share
    rows), and one index build sorts once where row-by-row maintenance would not. Re-adding a
    foreign key validates it with one join, so nothing goes unchecked. Constraint-backed indexes
    (primary key, unique fields) stay. Elsewhere this does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Altering a table refuses while it, or a table its keys point at, has deferred checks
        # queued: run the queued checks now, then defer again as the constraints are declared.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f"ANALYZE {table}")


# ---------------------------------------------------------------- steps


def units_step(coop: GeneratedCoop) -> None:
    """หน่วยสังกัด: education service areas → districts → schools, about 40 members a school."""
    rng = coop.rng("units")
    n_schools = max(3, coop.members // 40)
    n_areas = max(1, min(5, n_schools // 30 or 1))
    areas = [Unit(code=f"{a + 1:02d}", name=f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{names.PROVINCE} เขต {a + 1}",
                  path=f"{a + 1:02d}/") for a in range(n_areas)]  # fmt: skip
    Unit.objects.bulk_create(areas)
    districts: list[Unit] = []
    for i, district in enumerate(
        names.DISTRICTS[: max(n_areas, min(len(names.DISTRICTS), n_schools // 5 or 1))]
    ):
        area = areas[i % n_areas]
        code = f"{area.code}{i + 1:02d}"
        districts.append(Unit(code=code, name=f"กลุ่มโรงเรียนอำเภอ{district}", parent_id=area.pk,
                              path=f"{area.path}{code}/"))  # fmt: skip
    Unit.objects.bulk_create(districts)
    schools: list[Unit] = []
    seen: set[str] = set()
    for s in range(n_schools):
        district = districts[s % len(districts)]
        village = rng.choice(names.VILLAGES)
        name = f"โรงเรียนบ้าน{village}"
        suffix = 2
        while (district.code, name) in seen:
            name = f"โรงเรียนบ้าน{village} {suffix}"
            suffix += 1
        seen.add((district.code, name))
        code = f"{district.code}{s + 1:04d}"
        schools.append(Unit(code=code, name=name, parent_id=district.pk, path=f"{district.path}{code}/"))
    Unit.objects.bulk_create(schools, batch_size=BATCH)
    # The district offices and area offices employ staff too; most members sit in schools.
    coop.unit_ids = [u.pk for u in schools] * 9 + [u.pk for u in districts] + [u.pk for u in areas]
    coop.counts["units"] = len(areas) + len(districts) + len(schools)


def _national_id(rng: random.Random, used: set[str]) -> str:
    while True:
        first12 = str(rng.randint(1, 3)) + f"{rng.randrange(10**11):011d}"
        if first12 not in used:
            used.add(first12)
            return first12 + str(national_id_check_digit(first12))


def _salary(rng: random.Random, age: int) -> Decimal:
    # Teachers' pay rises with years of service: 15k for a new graduate to ~75k at the top.
    years = max(age - 23, 0)
    base = 15_000 + years * 1_450 + rng.gauss(0, 3_000)
    return Decimal(int(min(max(base, 12_000), 76_800)) // 10 * 10).quantize(Decimal("0.01"))


def members_step(coop: GeneratedCoop) -> None:
    """สมาชิก: join dates over 35 years, ~10% associates, some resigned, deceased or expelled."""
    rng = coop.rng("members")
    as_of = coop.as_of
    used_ids: set[str] = set()
    people = []
    for _ in range(coop.members):
        # A third joined during the generated history, the rest before it (their past is outside the system).
        if rng.random() < 0.3:
            joined = _random_date(rng, coop.history_start, as_of)
        else:
            joined = _random_date(
                rng, as_of.replace(year=as_of.year - 35), coop.history_start - dt.timedelta(days=1)
            )
        age_at_join = rng.randint(22, 45)
        birth = _random_date(
            rng, dt.date(joined.year - age_at_join - 1, 1, 1), dt.date(joined.year - age_at_join, 12, 28)
        )
        people.append((joined, birth))
    people.sort()  # member numbers follow the order of joining, as at a real coop

    bar = coop.progress("สมาชิก", coop.members)
    now = timezone.now()
    members: list[Member] = []
    for i, (joined, birth) in enumerate(people, start=1):
        female = rng.random() < 0.62  # teaching is majority female
        first, first_en = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
        last, last_en = rng.choice(names.LAST)
        title = ("นาง" if rng.random() < 0.6 else "นางสาว") if female else "นาย"
        associate = rng.random() < 0.1
        age = as_of.year - birth.year
        status, status_since, reason = MemberStatus.ACTIVE, joined, ""
        roll = rng.random()
        leave_from = max(joined + dt.timedelta(days=365), coop.history_start)
        if leave_from < as_of:
            if roll < 0.07:
                status, reason = (
                    MemberStatus.RESIGNED,
                    rng.choice(["ลาออกจากราชการ", "ย้ายไปต่างจังหวัด", "ขอลาออกจากสหกรณ์"]),
                )
            elif roll < 0.09 or (age > 75 and roll < 0.3):
                status, reason = MemberStatus.DECEASED, "ถึงแก่กรรม"
            elif roll < 0.095:
                status, reason = MemberStatus.EXPELLED, "ขาดส่งค่าหุ้นติดต่อกัน 3 เดือน"
            if status != MemberStatus.ACTIVE:
                status_since = _random_date(rng, leave_from, as_of)
        phone = "+66" + rng.choice("689") + f"{rng.randrange(10**8):08d}" if rng.random() < 0.93 else ""
        members.append(
            Member(
                number=f"{i:06d}",
                title=title,
                first_name=first,
                last_name=last,
                first_name_en=first_en if rng.random() < 0.5 else "",
                last_name_en=last_en if rng.random() < 0.5 else "",
                national_id=_national_id(rng, used_ids),
                birth_date=birth,
                joined_on=joined,
                member_type=MemberType.ASSOCIATE if associate else MemberType.ORDINARY,
                unit_id=rng.choice(coop.unit_ids),
                salary=ZERO if associate and rng.random() < 0.6 else _salary(rng, age),
                phone=phone,
                address=f"{rng.randint(1, 299)}/{rng.randint(1, 20)} หมู่ {rng.randint(1, 12)} "
                f"{rng.choice(names.STREETS)} ต.{rng.choice(names.VILLAGES)} "
                f"อ.{rng.choice(names.DISTRICTS)} จ.{names.PROVINCE} 70{rng.randint(0, 1)}{rng.randint(0, 9)}0",
                bank_code="006",
                bank_account_no=f"{rng.randrange(10**10):010d}",
                status=status,
                status_since=status_since,
                status_reason=reason,
                created_at=now,
                updated_at=now,
            )
        )
    for chunk in _chunks(members):
        Member.objects.bulk_create(chunk)
        bar.update(len(chunk))
    bar.close()

    changes: list[MemberStatusChange] = []
    audits: list[MemberChange] = []
    for m in members:
        changes.append(MemberStatusChange(member_id=m.pk, from_status="", to_status=MemberStatus.ACTIVE,
                                          effective_on=m.joined_on, reason="สมัครเป็นสมาชิก", recorded_at=now))  # fmt: skip
        if m.status != MemberStatus.ACTIVE:
            changes.append(MemberStatusChange(member_id=m.pk, from_status=MemberStatus.ACTIVE, to_status=m.status,
                                              effective_on=m.status_since, reason=m.status_reason, recorded_at=now))  # fmt: skip
        audits.append(MemberChange(member_id=m.pk, action=MemberChange.Action.IMPORT, changed_at=now,
                                   note="สร้างจากชุดข้อมูลตัวอย่าง (sahakorn generate)"))  # fmt: skip
    for chunk in _chunks(changes):
        MemberStatusChange.objects.bulk_create(chunk)
    for chunk in _chunks(audits):
        MemberChange.objects.bulk_create(chunk)
    coop.member_rows = [(m.pk, m.joined_on, m.status) for m in members]
    coop.counts["members"] = len(members)
    coop.counts["members_left"] = sum(1 for m in members if m.status != MemberStatus.ACTIVE)


def members_ledger_step(coop: GeneratedCoop) -> None:
    """ค่าธรรมเนียมแรกเข้า: one counter receipt voucher per member who joined inside the history."""
    entries = [
        EntrySpec(
            date=joined,
            description="รับค่าธรรมเนียมแรกเข้า",
            source=EntrySource.MEMBERS,
            lines=(
                Line(account="cash", debit=ENTRANCE_FEE, member_id=member_id),
                Line(account="entrance_fee_income", credit=ENTRANCE_FEE, member_id=member_id),
            ),
        )
        for member_id, joined, _ in coop.member_rows
        if joined >= coop.history_start
    ]
    bar = coop.progress("บัญชี", len(entries))
    posted = 0
    for chunk in _chunks(entries, 20_000):
        posted += journal_entries_post_bulk(entries=chunk)
        bar.update(len(chunk))
    bar.close()
    coop.counts["journal_entries"] = coop.counts.get("journal_entries", 0) + posted


def _step_in(module: str, name: str) -> Callable[[GeneratedCoop], None]:
    """A step defined in its own module, imported when it runs: those modules build on this one's helpers."""

    def run(coop: GeneratedCoop) -> None:
        getattr(import_module(module), name)(coop)

    run.__name__ = name
    return run


# Later issues append their steps here (loans, billing history, …); a new step goes last, so the
# data and voucher numbers of the earlier steps stay the same for a seed.
STEPS: list[tuple[str, Callable[[GeneratedCoop], None]]] = [
    ("units", units_step),
    ("members", members_step),
    ("members_ledger", members_ledger_step),
    ("shares", _step_in("sahakorn.generator.shares_step", "shares_step")),
    ("deposits", _step_in("sahakorn.generator.deposits_step", "deposits_step")),
    ("welfare", _step_in("sahakorn.generator.welfare_step", "welfare_step")),
    ("funeral", _step_in("sahakorn.generator.funeral_step", "funeral_step")),
    ("news", _step_in("sahakorn.generator.news_step", "news_step")),
    ("loans", _step_in("sahakorn.generator.loans_step", "loans_step")),
    # From here ``as_of`` is the coop's own again.
    ("billing_history", _step_in("sahakorn.generator.billing_step", "billing_history_step")),
    ("bank_debits", _step_in("sahakorn.generator.billing_step", "bank_debits_step")),
]


def billed_months(as_of: dt.date, count: int, *, today: dt.date) -> list[dt.date]:
    """The ``count`` months before ``as_of``'s month that the real billing cycle runs (their first
    days), leaving out any whose posting day (the month's end) is still ahead of ``today``."""
    first = as_of.replace(day=1)
    months = [add_months(first, -n) for n in range(count, 0, -1)]
    return [month for month in months if month_end(month) <= today]


def coop_generate(
    *,
    members: int,
    years: int,
    seed: int,
    as_of: dt.date | None = None,
    show_progress: bool = False,
    billing_months: int = 0,
) -> GeneratedCoop:
    """Generate a coop into an empty database, all-or-nothing. ``billing_months``: how many months
    before ``as_of``'s are billed, deducted and posted by the real billing cycle instead of written as
    payroll by the steps (``billing_step.billing_history_step``)."""
    if billing_months < 0:
        raise GeneratorError("--billing-months ต้องไม่ติดลบ")
    if members < 1 or years < 1:
        raise GeneratorError("--members และ --years ต้องมากกว่า 0")
    if Member.objects.exists() or Unit.objects.exists():
        raise GeneratorError("ฐานข้อมูลมีข้อมูลสมาชิกอยู่แล้ว: สร้างสหกรณ์ตัวอย่างได้เฉพาะในฐานข้อมูลว่าง")
    as_of = as_of or timezone.localdate()
    profile = CoopProfile.objects.order_by("pk").first()
    start_month = profile.fiscal_year_start_month if profile else 1
    # History starts at the first fiscal year that lies wholly inside the last `years` years.
    start_year = as_of.year - years + (1 if as_of.month >= start_month else 0)
    history_start = dt.date(start_year, start_month, 1)
    billed = billed_months(as_of, billing_months, today=timezone.localdate())
    coop = GeneratedCoop(
        members=members,
        years=years,
        seed=seed,
        as_of=month_end(billed[0]) if billed else as_of,
        history_start=history_start,
        progress=lambda label, total: Progress(label, total, show_progress),
        billed_months=billed,
    )
    with transaction.atomic():
        if profile is None:
            CoopProfile.objects.create(name_th=DEMO_COOP_NAME, short_name="สอ.ครูราชบุรี (ตัวอย่าง)",
                                       address=f"จังหวัด{names.PROVINCE}", fiscal_year_start_month=1)  # fmt: skip
        for name, step in STEPS:
            if name == "billing_history":
                coop.as_of = as_of
                analyze()  # the month's billing reads every table the steps just loaded
            started = time.perf_counter()
            step(coop)
            coop.seconds[name] = time.perf_counter() - started
        analyze()
    return coop


def analyze(*tables: str) -> None:
    """The planner's statistics for every table just loaded (or for ``tables``): without them
    (autovacuum may be off, or not yet round, and the generator is one transaction) it takes 91,000
    active members for 16, or a billing table analyzed while empty for one row, and a month's billing
    picks nested loops that run for minutes."""
    if connection.vendor == "postgresql":
        from psycopg import sql

        # Names from the caller's code, never from input; quoted as identifiers all the same.
        statement = sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
        with connection.cursor() as cursor:
            cursor.execute(statement if tables else "ANALYZE")
