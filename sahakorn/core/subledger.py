"""The sub-ledger contract (สัญญาของระบบย่อย): the one place an app plugs into the rest of the system.

Each sub-ledger app (shares, loans, deposits, welfare, funeral) and the general ledger itself declare
one object in ``<app>/subledger.py``::

    SUBLEDGER = SharesSubLedger()

discovered like ``roles.py`` (every installed ``sahakorn.*`` app that has the module). Nothing is
registered from ``AppConfig.ready()`` and no app imports another's registry: the members app, the
share withdrawal, the reconciliation command, and later billing, the dividend run and the portal
ask every sub-ledger through the functions at the bottom of this module.

A sub-ledger overrides what it has; the base class's defaults say "nothing here":

- ``member_cards``: its cards on the member page (หน้าข้อมูลสมาชิก);
- ``member_debts`` / ``debt_roles`` / ``debt_settlements_reverse``: what a leaving member owes it,
  settled from shares inside the withdrawal's voucher, and how a reversed withdrawal undoes it;
- ``resignation_blockers``: why a member may not resign yet (a guarantor who must be replaced);
- ``member_status_changed``: told when a member resigns, dies, is expelled or comes back;
- ``reconcile``: its figures against its GL control accounts (``sahakorn reconcile``);
- ``control_roles``: the GL roles of those control accounts, which take postings only from the
  sub-ledgers' own services (``source``: its journal), never from a manual voucher;
- ``monthly_demands``: what it bills a member for a month (เรียกเก็บรายเดือน), each demand able to
  give the credit lines of a receipt inside the caller's voucher and to record the receipt in the
  sub-ledger's own rows once that voucher is posted (the same two steps as a debt).

``order`` orders the sub-ledgers (and so the debts settled on leaving: the ledger's fallback last,
and the demands as ``monthly_demands`` lists them); the member page orders its cards by their own
``position``. Which demand a short payroll receipt pays first is the coop's rule, for billing to apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps

from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO

PLACEHOLDER_TEMPLATE = "members/sections/placeholder.html"


@dataclass(frozen=True)
class MemberCard:
    """A card on the member page. ``context(member)`` returns what its template sees as ``data``.

    ``position`` orders the cards across sub-ledgers (a placeholder holds the place of a sub-ledger
    still to come, so the page never changes when it arrives).
    """

    key: str
    title: str
    position: int
    template: str = PLACEHOLDER_TEMPLATE
    permission: str | None = None
    context: Callable[[Any], dict] | None = None


CreditLines = Callable[[Decimal], list]
Settle = Callable[..., None]


@dataclass(frozen=True)
class MemberDebt:
    """One debt of a member: what it is, the GL role its balance sits on (member-linked), the amount.

    To be settled inside a caller's voucher (a share withdrawal on leaving), the owner gives
    ``credit_lines(amount) -> [ledger Line]`` (its own credit side, e.g. interest and principal apart;
    None: one credit of ``account_role`` for the member) and ``settle(amount=, on=, entry=, by=)`` to
    record the settlement in its own rows once the voucher is posted; ``minimum`` is the least it can
    take (a loan's interest to the day, which is paid whole).
    """

    label: str
    account_role: str
    amount: Decimal
    minimum: Decimal = ZERO
    credit_lines: CreditLines | None = None
    settle: Settle | None = None


@dataclass(frozen=True)
class MonthlyDemand:
    """What one sub-ledger bills one member for one month (รายการเรียกเก็บ), e.g. a loan's installment.

    ``subledger``: the sub-ledger's key; ``reference``: its own key for the thing billed (a share
    account, a contract number, a funeral due); ``amount``: the whole demand; ``parts``: how it
    splits for the bill (e.g. {"principal": …, "interest": …}); ``due_on``: the day the receipt must
    be dated, when the sub-ledger's figures depend on it (a loan's interest runs to that day; None:
    any day). A receipt is applied in two steps, as a debt is settled: ``credit_lines(amount)`` inside
    the caller's voucher, then, once it is posted, ``settle(amount=, on=, entry=, by=)`` with the same
    amount (a different one is refused).
    """

    subledger: str
    reference: str
    label: str
    account_role: str
    amount: Decimal
    parts: dict[str, Decimal] = field(default_factory=dict)
    due_on: dt.date | None = None
    credit_lines: CreditLines | None = None
    settle: Settle | None = None
    # The billing item kind (``BillingKind.key``); with ``parts``, each part's kind is "<kind>:<part>".
    kind: str = ""
    # Of the amount (or of each part, by the parts' keys), what earlier months left unpaid.
    arrears: dict[str, Decimal] = field(default_factory=dict)
    # A part receipt must be a multiple of this (a share's par value); None: any amount to the satang.
    step: Decimal | None = None


@dataclass(frozen=True)
class DemandRow:
    """One billed part of a member's monthly demand, as billing freezes it (no callbacks: a row).

    ``kind`` is the item kind of the part ("loans.ordinary:interest", "shares.monthly"); ``label`` the
    demand's own label; ``arrears`` the part's share from earlier months.
    """

    member_id: int
    subledger: str
    kind: str
    reference: str
    label: str
    amount: Decimal
    arrears: Decimal = ZERO
    due_on: dt.date | None = None
    step: Decimal | None = None


def demand_rows(demand: MonthlyDemand, *, member_id: int) -> list[DemandRow]:
    """A demand's parts as rows (a loan: its interest and its principal; zero parts left out)."""
    rows = []
    for part, amount in (demand.parts or {"": demand.amount}).items():
        if amount <= ZERO:
            continue
        rows.append(
            DemandRow(
                member_id=member_id,
                subledger=demand.subledger,
                kind=f"{demand.kind}:{part}" if part else demand.kind,
                reference=demand.reference,
                label=demand.label,
                amount=amount,
                arrears=demand.arrears.get(part, ZERO),
                due_on=demand.due_on,
                step=demand.step,
            )
        )
    return rows


@dataclass(frozen=True)
class BillingReceipt:
    """What billing's posting gives one of a member's demands: ``amount`` of it received on ``on``, in
    the voucher ``voucher`` (billing's key for it: the unit's).

    ``kind`` is the demand's kind without a part ("loans.ordinary", "shares.monthly"); a loan's
    interest and principal lines arrive summed, since the sub-ledger splits a receipt its own way
    (interest in arrears, interest to the day, then principal)."""

    member_id: int
    kind: str
    reference: str
    amount: Decimal
    on: dt.date
    voucher: int = 0


@dataclass
class ReceiptBatch:
    """Many receipts for many vouchers of one day, in the contract's two steps: ``credit_lines`` (voucher
    key → that voucher's credit side, one line per GL account where the sub-ledger can) is taken first,
    with every check done and the rows locked; ``apply(entries=, by=)`` (voucher key → the posted
    voucher) records them all once the vouchers are posted."""

    credit_lines: dict[int, list]
    apply: Callable[..., None]


@dataclass(frozen=True)
class BillingKind:
    """A kind of line a sub-ledger bills (billing seeds its item table from these).

    ``key``: "<sub-ledger>.<what>" (with ":<part>" for a demand's part: "loans.emergency:interest");
    ``code``/``label``: the item's default code and Thai name; ``priority``: the default order of
    deduction (lower first); ``whole_only``: billed whole or not at all when the net-pay floor cuts it.
    """

    key: str
    code: str
    label: str
    priority: int
    whole_only: bool = False


@dataclass(frozen=True)
class Reconciled:
    """One sub-ledger's reconciliation with the GL: ``ok`` and the lines an officer reads (✔/✘ …)."""

    title: str
    ok: bool
    lines: Sequence[str]


class DebtSettlementError(ServiceError):
    """A sub-ledger refuses to settle a debt, or to undo a settlement; its message is the reason."""


class SubLedger:
    """The contract; subclass it in ``<app>/subledger.py`` and override what the app has."""

    key: str = ""
    title: str = ""
    order: int = 100
    # The GL roles this sub-ledger's own debts sit on: the GL fallback stops reading them.
    debt_roles: tuple[str, ...] = ()
    # Its journal (a ledger ``EntrySource`` value) and the GL roles whose balances its ``reconcile``
    # proves against its own rows (its control accounts, บัญชีคุม): a voucher that touches one must
    # come from a sub-ledger's services, which write the rows with it (see ``control_sources``).
    source: str = ""
    control_roles: tuple[str, ...] = ()

    def member_cards(self) -> list[MemberCard]:
        return []

    def member_debts(self, *, member, on: dt.date | None) -> list[MemberDebt]:
        return []

    def debt_settlements_reverse(self, *, entry, reversal_entry, on: dt.date, reason: str, by) -> None:
        """Undo this sub-ledger's rows that settled debts in ``entry`` (the whole voucher is already
        reversed as ``reversal_entry``), or raise ``DebtSettlementError``."""

    def resignation_blockers(self, *, member) -> list[str]:
        return []

    def member_status_changed(self, *, change) -> None:
        """``change``: the ``members.MemberStatusChange`` just recorded (resigned, deceased, …)."""

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled | None:
        return None

    def monthly_demands(self, *, member, period: dt.date) -> list[MonthlyDemand]:
        """``period``: the first day of the month billed."""
        return []

    def billing_kinds(self) -> list[BillingKind]:
        """Every ``kind`` its monthly demands carry (with each part's), for billing's item table."""
        return []

    def billing_demand_rows(self, *, period: dt.date, members: Sequence) -> list[DemandRow]:
        """Every one of ``members``' demands for the month of ``period``, as rows, at once.

        The same answer as ``monthly_demands`` member by member (a test holds each sub-ledger to it);
        a sub-ledger overrides it with a few set-based queries so freezing 100,000 members does not
        ask 100,000 times. This default asks member by member.
        """
        return [
            row
            for member in members
            for demand in self.monthly_demands(member=member, period=period)
            for row in demand_rows(demand, member_id=member.pk)
        ]

    def billing_owed(
        self, *, period: dt.date, members: Sequence, lines: Sequence[tuple[int, str, str]]
    ) -> dict[tuple[int, str, str], DemandRow]:
        """What frozen bill ``lines`` ((member id, kind, reference)) come to today, by the same key: posting
        takes no more than this (the rest was paid at the counter since the freeze).

        This default asks the month's demands again (``billing_demand_rows``); a sub-ledger whose
        reference names a set that grows during the month (funeral dues: every levy up to one) answers
        for exactly the set the line billed."""
        return {
            (row.member_id, row.kind, row.reference): row
            for row in self.billing_demand_rows(period=period, members=members)
        }

    def billing_changed(self, *, since: dt.datetime) -> set[int] | None:
        """The members (ids) whose demands may differ from what was figured at ``since`` (a freeze):
        posting asks ``billing_owed`` for these members only and takes the frozen figures of the rest.
        A sub-ledger whose demands are costly to figure again (loans: schedules, repayments and rate
        histories of 300,000 contracts) answers from what was written since; this default cannot tell
        (None: every member is asked again)."""
        return None

    def billing_receipts(self, *, period: dt.date, receipts: Sequence[BillingReceipt]) -> ReceiptBatch:
        """Take ``receipts`` (all dated the same day) inside billing's vouchers.

        This default asks member by member (``monthly_demands``) and takes each demand's two steps; a
        sub-ledger overrides it to take them all at once (a few statements however many members), with
        the same checks and the same rows written."""
        from sahakorn.members.models import Member

        members = Member.objects.in_bulk({receipt.member_id for receipt in receipts})
        taken: list[tuple[MonthlyDemand, BillingReceipt]] = []
        lines: dict[int, list] = {}
        for receipt in receipts:
            demands = self.monthly_demands(member=members[receipt.member_id], period=period)
            demand = next(
                (d for d in demands if (d.kind, d.reference) == (receipt.kind, receipt.reference)), None
            )
            if demand is None or demand.credit_lines is None:
                raise DebtSettlementError(
                    f"{members[receipt.member_id].number_and_name}: {self.title} ไม่มียอดเรียกเก็บ "
                    f"{receipt.reference} แล้ว"
                )
            lines.setdefault(receipt.voucher, []).extend(demand.credit_lines(receipt.amount))
            taken.append((demand, receipt))

        def apply(*, entries, by) -> None:
            for demand, receipt in taken:
                assert demand.settle is not None
                demand.settle(amount=receipt.amount, on=receipt.on, entry=entries[receipt.voucher], by=by)

        return ReceiptBatch(credit_lines=lines, apply=apply)

    def billing_received(self, *, entry_ids) -> Decimal:
        """What its own rows record as received in these (billing's) vouchers: billing proves each
        sub-ledger took exactly what billing says it applied."""
        return ZERO

    def billing_change_reason(
        self, *, member, kind: str, reference: str, period: dt.date, before: Decimal, after: Decimal
    ) -> str:
        """Why a line of the member's bill for ``period`` differs from last month's (``before``/``after``:
        the amounts, 0 when the line is new or gone), in the coop's words, for the bill preview and the
        portal: "ปิดสัญญาแล้ว", "ค่าหุ้นรายเดือนเปลี่ยนจาก 500 เป็น 700 บาท". "" when it has nothing to add."""
        return ""


# ======== Discovery ========


@cache
def subledgers() -> tuple[SubLedger, ...]:
    """Every installed app's ``SUBLEDGER``, by ``order``."""
    found = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.subledger"
        if not app_config.name.startswith("sahakorn.") or find_spec(module_name) is None:
            continue
        declared = getattr(import_module(module_name), "SUBLEDGER", None)
        if declared is not None:  # core's own module is the contract, not a sub-ledger
            found.append(declared)
    return tuple(sorted(found, key=lambda s: (s.order, s.key)))


def subledger(key: str) -> SubLedger:
    for item in subledgers():
        if item.key == key:
            return item
    raise LookupError(f"no sub-ledger {key!r}")


# ======== What the rest of the system asks ========


def member_cards() -> list[MemberCard]:
    """Every sub-ledger's cards and the placeholders still waiting for theirs, in page order."""
    cards: dict[str, MemberCard] = {card.key: card for card in PLACEHOLDERS}
    for item in subledgers():
        cards.update((card.key, card) for card in item.member_cards())
    return sorted(cards.values(), key=lambda c: c.position)


# Cards the page shows before their sub-ledger exists (the dividend run is a later issue).
PLACEHOLDERS: tuple[MemberCard, ...] = (MemberCard("dividends", "เงินปันผล-เฉลี่ยคืน", position=50),)


def receipt_steps(
    *, lines: Callable[[Decimal], list], record: Callable[..., object], error: type[ServiceError]
) -> tuple[CreditLines, Settle]:
    """A demand's two steps (``credit_lines``, ``settle``) from the sub-ledger's two services: ``lines(amount)``
    gives the credit side inside the caller's voucher; ``record(amount=, on=, entry=, by=)`` writes the
    sub-ledger's rows once it is posted, and only for the amount the lines were given for."""
    credited: list[Decimal] = []

    def credit_lines(amount: Decimal) -> list:
        out = lines(amount)
        credited[:] = [amount]
        return out

    def settle(*, amount: Decimal, on: dt.date, entry, by) -> None:
        if credited != [amount]:
            raise error("ต้องคำนวณการรับชำระ (credit_lines) ด้วยจำนวนเดียวกันก่อนบันทึก")
        record(amount=amount, on=on, entry=entry, by=by)

    return credit_lines, settle


def refuse_reversing_a_billing_row(entry, *, error: type[ServiceError]) -> None:
    """A row received through monthly billing shares its voucher with every sub-ledger's receipts of the
    unit: reversing the voucher would undo them all, and reversing the row alone would leave billing's
    receipt and the member's receipt claiming money the sub-ledger no longer holds. Refused, by name."""
    if entry is not None and entry.source == "billing":
        raise error(
            f"รายการนี้รับชำระจากการหักเงินเดือน (ใบสำคัญ {entry.voucher_label} ของทั้งหน่วย) "
            "กลับรายการทีละรายการไม่ได้: ถ้าหักเกินให้คืนเงินหักเกินที่งานเรียกเก็บรายเดือน"
        )


def control_roles() -> dict[str, SubLedger]:
    """Every control account's role → the sub-ledger that proves it."""
    return {role: item for item in subledgers() for role in item.control_roles}


def control_sources() -> set[str]:
    """The journals that may post to control accounts: the sub-ledgers' own.

    Not only the owner's: a sub-ledger settles into another's control account through that one's
    contract (a leaving member's loan paid from shares with the loan's ``credit_lines`` and
    ``settle``, a welfare claim paid into a deposit account by the deposits service), and the owner
    writes its rows in the same transaction. A manual voucher, an opening balance typed in, or the
    reversal of either writes none, so the sub-ledger's check would no longer agree with the GL.
    """
    return {item.source for item in subledgers() if item.source} | set(CONTRACT_SOURCES)


# Journals of no sub-ledger that settle into sub-ledgers only through this contract: the monthly
# billing (a demand's ``credit_lines`` then ``settle``) and the dividend run.
CONTRACT_SOURCES: tuple[str, ...] = ("billing", "dividends")


def owned_debt_roles() -> set[str]:
    return {role for item in subledgers() for role in item.debt_roles}


def member_debts(*, member, on: dt.date | None = None) -> list[MemberDebt]:
    """The member's debts to settle from shares on ``on`` (interest runs to that day), in the order
    they are settled."""
    return [
        debt
        for item in subledgers()
        for debt in item.member_debts(member=member, on=on)
        if debt.amount > ZERO
    ]


def member_debts_total(*, member, on: dt.date | None = None) -> Decimal:
    return sum((debt.amount for debt in member_debts(member=member, on=on)), ZERO)


def debt_settlements_reverse(*, entry, reversal_entry, on: dt.date, reason: str, by) -> None:
    for item in subledgers():
        item.debt_settlements_reverse(entry=entry, reversal_entry=reversal_entry, on=on, reason=reason, by=by)


def resignation_blockers(*, member) -> list[str]:
    return [reason for item in subledgers() for reason in item.resignation_blockers(member=member)]


def member_status_changed(*, change) -> None:
    for item in subledgers():
        item.member_status_changed(change=change)


def reconciliations(*, as_of: dt.date | None = None, only: Sequence[str] = ()) -> list[Reconciled]:
    out = []
    for item in subledgers():
        if only and item.key not in only:
            continue
        result = item.reconcile(as_of=as_of)
        if result is not None:
            out.append(result)
    return out


def billing_kinds() -> list[BillingKind]:
    return [kind for item in subledgers() for kind in item.billing_kinds()]


def billing_change_reason(
    *, member, subledger_key: str, kind: str, reference: str, period: dt.date, before: Decimal, after: Decimal
) -> str:
    return subledger(subledger_key).billing_change_reason(
        member=member, kind=kind, reference=reference, period=period, before=before, after=after
    )


def monthly_demands(*, member, period: dt.date) -> list[MonthlyDemand]:
    """Everything the member is billed for the month, sub-ledger by sub-ledger."""
    return [demand for item in subledgers() for demand in item.monthly_demands(member=member, period=period)]


def reconciled_write(command, results: Sequence[Reconciled], *, titled: bool = False) -> list[str]:
    """Print reconciliations the way every check command does; returns the titles that failed."""
    failed = []
    for result in results:
        if titled:
            command.stdout.write(f"== {result.title}")
        out = command.stdout if result.ok else command.stderr
        for line in result.lines:
            out.write(line)
        if not result.ok:
            failed.append(result.title)
    return failed


def reconciled_check(command, result: Reconciled) -> None:
    """What every ``sahakorn <app> check`` does with its sub-ledger's reconciliation.

    The lines but the last as ``reconciled_write`` prints them (a failure's on stderr), then the last
    line, the verdict: in green when it passed, as the command's error (exit status 1) when not.
    """
    from django.core.management.base import CommandError

    *details, verdict = result.lines
    reconciled_write(command, [Reconciled(title=result.title, ok=result.ok, lines=details)])
    if not result.ok:
        raise CommandError(verdict)
    command.stdout.write(command.style.SUCCESS(verdict))
