"""Writes to the funeral association (สมาคมฌาปนกิจสงเคราะห์). Nothing else creates or changes its rows.

Every service checks first and raises ``FuneralError`` (a Thai message naming the field) before
anything is written; then, in one transaction, it posts its voucher through the ledger services
and writes the sub-ledger rows linked to that voucher.

The money is the association's, held by the coop in one liability (``funeral_dues_collected``):

- entrance fee and dues received: Dr cash|bank / Cr funeral_dues_collected;
- payout to beneficiaries: Dr funeral_dues_collected (member: the deceased) / Cr cash|bank;
- remittance to the association (e.g. its admin fees): Dr funeral_dues_collected / Cr bank.

Decisions worth knowing:

- A claim is recorded by one person and decided by another (maker-checker: whoever recorded it
  may neither approve nor reject it). Approval ends the
  membership (death, on the death date), records the death in the member registry when the coop
  member is still active, and under per-death dues creates that death's levy at once.
- The payout is computed when the claim is paid, from the dues collected for it by then (the
  ``collected`` rule) or a fixed amount; dues of that levy collected after the payment stay in
  the liability for the association, to be remitted with its fees.
- Paying never takes the liability below zero: the coop pays out only money it holds for the
  association.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from sahakorn.core.approvals import decision_guard, decision_record, rejection_note
from sahakorn.core.bulk import rows_insert
from sahakorn.core.dates import refuse_after_batch_limit, refuse_future
from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO, baht, has_more_than_two_places
from sahakorn.core.months import add_months
from sahakorn.core.phone import PhoneError, phone_to_e164
from sahakorn.core.thai import format_be_date, national_id_is_valid, national_id_normalize
from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import (
    Channel,
    ClaimStatus,
    DeathClaim,
    DuesMode,
    EndReason,
    FuneralBeneficiary,
    FuneralDue,
    FuneralLevy,
    FuneralMembership,
    FuneralPayout,
    FuneralRemittance,
    FuneralSettings,
    LevyKind,
    LevyStatus,
    MembershipStatus,
    PayoutBasis,
    PayoutMethod,
    PayrollCollection,
    PayrollCollectionLevy,
    PayrollCollectionMember,
)
from sahakorn.funeral.selectors import death_claim_payout_plan, funeral_settings_for
from sahakorn.ledger.models import EntrySource, EntryStatus, JournalEntry
from sahakorn.ledger.selectors import account_balance
from sahakorn.ledger.services import Line, voucher_post
from sahakorn.members.models import Member, MemberStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sahakorn.core.subledger import ReceiptBatch

    User = AbstractBaseUser

__all__ = [
    "BeneficiaryInput",
    "CollectionResult",
    "death_claim_approve",
    "death_claim_create",
    "death_claim_pay",
    "death_claim_reject",
    "funeral_beneficiaries_replace",
    "funeral_dues_collect",
    "funeral_dues_billed",
    "funeral_dues_credit_lines",
    "funeral_dues_receipts",
    "funeral_dues_settle",
    "funeral_levy_create",
    "funeral_levy_close",
    "funeral_membership_end",
    "funeral_membership_enrol",
    "funeral_remittance_record",
    "funeral_settings_create",
]

APPROVE_PERMISSION = DeathClaim.approve_permission
LIABILITY = "funeral_dues_collected"
# The association's vouchers go to their own journal (สมุดรายวันย่อย), apart from the coop's welfare.
SOURCE = EntrySource.FUNERAL
CHANNEL_ROLES = {Channel.COUNTER: "cash", Channel.TRANSFER: "bank", Channel.PAYROLL: "bank"}
METHOD_ROLES = {PayoutMethod.CASH: "cash", PayoutMethod.BANK: "bank"}
HUNDRED = Decimal("100.00")
MAX_BENEFICIARIES = 10


# ======== Helpers ========


def _role(value: str, roles: dict, *, field: str, labels) -> str:
    if value not in roles:
        allowed = ", ".join(labels(c).label for c in roles)
        raise FuneralError(f"ช่องทาง “{value}” ใช้ไม่ได้ (ใช้ได้: {allowed})", field=field)
    return roles[value]


def _check_money(amount: Decimal, *, field: str, label: str, positive: bool = True) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError(f"{label}: money must be Decimal, not {type(amount).__name__}")
    if has_more_than_two_places(amount):
        raise FuneralError(f"{label}มีทศนิยมเกิน 2 ตำแหน่ง", field=field)
    if amount < 0 or (positive and amount == 0):
        raise FuneralError(f"{label}ต้องมากกว่าศูนย์", field=field)


# ======== Rules (ระเบียบสมาคม) ========

SETTINGS_FIELDS = (
    "dues_mode",
    "per_death_amount",
    "annual_amount",
    "entrance_fee",
    "payout_basis",
    "admin_fee_percent",
    "fixed_payout",
    "max_payout",
)


@transaction.atomic
def funeral_settings_create(
    *, effective_from: dt.date, by: User | None, note: str = "", **fields
) -> FuneralSettings:
    """Add a version of the association's rules from ``effective_from``; earlier versions stay as they were.

    A version may not start on or before the latest levy or claim already decided under the rules,
    so no past figure changes meaning.
    """
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings fields: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    if FuneralSettings.objects.filter(effective_from=effective_from).exists():
        errors["effective_from"] = f"มีระเบียบที่มีผลวันที่ {format_be_date(effective_from)} อยู่แล้ว"
    last_levy = FuneralLevy.objects.aggregate(d=Max("levied_on"))["d"]
    if last_levy is not None and effective_from <= last_levy:
        errors["effective_from"] = f"ระเบียบใหม่ต้องมีผลหลังการเรียกเก็บครั้งล่าสุด ({format_be_date(last_levy)})"
    for name in ("per_death_amount", "annual_amount", "entrance_fee", "fixed_payout", "max_payout"):
        value = fields.get(name)
        if value is not None and (has_more_than_two_places(value) or value < 0):
            errors[name] = f"{FuneralSettings._meta.get_field(name).verbose_name}: จำนวนเงินไม่ถูกต้อง"
    percent = fields.get("admin_fee_percent", ZERO)
    if not ZERO <= percent <= HUNDRED:
        errors["admin_fee_percent"] = "ค่าดำเนินการต้องอยู่ระหว่างร้อยละ 0 ถึง 100"
    mode = fields.get("dues_mode", DuesMode.PER_DEATH)
    if mode == DuesMode.PER_DEATH and not fields.get("per_death_amount"):
        errors["per_death_amount"] = "เรียกเก็บรายศพต้องกำหนดเงินสงเคราะห์ต่อศพต่อคน"
    if mode == DuesMode.ANNUAL and not fields.get("annual_amount"):
        errors["annual_amount"] = "เรียกเก็บรายปีต้องกำหนดเงินสงเคราะห์รายปีต่อคน"
    if fields.get("payout_basis") == PayoutBasis.FIXED and not fields.get("fixed_payout"):
        errors["fixed_payout"] = "จ่ายแบบคงที่ต้องกำหนดเงินสงเคราะห์คงที่ต่อศพ"
    if errors:
        raise FuneralError("; ".join(errors.values()), errors=errors)
    return FuneralSettings.objects.create(
        effective_from=effective_from, note=note[:300], created_by=by, **fields
    )


# ======== Memberships and beneficiaries ========


@dataclass(frozen=True)
class BeneficiaryInput:
    """A beneficiary as typed: shares are percentages with two places that must total 100.00."""

    name: str
    relation: str
    share_percent: Decimal
    national_id: str = ""
    phone: str = ""


def _beneficiaries_checked(beneficiaries: Sequence[BeneficiaryInput]) -> list[BeneficiaryInput]:
    """Normalise and check a beneficiary list; refuse it whole, naming each bad field."""
    errors: dict[str, str] = {}
    if not beneficiaries:
        errors["beneficiaries"] = "ต้องระบุผู้รับผลประโยชน์อย่างน้อย 1 คน"
    elif len(beneficiaries) > MAX_BENEFICIARIES:
        errors["beneficiaries"] = f"ระบุผู้รับผลประโยชน์ได้ไม่เกิน {MAX_BENEFICIARIES} คน"
    clean: list[BeneficiaryInput] = []
    total = ZERO
    for i, b in enumerate(beneficiaries):
        key = f"beneficiaries-{i}-"
        where = f"ผู้รับผลประโยชน์คนที่ {i + 1}"
        name, relation = (b.name or "").strip(), (b.relation or "").strip()
        if not name:
            errors[key + "name"] = f"{where}: กรุณากรอกชื่อ-สกุล"
        elif len(name) > 200:
            errors[key + "name"] = f"{where}: ชื่อยาวเกิน 200 ตัวอักษร"
        if not relation:
            errors[key + "relation"] = f"{where}: กรุณากรอกความเกี่ยวพัน"
        elif len(relation) > 50:
            errors[key + "relation"] = f"{where}: ความเกี่ยวพันยาวเกิน 50 ตัวอักษร"
        national_id = national_id_normalize(b.national_id)
        if national_id and not national_id_is_valid(national_id):
            errors[key + "national_id"] = f"{where}: เลขประจำตัวประชาชนไม่ถูกต้อง (ตรวจสอบหลักสุดท้ายไม่ผ่าน)"
        phone = (b.phone or "").strip()
        if phone:
            try:
                phone = phone_to_e164(phone)
            except PhoneError as e:
                errors[key + "phone"] = f"{where}: {e}"
        share = b.share_percent
        if not isinstance(share, Decimal) or not share.is_finite():
            errors[key + "share_percent"] = f"{where}: กรุณากรอกสัดส่วนเป็นตัวเลข"
            share = ZERO
        elif has_more_than_two_places(share):
            errors[key + "share_percent"] = f"{where}: สัดส่วนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
        elif not ZERO < share <= HUNDRED:
            errors[key + "share_percent"] = f"{where}: สัดส่วนต้องมากกว่า 0 และไม่เกินร้อยละ 100"
        total += share
        clean.append(BeneficiaryInput(name=name, relation=relation, share_percent=share,
                                      national_id=national_id, phone=phone))  # fmt: skip
    ids = [b.national_id for b in clean if b.national_id]
    if len(ids) != len(set(ids)):
        errors.setdefault("beneficiaries", "มีเลขประจำตัวประชาชนของผู้รับผลประโยชน์ซ้ำกัน")
    if beneficiaries and total != HUNDRED and not any(k.endswith("share_percent") for k in errors):
        errors["beneficiaries"] = f"สัดส่วนของผู้รับผลประโยชน์ต้องรวมเป็นร้อยละ 100.00 (ขณะนี้รวม {total:.2f})"
    if errors:
        raise FuneralError("; ".join(errors.values()), errors=errors)
    return clean


def _beneficiaries_write(
    membership: FuneralMembership, items: list[BeneficiaryInput], by: User | None
) -> None:
    FuneralBeneficiary.objects.bulk_create(
        FuneralBeneficiary(membership=membership, position=i, name=b.name, relation=b.relation,
                           national_id=b.national_id, phone=b.phone, share_percent=b.share_percent,
                           created_by=by)
        for i, b in enumerate(items, 1)
    )  # fmt: skip


def _next_number() -> str:
    last = FuneralMembership.objects.aggregate(n=Max("number"))["n"]
    return f"{int(last) + 1:06d}" if last and last.isdigit() else "000001"


def _dated_ahead(on: dt.date, *, what: str) -> str | None:
    """The date policy's message for ``on`` after today (None when it is not), for a list of errors."""
    try:
        refuse_future(on, what=what)
    except ServiceError as e:
        return e.message
    return None


@transaction.atomic
def funeral_membership_enrol(
    *,
    member: Member,
    joined_on: dt.date,
    beneficiaries: Sequence[BeneficiaryInput],
    by: User | None,
    with_entrance_fee: bool = True,
    channel: str = Channel.COUNTER,
) -> FuneralMembership:
    """Enrol a coop member in the association (สมัครสมาชิกสมาคม) with their beneficiaries.

    The entrance fee of the rules in force on ``joined_on`` is received at once (the association's
    money: Dr cash|bank / Cr funeral_dues_collected) unless ``with_entrance_fee`` is false (e.g. a
    membership taken over from the association's own books).
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, str] = {}
    if member.status != MemberStatus.ACTIVE:
        errors["member"] = (
            f"สมาชิก {member.number_and_name} มีสถานะ{member.get_status_display()} สมัครสมาคมฌาปนกิจไม่ได้"
        )
    elif FuneralMembership.objects.filter(member=member).exists():
        errors["member"] = f"สมาชิก {member.number_and_name} เป็นสมาชิกสมาคมฌาปนกิจอยู่แล้ว"
    if joined_on < member.joined_on:
        errors["joined_on"] = f"วันที่เป็นสมาชิกสมาคมต้องไม่ก่อนวันที่เป็นสมาชิกสหกรณ์ ({format_be_date(member.joined_on)})"
    elif ahead := _dated_ahead(joined_on, what="การสมัครสมาชิกสมาคม"):
        errors["joined_on"] = ahead
    try:
        items = _beneficiaries_checked(beneficiaries)
    except FuneralError as e:
        errors.update(e.errors)
    if errors:
        raise FuneralError("; ".join(errors.values()), errors=errors)
    rules = funeral_settings_for(on=joined_on)
    fee = rules.entrance_fee if with_entrance_fee else ZERO
    entry = None
    if fee > 0:
        role = _role(channel, CHANNEL_ROLES, field="channel", labels=Channel)
        entry = voucher_post(
            source=SOURCE,
            on=joined_on,
            description=f"รับค่าสมัครสมาคมฌาปนกิจ {member.number_and_name}",
            lines=[
                Line(account=role, debit=fee, member_id=member.pk),
                Line(account=LIABILITY, credit=fee, member_id=member.pk, memo="ค่าสมัครสมาคม"),
            ],
            by=by,
            error=FuneralError,
        )
    for attempt in range(5):
        try:
            with transaction.atomic():
                membership = FuneralMembership.objects.create(
                    member=member, number=_next_number(), joined_on=joined_on, entrance_fee=fee,
                    entrance_fee_entry=entry, created_by=by,
                )  # fmt: skip
            break
        except IntegrityError:
            # Another officer took the same number a moment ago (or enrolled this member).
            if attempt == 4 or FuneralMembership.objects.filter(member=member).exists():
                raise FuneralError(
                    f"สมาชิก {member.number_and_name} เป็นสมาชิกสมาคมฌาปนกิจอยู่แล้ว", field="member"
                ) from None
    _beneficiaries_write(membership, items, by)
    return membership


@transaction.atomic
def funeral_beneficiaries_replace(
    *, membership: FuneralMembership, beneficiaries: Sequence[BeneficiaryInput], by: User | None
) -> list[FuneralBeneficiary]:
    """Replace a membership's beneficiary list (แก้ไขผู้รับผลประโยชน์); the old rows are kept, marked replaced."""
    membership = FuneralMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise FuneralError(f"สมาชิกสมาคม {membership.number} สิ้นสภาพแล้ว แก้ไขผู้รับผลประโยชน์ไม่ได้")
    items = _beneficiaries_checked(beneficiaries)
    FuneralBeneficiary.objects.filter(membership=membership, replaced_at__isnull=True).update(
        replaced_at=timezone.now()
    )
    _beneficiaries_write(membership, items, by)
    return list(membership.beneficiaries.filter(replaced_at__isnull=True).order_by("position"))


@transaction.atomic
def funeral_membership_end(
    *, membership: FuneralMembership, on: dt.date, reason: str, by: User | None, note: str = ""
) -> FuneralMembership:
    """End a membership other than by death (ลาออก, อื่น ๆ); a death ends it through its claim."""
    membership = FuneralMembership.objects.select_for_update().get(pk=membership.pk)
    errors: dict[str, str] = {}
    if membership.status != MembershipStatus.ACTIVE:
        errors["membership"] = f"สมาชิกสมาคม {membership.number} สิ้นสภาพไปแล้ว"
    if reason not in (EndReason.RESIGNATION, EndReason.OTHER):
        errors["reason"] = "การสิ้นสภาพเพราะถึงแก่กรรมให้บันทึกผ่านการขอรับเงินสงเคราะห์ศพ"
    if on < membership.joined_on:
        errors["on"] = f"วันที่สิ้นสภาพต้องไม่ก่อนวันที่เป็นสมาชิกสมาคม ({format_be_date(membership.joined_on)})"
    elif ahead := _dated_ahead(on, what="การสิ้นสภาพสมาชิกสมาคม"):
        errors["on"] = ahead
    if errors:
        raise FuneralError("; ".join(errors.values()), errors=errors)
    membership.status, membership.ended_on, membership.end_reason = MembershipStatus.ENDED, on, reason
    membership.end_note = (note or "")[:300]
    membership.save(update_fields=["status", "ended_on", "end_reason", "end_note"])
    return membership


# ======== Levies and dues (การเรียกเก็บเงินสงเคราะห์) ========

_DUES_INSERT_SQL = """
INSERT INTO funeral_funeraldue (levy_id, membership_id, amount, channel)
SELECT %(levy)s, m.id, %(amount)s, '' FROM funeral_funeralmembership m
WHERE m.joined_on <= %(on)s AND (m.ended_on IS NULL OR m.ended_on > %(on)s) AND m.id <> %(exclude)s
"""


@transaction.atomic
def funeral_levy_create(
    *, kind: str, levied_on: dt.date, by: User | None, claim: DeathClaim | None = None
) -> FuneralLevy:
    """Call dues from every membership in force on ``levied_on``: one ``FuneralDue`` each, set-based.

    Per death (``claim`` required, approved, not the deceased): the rules' amount per death. Annual:
    the rules' annual amount, once per calendar year. Idempotent: a second call for the same claim
    or year returns the first levy and writes nothing.
    """
    started = time.perf_counter()
    if kind not in LevyKind.values:
        raise FuneralError(f"ไม่รู้จักประเภทการเรียกเก็บ “{kind}”", field="kind")
    refuse_future(levied_on, what="การเรียกเก็บเงินสงเคราะห์", error=FuneralError, field="levied_on")
    rules = funeral_settings_for(on=levied_on)
    if kind == LevyKind.PER_DEATH:
        if claim is None:
            raise FuneralError("การเรียกเก็บรายศพต้องระบุศพ", field="claim")
        existing = FuneralLevy.objects.filter(claim=claim).first()
        if existing is not None:
            return existing
        if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PAID):
            raise FuneralError("เรียกเก็บเงินสงเคราะห์ได้เมื่ออนุมัติศพแล้วเท่านั้น", field="claim")
        if levied_on < claim.death_date:
            raise FuneralError("วันที่เรียกเก็บต้องไม่ก่อนวันที่ถึงแก่กรรม", field="levied_on")
        amount, year = rules.per_death_amount, None
    else:
        if claim is not None:
            raise FuneralError("การเรียกเก็บรายปีไม่ผูกกับศพ", field="claim")
        existing = FuneralLevy.objects.filter(kind=LevyKind.ANNUAL, year=levied_on.year).first()
        if existing is not None:
            return existing
        amount, year = rules.annual_amount, levied_on.year
    if amount <= 0:
        raise FuneralError(
            f"ระเบียบที่มีผล ณ วันที่ {format_be_date(levied_on)} ไม่ได้กำหนดจำนวนเงิน{LevyKind(kind).label}ต่อคน",
            field="kind",
        )
    try:
        with transaction.atomic():
            levy = FuneralLevy.objects.create(
                kind=kind,
                levied_on=levied_on,
                year=year,
                amount_per_member=amount,
                claim=claim,
                created_by=by,
            )
    except IntegrityError:
        # A concurrent call created it a moment ago; theirs is the one.
        return (
            FuneralLevy.objects.get(claim=claim) if claim else FuneralLevy.objects.get(kind=kind, year=year)
        )
    exclude = claim.membership_id if claim is not None else 0
    with connection.cursor() as cursor:
        cursor.execute(
            _DUES_INSERT_SQL, {"levy": levy.pk, "amount": amount, "on": levied_on, "exclude": exclude}
        )
    levy.members = FuneralDue.objects.filter(levy=levy).count()
    levy.total_amount = amount * levy.members
    levy.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    levy.save(update_fields=["members", "total_amount", "seconds"])
    return levy


@dataclass(frozen=True)
class CollectionResult:
    levy: FuneralLevy
    count: int
    amount: Decimal
    journal_entry: JournalEntry | None


@dataclass(frozen=True)
class _Receivable:
    """Outstanding dues of one levy about to be received: the levy (locked), the rows, their total."""

    levy: FuneralLevy
    dues: QuerySet[FuneralDue]
    count: int
    amount: Decimal


def _dues_receivable(*, levy: FuneralLevy, on: dt.date, membership_ids: Sequence[int] | None) -> _Receivable:
    """The outstanding dues of ``levy`` (all, or those of ``membership_ids``) that may be received on ``on``.

    Locks the levy, so no collection of it runs alongside. A closed levy, a date before the call,
    a membership not called by the levy or already paid (named by number) are refused.
    """
    levy = FuneralLevy.objects.select_for_update().get(pk=levy.pk)
    if levy.status != LevyStatus.OPEN:
        raise FuneralError(f"{levy} ปิดการเรียกเก็บแล้ว", field="levy")
    if on < levy.levied_on:
        raise FuneralError(
            f"วันที่รับเงิน ({format_be_date(on)}) ต้องไม่ก่อนวันที่เรียกเก็บ ({format_be_date(levy.levied_on)})",
            field="on",
        )
    dues = FuneralDue.objects.filter(levy=levy).outstanding()
    if membership_ids is not None:
        wanted = set(membership_ids)
        if not wanted:
            raise FuneralError("ไม่ได้เลือกสมาชิกที่ชำระ", field="membership_ids")
        dues = dues.filter(membership_id__in=wanted)
        found = set(dues.values_list("membership_id", flat=True))
        missing = wanted - found
        if missing:
            numbers = sorted(
                FuneralMembership.objects.filter(pk__in=missing).values_list("number", flat=True)
            )
            unknown = len(missing) - len(numbers)
            text = ", ".join(numbers[:20]) + (f" และอีก {unknown} รายการที่ไม่พบ" if unknown else "")
            raise FuneralError(
                f"สมาชิกสมาคมต่อไปนี้ไม่ได้ถูกเรียกเก็บในครั้งนี้หรือชำระแล้ว: {text}", field="membership_ids"
            )
    count = dues.count()
    if count == 0:
        raise FuneralError(f"{levy} ไม่มีรายการค้างชำระ", field="membership_ids")
    if dues.exclude(amount=levy.amount_per_member).exists():
        # Every due of a levy is its amount per member; a different one is a data fault, not a payment.
        raise FuneralError(f"{levy}: พบเงินสงเคราะห์รายคนที่ไม่ตรงกับจำนวนต่อคน ตรวจสอบข้อมูลก่อน")
    return _Receivable(levy=levy, dues=dues, count=count, amount=levy.amount_per_member * count)


def _dues_credit(levy: FuneralLevy, amount: Decimal, *, member_id: int | None = None) -> Line:
    """The receipt's credit: the association's money, held in the liability."""
    return Line(account=LIABILITY, credit=amount, member_id=member_id, memo=str(levy)[:200])


def _dues_mark_collected(receivable: _Receivable, *, on: dt.date, channel: str, entry: JournalEntry) -> None:
    """Mark the dues collected with the voucher that received them, in one UPDATE."""
    updated = receivable.dues.update(collected_on=on, channel=channel, journal_entry=entry)
    if updated != receivable.count:
        raise FuneralError("รายการเปลี่ยนไประหว่างบันทึก กรุณาลองใหม่")


@transaction.atomic
def funeral_dues_collect(
    *,
    levy: FuneralLevy,
    membership_ids: Sequence[int] | None = None,
    on: dt.date,
    channel: str,
    by: User | None,
) -> CollectionResult:
    """Record dues received for a levy (รับเงินสงเคราะห์): all outstanding, or those of ``membership_ids``.

    One voucher for the lot (Dr cash|bank / Cr funeral_dues_collected) and one UPDATE marking the
    dues collected with it. A membership not called by the levy, or already paid, is refused by
    number and nothing is written.
    """
    refuse_future(on, what="การรับเงินสงเคราะห์", error=FuneralError, field="on")
    role = _role(channel, CHANNEL_ROLES, field="channel", labels=Channel)
    receivable = _dues_receivable(levy=levy, on=on, membership_ids=membership_ids)
    levy, count, amount = receivable.levy, receivable.count, receivable.amount
    entry = voucher_post(
        source=SOURCE,
        on=on,
        description=f"รับ{levy} ({count:,} ราย)",
        lines=[Line(account=role, debit=amount), _dues_credit(levy, amount)],
        by=by,
        error=FuneralError,
    )
    _dues_mark_collected(receivable, on=on, channel=channel, entry=entry)
    return CollectionResult(levy=levy, count=count, amount=amount, journal_entry=entry)


def _whole_dues(dues: Sequence[FuneralDue], amount: Decimal) -> Decimal:
    total = sum((due.amount for due in dues), ZERO)
    if amount != total:
        # Dues are collected whole or not at all: the row has no part-paid state.
        raise FuneralError(
            f"เงินสงเคราะห์รับได้เต็มจำนวน {baht(total)} บาทเท่านั้น (ได้ {baht(amount)} บาท)", field="amount"
        )
    return total


def funeral_dues_credit_lines(*, dues: Sequence[FuneralDue], amount: Decimal) -> list[Line]:
    """The credit lines of one member's dues received inside someone else's voucher (a payroll receipt):
    Cr funeral_dues_collected for the member, one line per levy, the whole of them. Writes nothing."""
    _whole_dues(dues, amount)
    return [_dues_credit(due.levy, due.amount, member_id=due.membership.member_id) for due in dues]


@transaction.atomic
def funeral_dues_settle(
    *,
    dues: Sequence[FuneralDue],
    amount: Decimal,
    on: dt.date,
    entry: JournalEntry,
    by: User | None,
    channel: str = Channel.PAYROLL,
) -> None:
    """Record one member's dues as collected by a voucher the caller posted (``funeral_dues_credit_lines``
    in it).

    The same checks and UPDATE as ``funeral_dues_collect``, levy by levy, with the caller's voucher
    instead of one of our own: each levy is open, ``on`` is not before its call, the due is still
    outstanding and ``amount`` is the whole of them. ``by`` posted the voucher; the dues keep the
    voucher only. A payroll receipt is month-end work: dated at most the coop's allowance after today.
    """
    refuse_after_batch_limit(on, what="การรับเงินสงเคราะห์", error=FuneralError, field="on")
    _whole_dues(dues, amount)
    if entry.status != EntryStatus.POSTED:
        raise FuneralError("ใบสำคัญที่รับเงินสงเคราะห์ยังไม่ได้ผ่านรายการ")
    for due in sorted(dues, key=lambda due: due.levy_id):
        receivable = _dues_receivable(levy=due.levy, on=on, membership_ids=[due.membership_id])
        _dues_mark_collected(receivable, on=on, channel=channel, entry=entry)


def funeral_dues_billed(*, up_to_levy: int, called_before: dt.date) -> QuerySet[FuneralDue]:
    """The dues a month's bill takes (one line per member): outstanding, on a levy still collecting,
    called before ``called_before`` (the next month's first day) and created by the freeze (levy id up
    to ``up_to_levy``, the bill line's reference), oldest first."""
    return (
        FuneralDue.objects.filter(
            levy__status=LevyStatus.OPEN,
            levy__levied_on__lt=called_before,
            levy_id__lte=up_to_levy,
        )
        .outstanding()
        .order_by("levy__levied_on", "levy_id")
    )


def funeral_dues_receipts(*, period: dt.date, receipts) -> ReceiptBatch:
    """Billing's receipts of many members' dues on one day, set-based.

    ``reference``: the last levy the bill took (``funeral_dues_billed``); each receipt is the whole of
    the member's dues up to it. The levies called by the month's end are locked first (no counter
    collection runs alongside), refused when closed; each member's dues are summed in SQL (a query per
    5,000 members, or one for the whole book) and checked to the satang; one credit per voucher;
    ``apply`` records a ``PayrollCollection`` (the levies, and a row per member with the voucher)
    rather than marking every due: fifty-odd dues a member are five million rows a month at 100,000.
    """
    from sahakorn.core.selectors import WHOLE_BOOK, in_chunks, money_from_sums, money_sum
    from sahakorn.core.subledger import ReceiptBatch

    if not receipts:
        return ReceiptBatch(credit_lines={}, apply=lambda **_: None)
    on = receipts[0].on
    refuse_after_batch_limit(on, what="การรับเงินสงเคราะห์", error=FuneralError, field="on")
    called_before = add_months(period.replace(day=1), 1)
    wanted = {receipt.member_id: receipt for receipt in receipts}
    by_last: dict[int, list[int]] = {}
    for member_id, receipt in wanted.items():
        by_last.setdefault(int(receipt.reference), []).append(member_id)
    levies = list(
        FuneralLevy.objects.select_for_update()
        .filter(status=LevyStatus.OPEN, levied_on__lt=called_before, pk__lte=max(by_last))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    from_sum = money_from_sums()
    # member → (membership, dues, total, the latest call among them)
    found: dict[int, tuple[int, int, Decimal, dt.date]] = {}
    for last, member_ids in sorted(by_last.items()):
        dues = (
            funeral_dues_billed(up_to_levy=last, called_before=called_before)
            .order_by()
            .values("membership__member_id")
            .annotate(
                membership_pk=Min("membership_id"),
                count=Count("pk"),
                total=money_sum("amount"),
                latest=Max("levy__levied_on"),
            )
            .values_list("membership__member_id", "membership_pk", "count", "total", "latest")
        )
        if len(member_ids) >= WHOLE_BOOK:
            asked = set(member_ids)
            rows = [row for row in dues if row[0] in asked]
        else:
            rows = in_chunks(dues, "membership__member_id", member_ids)
        for member_id, membership_id, count, total, latest in rows:
            found[member_id] = (membership_id, count, from_sum(total), latest)
    totals: dict[int, tuple[int, Decimal]] = {}
    for member_id, receipt in wanted.items():
        _, count, total, latest = found.get(member_id, (0, 0, ZERO, on))
        if receipt.amount != total:
            number = Member.objects.values_list("number", flat=True).get(pk=member_id)
            raise FuneralError(
                f"เงินสงเคราะห์ของสมาชิกเลขที่ {number} รับได้เต็มจำนวน {baht(total)} บาทเท่านั้น "
                f"(ได้ {baht(receipt.amount)} บาท)",
                field="amount",
            )
        if on < latest:
            raise FuneralError(
                f"วันที่รับเงิน ({format_be_date(on)}) ต้องไม่ก่อนวันที่เรียกเก็บ ({format_be_date(latest)})",
                field="on",
            )
        dues_before, amount_before = totals.get(receipt.voucher, (0, ZERO))
        totals[receipt.voucher] = (dues_before + count, amount_before + total)
    # One credit a voucher: the liability is one account, and which levy each due paid is the
    # association's own record (the collection), not the ledger's.
    lines = {
        voucher: [Line(account=LIABILITY, credit=amount, memo=f"เงินสงเคราะห์ศพ {count:,} รายการ")]
        for voucher, (count, amount) in sorted(totals.items())
        if amount
    }

    def apply(*, entries, by) -> None:
        for receipt in receipts:
            if entries[receipt.voucher].status != EntryStatus.POSTED:
                raise FuneralError("ใบสำคัญที่รับเงินสงเคราะห์ยังไม่ได้ผ่านรายการ")
        for last, member_ids in sorted(by_last.items()):
            paid = [member_id for member_id in member_ids if member_id in found]
            if not paid:
                continue
            collection = PayrollCollection.objects.create(collected_on=on)
            PayrollCollectionLevy.objects.bulk_create(
                PayrollCollectionLevy(collection=collection, levy_id=levy_id)
                for levy_id in levies
                if levy_id <= last
            )
            rows_insert(
                PayrollCollectionMember._meta.db_table,
                ["collection_id", "membership_id", "dues", "amount", "journal_entry_id"],
                [
                    (collection.pk, found[member_id][0], found[member_id][1], found[member_id][2],
                     entries[wanted[member_id].voucher].pk)
                    for member_id in paid
                ],
            )  # fmt: skip

    return ReceiptBatch(credit_lines=lines, apply=apply)


@transaction.atomic
def funeral_levy_close(*, levy: FuneralLevy, by: User | None) -> FuneralLevy:
    """Stop collecting a levy (ปิดการเรียกเก็บ); its outstanding dues stay on record as unpaid."""
    levy = FuneralLevy.objects.select_for_update().get(pk=levy.pk)
    if levy.status == LevyStatus.CLOSED:
        raise FuneralError(f"{levy} ปิดการเรียกเก็บไปแล้ว")
    levy.status = LevyStatus.CLOSED
    levy.save(update_fields=["status"])
    return levy


# ======== Death claims (การขอรับเงินสงเคราะห์ศพ) ========


@transaction.atomic
def death_claim_create(
    *, membership: FuneralMembership, death_date: dt.date, reported_on: dt.date, by: User, note: str = ""
) -> DeathClaim:
    """Record a death reported for an association member; it waits for a second person's approval."""
    membership = FuneralMembership.objects.select_for_update().select_related("member").get(pk=membership.pk)
    errors: dict[str, str] = {}
    if DeathClaim.objects.filter(membership=membership).exists():
        errors["membership"] = f"สมาชิกสมาคม {membership.number} มีการขอรับเงินสงเคราะห์ศพอยู่แล้ว"
    elif membership.status != MembershipStatus.ACTIVE:
        errors["membership"] = (
            f"สมาชิกสมาคม {membership.number} สิ้นสภาพไปแล้วเมื่อ {format_be_date(membership.ended_on)}"
        )
    if death_date < membership.joined_on:
        errors["death_date"] = f"วันที่ถึงแก่กรรมต้องไม่ก่อนวันที่เป็นสมาชิกสมาคม ({format_be_date(membership.joined_on)})"
    elif ahead := _dated_ahead(death_date, what="การถึงแก่กรรม"):
        errors["death_date"] = ahead
    if reported_on < death_date:
        errors["reported_on"] = "วันที่แจ้งต้องไม่ก่อนวันที่ถึงแก่กรรม"
    elif ahead := _dated_ahead(reported_on, what="การแจ้งถึงแก่กรรม"):
        errors["reported_on"] = ahead
    member = membership.member
    if member.status == MemberStatus.DECEASED and member.status_since != death_date:
        errors["death_date"] = f"ทะเบียนสมาชิกบันทึกวันที่ถึงแก่กรรมไว้เป็น {format_be_date(member.status_since)}"
    if not FuneralBeneficiary.objects.filter(membership=membership, replaced_at__isnull=True).exists():
        errors.setdefault("membership", f"สมาชิกสมาคม {membership.number} ไม่มีผู้รับผลประโยชน์")
    if errors:
        raise FuneralError("; ".join(errors.values()), errors=errors)
    return DeathClaim.objects.create(
        membership=membership, death_date=death_date, reported_on=reported_on, note=(note or "")[:300],
        requested_by=by,
    )  # fmt: skip


def _claim_locked(claim: DeathClaim) -> DeathClaim:
    return DeathClaim.objects.select_for_update().select_related("membership__member").get(pk=claim.pk)


@transaction.atomic
def death_claim_approve(
    *, claim: DeathClaim, by: User, on: dt.date | None = None, note: str = ""
) -> DeathClaim:
    """Approve a claim (อนุมัติ), by someone other than who recorded it (``core.approvals.decision_guard``).

    Ends the membership on the death date, records the death in the member registry if the coop
    member is still active, and under per-death dues creates the death's levy dated ``on`` (today).
    """
    claim = _claim_locked(claim)
    decision_guard(claim, by=by, action="อนุมัติ", error=FuneralError)
    on = on or timezone.localdate()
    refuse_future(on, what="การอนุมัติ", error=FuneralError, field="on")
    if on < claim.reported_on:
        raise FuneralError("วันที่อนุมัติต้องไม่ก่อนวันที่แจ้ง", field="on")
    membership = FuneralMembership.objects.select_for_update().get(pk=claim.membership_id)
    member = claim.membership.member
    if member.status == MemberStatus.ACTIVE:
        from sahakorn.members.services import member_status_change

        try:
            member_status_change(member=member, to_status=MemberStatus.DECEASED, effective_on=claim.death_date,
                                 reason="ถึงแก่กรรม (จากการขอรับเงินสงเคราะห์ศพ)", by=by)  # fmt: skip
        except ValidationError as e:
            messages = "; ".join(m for ms in e.message_dict.values() for m in ms)
            raise FuneralError(f"บันทึกการถึงแก่กรรมในทะเบียนสมาชิกไม่ได้: {messages}") from e
    membership.status, membership.ended_on, membership.end_reason = (
        MembershipStatus.ENDED, claim.death_date, EndReason.DEATH,
    )  # fmt: skip
    membership.save(update_fields=["status", "ended_on", "end_reason"])
    decision_record(claim, status=ClaimStatus.APPROVED, by=by, note=note)
    if funeral_settings_for(on=claim.death_date).dues_mode == DuesMode.PER_DEATH:
        funeral_levy_create(kind=LevyKind.PER_DEATH, levied_on=on, by=by, claim=claim)
    return claim


@transaction.atomic
def death_claim_reject(*, claim: DeathClaim, by: User, note: str) -> DeathClaim:
    """Refuse a claim (ไม่อนุมัติ) with the reason, by someone other than who recorded it; the
    membership stays as it was."""
    claim = _claim_locked(claim)
    decision_guard(claim, by=by, action="ไม่อนุมัติ", error=FuneralError)
    decision_record(claim, status=ClaimStatus.REJECTED, by=by, note=rejection_note(note, error=FuneralError))
    return claim


@transaction.atomic
def death_claim_pay(*, claim: DeathClaim, on: dt.date, method: str, by: User | None) -> list[FuneralPayout]:
    """Pay an approved claim to its beneficiaries (จ่ายเงินสงเคราะห์ศพ), split by their shares.

    One voucher: Dr funeral_dues_collected (the deceased) / Cr cash|bank per beneficiary; one
    ``FuneralPayout`` per beneficiary linked to it. The amounts are ``death_claim_payout_plan``'s.
    """
    refuse_future(on, what="การจ่ายเงินสงเคราะห์ศพ", error=FuneralError, field="on")
    role = _role(method, METHOD_ROLES, field="method", labels=PayoutMethod)
    claim = _claim_locked(claim)
    if claim.status != ClaimStatus.APPROVED:
        raise FuneralError(f"{claim} มีสถานะ{claim.get_status_display()} จ่ายได้เฉพาะศพที่อนุมัติแล้ว")
    levy = FuneralLevy.objects.filter(claim=claim).first()
    if levy is not None:
        # No collection of this levy may land between the figures and the voucher.
        FuneralLevy.objects.select_for_update().get(pk=levy.pk)
    if on < claim.death_date:
        raise FuneralError("วันที่จ่ายต้องไม่ก่อนวันที่ถึงแก่กรรม", field="on")
    plan = death_claim_payout_plan(claim=claim)
    if plan.total <= 0:
        raise FuneralError("ยังไม่มีเงินสงเคราะห์ที่จะจ่ายสำหรับศพนี้ (ยังไม่ได้รับเงินสงเคราะห์)", field="on")
    if not plan.lines:
        raise FuneralError(f"สมาชิกสมาคม {claim.membership.number} ไม่มีผู้รับผลประโยชน์")
    held = account_balance(account=LIABILITY, as_of=on)
    if plan.total > held:
        raise FuneralError(
            f"เงินสงเคราะห์ที่สหกรณ์ถือไว้แทนสมาคม ณ วันที่ {format_be_date(on)} มี {held:,.2f} บาท "
            f"ไม่พอจ่าย {plan.total:,.2f} บาท",
            field="on",
        )
    member = claim.membership.member
    lines = [
        Line(account=LIABILITY, debit=plan.total, member_id=member.pk, memo=f"ศพ {claim.membership.number}")
    ]
    lines += [
        Line(account=role, credit=line.amount, member_id=member.pk,
             memo=f"{line.beneficiary.name} {line.share_percent}%"[:200])
        for line in plan.lines if line.amount > 0
    ]  # fmt: skip
    entry = voucher_post(
        source=SOURCE,
        on=on,
        description=f"จ่ายเงินสงเคราะห์ศพ {member.number_and_name}",
        lines=lines,
        by=by,
        error=FuneralError,
    )
    payouts = FuneralPayout.objects.bulk_create(
        FuneralPayout(claim=claim, beneficiary=line.beneficiary, share_percent=line.share_percent,
                      amount=line.amount, method=method, paid_on=on, journal_entry=entry, created_by=by)
        for line in plan.lines
    )  # fmt: skip
    claim.status, claim.paid_on, claim.journal_entry = ClaimStatus.PAID, on, entry
    claim.dues_collected, claim.admin_fee, claim.payout_total = (
        plan.figures.dues_collected, plan.figures.admin_fee, plan.total,
    )  # fmt: skip
    claim.save(
        update_fields=["status", "paid_on", "journal_entry", "dues_collected", "admin_fee", "payout_total"]
    )
    return payouts


# ======== Remittances (นำส่งเงินให้สมาคม) ========


@transaction.atomic
def funeral_remittance_record(
    *, amount: Decimal, on: dt.date, by: User | None, method: str = PayoutMethod.BANK, note: str = ""
) -> FuneralRemittance:
    """Hand money held for the association over to it (its admin fees, dues collected after a payout)."""
    refuse_future(on, what="การนำส่งเงินให้สมาคม", error=FuneralError, field="on")
    _check_money(amount, field="amount", label="จำนวนเงินที่นำส่ง")
    role = _role(method, METHOD_ROLES, field="method", labels=PayoutMethod)
    held = account_balance(account=LIABILITY, as_of=on)
    if amount > held:
        raise FuneralError(
            f"เงินที่สหกรณ์ถือไว้แทนสมาคม ณ วันที่ {format_be_date(on)} มี {held:,.2f} บาท นำส่ง {amount:,.2f} บาทไม่ได้",
            field="amount",
        )
    entry = voucher_post(
        source=SOURCE,
        on=on,
        description=f"นำส่งเงินให้สมาคมฌาปนกิจ{': ' + note if note else ''}",
        lines=[Line(account=LIABILITY, debit=amount), Line(account=role, credit=amount)],
        by=by,
        error=FuneralError,
    )
    return FuneralRemittance.objects.create(
        remitted_on=on,
        amount=amount,
        method=method,
        note=(note or "")[:300],
        journal_entry=entry,
        created_by=by,
    )
