"""Cross-cutting models: users, regions and countries, audit events, number sequences,
holidays, the worker heartbeat and the base of every background job."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a CPMI or an officer. They sign in with their e-mail address;
    what they may do comes from the role groups they belong to (see `bp3mi.roles`). `nip`
    (Nomor Induk Pegawai, the civil servant number) is printed under a signer's name."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 angka."), code="nip")],
        help_text=_("Nomor Induk Pegawai (18 angka) pejabat yang menandatangani surat."),
    )
    is_staff = models.BooleanField(
        _("akses admin"),
        default=False,
        help_text=_("Dapat masuk ke halaman admin Django."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    date_joined = models.DateTimeField(_("tanggal bergabung"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        # No part of a name stands for the whole: "La" and "Wa" (Ode) are prefixes in Buton and
        # Muna, and many Indonesians have one name only.
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Region(models.Model):
    """A kabupaten or kota. Kemendagri codes (the ones inside a NIK) and BPS codes differ, so
    both are kept."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    province_code = models.CharField(_("kode provinsi"), max_length=2)
    province_name = models.CharField(_("provinsi"), max_length=100)
    code_kemendagri = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    code_bps = models.CharField(_("kode BPS"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        ordering = ["code_kemendagri"]

    def __str__(self):
        return self.name

    @property
    def nik_prefix(self) -> str:
        """The first four digits of a NIK issued here, e.g. '7471' for Kota Kendari."""
        return self.code_kemendagri.replace(".", "")


class Country(models.Model):
    """A destination country. `household_moratorium` marks a country where placement in the
    household (domestic) sector is stopped, so such a registration is flagged for officers."""

    iso_code = models.CharField(_("kode ISO"), max_length=2, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (Inggris)"), max_length=100, blank=True)
    household_moratorium = models.BooleanField(
        _("moratorium sektor rumah tangga"),
        default=False,
        help_text=_("Penempatan PMI sektor rumah tangga ke negara ini sedang dihentikan."),
    )
    moratorium_basis = models.CharField(_("dasar moratorium"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("negara")
        verbose_name_plural = _("negara")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A national holiday or collective leave day; deadlines counted in working days skip it."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class AuditEvent(models.Model):
    """Who did what to which object, and when: every change of state or personal data and
    every officer view of a person's data (UU 27/2022 requires a record of processing).
    Rows are only ever added."""

    class Action(models.TextChoices):
        CREATE = "create", _("buat")
        UPDATE = "update", _("ubah")
        DELETE = "delete", _("hapus")
        VIEW = "view", _("lihat")
        EXPORT = "export", _("ekspor")
        STATUS = "status", _("ubah status")
        LOGIN = "login", _("masuk")
        LOGIN_FAILED = "login_failed", _("gagal masuk")
        SIGNUP = "signup", _("daftar akun")

    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=200, blank=True)
    message = models.CharField(_("keterangan"), max_length=500, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("log audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"]),
            # The log's pages, by seek (bp3mi.pagination).
            models.Index(fields=["created_at", "id"], name="auditevent_created_id"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class NumberSequence(models.Model):
    """A gap-free yearly counter behind registration and letter numbers. Taken under a row
    lock (see `bp3mi.services.sequence_next`), so concurrent callers never share a number."""

    name = models.CharField(max_length=50)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="numbersequence_unique_per_year")
        ]

    def __str__(self):
        return f"{self.name}/{self.year}: {self.last_value}"


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task, shown by /healthz."""

    name = models.CharField(max_length=100, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.last_seen:%Y-%m-%d %H:%M:%S}"


class BackgroundJob(models.Model):
    """The base of every job a user waits for (a letter, an export). The row, not the broker,
    is the source of truth: PENDING -> RUNNING -> READY | FAILED, with the attempts and the
    last error. `sent_at` says when its message reached the broker, `heartbeat_at` when its run
    last showed it was alive: the sweep (bp3mi.jobs) queues again the jobs never sent, lost, or
    whose worker is gone, so neither a broker outage nor a dead worker loses work."""

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        RUNNING = "running", _("diproses")
        READY = "ready", _("siap")
        FAILED = "failed", _("gagal")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("galat terakhir"), blank=True)
    queued_at = models.DateTimeField(_("diantrekan"), default=timezone.now)
    sent_at = models.DateTimeField(_("dikirim ke antrean"), null=True, blank=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        abstract = True
