"""Document types and requirements, uploads and their reviews, verification letters.

- `DocumentType`: a kind of document (KTP, paspor...), its accepted formats, size limit and
  whether it expires. `DocumentRequirement` says for which scheme and stage it is required;
  both are data an administrator changes in the admin.
- `Document`: one uploaded version of one type for one registration. Every version is kept;
  exactly one per type is current. `revision` grows on every review, so two officers acting
  on the same version at once cannot overwrite each other.
- `Letter`: the verification letter (surat keterangan verifikasi) and the background job that
  renders it. Its number comes from a gap-free yearly sequence taken when it is signed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import BackgroundJob
from registrations.choices import Scheme
from registrations.models import Registration

from .choices import DocumentStatus, FileFormat, RejectReason, Stage


class DocumentType(models.Model):
    """A kind of document a CPMI provides. `accepted_formats` lists FileFormat values."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    explanation = models.TextField(_("penjelasan untuk pemohon"), blank=True)
    accepted_formats = models.JSONField(_("format yang diterima"), default=list)
    max_bytes = models.PositiveIntegerField(
        _("ukuran maksimum (byte)"),
        default=5 * 1024 * 1024,
        help_text=_("Tidak dapat melebihi batas unggah portal (UPLOAD_MAX_BYTES)."),
    )
    has_expiry = models.BooleanField(_("memiliki masa berlaku"), default=False)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def format_labels(self) -> str:
        return ", ".join(FileFormat(f).label for f in self.accepted_formats)


class DocumentRequirement(models.Model):
    """A document type is required for a scheme (empty: every scheme) at a stage."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.CASCADE, related_name="requirements"
    )
    scheme = models.CharField(
        _("skema"),
        max_length=10,
        choices=Scheme.choices,
        blank=True,
        help_text=_("Kosong: berlaku untuk semua skema."),
    )
    stage = models.CharField(_("tahap"), max_length=15, choices=Stage.choices)

    class Meta:
        verbose_name = _("persyaratan dokumen")
        verbose_name_plural = _("persyaratan dokumen")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "scheme"], name="requirement_once_per_scheme"
            )
        ]

    def __str__(self):
        return f"{self.document_type} ({self.get_scheme_display() or _('semua skema')})"


def document_path(instance, filename):
    """A random name: the client's file name never reaches the storage path."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Document(models.Model):
    """One uploaded version of a document. `is_current` marks the version officers review;
    earlier versions stay for the record."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents"
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    is_current = models.BooleanField(_("versi berlaku"), default=True)
    file = models.FileField(_("berkas"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("nama berkas asal"), max_length=150, blank=True)
    file_format = models.CharField(_("format"), max_length=5, choices=FileFormat.choices)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(max_length=64)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PENDING,
    )
    revision = models.PositiveIntegerField(_("revisi"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diperiksa oleh"),
    )
    reviewed_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    reject_reason = models.CharField(
        _("alasan penolakan"), max_length=25, choices=RejectReason.choices, blank=True
    )
    review_note = models.TextField(_("catatan petugas"), blank=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["document_type__position", "-version"]
        permissions = [("review_document", _("Dapat memeriksa dokumen CPMI"))]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "document_type", "version"],
                name="document_version_unique",
            ),
            models.UniqueConstraint(
                fields=["registration", "document_type"],
                condition=Q(is_current=True),
                name="document_one_current_version",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.REJECTED) | ~Q(reject_reason=""),
                name="document_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "is_current", "uploaded_at"])]

    def __str__(self):
        return f"{self.document_type} v{self.version} ({self.registration})"

    def get_download_url(self):
        return reverse("documents:download", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.file_format in {FileFormat.JPEG, FileFormat.PNG}


def new_token() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex[:8]


class Letter(BackgroundJob):
    """The verification letter of a registration, and the job that renders its PDF.

    The number is taken inside the signing transaction from a gap-free yearly sequence, so it
    never repeats or skips. `token` (random, not the id) is the public check's address. A
    registration has at most one letter that is not revoked."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="letters")
    number = models.CharField(_("nomor surat"), max_length=60, unique=True)
    year = models.PositiveIntegerField(_("tahun"))
    serial = models.PositiveIntegerField(_("nomor urut"))
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ditandatangani oleh"),
    )
    signed_at = models.DateTimeField(_("ditandatangani"), default=timezone.now)
    file = models.FileField(_("berkas PDF"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )
    revoke_reason = models.TextField(_("alasan pencabutan"), blank=True)

    class Meta:
        verbose_name = _("surat verifikasi")
        verbose_name_plural = _("surat verifikasi")
        ordering = ["-signed_at"]
        permissions = [
            ("sign_letter", _("Dapat menandatangani surat verifikasi")),
            ("revoke_letter", _("Dapat mencabut surat verifikasi")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"], name="letter_serial_unique_per_year"
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="letter_one_valid_per_registration",
            ),
        ]

    def __str__(self):
        return self.number

    def get_public_url(self):
        return reverse("documents:letter_check", kwargs={"token": self.token})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_in_progress(self) -> bool:
        """The PDF is still being made: pages showing the letter poll until it is not."""
        return self.status in {self.Status.PENDING, self.Status.RUNNING}
