from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from bp3mi.bounds import date_validator
from bp3mi.models import Region
from registrations.choices import Scheme

from .choices import RejectReason
from .uploads import clean_upload, too_large_message, upload_limit


class DocumentUploadForm(forms.Form):
    """A file from the phone's camera or its files; checked by content (see uploads.py)."""

    file = forms.FileField(
        label=_("Berkas dokumen"),
        error_messages={
            "empty": _("Berkas kosong (0 byte). Pilih berkas lain."),
            "required": _("Pilih berkas dokumen atau ambil foto."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    expires_on = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_validator(years_back=5, years_ahead=20)],
    )

    def __init__(self, *args, document_type, too_large=False, refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_type = document_type
        self.too_large = too_large
        # A reason decided before the file is looked at (a rate limit): the file is not read.
        self.refusal = refusal
        self.fields["file"].help_text = _("%(formats)s, paling besar %(limit)s MB.") % {
            "formats": document_type.format_labels,
            "limit": round(upload_limit(document_type) / (1024 * 1024), 1),
        }
        if not document_type.has_expiry:
            del self.fields["expires_on"]
        self.clean_file_result = None

    def full_clean(self):
        if self.refusal is not None:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error(None, self.refusal)
            return
        super().full_clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message(upload_limit(self.document_type)))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.clean_file_result = clean_upload(uploaded, self.document_type)
        return uploaded


class ReviewForm(forms.Form):
    """Approve or reject one document version; `revision` is the version the officer saw."""

    APPROVE = "setujui"
    REJECT = "tolak"

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Setujui")), (REJECT, _("Tolak"))], widget=forms.HiddenInput
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.ChoiceField(
        label=_("Alasan penolakan"),
        choices=[("", "---------"), *RejectReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Catatan untuk CPMI"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REJECT:
            if not data.get("reason"):
                self.add_error("reason", _("Pilih alasan penolakan."))
            if not (data.get("note") or "").strip():
                self.add_error("note", _("Tulis apa yang harus diperbaiki CPMI."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan pencabutan wajib diisi.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Alasan pencabutan wajib diisi."))
        return reason


class QueueFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Kabupaten/kota"), queryset=Region.objects.all(), required=False
    )
    scheme = forms.ChoiceField(
        label=_("Skema"), choices=[("", _("Semua skema")), *Scheme.choices], required=False
    )
    days = forms.IntegerField(
        label=_("Menunggu paling sedikit (hari)"), min_value=0, max_value=365, required=False
    )
