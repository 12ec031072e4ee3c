from django.contrib import admin

from bp3mi.admin import ReadOnlyAdminMixin

from .models import Document, DocumentRequirement, DocumentType, Letter


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "max_bytes", "has_expiry", "position", "is_active"]
    list_editable = ["position", "is_active"]
    inlines = [DocumentRequirementInline]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: documents and their reviews change only through the portal's services."""

    list_display = ["registration", "document_type", "version", "status", "uploaded_at"]
    list_filter = ["status", "document_type"]
    search_fields = ["registration__number"]
    raw_id_fields = ["registration", "uploaded_by", "reviewed_by"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: letters are signed, rendered and revoked only through the services."""

    list_display = ["number", "registration", "status", "signed_by", "signed_at", "revoked_at"]
    list_filter = ["status", "year"]
    search_fields = ["number", "registration__number"]
