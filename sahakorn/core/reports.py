"""Report rendering shared by every app: PDF through WeasyPrint, Excel through XlsxWriter.

Apps build their rows and totals in their own ``reports.py``; this module only turns them into
documents. PDFs embed Sarabun from its wheel by file URL and fetch nothing else (a report must
never reach the network, and Thai marks only place right with a Thai font). Excel cells hold
real numbers, so totals add up in the spreadsheet; dates are B.E. text because Excel has no
Buddhist calendar and a date cell would show the C.E. year.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from sahakorn.core.selectors import coop_profile_get
from sahakorn.core.staticfinders import FONT_DIR
from sahakorn.core.thai import format_be_date

PDF_TEMPLATE_BASE = "core/report_base_pdf.html"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _content_disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback plus the UTF-8 name, so Thai file names survive every browser.
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "report"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# ======== The report screens' request plumbing ========


def report_format(request: HttpRequest) -> str:
    """``pdf``, ``xlsx`` or "" (the screen) from ``?format=``."""
    return request.GET.get("format", "")


def report_query(request: HttpRequest) -> str:
    """The screen's filters, for the PDF and Excel buttons (without the page number)."""
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    return query.urlencode()


def file_stamp(day: dt.date | None = None) -> str:
    """A B.E. date for a download's file name: 25691201."""
    day = day or timezone.localdate()
    return f"{day.year + 543}{day.month:02d}{day.day:02d}"


def filters_of(form) -> dict:
    """A filter bar's values when it is valid, else none (the report shows its defaults)."""
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


@dataclass(frozen=True)
class Reconciliation:
    """One ✔/✘ line: a sub-ledger figure beside its control account in the general ledger."""

    label: str
    subledger: Decimal
    gl: Decimal
    gl_label: str = "บัญชีคุมในบัญชีแยกประเภท"

    @property
    def difference(self) -> Decimal:
        return self.subledger - self.gl

    @property
    def ok(self) -> bool:
        return self.subledger == self.gl

    @property
    def mark(self) -> str:
        return "✔" if self.ok else "✘"

    def as_text(self) -> str:
        text = f"{self.mark} {self.label} {self.subledger:,.2f} · {self.gl_label} {self.gl:,.2f}"
        return text if self.ok else f"{text} · ผลต่าง {self.difference:,.2f}"


# ======== PDF ========


def _local_only_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``file:`` and ``data:`` URLs only: a report never waits on, or leaks to, the network."""

        def fetch(self, url: str, headers=None):
            if not url.startswith(("file:", "data:")):
                raise ValueError(f"report refuses to fetch non-local URL: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def pdf_context(*, title: str, context: Mapping[str, Any], landscape: bool = False) -> dict:
    """What ``core/report_base_pdf.html`` needs on top of the report's own context."""
    now = timezone.localtime()
    return {
        **context,
        "coop": context.get("coop") or coop_profile_get(),
        "report_title": title,
        "printed_at": now,
        "printed_at_text": format_be_date(now, "short"),
        "font_dir_url": FONT_DIR.as_uri(),
        "landscape": landscape,
    }


# The fonts embedded in a PDF are subset by fontTools, which stamps each subset with the time unless
# SOURCE_DATE_EPOCH says otherwise: fixed here, so the same document renders to the same bytes (a
# re-printed receipt is identical to the first print).
PDF_FONT_TIMESTAMP = "1704067200"  # 1 Jan 2024


def pdf_render(html: str) -> bytes:
    """HTML (fonts from the app's own font directory, nothing fetched from the network) to PDF bytes."""
    import os

    from weasyprint import HTML

    os.environ.setdefault("SOURCE_DATE_EPOCH", PDF_FONT_TIMESTAMP)
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=_local_only_fetcher()).write_pdf()


def pdf_bytes(*, template: str, context: Mapping[str, Any], landscape: bool = False) -> bytes:
    """Render a template that extends ``core/report_base_pdf.html`` to PDF bytes."""
    title = str(context.get("report_title") or context.get("title") or "")
    return pdf_render(
        render_to_string(template, pdf_context(title=title, context=context, landscape=landscape))
    )


def pdf_response(
    *,
    template: str,
    context: Mapping[str, Any],
    filename: str,
    request: HttpRequest | None = None,
    landscape: bool = False,
) -> HttpResponse:
    """A PDF download of ``template`` (A4; page header with the coop name, title, B.E. print date, page X/Y).

    The template extends ``core/report_base_pdf.html`` and fills ``{% block report %}``;
    ``context["report_title"]`` is printed in every page header.
    """
    context = dict(context)
    if request is not None:
        context.setdefault("user", getattr(request, "user", None))
    data = pdf_bytes(template=template, context=context, landscape=landscape)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = _content_disposition(filename)
    return response


# ======== Excel ========

MONEY, INT, TEXT, DATE, DECIMAL = "money", "int", "text", "date", "decimal"


@dataclass(frozen=True)
class XlsxColumn:
    """A column: ``key`` into each row mapping, a header, and how its cells are written.

    ``kind``: ``money`` (#,##0.00), ``int`` (#,##0), ``decimal`` (#,##0.00 for rates or shares with
    fractions), ``date`` (B.E. text dd/mm/yyyy) or ``text``. ``sum``: the totals row adds the column
    with a SUBTOTAL formula (which skips group subtotal rows) cached with the computed total.
    """

    key: str
    title: str
    kind: str = TEXT
    width: float | None = None
    sum: bool = False


@dataclass
class XlsxSheet:
    """One worksheet: a title row (and subtitle lines), a frozen bold header, rows, a totals row.

    ``rows`` may be any iterable of mappings (a generator streams 100,000 rows without holding
    them); a row with ``"row_kind": "group"`` is a bold group heading (its ``"row_label"`` in the first
    column) and ``"row_kind": "subtotal"`` a bold subtotal whose summed columns are SUBTOTAL formulas
    over the rows since the last heading. ``totals`` holds the computed totals by column key;
    ``notes`` are lines written after the totals (e.g. the reconciliation with the ledger).
    """

    name: str
    title: str
    columns: Sequence[XlsxColumn]
    rows: Iterable[Mapping[str, Any]]
    subtitle: Sequence[str] = ()
    totals: Mapping[str, Any] | None = None
    totals_label: str = "รวมทั้งสิ้น"
    notes: Sequence[str] = ()
    landscape: bool = False
    formats: dict = field(default_factory=dict, repr=False)


def _col_letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)  # Excel stores IEEE doubles; two-place baht up to 10^13 round-trips exactly
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_be_date(value, "numeric")
    return str(value)


def _write_sheet(workbook, sheet: XlsxSheet, coop_name: str, printed: str) -> None:
    ws = workbook.add_worksheet(sheet.name[:31])
    ws.set_paper(9)  # A4
    if sheet.landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    base = {"font_name": "TH Sarabun New", "font_size": 14}
    f = {
        "title": workbook.add_format({**base, "bold": True, "font_size": 16}),
        "sub": workbook.add_format(base),
        "header": workbook.add_format(
            {**base, "bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        TEXT: workbook.add_format(base),
        DATE: workbook.add_format({**base, "align": "center"}),
        MONEY: workbook.add_format({**base, "num_format": "#,##0.00"}),
        DECIMAL: workbook.add_format({**base, "num_format": "#,##0.00"}),
        INT: workbook.add_format({**base, "num_format": "#,##0"}),
    }
    bold = {
        k: workbook.add_format({**base, "bold": True, **_num_fmt(k)})
        for k in (TEXT, DATE, MONEY, DECIMAL, INT)
    }
    total = {
        k: workbook.add_format({**base, "bold": True, "top": 1, "bottom": 6, **_num_fmt(k)})
        for k in (TEXT, DATE, MONEY, DECIMAL, INT)
    }
    columns = list(sheet.columns)
    for i, col in enumerate(columns):
        width = col.width or {MONEY: 16, INT: 12, DECIMAL: 14, DATE: 12}.get(col.kind, 20)
        ws.set_column(i, i, width)

    row = 0
    ws.write_string(row, 0, coop_name, f["title"])
    row += 1
    ws.write_string(row, 0, sheet.title, f["title"])
    row += 1
    for line in [*sheet.subtitle, f"พิมพ์เมื่อ {printed}"]:
        ws.write_string(row, 0, line, f["sub"])
        row += 1
    header_row = row
    for i, col in enumerate(columns):
        ws.write_string(header_row, i, col.title, f["header"])
    ws.freeze_panes(header_row + 1, 0)
    ws.repeat_rows(header_row)
    row += 1
    first_data = row
    group_start = row

    def write_value(r: int, c: int, col: XlsxColumn, value: Any, fmt) -> None:
        if col.kind in (MONEY, INT, DECIMAL):
            number = _number(value)
            if number is None:
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, number, fmt)
        else:
            ws.write_string(r, c, _cell_text(value), fmt)

    for item in sheet.rows:
        kind = item.get("row_kind")
        if kind == "group":
            ws.write_string(row, 0, str(item.get("row_label", "")), bold[TEXT])
            row += 1
            group_start = row
            continue
        if kind == "subtotal":
            for i, col in enumerate(columns):
                if i == 0 and item.get("row_label"):
                    ws.write_string(row, 0, str(item["row_label"]), bold[TEXT])
                elif col.sum and row > group_start:
                    rng = f"{_col_letter(i)}{group_start + 1}:{_col_letter(i)}{row}"
                    ws.write_formula(
                        row, i, f"=SUBTOTAL(9,{rng})", bold[col.kind], _number(item.get(col.key)) or 0
                    )
                elif col.key in item:
                    write_value(row, i, col, item[col.key], bold[col.kind])
            row += 1
            group_start = row
            continue
        for i, col in enumerate(columns):
            write_value(row, i, col, item.get(col.key), f[col.kind])
        row += 1

    totals = sheet.totals or {}
    if sheet.totals is not None:
        for i, col in enumerate(columns):
            if i == 0:
                ws.write_string(row, 0, sheet.totals_label, total[TEXT])
            elif col.sum and row > first_data:
                rng = f"{_col_letter(i)}{first_data + 1}:{_col_letter(i)}{row}"
                ws.write_formula(
                    row, i, f"=SUBTOTAL(9,{rng})", total[col.kind], _number(totals.get(col.key)) or 0
                )
            elif col.key in totals:
                write_value(row, i, col, totals[col.key], total[col.kind])
            else:
                ws.write_blank(row, i, None, total[TEXT])
        row += 1
    row += 1
    for note in sheet.notes:
        ws.write_string(row, 0, note, f["sub"])
        row += 1


def _num_fmt(kind: str) -> dict:
    return {
        MONEY: {"num_format": "#,##0.00"},
        DECIMAL: {"num_format": "#,##0.00"},
        INT: {"num_format": "#,##0"},
    }.get(kind, {})


def xlsx_bytes_to_file(*, sheets: Sequence[XlsxSheet], path: str) -> None:
    """Write the workbook to ``path`` row by row (constant memory: 100,000 rows never sit in RAM)."""
    import xlsxwriter

    coop_name = coop_profile_get().name_th
    printed = format_be_date(timezone.localtime(), "short")
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    try:
        for sheet in sheets:
            _write_sheet(workbook, sheet, coop_name, printed)
    finally:
        workbook.close()


def xlsx_response(*, filename: str, sheets: Sequence[XlsxSheet]) -> FileResponse:
    """An .xlsx download of ``sheets``, streamed from a temporary file that is gone once sent."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="sahakorn-report-")
    os.close(handle)
    try:
        xlsx_bytes_to_file(sheets=sheets, path=path)
        stream = open(path, "rb")  # noqa: SIM115 -- FileResponse closes it after sending
    finally:
        os.unlink(path)  # the open handle keeps the data readable until the response is sent
    response = FileResponse(stream, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


# ======== The report contract: one object per report, one response for screen, PDF and Excel ========


@dataclass
class Report:
    """One report, as every report screen declares it (the contract ``report_response`` serves).

    - ``title``, ``subtitle`` (lines under it: the as-of date, the filters), ``filename`` (no extension);
    - ``form``: the filter bar, bound to ``request.GET`` (None: the report has no filters);
    - ``rows``: what the screen lists (paged by ``page_size`` when it is not 0; ``page_map`` turns a
      page's rows into what the template shows); ``totals``: the totals row by column key;
    - ``reconciliations``: its ✔/✘ lines against the GL (screen, PDF and the Excel notes);
    - ``columns`` + ``sheet_name``: the Excel sheet of ``export_rows()`` (default: ``rows``; grouped
      rows with subtotals for PDF and Excel); ``xlsx_rows()`` when Excel needs its own (a count
      column); ``sheets()`` replaces that one sheet with several;
    - ``screen_template`` and ``pdf_template`` (None: no PDF); ``context``: the templates' own data.

    Templates see ``report_title``, ``subtitle``, ``query`` (the filters, for the PDF/Excel links),
    ``reconciliations``, ``totals`` and ``context``'s keys; the screen also ``form`` and ``page``,
    the PDF ``rows`` (``export_rows()``).
    """

    title: str
    filename: str
    screen_template: str
    pdf_template: str | None = None
    subtitle: Sequence[str] = ()
    form: Any = None
    rows: Any = ()
    totals: Mapping[str, Any] | None = None
    reconciliations: Sequence[Reconciliation] = ()
    columns: Sequence[XlsxColumn] = ()
    sheet_name: str = ""
    export_rows: Any = None  # Callable[[], Iterable[Mapping]]
    xlsx_rows: Any = None  # Callable[[], Iterable[Mapping]]
    sheets: Any = None  # Callable[[], list[XlsxSheet]]
    page_size: int = 0
    page_map: Any = None  # Callable[[Sequence], list]
    landscape: bool = False
    context: Mapping[str, Any] = field(default_factory=dict)

    def _export_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.export_rows() if self.export_rows is not None else self.rows

    def xlsx_sheets(self) -> list[XlsxSheet]:
        if self.sheets is not None:
            return list(self.sheets())
        rows = self.xlsx_rows() if self.xlsx_rows is not None else self._export_rows()
        return [
            XlsxSheet(
                name=self.sheet_name or self.title,
                title=self.title,
                subtitle=self.subtitle,
                columns=self.columns,
                rows=rows,
                totals=self.totals,
                notes=[r.as_text() for r in self.reconciliations],
                landscape=self.landscape,
            )
        ]

    def template_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "report_title": self.title,
            "subtitle": list(self.subtitle),
            "query": report_query(request),
            "reconciliations": list(self.reconciliations),
            "totals": self.totals,
            **self.context,
        }


def report_response(request: HttpRequest, report: Report) -> HttpResponse | FileResponse:
    """The report as ``?format=xlsx``, ``?format=pdf`` or the screen (paged), from the same figures."""
    from django.shortcuts import render

    from sahakorn.core.paging import paginate

    wanted = report_format(request)
    if wanted == "xlsx":
        return xlsx_response(filename=f"{report.filename}.xlsx", sheets=report.xlsx_sheets())
    context = report.template_context(request)
    if wanted == "pdf" and report.pdf_template:
        return pdf_response(
            template=report.pdf_template,
            context={**context, "rows": report._export_rows()},
            filename=f"{report.filename}.pdf",
            request=request,
            landscape=report.landscape,
        )
    context["form"] = report.form
    if report.page_size:
        page = paginate(request, report.rows, report.page_size)
        if report.page_map is not None:
            page.object_list = report.page_map(page.object_list)
        context["page"] = page
    return render(request, report.screen_template, context)
