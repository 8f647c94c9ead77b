"""Writes to the member registry (ทะเบียนสมาชิก). Nothing else saves these models.

Each service validates everything first and raises ``ValidationError({field: message})`` with
Thai messages, so a form can put each message beside its field; then it writes the record and
its audit rows (``MemberChange``, ``MemberStatusChange``) in the same transaction.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length

from sahakorn.core.bulk import no_cycle_collection
from sahakorn.core.dates import refuse_future
from sahakorn.core.errors import ServiceError
from sahakorn.core.subledger import member_status_changed, resignation_blockers
from sahakorn.members.imports import (
    ImportResult,
    MemberImportError,
    RowError,
    build_import_records,
    kept_member_chunks,
    validate_import_rows,
)
from sahakorn.members.models import Member, MemberChange, MemberStatus, MemberStatusChange, Unit
from sahakorn.members.validation import (
    EDITABLE_FIELDS,
    MEMBER_NUMBER_WIDTH,
    REQUIRED_FIELDS,
    STATUS_FIELDS,
    audit_value,
    check_dates,
    clean_member_values,
    field_label,
    member_dump,
)

__all__ = [
    "ImportResult",
    "MemberImportError",
    "RowError",
    "member_create",
    "member_status_change",
    "member_update",
    "members_import",
    "unit_create",
    "unit_update",
]

User = AbstractBaseUser  # whichever user model is configured; services only read its pk

# Who may become what. Re-admission (กลับเข้าเป็นสมาชิกใหม่) is a step back to ACTIVE;
# a death is final, so nothing leaves DECEASED.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MemberStatus.ACTIVE: (MemberStatus.RESIGNED, MemberStatus.DECEASED, MemberStatus.EXPELLED),
    MemberStatus.RESIGNED: (MemberStatus.ACTIVE,),
    MemberStatus.EXPELLED: (MemberStatus.ACTIVE,),
    MemberStatus.DECEASED: (),
}
JOINED_REASON = "สมัครเป็นสมาชิก"
IMPORT_REASON = "นำเข้าจากระบบเดิม"
IMPORT_BATCH = 2000  # rows per INSERT statement
JOINING = "การรับสมาชิก"  # what a joining date is, in the date policy's message


def _dated_ahead(on: dt.date, *, what: str) -> str | None:
    """The message refusing a member fact dated after today (None when it is not).

    A member's status is their state today, and movements check against it: a joining or a status
    change dated ahead would make today's lists wrong. Here the policy's message goes into the
    ``ValidationError`` beside the field, with the other mistakes of the form.
    """
    try:
        refuse_future(on, what=what)
    except ServiceError as e:
        return e.message
    return None


# ======== Units (หน่วยสังกัด) ========


def _unit_path(*, code: str, parent: Unit | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


def _unit_check(*, code: str, name: str, parent: Unit | None, instance: Unit | None = None) -> None:
    errors = {}
    if not code:
        errors["code"] = "กรุณากรอกรหัสหน่วย"
    elif "/" in code:
        errors["code"] = "รหัสหน่วยต้องไม่มีเครื่องหมาย /"
    elif Unit.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["code"] = f"รหัสหน่วย {code} มีอยู่แล้ว"
    if not name:
        errors["name"] = "กรุณากรอกชื่อหน่วย"
    if instance is not None and instance.pk and parent is not None and parent.path.startswith(instance.path):
        errors["parent"] = "หน่วยสังกัดภายใต้ต้องไม่ใช่ตัวเองหรือหน่วยย่อยของตัวเอง"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(*, code: str, name: str, parent: Unit | None = None, is_active: bool = True) -> Unit:
    """Create an employer unit (หน่วยสังกัด) under ``parent``; its path is the parent's plus its code."""
    code, name = code.strip(), name.strip()
    _unit_check(code=code, name=name, parent=parent)
    unit = Unit(
        code=code, name=name, parent=parent, is_active=is_active, path=_unit_path(code=code, parent=parent)
    )
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, code: str, name: str, parent: Unit | None, is_active: bool = True) -> Unit:
    """Rename, re-code or move a unit; the paths of its whole branch follow in one UPDATE each level."""
    code, name = code.strip(), name.strip()
    stored = Unit.objects.select_for_update().get(pk=unit.pk)
    _unit_check(code=code, name=name, parent=parent, instance=stored)
    old_path, new_path = stored.path, _unit_path(code=code, parent=parent)
    unit.code, unit.name, unit.parent, unit.is_active, unit.path = code, name, parent, is_active, new_path
    unit.save()
    if new_path != old_path:
        # Descendants keep their own tail; only the prefix moves.
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = new_path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    return unit


# ======== Members (สมาชิก) ========


def _next_member_number() -> str:
    """The highest all-digit number plus one, zero-padded; legacy numbers with letters are skipped."""
    last = (
        Member.objects.filter(number__regex=r"^[0-9]+$")
        .annotate(number_length=Length("number"))
        .order_by("-number_length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return str(int(last or 0) + 1).zfill(MEMBER_NUMBER_WIDTH)


def _check_unknown_fields(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown & set(STATUS_FIELDS):
        raise ValidationError({"status": "เปลี่ยนสถานะสมาชิกได้ที่หน้าเปลี่ยนสถานะเท่านั้น"})
    if unknown:
        raise TypeError(f"unknown member field(s): {', '.join(sorted(unknown))}")


def _check_unique(*, number: str | None, national_id: str | None, exclude_pk: int | None) -> dict[str, str]:
    errors = {}
    others = Member.objects.exclude(pk=exclude_pk)
    if number and (holder := others.filter(number=number).first()):
        errors["number"] = f"เลขทะเบียนสมาชิก {number} มีอยู่แล้ว ({holder.full_name})"
    if national_id and (holder := others.filter(national_id=national_id).first()):
        errors["national_id"] = f"เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน {holder.number} อยู่แล้ว"
    return errors


@transaction.atomic
def member_create(*, by: User | None, number: str | None = None, **fields) -> Member:
    """Register a member (รับสมาชิกใหม่): ACTIVE from the day they join, with the audit rows.

    Without ``number`` the next free number is given. ``by`` is None only for system jobs.
    """
    _check_unknown_fields(fields)
    values = {**fields, "number": number} if number else dict(fields)
    cleaned, errors = clean_member_values(values, required=REQUIRED_FIELDS)
    if "birth_date" in cleaned and "joined_on" in cleaned:
        errors |= check_dates(birth_date=cleaned["birth_date"], joined_on=cleaned["joined_on"])
    if "joined_on" in cleaned and "joined_on" not in errors:
        if ahead := _dated_ahead(cleaned["joined_on"], what=JOINING):
            errors["joined_on"] = ahead
    errors |= {
        k: v
        for k, v in _check_unique(
            number=cleaned.get("number"), national_id=cleaned.get("national_id"), exclude_pk=None
        ).items()
        if k not in errors
    }
    if errors:
        raise ValidationError(errors)

    member = Member(**cleaned, status=MemberStatus.ACTIVE, status_since=cleaned["joined_on"])
    if number:
        member.save()
    else:
        _save_with_next_number(member)
    change = MemberStatusChange.objects.create(
        member=member,
        from_status="",
        to_status=MemberStatus.ACTIVE,
        effective_on=member.joined_on,
        reason=JOINED_REASON,
        recorded_by=by,
    )
    member_status_changed(change=change)
    MemberChange.objects.create(
        member=member, action=MemberChange.Action.CREATE, changed_by=by, diff=member_dump(member)
    )
    return member


def _save_with_next_number(member: Member, attempts: int = 5) -> None:
    # Two officers registering at the same moment read the same highest number; the unique
    # index refuses the second, which then takes the next one instead of failing.
    for attempt in range(attempts):
        member.number = _next_member_number()
        try:
            with transaction.atomic():
                member.save()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


@transaction.atomic
def member_update(*, member: Member, by: User, **changes) -> Member:
    """Correct a member's record (แก้ไขข้อมูลสมาชิก); the audit keeps each changed field's before/after.

    Status is changed only by ``member_status_change``. Nothing is written when nothing changed.
    """
    _check_unknown_fields(changes)
    required = tuple(f for f in REQUIRED_FIELDS + ("number",) if f in changes)
    cleaned, errors = clean_member_values(changes, required=required)
    birth_date = cleaned.get("birth_date", member.birth_date)
    joined_on = cleaned.get("joined_on", member.joined_on)
    if "birth_date" not in errors and "joined_on" not in errors:
        errors |= check_dates(birth_date=birth_date, joined_on=joined_on)
    if "joined_on" in cleaned and "joined_on" not in errors:
        if ahead := _dated_ahead(joined_on, what=JOINING):
            errors["joined_on"] = ahead
    joined_unchanged = member.status_since == member.joined_on and member.status_changes.count() <= 1
    if "joined_on" in cleaned and not joined_unchanged and joined_on > member.status_since:
        errors.setdefault("joined_on", "วันที่เป็นสมาชิกต้องไม่หลังวันที่สถานะปัจจุบันมีผล")
    unique_errors = _check_unique(
        number=cleaned.get("number") if cleaned.get("number") != member.number else None,
        national_id=cleaned.get("national_id") if cleaned.get("national_id") != member.national_id else None,
        exclude_pk=member.pk,
    )
    errors |= {k: v for k, v in unique_errors.items() if k not in errors}
    if errors:
        raise ValidationError(errors)

    diff = {}
    for name, after in cleaned.items():
        before = getattr(member, name)
        if audit_value(before) != audit_value(after):
            diff[name] = [audit_value(before), audit_value(after)]
    if not diff:
        return member
    if "joined_on" in diff and joined_unchanged:
        # Correcting the joining date of a member whose status never changed moves the date
        # their membership (and its first status row) starts, or the history would contradict it.
        diff["status_since"] = [audit_value(member.status_since), audit_value(joined_on)]
        member.status_since = joined_on
        member.status_changes.filter(from_status="").update(effective_on=joined_on)
    for name in diff:
        setattr(member, name, cleaned.get(name, getattr(member, name)))
    member.save()
    MemberChange.objects.create(member=member, action=MemberChange.Action.UPDATE, changed_by=by, diff=diff)
    return member


def status_targets(status: str) -> tuple[str, ...]:
    """The statuses a member in ``status`` may move to (for the status form's choices)."""
    return STATUS_TRANSITIONS[MemberStatus(status)]


@transaction.atomic
def member_status_change(
    *, member: Member, to_status: str, effective_on: dt.date, reason: str, by: User
) -> Member:
    """Move a member along the life cycle: resign (ลาออก), die (เสียชีวิต), expel (ให้ออก) or re-admit."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    from_status = member.status
    reason = (reason or "").strip()
    errors = {}
    if to_status not in MemberStatus.values:
        errors["to_status"] = f"ไม่รู้จักสถานะสมาชิก: {to_status}"
    elif to_status == from_status:
        errors["to_status"] = f"สมาชิกมีสถานะ{MemberStatus(from_status).label}อยู่แล้ว"
    elif to_status not in STATUS_TRANSITIONS[from_status]:
        if from_status == MemberStatus.DECEASED:
            errors["to_status"] = "สมาชิกที่เสียชีวิตแล้วเปลี่ยนสถานะไม่ได้"
        else:
            errors["to_status"] = (
                f"เปลี่ยนสถานะจาก{MemberStatus(from_status).label}เป็น{MemberStatus(to_status).label}ไม่ได้ "
                "ต้องรับกลับเข้าเป็นสมาชิกก่อน"
            )
    if effective_on < member.joined_on:
        errors["effective_on"] = f"วันที่มีผลต้องไม่ก่อน{field_label('joined_on')}"
    elif effective_on < member.status_since:
        errors["effective_on"] = "วันที่มีผลต้องไม่ก่อนวันที่สถานะปัจจุบันมีผล"
    elif ahead := _dated_ahead(effective_on, what="การเปลี่ยนสถานะสมาชิก"):
        errors["effective_on"] = ahead
    if not reason:
        errors["reason"] = "กรุณากรอกเหตุผล"
    elif len(reason) > 300:
        errors["reason"] = "เหตุผลยาวเกิน 300 ตัวอักษร"
    if to_status == MemberStatus.RESIGNED and "to_status" not in errors:
        blockers = resignation_blockers(member=member)
        if blockers:
            errors["to_status"] = "ลาออกไม่ได้: " + "; ".join(blockers)
    if errors:
        raise ValidationError(errors)

    diff = {
        "status": [from_status, to_status],
        "status_since": [audit_value(member.status_since), audit_value(effective_on)],
        "status_reason": [member.status_reason, reason],
    }
    member.status, member.status_since, member.status_reason = to_status, effective_on, reason
    member.save(update_fields=["status", "status_since", "status_reason", "updated_at"])
    change = MemberStatusChange.objects.create(
        member=member,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        recorded_by=by,
    )
    # Each sub-ledger hears of it in the same transaction (a guarantor who left flags the contracts).
    member_status_changed(change=change)
    MemberChange.objects.create(
        member=member, action=MemberChange.Action.STATUS, changed_by=by, diff=diff, note=reason[:300]
    )
    return member


@transaction.atomic
def member_portal_user_link(*, member: Member, user: User, by: User | None) -> Member:
    """Give a member their portal login (บัญชีผู้ใช้พอร์ทัล); audited like any other change."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user_id == user.pk:
        return member
    if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise ValidationError({"user": "บัญชีผู้ใช้นี้ผูกกับสมาชิกรายอื่นอยู่แล้ว"})
    diff = {"user": [member.user.username if member.user_id else None, user.username]}
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    MemberChange.objects.create(member=member, action=MemberChange.Action.UPDATE, changed_by=by, diff=diff)
    return member


# ======== Import from a legacy system (นำเข้าจากระบบเดิม) ========


@transaction.atomic
def members_import(*, rows: Iterable[dict], by: User | None, dry_run: bool = False) -> ImportResult:
    """Import members from a legacy file, all or nothing.

    Every row is checked before anything is written; any error raises ``MemberImportError``
    with the whole list. The checked members wait in a temporary file, then go in 2,000 at a
    time, three bulk inserts each (members, their status history, their audit rows): memory
    stays flat whatever the file's size.
    """
    # Tens of thousands of model instances alive at once: a third of an import's time was the cyclic
    # collector rescanning them (core.bulk.no_cycle_collection).
    with no_cycle_collection(), tempfile.TemporaryFile() as checked:
        count = validate_import_rows(rows, keep=None if dry_run else checked)
        if dry_run:
            return ImportResult(count=count, dry_run=True)
        written = 0
        for parsed in kept_member_chunks(checked):
            Member.objects.bulk_create([record.member for record in parsed], batch_size=IMPORT_BATCH)
            status_changes, audit_rows = build_import_records(parsed, by=by, reason=IMPORT_REASON)
            MemberStatusChange.objects.bulk_create(status_changes, batch_size=IMPORT_BATCH)
            MemberChange.objects.bulk_create(audit_rows, batch_size=IMPORT_BATCH)
            written += len(parsed)
    return ImportResult(count=written, dry_run=False)
