"""Field rules for a member record, shared by the services, the import and the forms.

Each rule takes a value already in its Python type and returns the normalised value, or raises
``FieldError`` with a Thai message that names the field: the same sentence appears beside a
form field, in a row of the import error table and in a command's output.
"""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop

from sahakorn.core.banks import THAI_BANKS
from sahakorn.core.money import MoneyInputError, baht, check_money_amount, parse_money_text
from sahakorn.core.phone import PhoneError, phone_to_e164
from sahakorn.core.thai import national_id_is_valid, national_id_normalize, thai_digits_to_arabic
from sahakorn.members.models import Member, MemberStatus, MemberType, Unit

# Bylaws commonly admit members from 15 (with a guardian's consent below 20); a later issue
# makes this a per-coop, effective-dated setting.
MIN_AGE_ON_JOINING = 15
MEMBER_NUMBER_WIDTH = 6

# The fields a member record is made of, in the order they are shown and dumped to the audit.
MEMBER_FIELDS = (
    "number", "title", "first_name", "last_name", "first_name_en", "last_name_en", "national_id",
    "birth_date", "joined_on", "member_type", "unit", "salary", "phone", "email", "address",
    "bank_code", "bank_account_no", "spouse_name", "spouse_national_id", "status", "status_since",
    "status_reason",
)  # fmt: skip
STATUS_FIELDS = ("status", "status_since", "status_reason")
# What member_create/member_update accept; status has its own service with its own rules.
EDITABLE_FIELDS = tuple(f for f in MEMBER_FIELDS if f not in STATUS_FIELDS)
REQUIRED_FIELDS = ("title", "first_name", "last_name", "national_id", "birth_date", "joined_on", "unit")

MEMBER_TYPE_ALIASES = {
    "ordinary": MemberType.ORDINARY,
    "สามัญ": MemberType.ORDINARY,
    "สมาชิกสามัญ": MemberType.ORDINARY,
    "associate": MemberType.ASSOCIATE,
    "สมทบ": MemberType.ASSOCIATE,
    "สมาชิกสมทบ": MemberType.ASSOCIATE,
}
STATUS_ALIASES = {s.value: s for s in MemberStatus} | {s.label: s for s in MemberStatus}


class FieldError(ValueError):
    """A value a person gave for one field is not acceptable; the message is shown to them."""


def field_label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


def clean_text(name: str, value: str | None) -> str:
    value = (value or "").strip()
    max_length = Member._meta.get_field(name).max_length
    if max_length and len(value) > max_length:
        raise FieldError(f"{field_label(name)}ยาวเกิน {max_length} ตัวอักษร")
    return value


# docs/import-members.md: "up to 10 letters/digits" — English letters and digits, nothing else,
# so a number is never a quote, a tag or a space that a screen, a bank file or a search would trip on.
MEMBER_NUMBER_CHARS = re.compile(r"^[A-Za-z0-9]+$")
M_NUMBER_CHARS = gettext_noop("เลขทะเบียนสมาชิกต้องเป็นตัวอักษรอังกฤษหรือตัวเลขเท่านั้น (A-Z, a-z, 0-9)")


def clean_number(value: str | None) -> str:
    value = clean_text("number", thai_digits_to_arabic(value or ""))
    if value and not MEMBER_NUMBER_CHARS.match(value):
        raise FieldError(gettext(M_NUMBER_CHARS))
    return value


def clean_national_id(value: str | None) -> str:
    value = national_id_normalize(str(value or ""))
    if not national_id_is_valid(value):
        raise FieldError(f"เลขประจำตัวประชาชนไม่ถูกต้อง: {value} (ต้องเป็นตัวเลข 13 หลักและหลักสุดท้ายตรวจสอบผ่าน)")
    return value


def clean_phone(value: str | None) -> str:
    value = thai_digits_to_arabic(value or "").strip()
    if not value:
        return ""
    try:
        return phone_to_e164(value)
    except PhoneError as e:
        raise FieldError(str(e)) from None


def clean_email(value: str | None) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise FieldError(f"อีเมลไม่ถูกต้อง: {value}") from None
    return value


def clean_bank_code(value: str | None) -> str:
    value = thai_digits_to_arabic(value or "").strip()
    if value and not (len(value) == 3 and value.isascii() and value.isdigit()):
        raise FieldError(f"รหัสธนาคารต้องเป็นตัวเลข 3 หลัก เช่น 006: {value}")
    if value and value not in THAI_BANKS:
        # A payout to an unknown bank code would only fail later, inside the bank file.
        raise FieldError(f"ไม่รู้จักรหัสธนาคาร {value}")
    return value


def clean_bank_account_no(value: str | None) -> str:
    # People copy account numbers with the bank's dashes (123-4-56789-0); files to banks want digits.
    value = "".join(thai_digits_to_arabic(value or "").replace("-", "").split())
    if value and not (value.isascii() and value.isdigit()):
        raise FieldError(f"เลขที่บัญชีธนาคารต้องเป็นตัวเลข: {value}")
    if len(value) > 20:
        raise FieldError("เลขที่บัญชีธนาคารยาวเกิน 20 หลัก")
    return value


def clean_salary(value: Decimal | str | int | None) -> Decimal:
    """Salary as typed (form or import), read by ``core.money.parse_money_text``: one policy."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    if isinstance(value, float):
        raise TypeError("salary must be Decimal or str, not float")
    max_digits = Member._meta.get_field("salary").max_digits
    try:
        if isinstance(value, Decimal | int):
            amount = check_money_amount(Decimal(value), max_digits=max_digits)
        else:
            amount = parse_money_text(value, max_digits=max_digits)
    except MoneyInputError as e:
        value = str(value).strip()
        if e.code == "too_large":
            raise FieldError(gettext(M_SALARY_TOO_LARGE) % {"limit": baht(e.limit), "value": value}) from None
        if e.code == "too_many_places":
            raise FieldError(f"เงินเดือนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง: {value.replace(',', '')}") from None
        raise FieldError(gettext(M_SALARY_FORMAT) % {"value": value}) from None
    if amount < 0:
        raise FieldError("เงินเดือนต้องไม่ติดลบ")
    return amount


M_SALARY_FORMAT = gettext_noop("เงินเดือนต้องเป็นตัวเลข เช่น 25000 หรือ 25,000.00: %(value)s")
M_SALARY_TOO_LARGE = gettext_noop("เงินเดือนต้องไม่เกิน %(limit)s บาท: %(value)s")


def clean_member_type(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return MemberType.ORDINARY
    member_type = MEMBER_TYPE_ALIASES.get(value.lower())
    if member_type is None:
        raise FieldError(f"ไม่รู้จักประเภทสมาชิก: {value} (ใช้ ordinary/associate หรือ สามัญ/สมทบ)")
    return member_type


def clean_status(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return MemberStatus.ACTIVE
    status = STATUS_ALIASES.get(value.lower())
    if status is None:
        raise FieldError(
            f"ไม่รู้จักสถานะสมาชิก: {value} (ใช้ active/resigned/deceased/expelled หรือ ปกติ/ลาออก/เสียชีวิต/ให้ออก)"
        )
    return status


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_dates(*, birth_date: dt.date, joined_on: dt.date) -> dict[str, str]:
    """Cross-field date rules; returns {field: message} for the field a person would correct."""
    errors = {}
    if joined_on < birth_date:
        errors["joined_on"] = "วันที่เป็นสมาชิกต้องไม่ก่อนวันเกิด"
    elif age_on(birth_date, joined_on) < MIN_AGE_ON_JOINING:
        errors["joined_on"] = f"ผู้สมัครต้องมีอายุอย่างน้อย {MIN_AGE_ON_JOINING} ปีในวันที่เป็นสมาชิก"
    return errors


def clean_member_values(values: dict, *, required: tuple[str, ...]) -> tuple[dict, dict[str, str]]:
    """Normalise the editable fields present in ``values``; returns (cleaned, {field: message}).

    Every field is checked so that a person sees all their mistakes at once, not one per try.
    """
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for name in required:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = f"กรุณากรอก{field_label(name)}"
    for name, value in values.items():
        if name in errors:
            continue
        try:
            cleaned[name] = _clean_one(name, value)
        except FieldError as e:
            errors[name] = str(e)
    return cleaned, errors


def _clean_one(name: str, value):
    match name:
        case "number":
            return clean_number(value)
        case "national_id":
            return clean_national_id(value)
        case "spouse_national_id":
            if not (value or "").strip():
                return ""
            try:
                return clean_national_id(value)
            except FieldError as e:
                raise FieldError(str(e).replace("เลขประจำตัวประชาชน", "เลขประจำตัวประชาชนคู่สมรส", 1)) from None
        case "phone":
            return clean_phone(value)
        case "email":
            return clean_email(value)
        case "bank_code":
            return clean_bank_code(value)
        case "bank_account_no":
            return clean_bank_account_no(value)
        case "salary":
            return clean_salary(value)
        case "member_type":
            return clean_member_type(value)
        case "unit":
            if not isinstance(value, Unit):
                raise FieldError("กรุณาเลือกหน่วยสังกัด")
            return value
        case "birth_date" | "joined_on":
            if not isinstance(value, dt.date):
                raise FieldError(f"กรุณากรอก{field_label(name)}")
            return value
        case (
            "title"
            | "first_name"
            | "last_name"
            | "first_name_en"
            | "last_name_en"
            | "address"
            | "spouse_name"
        ):
            return clean_text(name, value)
    raise TypeError(f"unknown member field {name!r}")


def audit_value(value) -> str | None:
    """A field value as the JSON-safe string the audit trail keeps (exact for Decimals and dates)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Unit):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def member_dump(member: Member) -> dict[str, list]:
    """Every field of a new record as {field: [None, value]}, the shape of an update's diff."""
    # The unit is read through its cached object; by id alone it would cost a query per member.
    values = member.__dict__
    dump = {name: [None, audit_value(values[name])] for name in MEMBER_FIELDS if name != "unit"}
    dump["unit"] = [None, str(member.unit)]
    return {name: dump[name] for name in MEMBER_FIELDS}
