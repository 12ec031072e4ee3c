from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PLACEMENTS = "penempatan", _("Penempatan (CPMI yang sudah berangkat), dikelompokkan")
    PIPELINE = "proses", _("Proses pendaftaran per status, dikelompokkan")
    PLACEMENT_ROWS = "penempatan_rinci", _("Penempatan, satu baris per CPMI (tanpa nama dan NIK)")
    COMPLAINTS = "pengaduan", _("Pengaduan, dikelompokkan")
    MONTHLY = "bulanan", _("Tabel bulanan untuk Kementerian")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"
    PDF = "pdf", "PDF"


class PeriodKind(models.TextChoices):
    MONTH = "bulan", _("Bulan")
    QUARTER = "triwulan", _("Triwulan")
    YEAR = "tahun", _("Tahun")
    CUSTOM = "rentang", _("Rentang tanggal")


class Dimension(models.TextChoices):
    """What a grouped report may be grouped by (any combination, in this order)."""

    MONTH = "bulan", _("Bulan")
    REGION = "kab_kota", _("Kabupaten/kota asal")
    COUNTRY = "negara", _("Negara tujuan")
    SCHEME = "skema", _("Skema penempatan")
    SECTOR = "sektor", _("Sektor (formal/informal)")
    OCCUPATION = "jabatan", _("Jabatan")
    SEX = "jenis_kelamin", _("Jenis kelamin")
    EDUCATION = "pendidikan", _("Pendidikan")
    P3MI = "p3mi", _("P3MI")


class ComplaintDimension(models.TextChoices):
    """What a complaint report may be grouped by (any combination, in this order)."""

    MONTH = "bulan", _("Bulan diterima")
    CATEGORY = "kategori", _("Kategori")
    COUNTRY = "negara", _("Negara penempatan")
    REGION = "kab_kota", _("Kabupaten/kota asal pekerja")
    STATUS = "status", _("Status")
    CHANNEL = "saluran", _("Saluran")
    PROCEDURAL = "prosedural", _("Prosedural atau nonprosedural")
    OUTCOME = "hasil", _("Hasil penyelesaian")
    RESOLUTION_DAYS = "lama", _("Lama penyelesaian")
