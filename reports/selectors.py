"""Aggregate queries over registrations and documents for reports, the dashboard and the
public page.

A placement is a registration whose status is Berangkat (the CPMI finished every stage); it
is dated by its departure milestone (Keberangkatan), so a placement "in March" departed in
March. Every figure here is computed by the database (GROUP BY through
`values().annotate()`): Python only labels and arranges the grouped rows, whose number
depends on the grouping, never on the number of registrations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import (
    Avg,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from complaints.choices import CaseChannel, CaseStatus, ResolutionOutcome
from complaints.models import Case as ComplaintCase
from documents.choices import DocumentStatus
from documents.models import Document
from registrations.choices import (
    Education,
    MilestoneKind,
    RegistrationStatus,
    Scheme,
    Sector,
    Sex,
)
from registrations.models import Milestone, Registration, StatusChange

from .choices import ComplaintDimension, Dimension
from .models import ReportExport
from .tables import Period, Table, month_label, month_name, percent

# Where each grouping lives, as a path from Registration.
DIMENSION_PATHS: dict[str, str] = {
    Dimension.REGION: "applicant__region__name",
    Dimension.COUNTRY: "destination_country__name",
    Dimension.SCHEME: "scheme",
    Dimension.SECTOR: "occupation__sector",
    Dimension.OCCUPATION: "occupation__name",
    Dimension.SEX: "applicant__sex",
    Dimension.EDUCATION: "applicant__education",
    Dimension.P3MI: "p3mi__name",
}
CHOICE_LABELS: dict[str, dict[str, str]] = {
    Dimension.SCHEME: dict(Scheme.choices),
    Dimension.SECTOR: dict(Sector.choices),
    Dimension.SEX: dict(Sex.choices),
    Dimension.EDUCATION: dict(Education.choices),
    "status": dict(RegistrationStatus.choices),
}
DIMENSION_ORDER = [d.value for d in Dimension]


def unknown_label(dimension: str) -> str:
    if dimension == Dimension.REGION:
        return _("Luar Sulawesi Tenggara/tidak diisi")
    if dimension == Dimension.P3MI:
        return _("Tanpa P3MI")
    return _("Tidak diisi")


def dimension_label(dimension: str, value: Any) -> str:
    """The text a grouped value is shown as."""
    if value is None or value == "":
        return unknown_label(dimension)
    if dimension == Dimension.MONTH:
        return month_label(value)
    if dimension in CHOICE_LABELS:
        return str(CHOICE_LABELS[dimension].get(value, value))
    return str(value)


class Labeller:
    """dimension_label (or another labelling function) with a memo: a grouped report labels
    thousands of rows with a few dozen distinct values, and formatting a month name or
    resolving a lazy translation each time would cost more than the query."""

    def __init__(self, function=None):
        self.function = function or dimension_label
        self.memo: dict[tuple[str, Any], str] = {}

    def __call__(self, dimension: str, value: Any) -> str:
        key = (dimension, value)
        label = self.memo.get(key)
        if label is None:
            label = self.memo[key] = self.function(dimension, value)
        return label


def _sort_key(dimension: str, value: Any):
    # Unknowns last; months by date, names alphabetically.
    return (value is None or value == "", value if value not in (None, "") else "")


def export_list(*, user) -> QuerySet[ReportExport]:
    """The exports a user may see: their own, newest first."""
    return ReportExport.objects.filter(owner=user).order_by("-queued_at", "-id")


# --- Placements --------------------------------------------------------------------------


def placements(*, period: Period) -> QuerySet[Milestone]:
    """The departures of the period, one row per placed registration (a registration has at
    most one departure milestone)."""
    return Milestone.objects.filter(
        kind=MilestoneKind.DEPARTURE,
        registration__status=RegistrationStatus.DEPARTED,
        date__gte=period.start,
        date__lte=period.end,
    )


def returns(*, period: Period) -> QuerySet[Milestone]:
    """Workers who came home in the period (Lintas kedatangan)."""
    return Milestone.objects.filter(
        kind=MilestoneKind.RETURN, date__gte=period.start, date__lte=period.end
    )


def _alias(dimension: str) -> str:
    # A dimension's name may be a field of the model grouped ("p3mi" on Registration), which
    # values() refuses as an alias.
    return f"group_{dimension}"


def _group_fields(group_by: Sequence[str], *, prefix: str, month_field: str):
    """values() arguments for a grouping: {alias: expression or path}."""
    fields: dict[str, Any] = {}
    for dimension in group_by:
        if dimension == Dimension.MONTH:
            fields[_alias(dimension)] = TruncMonth(month_field)
        else:
            fields[_alias(dimension)] = F(prefix + DIMENSION_PATHS[dimension])
    return fields


def _grouped(queryset: QuerySet, fields: dict[str, Any], group_by: Sequence[str]):
    if not group_by:
        return [{"n": queryset.count()}]
    rows = list(queryset.values(**fields).annotate(n=Count("pk")).order_by())
    rows.sort(key=lambda r: tuple(_sort_key(k, r[_alias(k)]) for k in group_by))
    return rows


def placement_report(*, period: Period, group_by: Sequence[str]) -> Table:
    """Placements of the period grouped by any of the dimensions, with a total row."""
    group_by = [d for d in DIMENSION_ORDER if d in group_by]
    fields = _group_fields(group_by, prefix="registration__", month_field="date")
    rows = _grouped(placements(period=period), fields, group_by)
    total = sum(r["n"] for r in rows)
    label = Labeller()
    table_rows = [[label(d, r[_alias(d)]) for d in group_by] + [r["n"]] for r in rows if r["n"]]
    columns = [str(Dimension(d).label) for d in group_by] + [_("Jumlah penempatan")]
    footer = ([_("Jumlah")] + [""] * (len(group_by) - 1) + [total]) if group_by else None
    if not group_by:
        table_rows = [[total]]
    return Table(
        title=_("Penempatan PMI, %(period)s") % {"period": period.label},
        columns=columns,
        rows=table_rows,
        footer=footer,
        chart_column=len(group_by) if len(group_by) == 1 else None,
    )


def pipeline_report(*, period: Period, group_by: Sequence[str]) -> Table:
    """Registrations submitted in the period, by their status today (where each one is in
    the pipeline), grouped by any of the dimensions."""
    group_by = [d for d in DIMENSION_ORDER if d in group_by]
    queryset = Registration.objects.filter(
        submitted_at__date__gte=period.start, submitted_at__date__lte=period.end
    )
    fields = _group_fields(group_by, prefix="", month_field="submitted_at")
    fields["stage"] = F("status")
    statuses = [s for s in RegistrationStatus if s != RegistrationStatus.DRAFT]
    rows = list(queryset.values(**fields).annotate(n=Count("pk")).order_by())
    pivot: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        pivot[tuple(row[_alias(d)] for d in group_by)][row["stage"]] += row["n"]
    keys = sorted(
        pivot, key=lambda k: tuple(_sort_key(d, v) for d, v in zip(group_by, k, strict=True))
    )
    table_rows = []
    label = Labeller()
    totals = [0] * (len(statuses) + 1)
    for key in keys:
        counts = [pivot[key][s] for s in statuses]
        line = [*counts, sum(counts)]
        totals = [a + b for a, b in zip(totals, line, strict=True)]
        table_rows.append([label(d, v) for d, v in zip(group_by, key, strict=True)] + line)
    columns = (
        [str(Dimension(d).label) for d in group_by]
        + [str(s.label) for s in statuses]
        + [_("Jumlah")]
    )
    footer = [_("Jumlah")] + [""] * max(len(group_by) - 1, 0) + totals if group_by else None
    if not group_by:
        table_rows = [totals]
    return Table(
        title=_("Proses pendaftaran yang diajukan %(period)s, menurut status saat ini")
        % {"period": period.label},
        columns=columns,
        rows=table_rows,
        footer=footer,
    )


def placement_row_columns() -> list[str]:
    return [
        _("Nomor pendaftaran"),
        _("Tanggal berangkat"),
        str(Dimension.REGION.label),
        str(Dimension.COUNTRY.label),
        str(Dimension.SCHEME.label),
        str(Dimension.SECTOR.label),
        str(Dimension.OCCUPATION.label),
        str(Dimension.SEX.label),
        str(Dimension.EDUCATION.label),
        str(Dimension.P3MI.label),
    ]


def placement_rows(*, period: Period, chunk_size: int = 5000) -> Iterator[list[Any]]:
    """One list per placement of the period, without name or NIK, streamed from a server-side
    cursor (`iterator()`), so memory stays flat however many rows there are."""
    paths = [
        "registration__number",
        "date",
        "registration__" + DIMENSION_PATHS[Dimension.REGION],
        "registration__" + DIMENSION_PATHS[Dimension.COUNTRY],
        "registration__scheme",
        "registration__" + DIMENSION_PATHS[Dimension.SECTOR],
        "registration__" + DIMENSION_PATHS[Dimension.OCCUPATION],
        "registration__" + DIMENSION_PATHS[Dimension.SEX],
        "registration__" + DIMENSION_PATHS[Dimension.EDUCATION],
        "registration__" + DIMENSION_PATHS[Dimension.P3MI],
    ]
    labelled = {
        2: Dimension.REGION,
        4: Dimension.SCHEME,
        5: Dimension.SECTOR,
        7: Dimension.SEX,
        8: Dimension.EDUCATION,
    }
    queryset = placements(period=period).order_by("date", "pk").values_list(*paths)
    label = Labeller()
    for row in queryset.iterator(chunk_size=chunk_size):
        line = list(row)
        for index, dimension in labelled.items():
            line[index] = label(dimension, line[index])
        line[1] = line[1].isoformat()
        line[3] = line[3] or ""
        line[6] = line[6] or ""
        line[9] = line[9] or ""
        yield line


def placement_row_count(*, period: Period) -> int:
    return placements(period=period).count()


# --- The ministry's monthly tables -------------------------------------------------------


def _by_key(queryset: QuerySet, path: str, *, month: int, limit: int | None = None):
    """[(value, in the month, January to the month)] for the top values of `path`."""
    rows = (
        queryset.values(key=F(path))
        .annotate(month_n=Count("pk", filter=Q(date__month=month)), n=Count("pk"))
        .order_by("-n", "-month_n", "key")
    )
    if limit:
        rows = rows[:limit]
    return [(r["key"], r["month_n"], r["n"]) for r in rows]


def monthly_tables(*, year: int, month: int) -> list[Table]:
    """The office's part of the ministry's monthly report (Data Penempatan dan Pelindungan
    PMI) for one month: the month against the same month of the two previous years, January
    to the month cumulative, formal/informal share, G to G by country, top countries,
    kab/kota and occupations, and returning workers."""
    month_title = f"{month_name(month)} {year}"
    three_years = Period(datetime.date(year - 2, 1, 1), datetime.date(year, 12, 31), "")
    # 1 and 3: placements by year and sector, in the month and January to the month.
    rows = (
        placements(period=three_years)
        .filter(date__month__lte=month)
        .values(year=ExtractYear("date"), sector=F("registration__occupation__sector"))
        .annotate(
            month_n=Count("pk", filter=Q(date__month=month)),
            n=Count("pk"),
        )
        .order_by()
    )
    in_month: dict[int, int] = defaultdict(int)
    cumulative: dict[int, int] = defaultdict(int)
    by_sector: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        in_month[r["year"]] += r["month_n"]
        cumulative[r["year"]] += r["n"]
        by_sector[(r["year"], r["sector"] or "")][0] += r["month_n"]
        by_sector[(r["year"], r["sector"] or "")][1] += r["n"]
    years = [year - 2, year - 1, year]
    tables = []
    this, last = in_month[year], in_month[year - 1]
    tables.append(
        Table(
            title=_("Penempatan bulan %(month)s dibanding bulan yang sama dua tahun sebelumnya")
            % {"month": month_name(month)},
            columns=[_("Tahun"), _("Penempatan"), _("Perubahan dari tahun sebelumnya (%)")],
            rows=[
                [
                    str(y),
                    in_month[y],
                    _change(in_month[y], in_month[y - 1]) if y > year - 2 else None,
                ]
                for y in years
            ],
            chart_column=1,
            extra={"this": this, "last": last},
        )
    )
    # 2: January to the month, month by month, this year and last.
    monthly = (
        placements(period=Period(datetime.date(year - 1, 1, 1), datetime.date(year, 12, 31), ""))
        .filter(date__month__lte=month)
        .values(year=ExtractYear("date"), m=ExtractMonth("date"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    grid = {(r["year"], r["m"]): r["n"] for r in monthly}
    running = {year - 1: 0, year: 0}
    cumulative_rows = []
    for m in range(1, month + 1):
        running[year - 1] += grid.get((year - 1, m), 0)
        running[year] += grid.get((year, m), 0)
        cumulative_rows.append(
            [
                month_name(m),
                grid.get((year - 1, m), 0),
                grid.get((year, m), 0),
                running[year - 1],
                running[year],
            ]
        )
    tables.append(
        Table(
            title=_("Penempatan Januari s.d. %(month)s, kumulatif") % {"month": month_title},
            columns=[
                _("Bulan"),
                str(year - 1),
                str(year),
                _("Kumulatif %(year)s") % {"year": year - 1},
                _("Kumulatif %(year)s") % {"year": year},
            ],
            rows=cumulative_rows,
            footer=[
                _("Perubahan kumulatif (%)"),
                "",
                "",
                "",
                _change(running[year], running[year - 1]),
            ],
        )
    )
    sector_rows = []
    for code, label in [*Sector.choices, ("", _("Tidak diisi"))]:
        month_n, cumul_n = by_sector.get((year, code), [0, 0])
        if code == "" and not cumul_n:
            continue
        sector_rows.append(
            [
                str(label),
                month_n,
                percent(month_n, this),
                cumul_n,
                percent(cumul_n, cumulative[year]),
            ]
        )
    tables.append(
        Table(
            title=_("Penempatan menurut sektor, %(month)s") % {"month": month_title},
            columns=[
                _("Sektor"),
                _("Bulan ini"),
                _("Porsi (%)"),
                _("Januari s.d. bulan ini"),
                _("Porsi (%)"),
            ],
            rows=sector_rows,
            footer=[
                _("Jumlah"),
                this,
                percent(this, this),
                cumulative[year],
                percent(cumulative[year], cumulative[year]),
            ],
            chart_column=3,
        )
    )
    year_to_month = placements(
        period=Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "")
    ).filter(date__month__lte=month)
    g2g = _by_key(
        year_to_month.filter(registration__scheme=Scheme.G2G),
        "registration__destination_country__name",
        month=month,
    )
    tables.append(
        Table(
            title=_("Penempatan G to G menurut negara, %(month)s") % {"month": month_title},
            columns=[_("Negara tujuan"), _("Bulan ini"), _("Januari s.d. bulan ini")],
            rows=[[k or _("Tidak diisi"), a, b] for k, a, b in g2g],
            footer=[_("Jumlah"), sum(a for _k, a, _b in g2g), sum(b for _k, _a, b in g2g)],
            chart_column=2,
        )
    )
    for title, path, dimension in [
        (
            _("10 negara tujuan terbanyak"),
            "registration__destination_country__name",
            Dimension.COUNTRY,
        ),
        (
            _("10 kabupaten/kota asal terbanyak"),
            "registration__applicant__region__name",
            Dimension.REGION,
        ),
        (_("10 jabatan terbanyak"), "registration__occupation__name", Dimension.OCCUPATION),
    ]:
        top = _by_key(year_to_month, path, month=month, limit=10)
        tables.append(
            Table(
                title=f"{title}, {month_title}",
                columns=[
                    str(Dimension(dimension).label),
                    _("Bulan ini"),
                    _("Januari s.d. bulan ini"),
                ],
                rows=[[dimension_label(dimension, k), a, b] for k, a, b in top],
                chart_column=2,
            )
        )
    tables += complaint_monthly_tables(year=year, month=month)
    # Lintas kedatangan: workers who came home in the month.
    month_period = Period(
        datetime.date(year, month, 1),
        (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)),
        "",
    )
    came_home = returns(period=month_period)
    for title, path, dimension in [
        (
            _("Kepulangan PMI menurut negara"),
            "registration__destination_country__name",
            Dimension.COUNTRY,
        ),
        (
            _("Kepulangan PMI menurut kabupaten/kota"),
            "registration__applicant__region__name",
            Dimension.REGION,
        ),
    ]:
        rows = list(came_home.values(key=F(path)).annotate(n=Count("pk")).order_by("-n", "key"))
        tables.append(
            Table(
                title=f"{title}, {month_title}",
                columns=[str(Dimension(dimension).label), _("Jumlah")],
                rows=[[dimension_label(dimension, r["key"]), r["n"]] for r in rows],
                footer=[_("Jumlah"), sum(r["n"] for r in rows)],
                chart_column=1,
            )
        )
    return tables


def _change(now: int, before: int) -> float | None:
    """Year-on-year change in percent; None when there was nothing to compare with."""
    if not before:
        return None
    return round(100 * (now - before) / before, 1)


# --- Dashboard ---------------------------------------------------------------------------


def dashboard_figures(*, today: datetime.date | None = None) -> dict[str, Any]:
    """The staff dashboard's figures for the current month, and its two charts' series:
    placements by month over the last twelve months and by kab/kota this year."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    tz = timezone.get_current_timezone()
    month_start_at = datetime.datetime.combine(month_start, datetime.time.min, tzinfo=tz)
    registrations = Registration.objects.filter(submitted_at__gte=month_start_at).count()
    verified = (
        StatusChange.objects.filter(
            to_status=RegistrationStatus.VERIFIED, changed_at__gte=month_start_at
        )
        .values("registration")
        .distinct()
        .count()
    )
    departed = placements(period=Period(month_start, today, "")).count()
    documents = Document.objects.filter(is_current=True).aggregate(
        waiting=Count("pk", filter=Q(status=DocumentStatus.PENDING)),
        review_time=Avg(
            F("reviewed_at") - F("uploaded_at"),
            filter=Q(
                reviewed_at__gte=month_start_at - datetime.timedelta(days=90),
                status__in=[DocumentStatus.APPROVED, DocumentStatus.REJECTED],
            ),
        ),
    )
    review_time = documents["review_time"]
    if isinstance(review_time, int | float):  # microseconds on some backends
        review_time = datetime.timedelta(microseconds=review_time)
    average_days = round(review_time.total_seconds() / 86400, 1) if review_time else None

    first_month = (month_start - datetime.timedelta(days=335)).replace(day=1)
    by_month = {
        r["m"]: r["n"]
        for r in placements(period=Period(first_month, today, ""))
        .values(m=TruncMonth("date"))
        .annotate(n=Count("pk"))
        .order_by()
    }
    months = []
    cursor = first_month
    while cursor <= month_start:
        months.append(cursor)
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    month_series = [(month_label(m), by_month.get(m, 0)) for m in months]
    region_rows = (
        placements(period=Period(datetime.date(today.year, 1, 1), today, ""))
        .values(key=F("registration__applicant__region__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "key")
    )
    region_series = [(dimension_label(Dimension.REGION, r["key"]), r["n"]) for r in region_rows]
    return {
        "month": month_label(month_start),
        "registrations": registrations,
        "verified": verified,
        "departed": departed,
        "documents_waiting": documents["waiting"],
        "average_days_to_verify": average_days,
        "by_month": month_series,
        "by_region": region_series,
        "year": today.year,
        "complaints": complaint_dashboard_figures(today=today),
    }


# --- Public figures ----------------------------------------------------------------------


def public_tables(*, today: datetime.date | None = None, threshold: int = 5):
    """The public page's tables: placements by kab/kota and by destination country over the
    last three years (this year so far included), each with small cells suppressed. Only
    counts leave this function; no row identifies a person."""
    from bp3mi.models import Region

    from .suppression import suppress

    today = today or timezone.localdate()
    years = [today.year - 2, today.year - 1, today.year]
    span = placements(period=Period(datetime.date(years[0], 1, 1), today, ""))
    result = []
    regions = [r.name for r in Region.objects.order_by("code_kemendagri")]
    for title, path, dimension, fixed_rows in [
        (
            _("Penempatan PMI menurut kabupaten/kota asal"),
            "registration__applicant__region__name",
            Dimension.REGION,
            regions,
        ),
        (
            _("Penempatan PMI menurut negara tujuan"),
            "registration__destination_country__name",
            Dimension.COUNTRY,
            None,
        ),
    ]:
        counts = {
            (r["key"], r["year"]): r["n"]
            for r in span.values(key=F(path), year=ExtractYear("date"))
            .annotate(n=Count("pk"))
            .order_by()
        }
        keys = list(fixed_rows or [])
        for key, _year in counts:
            if key not in keys:
                keys.append(key)
        if fixed_rows is None:
            keys.sort(key=lambda k: _sort_key(dimension, k))
        elif None in keys:
            keys.remove(None)
            keys.append(None)
        inner = [[counts.get((k, y), 0) for y in years] for k in keys]
        if not inner:
            inner = [[0 for _y in years]]
            keys = [None]
        table = suppress(
            [dimension_label(dimension, k) for k in keys],
            [str(y) for y in years],
            inner,
            threshold=threshold,
        )
        result.append(
            {"title": title, "dimension": str(Dimension(dimension).label), "table": table}
        )
    return result


# --- Complaints --------------------------------------------------------------------------

RESOLUTION_BUCKETS = [
    ("a", 7, _lazy("0-7 hari")),
    ("b", 14, _lazy("8-14 hari")),
    ("c", 30, _lazy("15-30 hari")),
    ("d", 60, _lazy("31-60 hari")),
]
RESOLUTION_LABELS = {
    **{code: label for code, _days, label in RESOLUTION_BUCKETS},
    "e": _lazy("Lebih dari 60 hari"),
    "z": _lazy("Belum selesai"),
}


def complaint_cases(*, period: Period) -> QuerySet[ComplaintCase]:
    """Complaints received in the period (every case, sensitive ones included: only counts
    leave this module)."""
    return ComplaintCase.objects.filter(
        received_at__date__gte=period.start, received_at__date__lte=period.end
    )


def _resolution_bucket():
    whens = [When(closed_at__isnull=True, then=Value("z"))]
    whens += [
        When(closed_at__lte=F("received_at") + datetime.timedelta(days=days), then=Value(code))
        for code, days, _label in RESOLUTION_BUCKETS
    ]
    return CaseWhen(*whens, default=Value("e"), output_field=CharField())


COMPLAINT_PATHS: dict[str, Any] = {
    ComplaintDimension.CATEGORY: "category__name",
    ComplaintDimension.COUNTRY: "destination_country__name",
    ComplaintDimension.REGION: "worker_region__name",
    ComplaintDimension.STATUS: "status",
    ComplaintDimension.CHANNEL: "channel",
    ComplaintDimension.PROCEDURAL: "procedural",
    ComplaintDimension.OUTCOME: "resolution_outcome",
}


def complaint_label(dimension: str, value: Any) -> str:
    if dimension == ComplaintDimension.PROCEDURAL:
        return {True: _("Prosedural"), False: _("Nonprosedural")}.get(value, _("Tidak diketahui"))
    if dimension == ComplaintDimension.RESOLUTION_DAYS:
        return str(RESOLUTION_LABELS.get(value, value))
    if value is None or value == "":
        if dimension == ComplaintDimension.OUTCOME:
            return _("Belum/tidak diselesaikan")
        return _("Tidak diisi")
    if dimension == ComplaintDimension.MONTH:
        return month_label(value)
    if dimension == ComplaintDimension.STATUS:
        return str(dict(CaseStatus.choices).get(value, value))
    if dimension == ComplaintDimension.CHANNEL:
        return str(dict(CaseChannel.choices).get(value, value))
    if dimension == ComplaintDimension.OUTCOME:
        return str(dict(ResolutionOutcome.choices).get(value, value))
    return str(value)


def _days(value) -> float | None:
    """An average duration in days, one decimal (backends return a timedelta or
    microseconds)."""
    if value is None:
        return None
    if isinstance(value, int | float):
        value = datetime.timedelta(microseconds=value)
    return round(value.total_seconds() / 86400, 1)


def _resolution_time():
    return ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())


def complaint_report(*, period: Period, group_by: Sequence[str]) -> Table:
    """Complaints received in the period grouped by any of the complaint dimensions: how many,
    how many are finished, and the average days from receipt to resolution or closure."""
    order = [d.value for d in ComplaintDimension]
    group_by = [d for d in order if d in group_by]
    fields: dict[str, Any] = {}
    for dimension in group_by:
        alias = "g_" + dimension
        if dimension == ComplaintDimension.MONTH:
            fields[alias] = TruncMonth("received_at")
        elif dimension == ComplaintDimension.RESOLUTION_DAYS:
            fields[alias] = _resolution_bucket()
        else:
            fields[alias] = F(COMPLAINT_PATHS[dimension])
    finished = Q(closed_at__isnull=False)
    aggregates = {
        "n": Count("pk"),
        "finished": Count("pk", filter=finished),
        "days": Avg(_resolution_time(), filter=finished),
    }
    queryset = complaint_cases(period=period)
    if group_by:
        rows = list(queryset.values(**fields).annotate(**aggregates).order_by())
        rows.sort(key=lambda r: tuple(_sort_key(d, r["g_" + d]) for d in group_by))
    else:
        rows = [queryset.aggregate(**aggregates)]
    totals = queryset.aggregate(**aggregates)
    label = Labeller(complaint_label)
    table_rows = [
        [label(d, r["g_" + d]) for d in group_by] + [r["n"], r["finished"], _days(r["days"])]
        for r in rows
        if r["n"] or not group_by
    ]
    columns = [str(ComplaintDimension(d).label) for d in group_by] + [
        _("Pengaduan"),
        _("Selesai/ditutup"),
        _("Rata-rata hari sampai selesai"),
    ]
    footer = None
    if group_by:
        footer = (
            [_("Jumlah")]
            + [""] * (len(group_by) - 1)
            + [totals["n"], totals["finished"], _days(totals["days"])]
        )
    return Table(
        title=_("Pengaduan yang diterima %(period)s") % {"period": period.label},
        columns=columns,
        rows=table_rows,
        footer=footer,
        chart_column=len(group_by) if len(group_by) == 1 else None,
    )


def complaint_monthly_tables(*, year: int, month: int) -> list[Table]:
    """Pengaduan, the second part of the ministry's monthly report: the month against the
    same month last year, and by destination country, kab/kota, category and procedure."""
    month_title = f"{month_name(month)} {year}"
    two_years = complaint_cases(
        period=Period(datetime.date(year - 1, 1, 1), datetime.date(year, 12, 31), "")
    ).filter(received_at__month__lte=month)
    counts = {
        r["year"]: r
        for r in two_years.values(year=ExtractYear("received_at"))
        .annotate(
            month_n=Count("pk", filter=Q(received_at__month=month)),
            n=Count("pk"),
            finished=Count("pk", filter=Q(received_at__month=month, closed_at__isnull=False)),
        )
        .order_by()
    }

    def get(y, key):
        return counts.get(y, {}).get(key, 0)

    tables = [
        Table(
            title=_("Pengaduan bulan %(month)s dibanding bulan yang sama tahun lalu")
            % {"month": month_name(month)},
            columns=[
                _("Tahun"),
                _("Pengaduan bulan ini"),
                _("Selesai/ditutup"),
                _("Januari s.d. bulan ini"),
            ],
            rows=[
                [str(y), get(y, "month_n"), get(y, "finished"), get(y, "n")]
                for y in (year - 1, year)
            ],
            footer=[
                _("Perubahan (%)"),
                _change(get(year, "month_n"), get(year - 1, "month_n")),
                "",
                _change(get(year, "n"), get(year - 1, "n")),
            ],
            chart_column=1,
        )
    ]
    this_year = two_years.filter(received_at__year=year)
    for title, dimension in [
        (_("Pengaduan menurut negara penempatan"), ComplaintDimension.COUNTRY),
        (_("Pengaduan menurut kabupaten/kota asal pekerja"), ComplaintDimension.REGION),
        (_("Pengaduan menurut kategori"), ComplaintDimension.CATEGORY),
        (_("Pengaduan menurut prosedur keberangkatan"), ComplaintDimension.PROCEDURAL),
    ]:
        rows = (
            this_year.values(key=F(COMPLAINT_PATHS[dimension]))
            .annotate(month_n=Count("pk", filter=Q(received_at__month=month)), n=Count("pk"))
            .order_by("-n", "-month_n", "key")
        )
        table_rows = [[complaint_label(dimension, r["key"]), r["month_n"], r["n"]] for r in rows]
        tables.append(
            Table(
                title=f"{title}, {month_title}",
                columns=[str(dimension.label), _("Bulan ini"), _("Januari s.d. bulan ini")],
                rows=table_rows,
                footer=[
                    _("Jumlah"),
                    sum(r[1] for r in table_rows),
                    sum(r[2] for r in table_rows),
                ],
                chart_column=2,
            )
        )
    return tables


def complaint_dashboard_figures(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return ComplaintCase.objects.open().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today))
    )
