"""Thai phone numbers: typed any way ("081-234-5678", "+66812345678"), stored as E.164."""

import phonenumbers


class PhoneError(ValueError):
    pass


def phone_to_e164(text: str) -> str:
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        raise PhoneError(f"เบอร์โทรศัพท์ไม่ถูกต้อง: {text}") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"เบอร์โทรศัพท์ไม่ถูกต้อง: {text}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """081 234 5678 style for Thai numbers, international format for others."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "TH")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 66:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
