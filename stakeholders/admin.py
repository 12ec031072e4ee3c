from django.contrib import admin

from .models import Licence, Sip2mi, Stakeholder, Vocation


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0


class Sip2miInline(admin.TabularInline):
    model = Sip2mi
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "office_type", "is_active"]
    list_filter = ["kind", "is_active", "region"]
    search_fields = ["name", "nib", "licences__number"]
    list_select_related = ["region"]
    filter_horizontal = ["vocations"]
    inlines = [LicenceInline, Sip2miInline]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "stakeholder", "issued_on", "expires_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "stakeholder__name"]
    list_select_related = ["stakeholder"]
    autocomplete_fields = ["stakeholder"]


@admin.register(Vocation)
class VocationAdmin(admin.ModelAdmin):
    search_fields = ["name"]
