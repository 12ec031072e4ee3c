from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .phone import normalise_phone


class SignupForm(UserCreationForm):
    """Self sign-up of a prospective migrant worker (CPMI)."""

    consent = forms.BooleanField(
        label=_(
            "Saya setuju data pribadi saya diproses oleh BP3MI untuk layanan penempatan dan "
            "pelindungan pekerja migran."
        ),
        error_messages={"required": _("Persetujuan diperlukan untuk membuat akun.")},
    )

    class Meta:
        model = User
        fields = ("full_name", "email", "phone")
        labels = {
            "full_name": _("Nama lengkap (sesuai KTP)"),
            "email": _("Alamat e-mail"),
            "phone": _("Nomor HP/WhatsApp"),
        }
        help_texts = {"phone": _("Contoh: 0812 3456 7890")}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["password1"].label = _("Kata sandi")
        self.fields["password2"].label = _("Ulangi kata sandi")
        self.fields["email"].widget.attrs.pop("autofocus", None)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Not here: whether the address has an account is never told to the person typing
        it (user_signup mails the address's owner instead)."""

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))
