from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from .choices import ComplaintDimension, Dimension, ExportFormat, PeriodKind, ReportKind
from .services import ROW_KINDS
from .tables import period_custom, period_month, period_quarter, period_year

MONTH_CHOICES = sorted(MONTHS.items())
QUARTERS = [(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
EARLIEST_YEAR = 2007  # BNP2TKI's placement data start here
LONGEST_RANGE_DAYS = 366 * 10


class ReportRequestForm(forms.Form):
    """What a staff member asks for: which report, which period, grouped how, in which
    format. `cleaned_data["params"]` is what the export job needs, as plain values."""

    kind = forms.ChoiceField(
        label=_("Laporan"),
        choices=ReportKind.choices,
        initial=ReportKind.MONTHLY,
        widget=forms.RadioSelect,
    )
    export_format = forms.ChoiceField(
        label=_("Format"),
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
    )
    period_kind = forms.ChoiceField(
        label=_("Periode"),
        choices=PeriodKind.choices,
        initial=PeriodKind.MONTH,
        widget=forms.RadioSelect,
        help_text=_("Tabel bulanan selalu memakai bulan dan tahun yang dipilih."),
    )
    year = forms.IntegerField(label=_("Tahun"), min_value=EARLIEST_YEAR, max_value=2100)
    month = forms.TypedChoiceField(label=_("Bulan"), choices=MONTH_CHOICES, coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Triwulan"), choices=QUARTERS, coerce=int, required=False, initial=1
    )
    start = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    group_by = forms.MultipleChoiceField(
        label=_("Kelompokkan menurut"),
        choices=Dimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untuk laporan penempatan dan proses. Boleh lebih dari satu."),
    )
    complaint_group_by = forms.MultipleChoiceField(
        label=_("Kelompokkan pengaduan menurut"),
        choices=ComplaintDimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untuk laporan pengaduan. Boleh lebih dari satu."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind, export_format = data["kind"], data["export_format"]
        if kind in ROW_KINDS and export_format == ExportFormat.PDF:
            raise ValidationError(
                _("Data rinci hanya tersedia sebagai CSV atau XLSX, bukan PDF."), code="format"
            )
        if kind == ReportKind.MONTHLY:
            data["params"] = {"year": data["year"], "month": data["month"]}
            return data
        period_kind = data["period_kind"]
        if period_kind == PeriodKind.MONTH:
            period = period_month(data["year"], data["month"])
        elif period_kind == PeriodKind.QUARTER:
            if not data.get("quarter"):
                raise ValidationError(_("Pilih triwulan."), code="quarter")
            period = period_quarter(data["year"], data["quarter"])
        elif period_kind == PeriodKind.YEAR:
            period = period_year(data["year"])
        else:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise ValidationError(
                    _("Isi tanggal awal dan tanggal akhir rentang."), code="range_missing"
                )
            if start > end:
                raise ValidationError(
                    _("Tanggal awal harus sebelum atau sama dengan tanggal akhir."),
                    code="range_order",
                )
            if (end - start).days > LONGEST_RANGE_DAYS:
                raise ValidationError(_("Rentang paling lama 10 tahun."), code="range_long")
            if start < datetime.date(EARLIEST_YEAR, 1, 1):
                raise ValidationError(
                    _("Tanggal awal paling awal 1 Januari %(year)s.") % {"year": EARLIEST_YEAR},
                    code="range_early",
                )
            period = period_custom(start, end)
        params = period.as_params()
        if kind == ReportKind.COMPLAINTS:
            chosen = data["complaint_group_by"]
            params["group_by"] = [d.value for d in ComplaintDimension if d.value in chosen]
        elif kind not in ROW_KINDS:
            params["group_by"] = [d.value for d in Dimension if d.value in data["group_by"]]
        data["params"] = params
        return data
