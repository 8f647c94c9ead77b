"""Template filters for Thai screens and documents; loaded as builtins in every template."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from sahakorn.core.banks import bank_name as _bank_name
from sahakorn.core.phone import phone_display
from sahakorn.core.thai import baht_text, format_be_date, national_id_format

register = template.Library()


@register.filter
def be_date(value, style: str = "short") -> str:
    """{{ member.joined_on|be_date }} → 22 พ.ย. 2569; styles: short, long, numeric, month."""
    return format_be_date(value, style)


@register.filter
def baht(value, blank_zero: str | None = None) -> str:
    """1234.5 → 1,234.50; negatives in parentheses as accountants print them.

    ``{{ x|baht:"" }}`` leaves a zero blank, ``{{ x|baht:"–" }}`` shows a dash for it.
    """
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if blank_zero is not None and amount == 0:
        return blank_zero
    text = f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


@register.filter
def bahttext(value) -> str:
    return baht_text(Decimal(value)) if value is not None else ""


@register.filter
def national_id(value) -> str:
    return national_id_format(value or "")


@register.filter
def phone(value) -> str:
    return phone_display(value or "")


@register.simple_tag
def status_badge(value: str, label: str) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', value, label)


@register.filter
def who(user) -> str:
    """The person behind a record; ``None`` means a batch or the generator wrote it (ระบบ)."""
    if user is None:
        return "ระบบ"
    return user.get_full_name() or user.get_username()


@register.filter
def bank_name(code: str) -> str:
    return _bank_name(code or "")
