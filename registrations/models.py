"""Prospective migrant workers and their registrations.

- CPMI (Calon Pekerja Migran Indonesia): a person preparing to work abroad. Their identity is
  an `Applicant`; each attempt to go abroad is a `Registration` with its own number, scheme,
  destination and status. A returned worker (PMI Purna) who leaves again gets a new one.
- NIK (Nomor Induk Kependudukan): the 16-digit national identity number. It is personal data:
  masked in lists, never in a URL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bp3mi.models import Country, Region
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

from .choices import (
    ACTIVE_STATUSES,
    Education,
    EmployerType,
    FamilyRelation,
    MaritalStatus,
    MilestoneKind,
    RegistrationStatus,
    Scheme,
    Sector,
    Sex,
)


def mask_nik(nik: str) -> str:
    """'7471014508900001' -> '7471********0001': the region stays readable, the birth date
    and sex do not."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


class Occupation(models.Model):
    """A job a CPMI may be placed in, with its sector. `is_household` marks domestic work
    (subject to moratoria); `fee_exempt` the informal jobs Perban 9/2020 frees from placement
    costs."""

    name = models.CharField(_("nama"), max_length=150, unique=True)
    sector = models.CharField(_("sektor"), max_length=10, choices=Sector.choices)
    is_household = models.BooleanField(_("sektor rumah tangga"), default=False)
    fee_exempt = models.BooleanField(_("bebas biaya penempatan"), default=False)

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Applicant(models.Model):
    """The identity of a CPMI, as on their KTP, with address and a family contact.

    Linked to the user who registered themselves; an officer may record a walk-in without an
    account, and a returning worker without a NIK (then `nik` is empty and the registration
    is flagged)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
        verbose_name=_("akun"),
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    full_name = models.CharField(_("nama lengkap (sesuai KTP)"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    birthplace = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    marital_status = models.CharField(
        _("status perkawinan"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("pendidikan terakhir"), max_length=15, choices=Education.choices, blank=True
    )
    experience = models.CharField(_("pengalaman kerja"), max_length=2000, blank=True)
    address = models.CharField(_("alamat"), max_length=500, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applicants",
        help_text=_("Kosong bila tinggal di luar Sulawesi Tenggara."),
    )
    lives_outside_region = models.BooleanField(
        _("tinggal di luar Sulawesi Tenggara"), default=False
    )
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    village = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    family_name = models.CharField(
        _("nama keluarga yang dapat dihubungi"), max_length=150, blank=True
    )
    family_relation = models.CharField(
        _("hubungan"), max_length=12, choices=FamilyRelation.choices, blank=True
    )
    family_phone = models.CharField(_("nomor HP keluarga"), max_length=20, blank=True)
    # Set when the retention period of an abandoned draft has passed and the person's
    # identity and contacts were replaced (UU 27/2022); the row stays for the statistics.
    anonymised_at = models.DateTimeField(_("dianonimkan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("calon pekerja migran")
        verbose_name_plural = _("calon pekerja migran")
        ordering = ["full_name"]
        indexes = [
            # The officers' list sorted by name, page after page (seek pagination).
            models.Index(fields=["full_name", "id"], name="applicant_name_id"),
            # The list's kab/kota filter joins here: (region, id) answers it from the index.
            models.Index(fields=["region", "id"], name="applicant_region_id"),
            # "Outside Sultra" is rare: a small index finds those people without a scan.
            models.Index(
                fields=["id"],
                condition=Q(lives_outside_region=True),
                name="applicant_outside_region",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class Registration(models.Model):
    """One registration of a CPMI for placement abroad, from draft to departure.

    The number (REG-<year>-<serial>) is taken from a yearly sequence when the registration is
    submitted and is never reused. One active registration per NIK: `nik` is a copy of the
    applicant's, and the database refuses a second active registration with it. Flags mark what an officer must look at: the NIK is used
    by another active registration, the job is household work in a country under a
    moratorium, or there is no NIK at all."""

    number = models.CharField(
        _("nomor pendaftaran"), max_length=20, unique=True, null=True, blank=True
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("CPMI"),
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
    )
    scheme = models.CharField(
        _("skema penempatan"), max_length=10, choices=Scheme.choices, blank=True
    )
    destination_country = models.ForeignKey(
        Country,
        verbose_name=_("negara tujuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("jabatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    employer_type = models.CharField(
        _("jenis pemberi kerja"), max_length=15, choices=EmployerType.choices, blank=True
    )
    p3mi = models.ForeignKey(
        Stakeholder,
        verbose_name=_("P3MI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations_placed",
        db_index=False,  # served by the (role, status) index below
        limit_choices_to={"kind": StakeholderKind.P3MI},
    )
    training_centre = models.ForeignKey(
        Stakeholder,
        verbose_name=_("LPK/BLK"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations_trained",
        db_index=False,  # served by the (role, status) index below
        limit_choices_to={"kind__in": [StakeholderKind.LPK, StakeholderKind.BLK]},
    )
    clinic = models.ForeignKey(
        Stakeholder,
        verbose_name=_("sarana kesehatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations_examined",
        db_index=False,  # served by the (role, status) index below
        limit_choices_to={"kind": StakeholderKind.CLINIC},
    )
    # The applicant's NIK (normalised), copied here by the services that set it, so that
    # the database itself holds one active registration per NIK (constraint below): two
    # simultaneous starts with one NIK cannot both succeed.
    nik = models.CharField(_("NIK"), max_length=16, blank=True, editable=False)
    current_step = models.CharField(_("langkah formulir"), max_length=20, blank=True)
    flag_duplicate_nik = models.BooleanField(_("NIK ganda"), default=False)
    flag_moratorium = models.BooleanField(_("negara moratorium"), default=False)
    flag_no_nik = models.BooleanField(_("tanpa NIK"), default=False)
    no_nik_reason = models.CharField(_("alasan tanpa NIK"), max_length=500, blank=True)
    status_reason = models.CharField(_("alasan status"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    # When the oldest current document still waiting for review was uploaded; None when none
    # waits. Kept by documents.services on every upload and review, so the verification queue
    # is read in this order from an index and paged by seek.
    review_waiting_since = models.DateTimeField(
        _("dokumen menunggu sejak"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        ordering = ["-created_at"]
        permissions = [
            ("register_self", _("Dapat mendaftarkan diri sebagai CPMI")),
            ("register_walk_in", _("Dapat mencatat pendaftaran CPMI yang datang ke loket")),
            ("record_milestone", _("Dapat mencatat tahapan CPMI")),
            ("view_statistics", _("Dapat melihat dan mengekspor statistik")),
        ]
        # The officers' list reads pages in (sort key, id) order from a cursor (seek
        # pagination), with or without a status; flags are rare, so each has a small index.
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="registration_submitted_id"),
            models.Index(fields=["number", "id"], name="registration_number_id"),
            models.Index(
                fields=["status", "submitted_at", "id"], name="registration_status_submitted"
            ),
            models.Index(fields=["scheme", "status"]),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(flag_duplicate_nik=True),
                name="registration_flag_duplicate",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(flag_moratorium=True),
                name="registration_flag_moratorium",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(flag_no_nik=True),
                name="registration_flag_no_nik",
            ),
            # The counts per stakeholder and status (directory, stakeholder page) read these
            # alone, without visiting the table; they also serve the foreign keys.
            models.Index(fields=["p3mi", "status"], name="registration_p3mi_status"),
            models.Index(fields=["training_centre", "status"], name="registration_centre_status"),
            models.Index(fields=["clinic", "status"], name="registration_clinic_status"),
            # The signing queue: verified registrations, the longest waiting first, paged
            # by seek (bp3mi.pagination).
            models.Index(
                fields=["updated_at", "id"],
                condition=Q(status=RegistrationStatus.VERIFIED),
                name="registration_verified_updated",
            ),
            # The verification queue: registrations under review with a document waiting,
            # the longest waiting first, paged by seek.
            models.Index(
                fields=["review_waiting_since", "id"],
                condition=Q(
                    review_waiting_since__isnull=False,
                    status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.IN_VERIFICATION],
                ),
                name="registration_review_queue",
            ),
        ]
        constraints = [
            # A number is taken on submission; a draft withdrawn before it was ever
            # submitted (releasing the NIK it held) never takes one.
            models.CheckConstraint(
                condition=Q(number__isnull=False)
                | Q(status=RegistrationStatus.DRAFT)
                | Q(status=RegistrationStatus.WITHDRAWN, submitted_at__isnull=True),
                name="registration_number_once_submitted",
            ),
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(nik=""),
                name="registration_one_active_per_nik",
                violation_error_code="duplicate_nik",
            ),
        ]

    def __str__(self):
        return self.number or _("Draf %(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        # `review_waiting_since` is written only by documents.services, by a queryset update
        # inside the transaction that changed a document: a registration loaded before that
        # and saved whole afterwards must not put an older value back.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not args
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in deferred
                and field.name != "review_waiting_since"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registrations:detail", kwargs={"pk": self.pk})

    @property
    def sector(self) -> str:
        return self.occupation.sector if self.occupation_id else ""


class StatusChange(models.Model):
    """One step of a registration's status history, for its timeline."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=15, choices=RegistrationStatus.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=RegistrationStatus.choices)
    reason = models.CharField(_("alasan"), max_length=4000, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("perubahan status")
        verbose_name_plural = _("riwayat status")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.registration}: {self.from_status} -> {self.to_status}"


class Milestone(models.Model):
    """A dated stage an officer recorded (training, medical check, OPP, departure...)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("tahapan"), max_length=25, choices=MilestoneKind.choices)
    date = models.DateField(_("tanggal"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind"], name="milestone_once_per_registration"
            )
        ]

    def __str__(self):
        return f"{self.registration}: {self.get_kind_display()} {self.date}"


class DuplicateNikAttempt(models.Model):
    """Someone tried to register a NIK that an active registration already holds. The
    attempt is refused; the existing registration is flagged and this row tells the officer
    who tried and when."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="duplicate_attempts",
        verbose_name=_("pendaftaran yang sudah ada"),
    )
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dicoba oleh"),
    )
    attempted_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("percobaan NIK ganda")
        verbose_name_plural = _("percobaan NIK ganda")
        ordering = ["-attempted_at"]

    def __str__(self):
        return f"{self.registration} {self.attempted_at:%Y-%m-%d %H:%M}"
