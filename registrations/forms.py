"""The pages of the CPMI registration form, and the officers' small action forms.

Each step form checks its own fields; rules that need the whole registration (age on the day
of submission, the P3MI's licences on that day) are checked again by `registration_submit`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.bounds import date_validator, strip_bidi_controls
from bp3mi.forms import name_empty_choices
from bp3mi.models import Country, Region
from bp3mi.phone import normalise_phone
from bp3mi.widgets import LongSelect
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

from .choices import (
    BIRTH_DATE_YEARS,
    MILESTONE_DATE_YEARS,
    MilestoneKind,
    RegistrationStatus,
    Scheme,
)
from .models import Applicant, Occupation, Registration
from .nik import nik_clean, nik_identity_errors, nik_normalise
from .selectors import p3mi_placement_problem
from .services import manual_transitions, moratorium_applies


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IdentityForm(forms.ModelForm):
    """Step 1: who the person is, exactly as on their KTP."""

    # Longer than 16 so that a NIK typed with spaces reaches clean_nik, which strips them.
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("16 angka pada KTP Anda."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Applicant
        fields = ["nik", "full_name", "sex", "birthplace", "birth_date", "marital_status"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "sex": forms.RadioSelect,
            "birth_date": DateInput(attrs={"autocomplete": "bday"}),
            "marital_status": LongSelect,
        }
        help_texts = {
            "full_name": _("Tulis persis seperti pada KTP."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
        self.fields["sex"].choices = self.fields["sex"].choices[1:]
        self.fields["birth_date"].validators.append(date_validator(**BIRTH_DATE_YEARS))
        name_empty_choices(self)

    def clean_nik(self):
        return nik_clean(self.cleaned_data["nik"])

    def clean_full_name(self):
        return strip_bidi_controls(self.cleaned_data["full_name"]).strip()

    def clean_birthplace(self):
        return strip_bidi_controls(self.cleaned_data["birthplace"]).strip()

    def clean(self):
        data = super().clean()
        nik, birth_date, sex = data.get("nik"), data.get("birth_date"), data.get("sex")
        today = timezone.localdate()
        errors = nik_identity_errors(nik=nik, birth_date=birth_date, sex=sex, today=today)
        for field, error in errors.items():
            self.add_error(field, error)
        return data


OUTSIDE_SULTRA = "luar"


class AddressForm(forms.ModelForm):
    """Step 2: where the person lives, how to reach them, and a family contact."""

    residence = forms.ChoiceField(label=_("Kabupaten/kota tempat tinggal"), widget=LongSelect)

    class Meta:
        model = Applicant
        fields = [
            "address",
            "kecamatan",
            "village",
            "phone",
            "email",
            "family_name",
            "family_relation",
            "family_phone",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "family_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "family_relation": LongSelect,
        }
        help_texts = {
            "address": _("Jalan, nomor rumah, RT/RW."),
            "phone": _("Contoh: 0812 3456 7890. Disimpan dalam bentuk +62."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].choices = [
            ("", _("Pilih kabupaten/kota")),
            *[(str(r.pk), r.name) for r in Region.objects.filter(province_code="74")],
            (OUTSIDE_SULTRA, _("Di luar Sulawesi Tenggara")),
        ]
        applicant = self.instance
        if applicant.pk:
            if applicant.lives_outside_region:
                self.initial["residence"] = OUTSIDE_SULTRA
            elif applicant.region_id:
                self.initial["residence"] = str(applicant.region_id)
        self.order_fields(["address", "residence"])
        for name in self.Meta.fields:
            self.fields[name].required = name != "email"
        name_empty_choices(self)

    def clean_family_name(self):
        return strip_bidi_controls(self.cleaned_data["family_name"]).strip()

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_family_phone(self):
        return normalise_phone(self.cleaned_data["family_phone"])

    def clean_residence(self):
        value = self.cleaned_data["residence"]
        if value == OUTSIDE_SULTRA:
            return None
        return Region.objects.get(pk=value)

    def applicant_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["region"] = self.cleaned_data["residence"]
        data["lives_outside_region"] = self.cleaned_data["residence"] is None
        return data


class EducationForm(forms.ModelForm):
    """Step 3: schooling and work experience."""

    class Meta:
        model = Applicant
        fields = ["education", "experience"]
        widgets = {"experience": forms.Textarea(attrs={"rows": 3}), "education": LongSelect}
        help_texts = {
            "experience": _("Pekerjaan sebelumnya, lama bekerja, dan keahlian. Boleh kosong.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education"].required = True
        name_empty_choices(self)


class DestinationForm(forms.ModelForm):
    """Step 4: where and how the person wants to work. A P to P placement needs a P3MI
    licensed today for that country; household work in a moratorium country is allowed
    through but flagged for the officers."""

    class Meta:
        model = Registration
        fields = [
            "scheme",
            "destination_country",
            "occupation",
            "employer_type",
            "p3mi",
            "training_centre",
            "clinic",
        ]
        widgets = {
            "scheme": forms.RadioSelect,
            "employer_type": forms.RadioSelect,
            "destination_country": LongSelect,
            "occupation": LongSelect,
            "p3mi": LongSelect,
            "training_centre": LongSelect,
            "clinic": LongSelect,
        }
        help_texts = {
            "p3mi": _("Wajib untuk skema P to P: perusahaan yang merekrut Anda."),
            "training_centre": _("Bila sudah tahu tempat pelatihan Anda. Boleh kosong."),
            "clinic": _("Bila sudah tahu tempat pemeriksaan kesehatan. Boleh kosong."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["scheme", "destination_country", "occupation", "employer_type"]:
            self.fields[name].required = True
        self.fields["scheme"].choices = self.fields["scheme"].choices[1:]
        self.fields["employer_type"].choices = self.fields["employer_type"].choices[1:]
        self.fields["destination_country"].queryset = Country.objects.all()
        self.fields["occupation"].queryset = Occupation.objects.all()
        self.fields["occupation"].label_from_instance = lambda o: (
            f"{o.name} ({o.get_sector_display()})"
        )
        stakeholders = Stakeholder.objects.active()
        # Only companies that may recruit today (a valid SIP3MI): not expired, frozen or revoked.
        self.fields["p3mi"].queryset = stakeholders.filter(kind=StakeholderKind.P3MI).licensed_on(
            timezone.localdate()
        )
        self.fields["p3mi"].error_messages["invalid_choice"] = _(
            "Perusahaan ini tidak ada di daftar atau tidak memiliki SIP3MI yang berlaku hari "
            "ini. Pilih P3MI lain dari daftar atau tanyakan ke kantor BP3MI."
        )
        self.fields["training_centre"].queryset = stakeholders.filter(
            kind__in=[StakeholderKind.LPK, StakeholderKind.BLK]
        )
        self.fields["clinic"].queryset = stakeholders.filter(kind=StakeholderKind.CLINIC)
        name_empty_choices(self)

    def clean(self):
        data = super().clean()
        scheme, p3mi = data.get("scheme"), data.get("p3mi")
        if scheme == Scheme.P2P:
            if not p3mi:
                self.add_error("p3mi", _("Skema P to P memerlukan perusahaan penempatan (P3MI)."))
            else:
                problem = p3mi_placement_problem(
                    p3mi=p3mi, country=data.get("destination_country"), day=timezone.localdate()
                )
                if problem:
                    self.add_error("p3mi", problem)
        return data

    def moratorium_warning(self) -> bool:
        probe = Registration(
            destination_country=self.cleaned_data.get("destination_country"),
            occupation=self.cleaned_data.get("occupation"),
            employer_type=self.cleaned_data.get("employer_type") or "",
        )
        return moratorium_applies(probe)


STEP_FORMS = {
    "identitas": IdentityForm,
    "alamat": AddressForm,
    "pendidikan": EducationForm,
    "tujuan": DestinationForm,
}


class WalkInIdentityForm(IdentityForm):
    """The identity part of an officer's walk-in registration: as the CPMI's, except that
    the officer may record a person without a NIK ("Tanpa NIK"), with the reason. A NIK that
    is given must still be valid and agree with the birth date and sex."""

    no_nik = forms.BooleanField(
        label=_("Tanpa NIK"),
        required=False,
        help_text=_("Centang bila orang ini tidak memiliki NIK; pendaftaran akan ditandai."),
    )
    no_nik_reason = forms.CharField(
        label=_("Alasan tanpa NIK"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib bila Tanpa NIK dicentang, misalnya: PMI purna, KTP hilang."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].required = False
        self.fields["nik"].help_text = _("16 angka pada KTP. Kosongkan bila Tanpa NIK.")
        self.order_fields(["nik", "no_nik", "no_nik_reason"])

    def clean_nik(self):
        if not nik_normalise(self.cleaned_data["nik"]):
            return ""
        return super().clean_nik()

    def clean(self):
        data = super().clean()
        no_nik = data.get("no_nik")
        reason = (data.get("no_nik_reason") or "").strip()
        nik_given = "nik" not in data or data["nik"]  # an invalid NIK is already reported
        if no_nik:
            if nik_given:
                self.add_error(
                    "nik", _("Kosongkan NIK bila Tanpa NIK dicentang, atau hapus centangnya.")
                )
            if not reason:
                self.add_error("no_nik_reason", _("Tulis alasan pendaftaran tanpa NIK."))
        elif not nik_given:
            self.add_error(
                "nik", _("NIK wajib diisi. Bila orang ini tidak memiliki NIK, centang Tanpa NIK.")
            )
        data["no_nik_reason"] = reason if no_nik else ""
        return data


class WalkInForms:
    """The officer's walk-in page: the four forms of the CPMI registration on one page
    (their field names do not overlap), validated together."""

    def __init__(self, data=None):
        self.identity = WalkInIdentityForm(data=data)
        self.address = AddressForm(data=data)
        self.education = EducationForm(data=data)
        self.destination = DestinationForm(data=data)
        self.sections = [
            (_("Identitas"), self.identity),
            (_("Alamat dan keluarga"), self.address),
            (_("Pendidikan dan pengalaman"), self.education),
            (_("Tujuan dan skema"), self.destination),
        ]

    def is_valid(self) -> bool:
        # Every form is validated, so that each shows its messages at once.
        results = [form.is_valid() for _title, form in self.sections]
        return all(results)

    def applicant_data(self) -> dict:
        identity = {name: self.identity.cleaned_data[name] for name in IdentityForm.Meta.fields}
        education = {name: self.education.cleaned_data[name] for name in EducationForm.Meta.fields}
        return {**identity, **self.address.applicant_data(), **education}

    def registration_data(self) -> dict:
        return {name: self.destination.cleaned_data[name] for name in DestinationForm.Meta.fields}

    @property
    def no_nik_reason(self) -> str:
        return self.identity.cleaned_data["no_nik_reason"]

    def add_error(self, field: str | None, errors) -> None:
        """Put a service's error next to the field it names, on whichever form has it."""
        field = "residence" if field == "region" else field
        for _title, form in self.sections:
            if field in form.fields:
                form.add_error(field, errors)
                return
        self.identity.add_error(None, errors)

    @property
    def non_field_errors(self) -> list:
        return [e for _title, form in self.sections for e in form.non_field_errors()]


STEP_TITLES = {
    "identitas": _("Identitas"),
    "alamat": _("Alamat dan keluarga"),
    "pendidikan": _("Pendidikan dan pengalaman"),
    "tujuan": _("Tujuan dan skema"),
    "periksa": _("Periksa jawaban"),
}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


class StatusChangeForm(forms.Form):
    """An officer moves a registration along its path; the choices are the moves a person
    may make by hand from its current status (`manual_transitions`)."""

    to_status = forms.ChoiceField(label=_("Status baru"))
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text=_("Wajib untuk perlu perbaikan, dibatalkan, dan ditolak."),
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = manual_transitions(registration.status)
        self.fields["to_status"].choices = [
            (value, label) for value, label in RegistrationStatus.choices if value in allowed
        ]


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tahapan"), choices=MilestoneKind.choices)
    date = forms.DateField(
        label=_("Tanggal"),
        widget=DateInput(),
        validators=[date_validator(**MILESTONE_DATE_YEARS)],
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)
