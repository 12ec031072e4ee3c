"""NIK (Nomor Induk Kependudukan): format, and what it says about its holder.

16 digits: province (2) + kab/kota (2) + kecamatan (2) + birth date DDMMYY, with 40 added to
the day for women + a 4-digit serial from 0001. python-stdnum checks the format, the region
table and the date; this module adds the normal form every NIK is stored and searched in, and
the comparison with what the person entered. Forms and services both call `nik_clean` and
`nik_check_identity`: the rules live here only.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.id import nik as stdnum_nik

from .choices import Sex


def build_nik(
    *, region_code: str, kecamatan: int, birth_date: datetime.date, sex: str, serial: int
) -> str:
    """Compose a NIK from its parts (`region_code` is the 4-digit Kemendagri code, e.g. 7471)."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region_code}{kecamatan:02d}{day:02d}{birth_date:%m%y}{serial:04d}"


def nik_normalise(value: str) -> str:
    """The form a NIK is validated, stored and searched in: Unicode NFKC (full-width
    '７４７１' becomes '7471') with every space removed. What is not then 16 ASCII digits
    is refused by `nik_clean`."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if not ch.isspace())


def nik_is_ascii_digits(value: str) -> bool:
    """Exactly 16 characters 0-9 (str.isdigit alone also accepts other scripts' digits)."""
    return len(value) == 16 and value.isascii() and value.isdigit()


def nik_clean(value: str) -> str:
    """The normalised NIK, or ValidationError with a message the person can act on."""
    nik = nik_normalise(value)
    if not (nik.isascii() and nik.isdigit()):
        raise ValidationError(
            _("NIK harus terdiri dari 16 angka 0-9, tanpa huruf atau tanda baca."), code="digits"
        )
    if len(nik) != 16:
        raise ValidationError(
            _("NIK harus terdiri dari 16 angka. Anda menulis %(n)d karakter.") % {"n": len(nik)},
            code="length",
        )
    if not stdnum_nik.is_valid(nik):
        raise ValidationError(
            _(
                "NIK tidak valid: kode wilayah atau tanggal lahir di dalamnya tidak "
                "dikenali. Periksa kembali angka pada KTP Anda."
            ),
            code="invalid",
        )
    return nik


def nik_sex(nik: str) -> str:
    return Sex.FEMALE if int(nik[6:8]) > 40 else Sex.MALE


def nik_birth_date(nik: str, *, today: datetime.date) -> datetime.date:
    """The birth date a NIK encodes. It holds only two year digits: the century is the one
    that puts the date in the past."""
    day = int(nik[6:8]) % 40
    month = int(nik[8:10])
    year = 2000 + int(nik[10:12])
    if datetime.date(min(year, 9999), 1, 1) > today:
        year -= 100
    return datetime.date(year, month, day)


def nik_is_valid(nik: str) -> bool:
    return nik_is_ascii_digits(nik) and stdnum_nik.is_valid(nik)


def nik_identity_errors(
    *, nik: str, birth_date: datetime.date | None, sex: str, today: datetime.date
) -> dict[str, ValidationError]:
    """Where a valid NIK disagrees with the birth date and sex the person gave, by field.
    Empty when they agree, or when a value is missing (required fields are checked
    elsewhere)."""
    errors: dict[str, ValidationError] = {}
    if not nik or not nik_is_valid(nik):
        return errors
    if birth_date and nik_birth_date(nik, today=today) != birth_date:
        errors["birth_date"] = ValidationError(
            _(
                "Tanggal lahir tidak cocok dengan NIK (angka ke-7 sampai ke-12). Periksa "
                "NIK dan tanggal lahir pada KTP Anda."
            ),
            code="nik_birth_date",
        )
    if sex and nik_sex(nik) != sex:
        errors["sex"] = ValidationError(
            _(
                "Jenis kelamin tidak cocok dengan NIK: pada NIK perempuan, tanggal lahir "
                "ditambah 40. Periksa kembali pilihan Anda dan NIK pada KTP."
            ),
            code="nik_sex",
        )
    return errors


def nik_check_identity(
    *, nik: str, birth_date: datetime.date | None, sex: str, today: datetime.date
) -> None:
    """Raise ValidationError keyed by field when the NIK disagrees with the birth date or
    sex (`nik_identity_errors`)."""
    errors = nik_identity_errors(nik=nik, birth_date=birth_date, sex=sex, today=today)
    if errors:
        raise ValidationError(errors)
