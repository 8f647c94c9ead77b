"""Thai calendar and text helpers: Buddhist Era dates, baht in words.

Django's ``th`` locale formats Gregorian years and its date fields accept "2569" as a CE
year, so B.E. handling lives here and is used by every screen, form and document.
"""

import datetime as dt
import re
from decimal import Decimal

BE_OFFSET = 543

MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip

# A B.E. year typed by a person is four digits in this window; 1900–2199 is a CE year typed by mistake.
BE_YEAR_MIN, BE_YEAR_MAX = 2400, 2700


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def format_be_date(value: dt.date | dt.datetime | None, style: str = "short") -> str:
    """Format a date in B.E.

    ``short``: 22 พ.ย. 2569 · ``long``: 22 พฤศจิกายน 2569 · ``numeric``: 22/11/2569 ·
    ``month``: พฤศจิกายน 2569. A datetime is shown in its own timezone with the time.
    """
    if value is None:
        return ""
    time_part = ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time_part = f" {value:%H:%M} น."
    y = be_year(value.year)
    if style == "numeric":
        return f"{value.day:02d}/{value.month:02d}/{y}{time_part}"
    if style == "long":
        return f"{value.day} {MONTHS_TH[value.month - 1]} {y}{time_part}"
    if style == "month":
        return f"{MONTHS_TH[value.month - 1]} {y}"
    return f"{value.day} {MONTHS_TH_SHORT[value.month - 1]} {y}{time_part}"


class BEDateError(ValueError):
    """A date a person typed that is not a B.E. date; the message is shown to them."""


_NUMERIC_DATE = re.compile(r"^\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})\s*$")


def parse_be_date(text: str) -> dt.date:
    """Parse ``dd/mm/yyyy`` with a B.E. year (``/``, ``.`` or ``-`` between parts).

    A year that looks like C.E. (e.g. 2026) is refused rather than guessed: read as B.E. it
    would be 1483, read as C.E. it silently shifts the date 543 years in every report.
    """
    m = _NUMERIC_DATE.match(thai_digits_to_arabic(text or ""))
    if not m:
        raise BEDateError("กรุณากรอกวันที่เป็น วว/ดด/ปปปป (ปี พ.ศ.) เช่น 22/11/2569")
    day, month, year = (int(g) for g in m.groups())
    if not BE_YEAR_MIN <= year <= BE_YEAR_MAX:
        if 1800 <= year <= 2200:
            raise BEDateError(f"ปี {year} เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (ค.ศ. {year} = พ.ศ. {be_year(year)})")
        raise BEDateError(f"ปี พ.ศ. {year} อยู่นอกช่วงที่รับได้ ({BE_YEAR_MIN}–{BE_YEAR_MAX})")
    try:
        return dt.date(ce_year(year), month, day)
    except ValueError:
        raise BEDateError(f"ไม่มีวันที่ {day:02d}/{month:02d}/{year} ในปฏิทิน") from None


# ---- Thai digits (เลขไทย) ----
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def thai_digits_to_arabic(text: str) -> str:
    """๐-๙ → 0-9, everything else unchanged: applied to whatever a person types where a number goes.

    Thai keyboards type Thai digits, and a number typed in them (an amount, a national ID, a member
    number, a phone, a B.E. date) means the same number; the rules then check ASCII digits only.
    """
    return text.translate(_THAI_DIGITS)


# ---- baht in words (บาทถ้วน) ----
_DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _words_below_million(n: int, after_higher: bool) -> str:
    # A trailing one is "เอ็ด" whenever something is read before it: 11, 101, 1,000,001.
    after_higher = after_higher or n > 9
    out = []
    digits = str(n)[::-1]
    for place in range(len(digits) - 1, -1, -1):
        d = int(digits[place])
        if d == 0:
            continue
        if place == 1 and d == 1:
            out.append("สิบ")
        elif place == 1 and d == 2:
            out.append("ยี่สิบ")
        elif place == 0 and d == 1 and after_higher:
            out.append("เอ็ด")
        else:
            out.append(_DIGITS[d] + _PLACES[place])
    return "".join(out)


def _words(n: int) -> str:
    if n == 0:
        return _DIGITS[0]
    millions, rest = divmod(n, 1_000_000)
    head = _words(millions) + "ล้าน" if millions else ""
    return head + (_words_below_million(rest, after_higher=bool(millions)) if rest else "")


def baht_text(amount: Decimal) -> str:
    """Thai words for an amount on a receipt: 1,201.50 → หนึ่งพันสองร้อยเอ็ดบาทห้าสิบสตางค์.

    Works on Decimal throughout (pythainlp's ``bahttext`` takes a float). The amount must
    already be rounded to satang.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("baht_text needs a Decimal")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{amount} is not rounded to satang")
    negative = amount < 0
    satang_total = int(abs(amount) * 100)
    baht, satang = divmod(satang_total, 100)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    text = ""
    if baht:
        text = _words(baht) + "บาท"
    text += _words(satang) + "สตางค์" if satang else "ถ้วน"
    return ("ลบ" if negative else "") + text


# ---- national ID (เลขประจำตัวประชาชน) ----
def national_id_check_digit(first12: str) -> int:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def national_id_is_valid(value: str) -> bool:
    return (
        len(value) == 13
        and value.isascii()
        and value.isdigit()
        and value[0] != "0"
        and national_id_check_digit(value[:12]) == int(value[12])
    )


def national_id_normalize(value: str | None) -> str:
    """Strip the dashes and spaces people type (1-2345-67890-12-1); Thai digits become 0-9."""
    return re.sub(r"[\s\-]", "", thai_digits_to_arabic(value or ""))


def national_id_format(value: str) -> str:
    if len(value) != 13:
        return value
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"
