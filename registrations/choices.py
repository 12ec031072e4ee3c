from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/SMK/sederajat")
    DIPLOMA = "diploma", _("Diploma (D1-D3)")
    BACHELOR = "sarjana", _("D4/S1")
    POSTGRADUATE = "pascasarjana", _("S2/S3")


class FamilyRelation(models.TextChoices):
    SPOUSE = "suami_istri", _("Suami/istri")
    FATHER = "ayah", _("Ayah")
    MOTHER = "ibu", _("Ibu")
    SIBLING = "saudara", _("Saudara kandung")
    CHILD = "anak", _("Anak")
    GUARDIAN = "wali", _("Wali")


class Scheme(models.TextChoices):
    """Placement schemes of UU 18/2017 Pasal 49 and 63."""

    G2G = "g2g", _("G to G (antarpemerintah)")
    P2P = "p2p", _("P to P (melalui P3MI)")
    UKPS = "ukps", _("UKPS (perusahaan untuk kepentingan sendiri)")
    MANDIRI = "mandiri", _("Perseorangan/mandiri")


class Sector(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


class EmployerType(models.TextChoices):
    """Kinds of PMI, UU 18/2017 Pasal 4."""

    LEGAL_ENTITY = "badan_hukum", _("Pemberi kerja berbadan hukum")
    HOUSEHOLD = "perseorangan", _("Pemberi kerja perseorangan/rumah tangga")
    SEAFARER = "pelaut", _("Pelaut awak kapal dan perikanan")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "diajukan", _("Diajukan")
    IN_VERIFICATION = "verifikasi", _("Dalam verifikasi")
    NEEDS_CORRECTION = "perbaikan", _("Perlu perbaikan")
    VERIFIED = "terverifikasi", _("Terverifikasi")
    DEPARTED = "berangkat", _("Berangkat")
    WITHDRAWN = "dibatalkan", _("Dibatalkan")
    REJECTED = "ditolak", _("Ditolak")


# A person may hold only one registration in these states at a time.
ACTIVE_STATUSES = [
    RegistrationStatus.DRAFT,
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.IN_VERIFICATION,
    RegistrationStatus.NEEDS_CORRECTION,
    RegistrationStatus.VERIFIED,
]


# Plausible dates, in years before and after today (bp3mi.bounds.check_date).
BIRTH_DATE_YEARS = {"years_back": 100, "years_ahead": 0}
MILESTONE_DATE_YEARS = {"years_back": 30, "years_ahead": 3}

# The fields of an applicant that hold a name (bidirectional controls are stripped).
NAME_FIELDS = ["full_name", "family_name", "birthplace"]


class MilestoneKind(models.TextChoices):
    """The dated stages on the path to departure (DOMAIN.md), in order."""

    SELECTION = "seleksi", _("Seleksi")
    TRAINING = "pelatihan", _("Pelatihan (LPK/BLK)")
    COMPETENCE = "sertifikasi", _("Sertifikasi kompetensi")
    MEDICAL = "pemeriksaan_kesehatan", _("Pemeriksaan kesehatan dan psikologi")
    PLACEMENT_AGREEMENT = "perjanjian_penempatan", _("Penandatanganan perjanjian penempatan")
    BPJS = "bpjs", _("Kepesertaan BPJS Ketenagakerjaan")
    PASSPORT = "paspor", _("Paspor")
    VISA = "visa", _("Visa kerja")
    OPP = "opp", _("Orientasi Pra Pemberangkatan (OPP)")
    BIOMETRICS = "biometrik", _("Perekaman biometrik")
    WORK_CONTRACT = "perjanjian_kerja", _("Penandatanganan perjanjian kerja")
    DEPARTURE = "keberangkatan", _("Keberangkatan")
    RETURN = "kepulangan", _("Kepulangan (PMI Purna)")
