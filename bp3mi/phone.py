"""Indonesian phone numbers, stored in E.164 form (+62...)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_phone(value: str) -> str:
    """'0812-3456-7890', '62812...' and '+62 812...' all become '+6281234567890'. A foreign
    number written with its own '+' country code is kept (families abroad)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not raw.startswith("+") and digits.startswith("62"):
        raw = "+" + digits
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Nomor telepon tidak dikenali. Tulis seperti 0812 3456 7890."), code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor telepon tidak valid. Periksa jumlah angkanya, contoh 0812 3456 7890."),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
