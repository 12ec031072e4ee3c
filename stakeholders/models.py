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

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region

from .choices import LicenceKind, LicenceStatus, OfficeLevel, OfficeType, StakeholderKind


class Vocation(models.Model):
    """A trade or job field trained for (welding, caregiving, hospitality, fishing...)."""

    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("kejuruan")
        verbose_name_plural = _("kejuruan")
        ordering = ["name"]

    def __str__(self):
        return self.name


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


class LicenceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Licences that allow their holder to operate on `day`."""
        return self.filter(status=LicenceStatus.ACTIVE, issued_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )


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

    def status_on(self, day: datetime.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.status == LicenceStatus.ACTIVE and self.expires_on and self.expires_on < day:
            return LicenceStatus.EXPIRED
        return self.status

    @property
    def current_status(self) -> str:
        return self.status_on()

    def get_current_status_display(self) -> str:
        return LicenceStatus(self.current_status).label


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
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_until
