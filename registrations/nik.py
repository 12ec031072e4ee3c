"""NIK (Nomor Induk Kependudukan): format, and what it says about its holder.

16 digits: province (2) + kab/kota (2) + kecamatan (2) + birth date DDMMYY, with 40 added to
the day for women + a 4-digit serial from 0001. python-stdnum checks the format, the region
table and the date; this module adds the comparison with what the person entered.
"""

import datetime

from stdnum.id import nik as stdnum_nik

from .choices import Sex


def build_nik(
    *, region_code: str, kecamatan: int, birth_date: datetime.date, sex: str, serial: int
) -> str:
    """Compose a NIK from its parts (`region_code` is the 4-digit Kemendagri code, e.g. 7471)."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region_code}{kecamatan:02d}{day:02d}{birth_date:%m%y}{serial:04d}"


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
    return stdnum_nik.is_valid(nik)
