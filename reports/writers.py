"""Reports written out as CSV, XLSX (openpyxl write-only) and PDF (WeasyPrint, with bar
charts drawn as inline SVG on the server). Each writer takes a file opened for writing, so a
large export goes to disk piece by piece instead of being built in memory."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from stakeholders.importing import safe_cell

from .tables import Report, Table

# How many rows are written between two progress reports.
PROGRESS_EVERY = 10_000


def _text(value: Any) -> Any:
    if value is None:
        return "-"
    if isinstance(value, str):
        return safe_cell(value)
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.1f}"
    return _text(value)


def write_csv(report: Report, out: IO[bytes]) -> None:
    """The report's tables one after another, each under its title; UTF-8 with a BOM so
    Excel reads it."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    single = len(report.tables) == 1
    for index, table in enumerate(report.tables):
        if not single:
            if index:
                writer.writerow([])
            writer.writerow([table.title])
        for row in table.as_lists():
            writer.writerow([_csv_cell(v) for v in row])
    text.flush()
    text.detach()


def write_csv_rows(
    columns: list[str],
    rows: Iterable[list[Any]],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream rows to CSV; returns how many were written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    text.flush()
    text.detach()
    return count


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title)[:28].strip() or _("Tabel")
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _filters_sheet(workbook, report: Report) -> None:
    sheet = workbook.create_sheet(_("Keterangan"))
    sheet.append([_text(report.title)])
    sheet.append([])
    for label, value in report.filters:
        sheet.append([_text(label), _text(value)])


def write_xlsx(report: Report, out: IO[bytes]) -> None:
    """A first sheet stating the filters and when the report was made, then one sheet per
    table. Write-only mode: rows go straight to the file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _filters_sheet(workbook, report)
    used = {_("Keterangan").lower()}
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        sheet.append([_text(table.title)])
        for row in table.as_lists():
            sheet.append([_text(v) if isinstance(v, str) or v is None else v for v in row])
    workbook.save(out)


def write_xlsx_rows(
    report: Report,
    columns: list[str],
    rows: Iterable[list[Any]],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _filters_sheet(workbook, report)
    sheet = workbook.create_sheet(_("Data"))
    sheet.append(columns)
    count = 0
    for row in rows:
        sheet.append([_text(v) if isinstance(v, str) or v is None else v for v in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(out)
    return count


# --- PDF ---------------------------------------------------------------------------------

CHART_BARS = 15


def bar_chart_svg(labels: list[str], values: list[float], *, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG: one bar per label, the value written after it.
    Drawn on the server, so the PDF needs no script."""
    pairs = [(str(lab), float(v or 0)) for lab, v in zip(labels, values, strict=True)]
    pairs = pairs[:CHART_BARS]
    if not pairs:
        return mark_safe("")  # nosec B308 - an empty constant
    largest = max(v for _lab, v in pairs) or 1
    label_width, bar_width, row_height = 190, 290, 18
    height = row_height * len(pairs) + 8
    bars = []
    for i, (label, value) in enumerate(pairs):
        y = 4 + i * row_height
        width = max(1.0, bar_width * value / largest) if value else 0
        shown = label if len(label) <= 32 else label[:31] + "…"
        number = f"{value:g}"
        bars.append(
            (
                y + 13,
                shown,
                label_width,
                y + 2,
                f"{width:.1f}",
                label_width + width + 4,
                y + 13,
                number,
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="10">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="13" fill="#2b6cb0"></rect>'
        '<text x="{}" y="{}" font-size="10">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}"><title>{}</title>{}</svg>',
        label_width + bar_width + 50,
        height,
        label_width + bar_width + 50,
        height,
        title,
        body,
    )


def _chart(table: Table) -> SafeString:
    if table.chart_column is None or not table.rows:
        return mark_safe("")  # nosec B308 - an empty constant
    labels = [row[0] for row in table.rows]
    values = [row[table.chart_column] or 0 for row in table.rows]
    return bar_chart_svg(labels, values, title=table.title)


def _display(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def report_html(report: Report) -> str:
    tables = [
        {
            "title": table.title,
            "columns": table.columns,
            "rows": [[_display(v) for v in row] for row in table.rows],
            "footer": [_display(v) for v in table.footer] if table.footer else None,
            "note": table.note,
            "chart": _chart(table),
        }
        for table in report.tables
    ]
    return render_to_string(
        "statistics/report_pdf.html",
        {
            "report": report,
            "tables": tables,
            "office": settings.OFFICE,
            # Wide tables (the pipeline by status) get a landscape page.
            "landscape": any(len(t["columns"]) > 6 for t in tables),
        },
    )


def write_pdf(report: Report, out: IO[bytes]) -> None:
    from bp3mi.pdf import render_pdf

    out.write(render_pdf(report_html(report)))
