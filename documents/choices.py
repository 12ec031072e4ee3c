from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """When in the CPMI's path a document is due. Documents of the first two stages must be
    approved before the verification letter; departure documents come after it."""

    REGISTRATION = "pendaftaran", _("Pendaftaran")
    VERIFICATION = "verifikasi", _("Sebelum verifikasi di BP3MI")
    DEPARTURE = "pemberangkatan", _("Sebelum keberangkatan")


LETTER_STAGES = [Stage.REGISTRATION, Stage.VERIFICATION]


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.JPEG: "image/jpeg",
    FileFormat.PNG: "image/png",
}
EXTENSIONS = {FileFormat.PDF: "pdf", FileFormat.JPEG: "jpg", FileFormat.PNG: "png"}


class DocumentStatus(models.TextChoices):
    PENDING = "menunggu", _("Menunggu pemeriksaan")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")
    SUPERSEDED = "diganti", _("Diganti versi baru")


class RejectReason(models.TextChoices):
    """Coded reasons a CPMI can act on; the officer adds a note."""

    ILLEGIBLE = "tidak_terbaca", _("Tidak terbaca atau buram")
    WRONG_DOCUMENT = "dokumen_salah", _("Bukan dokumen yang diminta")
    NAME_MISMATCH = "nama_berbeda", _("Nama tidak sama dengan data diri")
    BIRTH_MISMATCH = "lahir_berbeda", _("Tempat/tanggal lahir tidak sama dengan data diri")
    NIK_MISMATCH = "nik_berbeda", _("NIK tidak sama dengan data diri")
    EXPIRED = "kedaluwarsa", _("Sudah tidak berlaku")
    INCOMPLETE = "tidak_lengkap", _("Tidak lengkap, tidak ditandatangani atau tidak distempel")
    NOT_DESIGNATED = "bukan_sarana_ditunjuk", _("Diterbitkan oleh pihak yang tidak ditunjuk")
    OTHER = "lainnya", _("Alasan lain (lihat catatan)")
