from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The steps of a case (Perban 23/2025): intake, verification, clarification I and II,
    mediation, then referral to another agency, resolution, or closure with a legal reason."""

    RECEIVED = "diterima", _("Diterima")
    VERIFICATION = "verifikasi", _("Verifikasi")
    CLARIFICATION = "klarifikasi", _("Klarifikasi")
    MEDIATION = "mediasi", _("Mediasi")
    REFERRED = "dirujuk", _("Dirujuk")
    RESOLVED = "selesai", _("Selesai")
    CLOSED = "ditutup", _("Ditutup")


OPEN_STATUSES = [
    CaseStatus.RECEIVED,
    CaseStatus.VERIFICATION,
    CaseStatus.CLARIFICATION,
    CaseStatus.MEDIATION,
    CaseStatus.REFERRED,
]
FINISHED_STATUSES = [CaseStatus.RESOLVED, CaseStatus.CLOSED]


class CaseChannel(models.TextChoices):
    ONLINE = "online", _("Daring (portal)")
    WALK_IN = "walk_in", _("Datang langsung")
    PHONE = "phone", _("Telepon")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Surat")
    LAPOR = "lapor", _("SP4N-LAPOR!")


class ComplainantKind(models.TextChoices):
    WORKER = "worker", _("Pekerja migran sendiri")
    FAMILY = "family", _("Keluarga pekerja migran")
    REPRESENTATIVE = "representative", _("Kuasa hukum/pendamping (LSM, pengacara)")


class ClosureReason(models.TextChoices):
    """Why a case may be closed without a resolution (Perban 6/2024 Pasal 30)."""

    INCOMPLETE = "incomplete_30d", _("Berkas tidak lengkap setelah 30 hari")
    NO_CLARIFICATION = "no_clarification_15wd", _("Tidak ada klarifikasi dalam 15 hari kerja")
    UNREACHABLE = "unreachable_60d", _("Pengadu tidak dapat dihubungi selama 60 hari")
    REFERRED = "referred", _("Dilimpahkan ke instansi lain")
    NO_RESPONSE = (
        "no_response_6m",
        _("Tidak ada tanggapan 6 bulan setelah diberi tahu pengaduan tidak dapat diselesaikan"),
    )


class ResolutionOutcome(models.TextChoices):
    """How a resolved case ended, for the ministry's statistics by resolution."""

    REPATRIATED = "repatriated", _("Dipulangkan ke daerah asal")
    RIGHTS_PAID = "rights_paid", _("Gaji/hak dibayarkan")
    CLAIM_PAID = "claim_paid", _("Klaim jaminan sosial/asuransi dibayarkan")
    COSTS_REFUNDED = "costs_refunded", _("Biaya penempatan dikembalikan")
    CONTACT_RESTORED = "contact_restored", _("Kontak dengan pekerja tersambung kembali")
    DOCUMENTS_RETURNED = "documents_returned", _("Dokumen dikembalikan")
    REMAINS_RETURNED = "remains_returned", _("Jenazah dipulangkan")
    SANCTION = "sanction", _("Rekomendasi sanksi kepada P3MI")
    AGREEMENT = "agreement", _("Kesepakatan mediasi")
    OTHER = "other", _("Lainnya")


class EventKind(models.TextChoices):
    FILED = "filed", _("Pengaduan diterima")
    NOTE = "note", _("Catatan internal")
    PUBLIC_UPDATE = "public_update", _("Kabar untuk pengadu")
    CLARIFICATION = "clarification", _("Berita acara klarifikasi")
    COMMITMENT = "commitment", _("Komitmen teradu")
    REFERRAL = "referral", _("Rujukan ke instansi lain")
    STATUS = "status", _("Perubahan status")
    ASSIGNMENT = "assignment", _("Penugasan")
    REOPEN = "reopen", _("Dibuka kembali")
    CLOSURE_PROPOSED = "closure_proposed", _("Usulan penutupan")


# Kinds whose text the complainant sees on the tracking page; every other kind is internal.
PUBLIC_EVENT_KINDS = [EventKind.FILED, EventKind.PUBLIC_UPDATE]
