"""The files a unit gets for a cycle (แฟ้มรายการหักเงินเดือน) and the file it sends back.

Rendered on demand from the frozen bills, so the same cycle and layout give the same bytes every
time. Layouts are data (``billing.layouts``): the built-in ones live in ``billing/data/layouts`` and
are seeded as ``FileLayout`` rows; a coop adds its employer's own in the settings screens.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import QuerySet

from sahakorn.billing.errors import BillingError
from sahakorn.billing.layouts import Layout, layout_from_spec, render
from sahakorn.billing.models import Bill, BillingCycle, FileLayout, UnitBilling
from sahakorn.core.money import ZERO
from sahakorn.core.selectors import coop_profile_get

BUILTIN_DIR = Path(__file__).parent / "data" / "layouts"
DEFAULT_LAYOUT = "SAHAKORN-XLSX"
EXTENSIONS = {"fixed": "txt", "csv": "csv", "xlsx": "xlsx"}
CONTENT_TYPES = {
    "fixed": "text/plain; charset=windows-874",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def billing_layouts_sync() -> None:
    """Seed the built-in layouts (a coop's own edits to them are kept; delete one to get it back)."""
    have = set(FileLayout.objects.values_list("code", flat=True))
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        code = path.stem
        if code in have:
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        layout_from_spec(code, spec)  # a broken built-in is a bug: fail loudly here, not at the unit
        FileLayout.objects.create(code=code, name=spec.get("name", code), spec=spec, is_builtin=True)


def layout_get(code: str) -> Layout:
    billing_layouts_sync()
    found = FileLayout.objects.filter(code=code).first()
    if found is None:
        raise BillingError(f"ไม่พบรูปแบบแฟ้ม “{code}”", field="layout")
    return layout_from_spec(found.code, found.spec)


def unit_layout_code(unit) -> str:
    setting = UnitBilling.objects.filter(unit=unit).select_related("layout").first()
    return setting.layout.code if setting is not None and setting.layout is not None else DEFAULT_LAYOUT


def unit_bills(cycle: BillingCycle, unit) -> QuerySet[Bill]:
    """The unit's bills with something to deduct, by member number (the file's order)."""
    return (
        Bill.objects.filter(cycle=cycle, unit=unit, total_billed__gt=ZERO)
        .select_related("member")
        .order_by("member__number")
    )


def unit_file(*, cycle: BillingCycle, unit, layout: Layout) -> bytes:
    """The unit's deduction file for ``cycle`` in ``layout``: one detail record per member billed."""
    rows = []
    total = ZERO
    for n, bill in enumerate(unit_bills(cycle, unit), 1):
        member = bill.member
        rows.append(
            {
                "seq": n,
                "member_number": member.number,
                "national_id": member.national_id,
                "title": member.title,
                "first_name": member.first_name,
                "last_name": member.last_name,
                "title_first_name": f"{member.title}{member.first_name}",
                "full_name": member.full_name,
                "amount": bill.total_billed,
                "bank_code": member.bank_code,
                "bank_account": member.bank_account_no,
            }
        )
        total += bill.total_billed
    header = {
        "unit_code": unit.code,
        "unit_name": unit.name,
        "coop_name": coop_profile_get().name_th,
        "period": cycle.period.month,
        "processing_date": cycle.processing_date,
        "send_date": cycle.send_date,
        "pay_date": cycle.pay_date,
    }
    trailer = {**header, "count": len(rows), "total": total}
    return render(layout, header=header, rows=rows, trailer=trailer)


def unit_file_name(*, cycle: BillingCycle, unit, layout: Layout) -> str:
    return f"billing-{cycle.period.code}-{unit.code}-{layout.code}.{EXTENSIONS[layout.format]}"
