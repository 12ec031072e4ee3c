"""Reads on registrations, scoped to what the user may see."""

import datetime
from collections.abc import Sequence

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent, Country, User
from stakeholders.choices import StakeholderKind
from stakeholders.models import Stakeholder

from .choices import ACTIVE_STATUSES, RegistrationStatus
from .models import Applicant, Milestone, Registration, StatusChange
from .nik import nik_normalise


def registration_scope(*, user: User) -> QuerySet[Registration]:
    """Officers who may view registrations see all of them; a CPMI sees only their own;
    anyone else sees none."""
    qs = Registration.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("registrations.view_registration"):
        return qs
    if user.has_perm("registrations.register_self"):
        return qs.filter(applicant__user=user)
    return qs.none()


def registration_list(*, user: User) -> QuerySet[Registration]:
    """The officers' list: the user's scope with every relation a row shows, in one query.
    (`RegistrationFilter` leaves drafts out unless they are asked for by status.)"""
    return registration_scope(user=user).select_related(
        "applicant", "applicant__region", "destination_country", "occupation", "p3mi"
    )


def registration_detail_queryset(*, user: User) -> QuerySet[Registration]:
    """One registration with its history, milestones and duplicate attempts, for a detail
    page or the CPMI's timeline."""
    return (
        registration_scope(user=user)
        .select_related(
            "applicant",
            "applicant__region",
            "destination_country",
            "occupation",
            "p3mi",
            "training_centre",
            "clinic",
        )
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch("milestones", queryset=Milestone.objects.select_related("recorded_by")),
            "duplicate_attempts__attempted_by",
        )
    )


def registration_of_user(*, user: User) -> Registration | None:
    """The registration a CPMI is working on or following: the active one if any, otherwise
    the most recent."""
    if not user.is_authenticated:
        return None
    own = Registration.objects.filter(applicant__user=user).select_related(
        "destination_country", "applicant"
    )
    return (
        own.filter(status__in=ACTIVE_STATUSES).order_by("-created_at").first()
        or own.order_by("-created_at").first()
    )


def active_registration_with_nik(*, nik: str, exclude_applicant: Applicant | None = None):
    """Another active registration that holds this NIK, if any (one active registration per
    NIK)."""
    nik = nik_normalise(nik)
    if not nik:
        return None
    qs = Registration.objects.filter(nik=nik, status__in=ACTIVE_STATUSES)
    if exclude_applicant is not None and exclude_applicant.pk:
        qs = qs.exclude(applicant=exclude_applicant)
    return qs.order_by("created_at").first()


def p3mi_placement_problem(
    *, p3mi: Stakeholder, country: Country | None, day: datetime.date
) -> str | None:
    """Why this P3MI may not place a worker in `country` on `day`, or None when it may: it
    needs an SIP3MI valid that day and an SIP2MI for that country valid that day."""
    if p3mi.kind != StakeholderKind.P3MI:
        return _("Pilih perusahaan penempatan (P3MI) dari daftar.")
    if not Stakeholder.objects.filter(pk=p3mi.pk).licensed_on(day).exists():
        return _(
            "%(name)s tidak memiliki SIP3MI yang berlaku hari ini. Pilih P3MI lain atau "
            "tanyakan ke kantor BP3MI."
        ) % {"name": p3mi.name}
    if (
        country is not None
        and not Stakeholder.objects.filter(pk=p3mi.pk).placing_in_on(country, day).exists()
    ):
        return _(
            "%(name)s tidak memiliki izin (SIP2MI) yang berlaku untuk penempatan ke "
            "%(country)s. Pilih P3MI lain atau negara tujuan lain."
        ) % {"name": p3mi.name, "country": country.name}
    return None


# The stakeholder roles a registration names, each a foreign key with its own index.
STAKEHOLDER_ROLES = ("p3mi", "training_centre", "clinic")
REGISTERED_STATUSES = [s for s in RegistrationStatus.values if s != RegistrationStatus.DRAFT]
VERIFIED_STATUSES = [RegistrationStatus.VERIFIED, RegistrationStatus.DEPARTED]
DEPARTED_STATUSES = [RegistrationStatus.DEPARTED]


def registration_counts_by_stakeholder(ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """The CPMI registered (submitted or later), verified and departed through each of these
    stakeholders, in any role: one GROUP BY (role, status) per role, read from the role's
    (role, status) index alone, three queries whatever the number of ids; never a scan of
    the whole table per stakeholder. A stakeholder fills one role only (the role's kinds),
    so the sums count nobody twice."""
    figures = {
        "registered": set(REGISTERED_STATUSES),
        "verified": set(VERIFIED_STATUSES),
        "departed": set(DEPARTED_STATUSES),
    }
    counts: dict[int, dict[str, int]] = {}
    for role in STAKEHOLDER_ROLES:
        column = f"{role}_id"
        rows = (
            Registration.objects.filter(**{f"{column}__in": list(ids)})
            .order_by()
            .values_list(column, "status")
            .annotate(n=Count("*"))
        )
        for stakeholder_id, status, n in rows:
            total = counts.setdefault(stakeholder_id, dict.fromkeys(figures, 0))
            for key, statuses in figures.items():
                if status in statuses:
                    total[key] += n
    return counts


def registration_audit_trail(*, registration: Registration) -> QuerySet[AuditEvent]:
    """Audit events about this registration and its applicant, newest first."""
    from django.contrib.contenttypes.models import ContentType

    reg_type = ContentType.objects.get_for_model(Registration)
    app_type = ContentType.objects.get_for_model(Applicant)
    return (
        AuditEvent.objects.filter(
            Q(content_type=reg_type, object_id=str(registration.pk))
            | Q(content_type=app_type, object_id=str(registration.applicant_id))
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def registration_own(*, user: User) -> QuerySet[Registration]:
    """The registrations of the signed-in person themselves (never anyone else's, whatever
    their other permissions), for the CPMI's own pages."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(applicant__user=user).select_related(
        "applicant",
        "applicant__region",
        "destination_country",
        "occupation",
        "p3mi",
        "training_centre",
        "clinic",
    )


def registration_timeline(*, registration: Registration) -> list[dict]:
    """Every stage of the path with its date, in order: created, submitted, verification,
    then the dated milestones officers record. Uses the prefetched history and milestones."""
    from .choices import MilestoneKind
    from .choices import RegistrationStatus as S

    changes = list(registration.status_changes.all())

    def first_change(to_status):
        return next((c.changed_at for c in changes if c.to_status == to_status), None)

    entries = [
        {"label": _("Pendaftaran dibuat"), "date": registration.created_at},
        {"label": _("Pendaftaran diajukan"), "date": registration.submitted_at},
        {"label": _("Verifikasi dokumen dimulai"), "date": first_change(S.IN_VERIFICATION)},
        {"label": _("Dokumen terverifikasi"), "date": first_change(S.VERIFIED)},
    ]
    by_kind = {m.kind: m for m in registration.milestones.all()}
    for kind in MilestoneKind:
        milestone = by_kind.get(kind.value)
        entries.append(
            {
                "label": kind.label,
                "date": milestone.date if milestone else None,
                "note": milestone.note if milestone else "",
            }
        )
    for entry in entries:
        if isinstance(entry["date"], datetime.datetime):
            entry["date"] = timezone.localtime(entry["date"]).date()
        entry["done"] = entry["date"] is not None
    pending = next((e for e in entries if not e["done"]), None)
    if pending is not None and registration.status not in {S.WITHDRAWN, S.REJECTED}:
        pending["next"] = True
    return entries
