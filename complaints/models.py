"""Complaint cases (pengaduan) from migrant workers abroad and their families.

- `ComplaintCategory`: what a complaint is about (unpaid wages, lost contact, trafficking...),
  kept as data. A `sensitive` category (violence, trafficking/TPPO, death, sexual abuse) makes
  its cases visible only to the assigned officer and holders of `view_sensitive_case`.
- `ServiceClass`: the office's service standard, a completion time in working days by class
  (simple, normative, not needing investigation, needing investigation), kept as data.
- `StepDeadline`: how many working days each step may take; the case's `due_date` is counted
  from the day it entered its current step.
- `Case`: one complaint, numbered ADU-<year>-<serial> from a gap-free yearly sequence. Its
  tracking code is shown once to the complainant; only a keyed hash of it is stored.
- `CaseEvent`: the timeline: notes, public updates, clarification records, the respondent's
  commitment, referrals, status changes, assignments, reopenings.
- `CaseAttachment`: a file checked by the same rules as CPMI documents.

PMI: Pekerja Migran Indonesia (a worker abroad); P3MI: a licensed placement company; SP4N-LAPOR!:
the national public-complaint channel, whose tracking number a case keeps.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from documents.choices import FileFormat
from registrations.choices import Sex
from registrations.models import Registration
from stakeholders.models import Stakeholder

from .choices import (
    FINISHED_STATUSES,
    CaseChannel,
    CaseStatus,
    ClosureReason,
    ComplainantKind,
    EventKind,
    ResolutionOutcome,
)


class ServiceClass(models.Model):
    """A class of the office's service standard and its completion time in working days."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("waktu penyelesaian (hari kerja)"))

    class Meta:
        verbose_name = _("kelas standar layanan")
        verbose_name_plural = _("kelas standar layanan")
        ordering = ["working_days"]

    def __str__(self):
        return f"{self.name} ({self.working_days})"


class ComplaintCategory(models.Model):
    """What a complaint is about. `sensitive` restricts who may see its cases."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    sensitive = models.BooleanField(
        _("sensitif"),
        default=False,
        help_text=_("Kasus kategori ini hanya dapat dilihat petugas yang ditugaskan dan atasan."),
    )
    service_class = models.ForeignKey(
        ServiceClass,
        verbose_name=_("kelas standar layanan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
    )
    ordering = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("kategori pengaduan")
        verbose_name_plural = _("kategori pengaduan")
        ordering = ["ordering", "name"]

    def __str__(self):
        return self.name


class StepDeadline(models.Model):
    """How many working days a case may stay in one step before it is overdue."""

    status = models.CharField(_("tahap"), max_length=15, choices=CaseStatus.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("batas waktu (hari kerja)"))

    class Meta:
        verbose_name = _("batas waktu tahap")
        verbose_name_plural = _("batas waktu tahap")
        ordering = ["working_days"]

    def __str__(self):
        return f"{self.get_status_display()}: {self.working_days}"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=FINISHED_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class Case(models.Model):
    """One complaint. The status moves only through `complaints.services.case_transition`,
    which holds the allowed moves; `sensitive` is copied from the category when the case is
    filed (and when the category changes), so scoping needs no join."""

    number = models.CharField(_("nomor pengaduan"), max_length=20, unique=True)
    tracking_code_hash = models.CharField(max_length=64)
    # A random key carried by the filing form, so a form sent twice files one case.
    intake_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=15, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("kategori"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    service_class = models.ForeignKey(
        ServiceClass,
        verbose_name=_("kelas standar layanan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    channel = models.CharField(
        _("saluran"), max_length=10, choices=CaseChannel.choices, default=CaseChannel.ONLINE
    )
    lapor_number = models.CharField(_("nomor tiket LAPOR!"), max_length=30, blank=True)

    complainant_kind = models.CharField(
        _("pengadu"), max_length=15, choices=ComplainantKind.choices
    )
    complainant_relation = models.CharField(
        _("hubungan dengan pekerja / lembaga"), max_length=100, blank=True
    )
    complainant_name = models.CharField(_("nama pengadu"), max_length=150)
    complainant_phone = models.CharField(_("telepon pengadu"), max_length=20, blank=True)
    complainant_email = models.EmailField(_("e-mail pengadu"), blank=True)

    worker_name = models.CharField(_("nama pekerja migran"), max_length=150)
    worker_nik = models.CharField(_("NIK pekerja"), max_length=16, blank=True)
    worker_passport = models.CharField(_("nomor paspor"), max_length=20, blank=True)
    worker_sex = models.CharField(
        _("jenis kelamin pekerja"), max_length=1, choices=Sex.choices, blank=True
    )
    worker_region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota asal pekerja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_cases",
    )
    destination_country = models.ForeignKey(
        Country,
        verbose_name=_("negara penempatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_cases",
    )
    employer_name = models.CharField(_("nama pemberi kerja"), max_length=200, blank=True)
    p3mi = models.ForeignKey(
        Stakeholder,
        verbose_name=_("P3MI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_cases",
    )
    p3mi_name = models.CharField(_("nama P3MI (diketik)"), max_length=200, blank=True)
    procedural = models.BooleanField(
        _("berangkat secara prosedural"),
        null=True,
        blank=True,
        help_text=_("Kosong: tidak diketahui."),
    )
    description = models.TextField(_("kronologi"))
    consent = models.BooleanField(_("persetujuan pemrosesan data"), default=False)

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("pendaftaran CPMI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sensitive = models.BooleanField(_("sensitif"), default=False)

    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    step_started_on = models.DateField(_("tahap dimulai"), default=timezone.localdate)
    due_date = models.DateField(_("batas waktu tahap"), null=True, blank=True)
    target_date = models.DateField(_("target penyelesaian"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup/selesai"), null=True, blank=True)
    closure_reason = models.CharField(
        _("alasan penutupan"), max_length=25, choices=ClosureReason.choices, blank=True
    )
    resolution_outcome = models.CharField(
        _("hasil penyelesaian"), max_length=20, choices=ResolutionOutcome.choices, blank=True
    )
    resolution_note = models.TextField(_("keterangan penyelesaian"), blank=True)
    referred_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)
    proposed_closure_reason = models.CharField(
        _("usulan penutupan"), max_length=25, choices=ClosureReason.choices, blank=True
    )
    # Set when the retention period after closing passed and the personal data was removed
    # (`complaints.retention`); such a case is kept for the statistics and never reopened.
    anonymised_at = models.DateTimeField(_("dianonimkan"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("kasus pengaduan")
        verbose_name_plural = _("kasus pengaduan")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_sensitive_case", _("Dapat melihat kasus sensitif")),
            ("assign_case", _("Dapat menugaskan kasus")),
            ("close_case", _("Dapat menutup atau menyelesaikan kasus")),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="case_received_idx"),
            models.Index(fields=["status", "due_date"], name="case_status_due_idx"),
            # The list sorted by deadline, paged by seek (bp3mi.pagination).
            models.Index(fields=["due_date", "id"], name="case_due_id_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status_idx"),
            models.Index(fields=["worker_nik"], name="case_worker_nik_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(closure_reason=""),
                name="case_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.RESOLVED) | ~Q(resolution_outcome=""),
                name="case_resolved_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(channel=CaseChannel.LAPOR) | ~Q(lapor_number=""),
                name="case_lapor_has_number",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:case_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_finished
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def p3mi_display(self) -> str:
        return self.p3mi.name if self.p3mi_id else self.p3mi_name


class CaseEvent(models.Model):
    """One entry of a case's timeline. Only `is_public` entries' text reaches the
    complainant; status changes show them the new status, never the internal reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("jenis"), max_length=20, choices=EventKind.choices)
    text = models.TextField(_("isi"), blank=True)
    is_public = models.BooleanField(_("terlihat oleh pengadu"), default=False)
    from_status = models.CharField(max_length=15, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=CaseStatus.choices, blank=True)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    notified_at = models.DateTimeField(_("dikirim ke pengadu"), null=True, blank=True)

    class Meta:
        verbose_name = _("peristiwa kasus")
        verbose_name_plural = _("peristiwa kasus")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_idx")]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


def attachment_path(instance, filename):
    """A random name: the client's file name never reaches the storage path."""
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class CaseAttachment(models.Model):
    """A file given with a complaint or a timeline entry, checked and cleaned like a CPMI
    document (see `documents.uploads`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("berkas"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("nama berkas asal"), max_length=150, blank=True)
    file_format = models.CharField(_("format"), max_length=5, choices=FileFormat.choices)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("lampiran kasus")
        verbose_name_plural = _("lampiran kasus")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name

    def get_absolute_url(self):
        return reverse("complaints:attachment_download", args=[self.case_id, self.pk])


class DeadlineNotice(models.Model):
    """A deadline e-mail sent on a day to one person: an assignee's reminder or a
    supervisor's overdue list. At most one of each a day, so a re-run daily task sends
    nothing twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Pengingat petugas")
        OVERDUE_LIST = "overdue_list", _("Daftar kasus terlambat untuk atasan")

    day = models.DateField(_("tanggal"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=15, choices=Kind.choices)
    case_count = models.PositiveIntegerField(_("jumlah kasus"), default=0)
    sent_at = models.DateTimeField(_("dikirim"), default=timezone.now)

    class Meta:
        verbose_name = _("pemberitahuan tenggat")
        verbose_name_plural = _("pemberitahuan tenggat")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recipient", "kind"], name="deadlinenotice_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.recipient} {self.kind}"
