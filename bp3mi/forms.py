from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .phone import normalise_phone

PASSWORD_MISMATCH = _("Kedua kata sandi tidak sama. Ketik ulang keduanya.")


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, in the portal's Indonesian. The e-mail address is not
    case-sensitive (it is stored and compared in lower case), so the message does not say
    that it might be."""

    error_messages = {
        "invalid_login": _(
            "Alamat e-mail atau kata sandi salah. Periksa keduanya, lalu coba lagi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi petugas BP3MI."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Alamat e-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["password"].label = _("Kata sandi")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _("Kata sandi lama salah. Ketik ulang kata sandi lama Anda."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")
        _label_new_password(self)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password after a reset link."""

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_new_password(self)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat e-mail")


def _label_new_password(form):
    form.fields["new_password1"].label = _("Kata sandi baru")
    form.fields["new_password2"].label = _("Ulangi kata sandi baru")
    form.fields["new_password2"].help_text = _("Ketik kata sandi baru yang sama sekali lagi.")


class SignupForm(UserCreationForm):
    """Self sign-up of a prospective migrant worker (CPMI)."""

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

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
        self.fields["password2"].help_text = _("Ketik kata sandi yang sama sekali lagi.")
        self.fields["email"].widget.attrs.pop("autofocus", None)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Not here: whether the address has an account is never told to the person typing
        it (user_signup mails the address's owner instead)."""

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))


def name_empty_choices(form) -> None:
    """Selects open on "Pilih <label>" instead of Django's "---------"."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect) or not field.label:
            continue
        label = str(field.label)
        # "Status perkawinan" -> "Pilih status perkawinan"; "P3MI" stays as it is written.
        if len(label) > 1 and label[1].islower():
            label = label[0].lower() + label[1:]
        prompt = _("Pilih %(label)s") % {"label": label}
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = prompt
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and choices[0][1] == "---------":
                field.choices = [("", prompt), *choices[1:]]
