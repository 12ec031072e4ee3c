"""Filters and search of the officers' registration list."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

from .choices import RegistrationStatus, Scheme
from .models import Registration
from .nik import nik_is_ascii_digits, nik_normalise

OUTSIDE_SULTRA = "luar"

FLAG_CHOICES = [
    ("duplicate", _("NIK ganda")),
    ("moratorium", _("Negara moratorium")),
    ("no_nik", _("Tanpa NIK")),
]
FLAG_FIELDS = {
    "duplicate": "flag_duplicate_nik",
    "moratorium": "flag_moratorium",
    "no_nik": "flag_no_nik",
}

SORT_CHOICES = [
    ("-submitted_at", _("Diajukan (terbaru)")),
    ("submitted_at", _("Diajukan (terlama)")),
    ("number", _("Nomor pendaftaran")),
    ("applicant__full_name", _("Nama")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        help_text=_("Nama, nomor pendaftaran, atau NIK lengkap (16 angka)."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RegistrationStatus.choices, empty_label=_("Semua (tanpa draf)")
    )
    region = django_filters.ChoiceFilter(
        label=_("Kabupaten/kota"), method="filter_region", empty_label=_("Semua")
    )
    scheme = django_filters.ChoiceFilter(
        label=_("Skema"), choices=Scheme.choices, empty_label=_("Semua")
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Negara tujuan"),
        field_name="destination_country",
        queryset=Country.objects.all(),
        empty_label=_("Semua"),
    )
    p3mi = django_filters.ModelChoiceFilter(
        label=_("P3MI"),
        queryset=Stakeholder.objects.filter(kind=StakeholderKind.P3MI),
        empty_label=_("Semua"),
    )
    submitted_from = django_filters.DateFilter(
        label=_("Diajukan sejak"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    submitted_to = django_filters.DateFilter(
        label=_("Diajukan sampai"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DateInput,
    )
    flag = django_filters.ChoiceFilter(
        label=_("Tanda"), choices=FLAG_CHOICES, method="filter_flag", empty_label=_("Semua")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    class Meta:
        model = Registration
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = [
            *[(str(r.pk), r.name) for r in Region.objects.filter(province_code="74")],
            (OUTSIDE_SULTRA, _("Di luar Sulawesi Tenggara")),
        ]
        # Plain Bootstrap classes: the list is rendered without crispy, it is the page
        # officers open most.
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    @property
    def qs(self):
        qs = super().qs
        chosen = getattr(self.form, "cleaned_data", {})
        # A search by a full NIK shows drafts too: a draft may hold the NIK of someone who
        # is at the desk, and the officer must find it to release it.
        if not chosen.get("status") and not self._searches_nik(chosen.get("q") or ""):
            qs = qs.exclude(status=RegistrationStatus.DRAFT)
        if not chosen.get("sort"):
            qs = qs.order_by("-submitted_at", "-id")
        return qs

    @staticmethod
    def _searches_nik(value: str) -> bool:
        return nik_is_ascii_digits(nik_normalise(value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if self._searches_nik(value):
            return queryset.filter(applicant__nik=nik_normalise(value))
        if value.upper().startswith("REG-"):
            return queryset.filter(number=value.upper())
        return queryset.filter(applicant__full_name__icontains=value)

    def filter_region(self, queryset, name, value):
        if value == OUTSIDE_SULTRA:
            return queryset.filter(applicant__lives_outside_region=True)
        return queryset.filter(applicant__region_id=value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{FLAG_FIELDS[value]: True})

    def sort_by(self, queryset, name, value):
        return queryset.order_by(value, "-id")
