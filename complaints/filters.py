"""Filters and search of the officers' case list."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, User
from registrations.nik import nik_is_ascii_digits, nik_normalise
from stakeholders.company_filter import P3miFilter

from .choices import FINISHED_STATUSES, CaseChannel, CaseStatus
from .models import Case, ComplaintCategory

OPEN = "open"
MINE = "me"
UNASSIGNED = "none"
YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]
SORT_CHOICES = [
    ("-received_at", _("Diterima (terbaru)")),
    ("received_at", _("Diterima (terlama)")),
    ("due_date", _("Batas waktu terdekat")),
]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        help_text=_("Nomor pengaduan, nomor LAPOR!, nama pekerja atau pengadu, NIK atau paspor."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Semua yang masih berjalan")), *CaseStatus.choices],
        method="filter_status",
        empty_label=_("Semua"),
    )
    # Choice filters fed from lists fetched once (see `filter_choices`), so a filter costs no
    # query to validate and none to render.
    category = django_filters.ChoiceFilter(
        label=_("Kategori"), field_name="category_id", empty_label=_("Semua")
    )
    country = django_filters.ChoiceFilter(
        label=_("Negara penempatan"), field_name="destination_country_id", empty_label=_("Semua")
    )
    p3mi = P3miFilter(field_name="p3mi_id")
    assignee = django_filters.ChoiceFilter(
        label=_("Petugas"), method="filter_assignee", empty_label=_("Semua")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Saluran"), choices=CaseChannel.choices, empty_label=_("Semua")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Terlambat"), choices=YES_NO, method="filter_overdue", empty_label=_("Semua")
    )
    sensitive = django_filters.ChoiceFilter(
        label=_("Sensitif"), choices=YES_NO, method="filter_sensitive", empty_label=_("Semua")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = filter_choices()
        for name in ("category", "country"):
            self.filters[name].extra["choices"] = choices[name]
        self.filters["assignee"].extra["choices"] = [
            (MINE, _("Saya sendiri")),
            (UNASSIGNED, _("Belum ditugaskan")),
            *choices["assignee"],
        ]
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    @property
    def sort_key(self) -> str:
        """The list's sort key (a SORT_CHOICES value); ties are broken by id in the same
        direction (the list's seek pagination, `bp3mi.pagination`)."""
        return getattr(self.form, "cleaned_data", {}).get("sort") or "-received_at"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        compact = nik_normalise(value)
        if nik_is_ascii_digits(compact):
            return queryset.filter(worker_nik=compact)
        if value.upper().startswith("ADU-"):
            return queryset.filter(number=value.upper())
        if any(ch.isdigit() for ch in value):
            # Names hold no digits: a passport or LAPOR! number, matched whole.
            return queryset.filter(
                Q(worker_passport=compact.upper()) | Q(lapor_number__iexact=value)
            )
        # On PostgreSQL both run on trigram indexes (complaints/migrations/0002).
        return queryset.filter(
            Q(worker_name__icontains=value) | Q(complainant_name__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(status__in=FINISHED_STATUSES)
        return queryset.filter(status=value)

    def filter_assignee(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(assignee=self.user)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def filter_overdue(self, queryset, name, value):
        late = Q(due_date__lt=timezone.localdate()) & ~Q(status__in=FINISHED_STATUSES)
        return queryset.filter(late) if value == "1" else queryset.exclude(late)

    def filter_sensitive(self, queryset, name, value):
        return queryset.filter(sensitive=value == "1")

    def sort_by(self, queryset, name, value):
        # The order itself is the paginator's (sort_key, then id): see the list view.
        return queryset


def officer_queryset():
    """Active users who may handle cases: who a case can be assigned to."""
    held = Q(
        groups__permissions__codename="change_case",
        groups__permissions__content_type__app_label="complaints",
    ) | Q(
        user_permissions__codename="change_case",
        user_permissions__content_type__app_label="complaints",
    )
    return User.objects.filter(
        pk__in=User.objects.filter(held, is_active=True).values("pk")
    ).order_by("full_name")


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of the list's filters: one query each."""
    return {
        "category": [
            (str(pk), name) for pk, name in ComplaintCategory.objects.values_list("pk", "name")
        ],
        "country": [(str(pk), name) for pk, name in Country.objects.values_list("pk", "name")],
        "assignee": [
            (str(pk), full_name or email)
            for pk, full_name, email in officer_queryset().values_list("pk", "full_name", "email")
        ],
    }
