from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bp3mi.bounds import date_validator
from bp3mi.phone import normalise_phone

from .choices import KIND_FIELDS, StakeholderKind
from .models import Licence, Sip2mi, Stakeholder

COMMON_FIELDS = [
    "kind",
    "name",
    "address",
    "region",
    "phone",
    "email",
    "website",
    "person_in_charge",
    "nib",
    "latitude",
    "longitude",
]


class DatabaseCheckMixin:
    """Without `check_against_database`, the model validation that would query the
    database once per form (unique and check constraints, foreign-key existence) is
    skipped: the importer does those checks for a whole file in a few queries, and the
    form's own `clean` checks the dates."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if not self.check_against_database:
            exclude |= self.database_checked_fields
        return exclude


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StakeholderForm(DatabaseCheckMixin, forms.ModelForm):
    # The importer checks NIB uniqueness for a whole file at once and turns this off.
    check_against_database = True
    database_checked_fields = {"nib", "region"}

    class Meta:
        model = Stakeholder
        fields = [*COMMON_FIELDS, *KIND_FIELDS]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "services": forms.Textarea(attrs={"rows": 2}),
            "vocations": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Data umum"), *COMMON_FIELDS),
            Fieldset(_("Khusus P3MI"), "office_type", "head_office"),
            Fieldset(_("Khusus LPK dan BLK/BPVP"), "vocations", "languages"),
            Fieldset(_("Khusus sarana kesehatan"), "services"),
            Fieldset(_("Khusus dinas tenaga kerja"), "office_level"),
        )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."),
            )
        if latitude is not None and not -90 <= latitude <= 90:
            self.add_error("latitude", _("Lintang harus antara -90 dan 90."))
        if longitude is not None and not -180 <= longitude <= 180:
            self.add_error("longitude", _("Bujur harus antara -180 dan 180."))
        if kind == StakeholderKind.LABOUR_OFFICE and not cleaned.get("office_level"):
            self.add_error("office_level", _("Pilih tingkat dinas (provinsi atau kabupaten/kota)."))
        if kind == StakeholderKind.P3MI and not cleaned.get("office_type"):
            self.add_error("office_type", _("Pilih kantor pusat atau kantor cabang."))
        if kind:
            for name in KIND_FIELDS:
                if not Stakeholder.may_fill(kind, name) and name in cleaned:
                    cleaned[name] = [] if name == "vocations" else ""
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned values a service writes (vocations apart, being many-to-many)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "vocations"}


# Plausible licence dates (bp3mi.bounds): issued within 50 years, expiring within 10 years
# back and 30 ahead.
ISSUED_YEARS = {"years_back": 50, "years_ahead": 1}
EXPIRES_YEARS = {"years_back": 10, "years_ahead": 30}


class LicenceForm(DatabaseCheckMixin, forms.ModelForm):
    # The importer matches licence numbers for a whole file at once and turns this off.
    check_against_database = True
    database_checked_fields = {"number", "issued_on", "expires_on"}

    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "expires_on", "status", "issuer", "note"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}
        help_texts = {
            "status": gettext_lazy(
                "Izin aktif yang tanggal berlakunya sudah lewat otomatis tercatat kedaluwarsa."
            )
        }

    def __init__(self, *args, stakeholder: Stakeholder, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholder = stakeholder
        self.fields["kind"].choices = [(k.value, k.label) for k in stakeholder.licence_kinds]
        self.fields["issued_on"].validators.append(date_validator(**ISSUED_YEARS))
        self.fields["expires_on"].validators.append(date_validator(**EXPIRES_YEARS))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        number, kind = cleaned.get("number"), cleaned.get("kind")
        if number and kind and self.check_against_database:
            clash = Licence.objects.filter(kind=kind, number__iexact=number.strip())
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("number", _("Nomor izin ini sudah tercatat untuk pemegang lain."))
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("Tanggal berlaku tidak boleh sebelum tanggal terbit."))
        if issued and issued > timezone.localdate():
            self.add_error("issued_on", _("Tanggal terbit tidak boleh di masa depan."))
        return cleaned


class Sip2miForm(forms.ModelForm):
    class Meta:
        model = Sip2mi
        fields = ["country", "number", "quota", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, stakeholder: Stakeholder, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholder = stakeholder
        self.fields["valid_from"].validators.append(date_validator(**ISSUED_YEARS))
        self.fields["valid_until"].validators.append(date_validator(**EXPIRES_YEARS))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Tanggal akhir tidak boleh sebelum tanggal mulai."))
        if not self.stakeholder.holds_sip2mi:
            raise ValidationError(_("SIP2MI hanya untuk P3MI."), code="sip2mi_not_for_kind")
        return cleaned


class CheckForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Nama perusahaan atau nomor izin SIP3MI"),
        min_length=3,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
        error_messages={
            "required": gettext_lazy("Tulis nama perusahaan atau nomor izinnya."),
            "min_length": gettext_lazy("Tulis paling sedikit 3 huruf."),
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas CSV atau XLSX"),
        help_text=gettext_lazy(
            "Paling besar 20 MB atau 50.000 baris. Baris pertama berisi nama kolom."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
