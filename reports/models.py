"""Statistics exports: the background job behind each file a staff member asks for."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import BackgroundJob

from .choices import ExportFormat, ReportKind


def new_token() -> str:
    return uuid.uuid4().hex


class ReportExport(BackgroundJob):
    """One export a user asked for (a report in CSV, XLSX or PDF) and the job that writes it.

    `params` holds the validated request (period, grouping) as plain values, so a retry or a
    sweep rebuilds exactly the same file. The file lives at a path derived from the id and
    token, so a job run twice writes one file. A READY file is kept until `expires_at`, then a
    periodic task deletes it and the row stays as the record of what was exported."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_exports",
        verbose_name=_("diminta oleh"),
    )
    kind = models.CharField(_("laporan"), max_length=20, choices=ReportKind.choices)
    export_format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    file = models.FileField(_("berkas"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)

    class Meta:
        verbose_name = _("ekspor statistik")
        verbose_name_plural = _("ekspor statistik")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["owner", "-queued_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reportexport_progress_percent"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_export_format_display()}) #{self.pk}"

    def get_download_url(self):
        return reverse("statistics:download", kwargs={"pk": self.pk})

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and bool(self.file) and not self.is_expired

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.queued_at).strftime("%Y%m%d-%H%M")
        return f"statistik-{self.kind}-{stamp}-{self.pk}.{self.export_format}"
