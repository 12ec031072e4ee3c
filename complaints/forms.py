"""Forms of the complaints app: public filing, officers' filing and handling, tracking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from bp3mi.phone import normalise_phone
from bp3mi.widgets import LongSelect
from documents.choices import FileFormat
from documents.uploads import clean_upload, too_large_message
from registrations.nik import nik_clean, nik_normalise
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

from .choices import CaseChannel, ClosureReason, ComplainantKind, EventKind, ResolutionOutcome
from .filters import officer_queryset
from .models import Case, ComplaintCategory
from .services import EDITABLE_FIELDS, RECORDABLE_KINDS, allowed_moves

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class AttachmentRules:
    """What `documents.uploads.clean_upload` needs to know about an attachment: the same
    formats and checks as a CPMI document, within the portal's upload limit."""

    name: str
    max_bytes: int
    accepted_formats: tuple[str, ...] = (FileFormat.PDF, FileFormat.JPEG, FileFormat.PNG)

    @property
    def format_labels(self) -> str:
        return ", ".join(FileFormat(f).label for f in self.accepted_formats)


def attachment_rules() -> AttachmentRules:
    return AttachmentRules(name=str(_("Lampiran")), max_bytes=settings.UPLOAD_MAX_BYTES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS files, each checked by content like a CPMI document."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Paling banyak %(n)d lampiran.") % {"n": MAX_ATTACHMENTS}, code="too_many"
            )
        rules = attachment_rules()
        cleaned = []
        for uploaded in files:
            super().clean(uploaded, initial)
            try:
                cleaned.append(clean_upload(uploaded, rules))
            except ValidationError as error:
                raise ValidationError(
                    _("%(name)s: %(reason)s")
                    % {"name": uploaded.name[-60:], "reason": " ".join(error.messages)},
                    code=error.code,
                ) from error
        return cleaned


class UploadLimitMixin:
    """Reports a file cut off by the size-limit upload handler (see documents.uploads)."""

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def full_clean(self):
        super().full_clean()
        if self.too_large and "attachments" in self.fields:
            self.errors.pop("attachments", None)
            self.add_error("attachments", too_large_message(settings.UPLOAD_MAX_BYTES))


PROCEDURAL_CHOICES = [
    ("unknown", _("Tidak tahu")),
    ("true", _("Ya, melalui proses resmi (P3MI/pemerintah)")),
    ("false", _("Tidak, berangkat tanpa proses resmi")),
]


class ProceduralField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=PROCEDURAL_CHOICES,
            coerce=lambda v: {"true": True, "false": False}.get(v),
            empty_value=None,
            required=False,
            label=_("Berangkat secara prosedural?"),
            **kwargs,
        )

    def prepare_value(self, value):
        return {True: "true", False: "false"}.get(value, "unknown")


class CaseDetailsForm(forms.ModelForm):
    """The case's details as the complainant tells them; shared by every filing form and
    the officers' correction form."""

    procedural = ProceduralField()
    # Longer than 16 so that a NIK typed with spaces reaches clean_worker_nik.
    worker_nik = forms.CharField(
        label=_("NIK pekerja (bila tahu)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Case
        fields = [
            "complainant_kind",
            "complainant_relation",
            "complainant_name",
            "complainant_phone",
            "complainant_email",
            "worker_name",
            "worker_nik",
            "worker_passport",
            "worker_sex",
            "worker_region",
            "destination_country",
            "employer_name",
            "p3mi",
            "p3mi_name",
            "procedural",
            "category",
            "description",
        ]
        widgets = {
            "complainant_kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
            "complainant_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "complainant_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "worker_nik": forms.TextInput(attrs={"inputmode": "numeric"}),
            "worker_sex": LongSelect,
            "worker_region": LongSelect,
            "destination_country": LongSelect,
            "p3mi": LongSelect,
            "category": LongSelect,
        }
        labels = {
            "complainant_kind": _("Siapa yang mengadu?"),
            "complainant_relation": _("Hubungan dengan pekerja, atau nama lembaga"),
            "complainant_name": _("Nama Anda (pengadu)"),
            "complainant_phone": _("Nomor telepon/WhatsApp Anda"),
            "complainant_email": _("E-mail Anda"),
            "worker_name": _("Nama pekerja migran"),
            "worker_nik": _("NIK pekerja (bila tahu)"),
            "worker_passport": _("Nomor paspor (bila tahu)"),
            "worker_region": _("Kabupaten/kota asal pekerja"),
            "destination_country": _("Negara tempat bekerja"),
            "employer_name": _("Nama majikan/pemberi kerja (bila tahu)"),
            "p3mi": _("P3MI yang memberangkatkan (pilih dari daftar)"),
            "p3mi_name": _("Atau tulis nama P3MI/perekrut"),
            "category": _("Masalah yang dialami"),
            "description": _("Ceritakan apa yang terjadi"),
        }
        help_texts = {
            "complainant_relation": _("Contoh: ibu, suami, kakak; atau LBH/serikat pekerja."),
            "complainant_phone": _("Petugas akan menghubungi nomor ini. Contoh 0812 3456 7890."),
            "complainant_email": _("Bila diisi, kabar terbaru dikirim ke e-mail ini."),
            "description": _("Kapan berangkat, di mana bekerja, apa masalahnya, kontak terakhir."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complainant_kind"].choices = ComplainantKind.choices
        self.fields["category"].queryset = ComplaintCategory.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("Pilih masalah")
        self.fields["worker_region"].queryset = Region.objects.filter(province_code="74")
        self.fields["worker_region"].empty_label = _("Pilih kabupaten/kota")
        self.fields["destination_country"].queryset = Country.objects.all()
        self.fields["destination_country"].empty_label = _("Pilih negara")
        self.fields["p3mi"].queryset = Stakeholder.objects.filter(kind=StakeholderKind.P3MI).only(
            "pk", "name"
        )
        self.fields["p3mi"].empty_label = _("Tidak tahu / tidak ada di daftar")
        self.fields["worker_sex"].choices = [
            ("", _("Tidak diisi")),
            *self.fields["worker_sex"].choices[1:],
        ]

    def clean_complainant_phone(self):
        return normalise_phone(self.cleaned_data.get("complainant_phone", ""))

    def clean_complainant_email(self):
        return (self.cleaned_data.get("complainant_email") or "").strip().lower()

    def clean_worker_nik(self):
        raw = self.cleaned_data.get("worker_nik") or ""
        if not nik_normalise(raw):
            return ""
        return nik_clean(raw)

    def clean_worker_passport(self):
        return "".join((self.cleaned_data.get("worker_passport") or "").split()).upper()

    def clean_description(self):
        text = (self.cleaned_data.get("description") or "").strip()
        if len(text) < 20:
            raise ValidationError(
                _("Ceritakan sedikit lebih lengkap (paling sedikit 20 huruf)."), code="short"
            )
        return text

    def clean(self):
        data = super().clean()
        kind = data.get("complainant_kind")
        if (
            kind in {ComplainantKind.FAMILY, ComplainantKind.REPRESENTATIVE}
            and not (data.get("complainant_relation") or "").strip()
        ):
            self.add_error(
                "complainant_relation",
                _("Tulis hubungan Anda dengan pekerja, atau nama lembaga Anda."),
            )
        if (
            "complainant_phone" in data
            and "complainant_email" in data
            and not data.get("complainant_phone")
            and not data.get("complainant_email")
        ):
            self.add_error(
                "complainant_phone",
                _("Isi nomor telepon atau e-mail, agar petugas dapat menghubungi Anda."),
            )
        return data

    def case_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PublicCaseForm(UploadLimitMixin, CaseDetailsForm):
    """The public filing form (no account). `website` is a honeypot: hidden from people,
    filled in by form-filling robots."""

    attachments = AttachmentsField(
        label=_("Lampiran (bila ada)"),
        help_text=_("Foto atau PDF: paspor, kontrak, tangkapan layar pesan. Paling banyak 5."),
    )
    consent = forms.BooleanField(
        label=_(
            "Saya setuju data dalam pengaduan ini diproses oleh BP3MI untuk menangani "
            "pengaduan, termasuk diteruskan kepada instansi yang berwenang."
        ),
        error_messages={"required": _("Centang persetujuan agar pengaduan dapat diproses.")},
    )
    website = forms.CharField(
        label=_("Jangan diisi"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    intake_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("intake_key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("Pengaduan tidak dapat dikirim."), code="honeypot")
        return data

    def case_data(self) -> dict:
        return {**super().case_data(), "consent": self.cleaned_data["consent"]}


class OfficerCaseForm(PublicCaseForm):
    """An officer files a complaint received at the desk, by phone, WhatsApp, e-mail,
    letter or from SP4N-LAPOR!, on the complainant's behalf."""

    channel = forms.ChoiceField(
        label=_("Saluran pengaduan"),
        choices=[c for c in CaseChannel.choices if c[0] != CaseChannel.ONLINE],
    )
    lapor_number = forms.CharField(label=_("Nomor tiket LAPOR!"), required=False, max_length=30)
    received_on = forms.DateField(
        label=_("Tanggal diterima"), widget=forms.DateInput(attrs={"type": "date"})
    )
    assign_to_me = forms.BooleanField(
        label=_("Tangani sendiri (tugaskan kepada saya)"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["consent"].label = _(
            "Pengadu telah menyetujui datanya diproses untuk menangani pengaduan."
        )
        self.fields["complainant_name"].label = _("Nama pengadu")
        self.fields["complainant_phone"].label = _("Telepon/WhatsApp pengadu")
        self.fields["complainant_email"].label = _("E-mail pengadu")
        self.initial.setdefault("received_on", timezone.localdate())
        self.order_fields(["channel", "lapor_number", "received_on"])

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal diterima tidak boleh di masa depan."), code="future")
        return day

    def clean(self):
        data = super().clean()
        if (
            data.get("channel") == CaseChannel.LAPOR
            and not (data.get("lapor_number") or "").strip()
        ):
            self.add_error("lapor_number", _("Isi nomor tiket LAPOR!."))
        return data

    def case_data(self) -> dict:
        return {**super().case_data(), "lapor_number": self.cleaned_data["lapor_number"].strip()}


class CaseEditForm(CaseDetailsForm):
    """An officer corrects the details of a case."""

    class Meta(CaseDetailsForm.Meta):
        fields = [f for f in CaseDetailsForm.Meta.fields if f in EDITABLE_FIELDS]


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor pengaduan"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "ADU-2026-00042", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Tugaskan kepada"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officer_queryset()


class TransitionForm(forms.Form):
    """Move an open case to its next step (finishing moves have their own form)."""

    to_status = forms.ChoiceField(label=_("Pindahkan ke tahap"))
    referred_to = forms.CharField(
        label=_("Instansi tujuan rujukan"),
        required=False,
        max_length=200,
        help_text=_("Wajib bila dirujuk, misalnya Polda Sultra, Kemlu/KBRI, Dinas Sosial."),
    )
    note = forms.CharField(
        label=_("Catatan internal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import CaseStatus

        self.fields["to_status"].choices = [
            (s, CaseStatus(s).label)
            for s in allowed_moves(case)
            if s not in {CaseStatus.RESOLVED, CaseStatus.CLOSED}
        ]


class CloseForm(forms.Form):
    """Finish a case: resolved with its outcome, or closed with a reason from the legal
    list (Perban 6/2024 Pasal 30)."""

    RESOLVE = "resolve"
    CLOSE = "close"

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(RESOLVE, _("Selesai, dengan hasil")), (CLOSE, _("Ditutup, dengan alasan"))],
        widget=forms.RadioSelect,
    )
    resolution_outcome = forms.ChoiceField(
        label=_("Hasil penyelesaian"),
        choices=[("", _("Pilih hasil")), *ResolutionOutcome.choices],
        required=False,
    )
    closure_reason = forms.ChoiceField(
        label=_("Alasan penutupan"),
        choices=[("", _("Pilih alasan")), *ClosureReason.choices],
        required=False,
    )
    referred_to = forms.CharField(
        label=_("Instansi tempat pengaduan dilimpahkan"), required=False, max_length=200
    )
    note = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RESOLVE and not data.get("resolution_outcome"):
            self.add_error("resolution_outcome", _("Pilih hasil penyelesaian."))
        if data.get("decision") == self.CLOSE and not data.get("closure_reason"):
            self.add_error("closure_reason", _("Pilih alasan penutupan dari daftar."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EventForm(UploadLimitMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis catatan"))
    text = forms.CharField(label=_("Isi"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = AttachmentsField(
        label=_("Lampiran"),
        help_text=_("Berita acara yang ditandatangani, surat, foto. PDF, JPEG atau PNG."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, EventKind(k).label) for k in EventKind.values if k in RECORDABLE_KINDS
        ]
        self.fields["kind"].help_text = _(
            'Hanya "Kabar untuk pengadu" yang terlihat oleh pengadu (dan dikirim ke e-mailnya).'
        )


class RegistrationSearchForm(forms.Form):
    query = forms.CharField(
        label=_("NIK (16 angka) atau nomor pendaftaran (REG-...)"), max_length=30
    )


class RegistrationLinkForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput, required=False)
