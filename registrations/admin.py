from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bp3mi.admin import ReadOnlyAdminMixin
from bp3mi.pagination import bounded_count

from .models import (
    Applicant,
    DuplicateNikAttempt,
    Milestone,
    Occupation,
    Registration,
    StatusChange,
)


class MilestoneInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    raw_id_fields = ["recorded_by"]


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChange
    extra = 0
    raw_id_fields = ["changed_by"]


class DuplicateNikAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DuplicateNikAttempt
    extra = 0
    raw_id_fields = ["attempted_by"]
    readonly_fields = ["attempted_by", "attempted_at"]


class BoundedCountPaginator(Paginator):
    """The admin's paginator over a large table: counts at most COUNT_LIMIT (1,000) rows (an exact
    count of a million rows costs more than the page), so the page links reach the first
    COUNT_LIMIT matches; a search or a filter narrows the rest."""

    @cached_property
    def count(self):
        return bounded_count(self.object_list)[0]


class FastSearchMixin:
    """The admin's search as the officers' list does it, so each lookup uses an index: a
    16-digit NIK is an exact match on the NIK index, a registration number an exact match on
    its unique index, anything else a part of the name (trigram index on PostgreSQL)."""

    nik_lookup = "applicant__nik"
    number_lookup = "number"
    name_lookup = "applicant__full_name__icontains"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        compact = term.replace(" ", "")
        if compact.isdigit() and len(compact) == 16:
            return queryset.filter(**{self.nik_lookup: compact}), False
        if self.number_lookup and term.upper().startswith("REG-"):
            return queryset.filter(**{self.number_lookup: term.upper()}), False
        return queryset.filter(**{self.name_lookup: term}), False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, FastSearchMixin, admin.ModelAdmin):
    """Read-only with its history: status, number and flags change only through the
    services, which keep the rules and write the audit trail."""

    list_display = [
        "number",
        "applicant",
        "status",
        "scheme",
        "destination_country",
        "p3mi",
        "submitted_at",
    ]
    list_filter = ["status", "scheme", "flag_duplicate_nik", "flag_moratorium", "flag_no_nik"]
    # Searched by get_search_results (FastSearchMixin); the names show the search box.
    search_fields = ["number", "applicant__full_name", "applicant__nik"]
    search_help_text = _("Nama, nomor pendaftaran, atau NIK lengkap (16 angka).")
    list_select_related = ["applicant", "destination_country", "p3mi"]
    raw_id_fields = ["applicant", "p3mi", "training_centre", "clinic"]
    # The officers' list order and page size, served by the (submitted_at, id) index; no
    # date_hierarchy (its year/month links scan the whole table) and no full count.
    ordering = ["-submitted_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    paginator = BoundedCountPaginator
    inlines = [StatusChangeInline, MilestoneInline, DuplicateNikAttemptInline]


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdminMixin, FastSearchMixin, admin.ModelAdmin):
    list_display = ["full_name", "sex", "birth_date", "region"]
    list_filter = ["sex", "region"]
    search_fields = ["full_name", "nik"]
    search_help_text = _("Nama atau NIK lengkap (16 angka).")
    nik_lookup = "nik"
    number_lookup = None
    name_lookup = "full_name__icontains"
    list_select_related = ["region"]
    ordering = ["full_name", "id"]
    list_per_page = 50
    show_full_result_count = False
    paginator = BoundedCountPaginator
    raw_id_fields = ["user"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "is_household", "fee_exempt"]
    list_filter = ["sector", "is_household", "fee_exempt"]
    search_fields = ["name"]
