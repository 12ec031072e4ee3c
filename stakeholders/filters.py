import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from bp3mi.widgets import LongSelect

from .choices import LicenceStatus, StakeholderKind
from .models import Sip2mi, Vocation
from .selectors import stakeholder_filter_country, stakeholder_filter_licence_status


class StakeholderFilter(django_filters.FilterSet):
    """The public directory's search: name, kind, kab/kota, licence status on today's date,
    destination country (a SIP2MI valid today) and vocation. Works as a plain GET form."""

    q = django_filters.CharFilter(
        label=_("Cari nama"),
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Jenis"),
        choices=StakeholderKind.choices,
        empty_label=_("Semua jenis"),
        widget=LongSelect,
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Kabupaten/kota"),
        queryset=Region.objects.all(),
        empty_label=_("Semua wilayah"),
        widget=LongSelect,
    )
    licence_status = django_filters.ChoiceFilter(
        label=_("Status izin"),
        choices=LicenceStatus.choices,
        method="filter_licence_status",
        empty_label=_("Semua status"),
        widget=LongSelect,
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Negara tujuan (SIP2MI)"),
        queryset=Country.objects.filter(pk__in=Sip2mi.objects.values("country")),
        method="filter_country",
        empty_label=_("Semua negara"),
        widget=LongSelect,
    )
    vocation = django_filters.ModelChoiceFilter(
        label=_("Kejuruan"),
        queryset=Vocation.objects.all(),
        field_name="vocations",
        empty_label=_("Semua kejuruan"),
        widget=LongSelect,
    )

    def filter_name(self, queryset, name, value):
        value = " ".join(value.split())
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_licence_status(self, queryset, name, value):
        return stakeholder_filter_licence_status(queryset, value)

    def filter_country(self, queryset, name, value):
        return stakeholder_filter_country(queryset, value)


class StaffStakeholderFilter(StakeholderFilter):
    """The staff list adds whether a stakeholder is active in the directory."""

    is_active = django_filters.ChoiceFilter(
        label=_("Status di direktori"),
        choices=[("1", _("Aktif")), ("0", _("Nonaktif"))],
        method="filter_active",
        empty_label=_("Semua"),
    )

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")
