"""Filters and search of the officers' registration list."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from bp3mi.widgets import LongSelect
from stakeholders.company_filter import P3miFilter

from .choices import RegistrationStatus, Scheme
from .models import Applicant, Registration
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


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateInput(forms.DateInput):
    input_type = "date"


# Up to this many people with a searched name, the list sorts them after finding them.
FEW_NAME_MATCHES = 5_000


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        help_text=_("Nama, nomor pendaftaran, atau NIK lengkap (16 angka)."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=RegistrationStatus.choices,
        empty_label=_("Semua (tanpa draf)"),
        widget=LongSelect,
    )
    region = django_filters.ChoiceFilter(
        label=_("Kabupaten/kota"), method="filter_region", empty_label=_("Semua"), widget=LongSelect
    )
    scheme = django_filters.ChoiceFilter(
        label=_("Skema"), choices=Scheme.choices, empty_label=_("Semua"), widget=LongSelect
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Negara tujuan"),
        field_name="destination_country",
        queryset=Country.objects.all(),
        empty_label=_("Semua"),
        widget=LongSelect,
    )
    # Named by typing (a datalist of matches), not chosen from a <select> of every company.
    p3mi = P3miFilter(field_name="p3mi_id")
    # A range of instants rather than submitted_at::date, so the index on submitted_at serves.
    submitted_from = django_filters.DateFilter(
        label=_("Diajukan sejak"), method="filter_submitted_from", widget=DateInput
    )
    submitted_to = django_filters.DateFilter(
        label=_("Diajukan sampai"), method="filter_submitted_to", widget=DateInput
    )
    flag = django_filters.ChoiceFilter(
        label=_("Tanda"),
        choices=FLAG_CHOICES,
        method="filter_flag",
        empty_label=_("Semua"),
        widget=LongSelect,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan"),
        choices=SORT_CHOICES,
        method="sort_by",
        empty_label=None,
        widget=LongSelect,
    )

    class Meta:
        model = Registration
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.few_match = False
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
    def sort_key(self) -> str:
        """The list's sort key (a SORT_CHOICES value); ties are broken by id."""
        chosen = getattr(self.form, "cleaned_data", {})
        return chosen.get("sort") or "-submitted_at"

    @property
    def includes_unsubmitted(self) -> bool:
        chosen = getattr(self.form, "cleaned_data", {})
        return bool(chosen.get("status")) or self._searches_nik(chosen.get("q") or "")

    @property
    def sort_key_may_be_empty(self) -> bool:
        """Whether some rows of this list may have no value for the sort key: only drafts and
        drafts withdrawn before submission have no number (the registration_number_once_
        submitted constraint) and no submission time. The paginator then
        skips its search for such rows where there can be none."""
        status = getattr(self.form, "cleaned_data", {}).get("status")
        if not status and self.includes_unsubmitted:
            return True  # a full NIK: a handful of rows, drafts among them
        key = self.sort_key.lstrip("-")
        if key == "number":
            return status in {RegistrationStatus.DRAFT, RegistrationStatus.WITHDRAWN}
        if key == "submitted_at":
            return status in {RegistrationStatus.DRAFT, RegistrationStatus.WITHDRAWN}
        return False

    @property
    def qs(self):
        qs = super().qs
        if not self.includes_unsubmitted:
            # Submitted registrations (each has a submission time and a number); drafts, and
            # drafts withdrawn before submission, only when their status is chosen or a full
            # NIK is searched (a draft may hold the NIK of someone at the desk, and the
            # officer must find it to release it).
            qs = qs.filter(submitted_at__isnull=False)
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
        # Whether few people hold this name (one query on the name's trigram index, stopping
        # at FEW_NAME_MATCHES + 1): the list then finds them first and sorts them (see
        # bp3mi.pagination.KeysetPaginator); a common name is met soon enough by walking the
        # sort order.
        holders = Applicant.objects.filter(full_name__icontains=value).order_by().values("pk")
        self.few_match = holders[: FEW_NAME_MATCHES + 1].count() <= FEW_NAME_MATCHES
        return queryset.filter(applicant__full_name__icontains=value)

    def filter_region(self, queryset, name, value):
        if value == OUTSIDE_SULTRA:
            return queryset.filter(applicant__lives_outside_region=True)
        return queryset.filter(applicant__region_id=value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{FLAG_FIELDS[value]: True})

    def sort_by(self, queryset, name, value):
        # The order itself is the paginator's (sort_key, then id): see the list view.
        return queryset

    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=start_of_day(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=start_of_day(value + datetime.timedelta(days=1)))
