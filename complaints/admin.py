"""Admin: the reference data (categories, service classes, step deadlines) is edited here;
cases are read-only, since every change to a case goes through the services."""

from django.contrib import admin

from .models import Case, CaseEvent, ComplaintCategory, ServiceClass, StepDeadline


@admin.register(ServiceClass)
class ServiceClassAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "working_days"]


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sensitive", "service_class", "ordering", "is_active"]
    list_filter = ["sensitive", "is_active"]
    list_editable = ["ordering"]


@admin.register(StepDeadline)
class StepDeadlineAdmin(admin.ModelAdmin):
    list_display = ["status", "working_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["created_at", "kind", "to_status", "author", "is_public", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "worker_name",
        "category",
        "destination_country",
        "p3mi",
        "channel",
        "status",
        "assignee",
        "due_date",
    ]
    list_filter = [
        "status",
        "category",
        "destination_country",
        "p3mi",
        "assignee",
        "channel",
        "sensitive",
    ]
    search_fields = ["number", "worker_name", "complainant_name", "worker_nik", "lapor_number"]
    list_select_related = ["category", "destination_country", "p3mi", "assignee"]
    list_per_page = 50
    ordering = ["-received_at", "-id"]
    exclude = ["tracking_code_hash", "intake_key"]
    inlines = [CaseEventInline]
