"""The directory of the office's partners.

One `Stakeholder` table holds every kind (P3MI, LPK, BLK/BPVP, clinic, labour office) with the
fields they share; the few kind-specific fields are nullable columns on it, and anything a
stakeholder holds many of lives in its own table: `Licence` (SIP3MI, LPK licence and
accreditation, clinic designation, branch registration), `Sip2mi` (a P3MI's permit per
destination country) and `Vocation`.

- P3MI: Perusahaan Penempatan Pekerja Migran Indonesia, a licensed placement company (PT).
- SIP3MI: the ministry's licence that lets a P3MI recruit; SIP2MI: its permit per job order
  and destination country, with a quota.
- LPK: Lembaga Pelatihan Kerja, a private training institute; BLK/BPVP: a government one.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import BackgroundJob, Country, Region

from .choices import (
    KIND_FIELDS,
    KIND_LICENCE_KINDS,
    MAIN_LICENCE_KIND,
    OPERATING_LICENCE_KINDS,
    LicenceKind,
    LicenceStatus,
    OfficeLevel,
    OfficeType,
    StakeholderKind,
)


class Vocation(models.Model):
    """A trade or job field trained for (welding, caregiving, hospitality, fishing...)."""

    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("kejuruan")
        verbose_name_plural = _("kejuruan")
        ordering = ["name"]

    def __str__(self):
        return self.name


def _licensed(day: datetime.date) -> Exists:
    return Exists(
        Licence.objects.valid_on(day).filter(
            stakeholder=OuterRef("pk"), kind__in=OPERATING_LICENCE_KINDS
        )
    )


class StakeholderQuerySet(models.QuerySet):
    def active(self):
        """Stakeholders shown in the public directory and offered in forms."""
        return self.filter(is_active=True)

    def licensed_on(self, day: datetime.date):
        """Stakeholders holding an operating licence (SIP3MI, LPK licence, clinic
        designation: `MAIN_LICENCE_KIND`) that is valid on `day`."""
        return self.filter(_licensed(day))

    def unlicensed_on(self, day: datetime.date):
        """Stakeholders holding no operating licence valid on `day`."""
        return self.filter(~_licensed(day))

    def placing_in_on(self, country: Country, day: datetime.date):
        """P3MI holding a SIP2MI for `country` that is valid on `day`."""
        return self.filter(
            Exists(Sip2mi.objects.valid_on(day).filter(stakeholder=OuterRef("pk"), country=country))
        )


class Stakeholder(models.Model):
    """A partner of the office: a placement company, training institute, vocational centre,
    designated clinic or labour office."""

    kind = models.CharField(_("jenis"), max_length=10, choices=StakeholderKind.choices)
    name = models.CharField(_("nama"), max_length=200)
    address = models.TextField(_("alamat"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stakeholders",
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    person_in_charge = models.CharField(_("penanggung jawab"), max_length=150, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    # P3MI
    nib = models.CharField(_("NIB"), max_length=20, blank=True, help_text=_("Nomor Induk Berusaha"))
    office_type = models.CharField(
        _("jenis kantor"), max_length=10, choices=OfficeType.choices, blank=True
    )
    head_office = models.CharField(
        _("kantor pusat"),
        max_length=300,
        blank=True,
        help_text=_("Nama dan alamat kantor pusat, untuk kantor cabang."),
    )
    # LPK, BLK/BPVP
    vocations = models.ManyToManyField(
        Vocation, verbose_name=_("kejuruan"), blank=True, related_name="stakeholders"
    )
    languages = models.CharField(
        _("bahasa yang diajarkan"), max_length=200, blank=True, help_text=_("Contoh: Jepang, Korea")
    )
    # Clinic
    services = models.TextField(_("layanan"), blank=True)
    # Labour office
    office_level = models.CharField(
        _("tingkat"), max_length=10, choices=OfficeLevel.choices, blank=True
    )

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = StakeholderQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemangku kepentingan")
        verbose_name_plural = _("pemangku kepentingan")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="stakeholder_unique_nib"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholders:detail", kwargs={"pk": self.pk})

    def clean(self):
        """A kind-specific field (`KIND_FIELDS`) is filled only for the kinds it belongs to."""
        errors = {}
        for name, kinds in KIND_FIELDS.items():
            if name != "vocations" and self.kind not in kinds and getattr(self, name):
                errors[name] = ValidationError(
                    _("Kolom ini tidak berlaku untuk %(kind)s.")
                    % {"kind": self.get_kind_display()},
                    code="field_not_for_kind",
                )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def may_fill(cls, kind: str, field_name: str) -> bool:
        """Whether a stakeholder of `kind` may fill `field_name` (common fields: always)."""
        return kind in KIND_FIELDS.get(field_name, {kind})

    @property
    def licence_kinds(self) -> list[LicenceKind]:
        """The licences a stakeholder of this kind may hold."""
        return KIND_LICENCE_KINDS.get(self.kind, [])

    @property
    def holds_licences(self) -> bool:
        return bool(self.licence_kinds)

    @property
    def holds_sip2mi(self) -> bool:
        """Only a placement company holds SIP2MI (permits per destination country)."""
        return self.kind == StakeholderKind.P3MI

    @property
    def main_licence_kind(self) -> LicenceKind | None:
        """The licence whose validity says whether this stakeholder may operate."""
        return MAIN_LICENCE_KIND.get(self.kind)


def _lapsed(day: datetime.date) -> Q:
    """The SQL form of `Licence.lapsed_on`: past the expiry date on `day`."""
    return Q(expires_on__lt=day)


class LicenceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Licences that allow their holder to operate on `day`: active, issued by then and
        not past their expiry date (`Licence.is_valid_on` in Python)."""
        return self.filter(status=LicenceStatus.ACTIVE, issued_on__lte=day).exclude(_lapsed(day))

    def expired_on(self, day: datetime.date):
        """Licences that read as expired on `day` (`Licence.status_on`): stored as expired,
        or active but past their expiry date before the daily sweep has run."""
        return self.filter(
            Q(status=LicenceStatus.EXPIRED) | Q(status=LicenceStatus.ACTIVE) & _lapsed(day)
        )

    def due_to_expire_on(self, day: datetime.date):
        """Licences still stored as active that are past their expiry date on `day`: what
        the daily sweep marks as expired."""
        return self.filter(_lapsed(day), status=LicenceStatus.ACTIVE)

    def expiring_within(self, day: datetime.date, days: int):
        """Licences valid on `day` whose expiry date falls within `days` days of it."""
        return self.valid_on(day).filter(expires_on__lte=day + datetime.timedelta(days=days))


class Licence(models.Model):
    """A licence, accreditation or designation a stakeholder holds. `status` is the
    administrative state (active, suspended, revoked; the daily sweep writes expired); the
    state that counts on a given day is `status_on(day)`, so a licence reads as expired the
    day after its expiry date even before the sweep runs."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="licences", verbose_name=_("pemegang")
    )
    kind = models.CharField(_("jenis izin"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("nomor"), max_length=100)
    issued_on = models.DateField(_("tanggal terbit"))
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE
    )
    issuer = models.CharField(_("penerbit"), max_length=200, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("izin")
        verbose_name_plural = _("izin")
        ordering = ["stakeholder__name", "kind", "-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="licence_expiry_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def lapsed_on(self, day: datetime.date) -> bool:
        """Past its expiry date on `day`: a licence is expired the day after its expiry
        date (the SQL form is `_lapsed`)."""
        return self.expires_on is not None and self.expires_on < day

    def status_on(self, day: datetime.date | None = None) -> str:
        """The status that counts on `day`: an active licence past its expiry date reads as
        expired even before the daily sweep stores it."""
        day = day or timezone.localdate()
        if self.status == LicenceStatus.ACTIVE and self.lapsed_on(day):
            return LicenceStatus.EXPIRED
        return self.status

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        """Whether this licence lets its holder operate on `day` (`valid_on` in SQL)."""
        day = day or timezone.localdate()
        return self.status_on(day) == LicenceStatus.ACTIVE and self.issued_on <= day

    def status_to_store(self, day: datetime.date) -> str:
        """The status to save on `day`: expiry follows the dates (an active licence past its
        expiry date is stored as expired, an expired one whose date was extended is active
        again); suspension and revocation are left as they are."""
        if self.status == LicenceStatus.EXPIRED and not self.lapsed_on(day):
            return LicenceStatus.ACTIVE
        return self.status_on(day)

    @property
    def current_status(self) -> str:
        return self.status_on()

    @property
    def is_valid_today(self) -> bool:
        return self.is_valid_on()

    def get_current_status_display(self) -> str:
        return LicenceStatus(self.current_status).label

    @property
    def current_status_badge(self) -> str:
        """The Bootstrap badge class for the status that counts today."""
        return LICENCE_STATUS_BADGE[self.current_status]


LICENCE_STATUS_BADGE = {
    LicenceStatus.ACTIVE: "text-bg-success",
    LicenceStatus.SUSPENDED: "text-bg-warning",
    LicenceStatus.REVOKED: "text-bg-danger",
    LicenceStatus.EXPIRED: "text-bg-secondary",
}


class Sip2miQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """SIP2MI in force on `day`, both ends included (`Sip2mi.is_valid_on` in Python)."""
        return self.filter(valid_from__lte=day, valid_until__gte=day)


class Sip2mi(models.Model):
    """A P3MI's permit to place workers in one destination country (Surat Izin Perekrutan
    PMI), with its quota and validity."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="sip2mi", verbose_name=_("P3MI")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("negara tujuan")
    )
    number = models.CharField(_("nomor SIP2MI"), max_length=100, blank=True)
    quota = models.PositiveIntegerField(_("kuota"), null=True, blank=True)
    valid_from = models.DateField(_("berlaku dari"))
    valid_until = models.DateField(_("berlaku sampai"))

    objects = Sip2miQuerySet.as_manager()

    class Meta:
        verbose_name = _("SIP2MI")
        verbose_name_plural = _("SIP2MI")
        ordering = ["country__name", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="sip2mi_valid_until_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.stakeholder} - {self.country}"

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        """In force on `day`, both ends included (`Sip2miQuerySet.valid_on` in SQL)."""
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_until


class ImportJob(BackgroundJob):
    """A directory import from a CSV or XLSX file (up to 50,000 rows), run in the background
    in two stages, each a `BackgroundJob` run (PENDING -> RUNNING -> READY | FAILED):

    - CHECK: the file is read and every row validated; the counts, a preview of the first
      rows and a bounded sample of rows with errors are kept here. Nothing else is written.
    - WRITE: after the staff member confirms a preview without errors, the rows are checked
      again against the directory as it is then and written, all or none.

    `rows_done` / `rows_total` is the progress of the stage running. The uploaded file lives
    at `path` in private storage until the job is written, cancelled or abandoned. A job is
    seen only by the staff member who uploaded it."""

    class Stage(models.TextChoices):
        CHECK = "check", _("pemeriksaan")
        WRITE = "write", _("penyimpanan")
        CANCELLED = "cancelled", _("dibatalkan")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices, default=Stage.CHECK)
    file_name = models.CharField(_("nama berkas"), max_length=200)
    path = models.CharField(_("berkas tersimpan"), max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_done = models.PositiveIntegerField(_("baris selesai"), default=0)
    create_count = models.PositiveIntegerField(_("baris baru"), default=0)
    update_count = models.PositiveIntegerField(_("baris diperbarui"), default=0)
    error_count = models.PositiveIntegerField(_("baris salah"), default=0)
    # {"rows": [{"line", "name", "action", "errors"}, ...] (the first PREVIEW_ROWS rows),
    #  "errors": [{"line", "name", "errors"}, ...] (the first ERROR_SAMPLE rows with errors)}
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)

    PREVIEW_ROWS = 50
    ERROR_SAMPLE = 200

    class Meta:
        verbose_name = _("impor direktori")
        verbose_name_plural = _("impor direktori")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")),
                name="importjob_rows_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_stage_display()}, {self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("stakeholders:import_job", kwargs={"pk": self.pk})

    @property
    def is_working(self) -> bool:
        return self.stage != self.Stage.CANCELLED and self.status in {
            self.Status.PENDING,
            self.Status.RUNNING,
        }

    @property
    def may_confirm(self) -> bool:
        return (
            self.stage == self.Stage.CHECK
            and self.status == self.Status.READY
            and self.error_count == 0
            and self.rows_total > 0
        )

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
