from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderKind(models.TextChoices):
    P3MI = "p3mi", _("Perusahaan Penempatan (P3MI)")
    LPK = "lpk", _("Lembaga Pelatihan Kerja (LPK)")
    BLK = "blk", _("Balai Latihan Kerja (BLK/BPVP)")
    CLINIC = "klinik", _("Sarana kesehatan")
    LABOUR_OFFICE = "dinas", _("Dinas tenaga kerja")


class LicenceKind(models.TextChoices):
    SIP3MI = "sip3mi", _("SIP3MI (izin perusahaan penempatan)")
    LPK_LICENCE = "izin_lpk", _("Izin LPK")
    LPK_ACCREDITATION = "akreditasi_lpk", _("Akreditasi LA-LPK")
    CLINIC_DESIGNATION = "penetapan_klinik", _("Penetapan sarana kesehatan CPMI")
    BRANCH_REGISTRATION = "kantor_cabang", _("Pendaftaran kantor cabang di daerah")


class LicenceStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    EXPIRED = "kedaluwarsa", _("Kedaluwarsa")
    SUSPENDED = "dibekukan", _("Dibekukan")
    REVOKED = "dicabut", _("Dicabut")


class OfficeType(models.TextChoices):
    HEAD = "pusat", _("Kantor pusat")
    BRANCH = "cabang", _("Kantor cabang")


class OfficeLevel(models.TextChoices):
    PROVINCE = "provinsi", _("Provinsi")
    REGENCY = "kabkota", _("Kabupaten/kota")


class CheckOutcome(models.TextChoices):
    """The answers of "Cek P3MI": may this company recruit today?"""

    VALID = "valid", _("Izin berlaku: boleh merekrut")
    EXPIRED = "kedaluwarsa", _("Izin kedaluwarsa: tidak boleh merekrut")
    SUSPENDED = "dibekukan", _("Izin dibekukan: tidak boleh merekrut")
    REVOKED = "dicabut", _("Izin dicabut: tidak boleh merekrut")
    NOT_FOUND = "tidak_ditemukan", _("Tidak ditemukan")


# The licence whose status says whether a stakeholder of that kind may operate.
MAIN_LICENCE_KIND = {
    StakeholderKind.P3MI: LicenceKind.SIP3MI,
    StakeholderKind.LPK: LicenceKind.LPK_LICENCE,
    StakeholderKind.CLINIC: LicenceKind.CLINIC_DESIGNATION,
}
OPERATING_LICENCE_KINDS = list(MAIN_LICENCE_KIND.values())


# Which kind-specific fields a stakeholder of each kind may fill: the others stay empty, so a
# stakeholder never carries a field of another kind.
KIND_FIELDS = {
    "office_type": {StakeholderKind.P3MI},
    "head_office": {StakeholderKind.P3MI},
    "vocations": {StakeholderKind.LPK, StakeholderKind.BLK},
    "languages": {StakeholderKind.LPK},
    "services": {StakeholderKind.CLINIC},
    "office_level": {StakeholderKind.LABOUR_OFFICE},
}

# Which licences a stakeholder of each kind may hold.
KIND_LICENCE_KINDS = {
    StakeholderKind.P3MI: [LicenceKind.SIP3MI, LicenceKind.BRANCH_REGISTRATION],
    StakeholderKind.LPK: [LicenceKind.LPK_LICENCE, LicenceKind.LPK_ACCREDITATION],
    StakeholderKind.BLK: [LicenceKind.LPK_ACCREDITATION],
    StakeholderKind.CLINIC: [LicenceKind.CLINIC_DESIGNATION],
    StakeholderKind.LABOUR_OFFICE: [],
}
