from django.contrib import admin

from bp3mi.admin import ReadOnlyAdminMixin

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


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    search_fields = ["number", "applicant__full_name", "=applicant__nik"]
    list_select_related = ["applicant", "destination_country", "p3mi"]
    raw_id_fields = ["applicant", "p3mi", "training_centre", "clinic"]
    date_hierarchy = "submitted_at"
    inlines = [StatusChangeInline, MilestoneInline, DuplicateNikAttemptInline]


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "sex", "birth_date", "region"]
    list_filter = ["sex", "region"]
    search_fields = ["full_name", "=nik"]
    list_select_related = ["region"]
    raw_id_fields = ["user"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "is_household", "fee_exempt"]
    list_filter = ["sector", "is_household", "fee_exempt"]
    search_fields = ["name"]
