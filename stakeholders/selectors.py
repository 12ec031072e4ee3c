"""Reads on the directory, scoped to what the user may see.

The public (and any user without `stakeholders.view_stakeholder`) sees active stakeholders
only; staff who may view the directory see every stakeholder, active or not. Lists are
fetched with their region, licences, SIP2MI and vocations in a fixed number of queries.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from bp3mi.models import AuditEvent, Country, User

from .choices import OPERATING_LICENCE_KINDS, CheckOutcome, LicenceStatus, StakeholderKind
from .models import ImportJob, Licence, Sip2mi, Stakeholder

EXPIRING_WITHIN_DAYS = 60


def stakeholder_scope(*, user: User) -> QuerySet[Stakeholder]:
    """Every stakeholder for staff who may view the directory; active ones for anyone else."""
    qs = Stakeholder.objects.all()
    if user.is_authenticated and user.has_perm("stakeholders.view_stakeholder"):
        return qs
    return qs.active()


def import_job_scope(*, user: User) -> QuerySet[ImportJob]:
    """A staff member's own import jobs: an uploaded file is seen only by who uploaded it."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user)


def stakeholder_public_scope() -> QuerySet[Stakeholder]:
    """What the public directory lists, whoever is looking: active stakeholders only."""
    return Stakeholder.objects.active()


def stakeholder_with_related(qs: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
    """Region, licences, SIP2MI with their countries and vocations, fetched once."""
    return qs.select_related("region").prefetch_related(
        Prefetch("licences", queryset=Licence.objects.order_by("kind", "-issued_on", "-id")),
        Prefetch("sip2mi", queryset=Sip2mi.objects.select_related("country")),
        "vocations",
    )


def stakeholder_filter_licence_status(
    qs: QuerySet[Stakeholder], status: str, day: datetime.date | None = None
) -> QuerySet[Stakeholder]:
    """Stakeholders whose operating licence is in `status` on `day`: active means at least
    one valid licence; the other states apply only when none is valid."""
    day = day or timezone.localdate()
    if status == LicenceStatus.ACTIVE:
        return qs.licensed_on(day)
    held = Licence.objects.filter(stakeholder=OuterRef("pk"), kind__in=OPERATING_LICENCE_KINDS)
    held = held.expired_on(day) if status == LicenceStatus.EXPIRED else held.filter(status=status)
    return qs.unlicensed_on(day).filter(Exists(held))


def stakeholder_filter_country(
    qs: QuerySet[Stakeholder], country: Country, day: datetime.date | None = None
) -> QuerySet[Stakeholder]:
    """P3MI holding a SIP2MI for `country` that is valid on `day`."""
    return qs.placing_in_on(country, day or timezone.localdate())


def main_licence(stakeholder: Stakeholder, day: datetime.date | None = None) -> Licence | None:
    """The operating licence that speaks for the stakeholder on `day`: a valid one if any
    (the one running longest), else the most recently issued. Reads prefetched licences."""
    day = day or timezone.localdate()
    kind = stakeholder.main_licence_kind
    if kind is None:
        return None
    candidates = [lic for lic in stakeholder.licences.all() if lic.kind == kind]
    if not candidates:
        return None
    valid = [lic for lic in candidates if lic.is_valid_on(day)]
    if valid:
        return max(valid, key=lambda lic: lic.expires_on or datetime.date.max)
    return max(candidates, key=lambda lic: (lic.issued_on, lic.pk))


def valid_countries(stakeholder: Stakeholder, day: datetime.date | None = None) -> list[Country]:
    """Destination countries with a SIP2MI valid on `day` (reads prefetched SIP2MI)."""
    day = day or timezone.localdate()
    countries = {s.country for s in stakeholder.sip2mi.all() if s.is_valid_on(day)}
    return sorted(countries, key=lambda c: c.name)


# --- Cek P3MI ---------------------------------------------------------------------------------


@dataclass
class CheckAnswer:
    stakeholder: Stakeholder
    outcome: str
    licence: Licence | None
    countries: list[Country] = field(default_factory=list)

    @property
    def may_recruit(self) -> bool:
        return self.outcome == CheckOutcome.VALID

    @property
    def outcome_label(self) -> str:
        return CheckOutcome(self.outcome).label


CHECK_MAX_RESULTS = 10
_COMPANY_PREFIX = re.compile(r"^\s*p\.?\s*t\.?\s+", re.IGNORECASE)


def normalise_check_query(query: str) -> str:
    """Collapse spaces and drop a leading 'PT'/'PT.', so 'PT Lia Center' finds
    'PT. Lia Center Utama'."""
    query = " ".join((query or "").split())
    return _COMPANY_PREFIX.sub("", query).strip() or query


def p3mi_check(*, query: str, day: datetime.date | None = None) -> list[CheckAnswer]:
    """Answer "may this company recruit on `day`?" for the P3MI whose name contains the query
    or whose SIP3MI licence number or NIB equals it. An empty list means not found."""
    day = day or timezone.localdate()
    text = normalise_check_query(query)
    if not text:
        return []
    matches = (
        stakeholder_public_scope()
        .filter(kind=StakeholderKind.P3MI)
        .filter(
            Q(name__icontains=text)
            | Q(nib=text)
            | Exists(
                Licence.objects.filter(stakeholder=OuterRef("pk"), number__iexact=query.strip())
            )
        )
        .order_by("name")
    )
    answers = []
    for stakeholder in stakeholder_with_related(matches)[:CHECK_MAX_RESULTS]:
        licence = main_licence(stakeholder, day)
        if licence is None:
            outcome = CheckOutcome.NOT_FOUND
        elif licence.is_valid_on(day):
            outcome = CheckOutcome.VALID
        elif licence.status_on(day) == LicenceStatus.ACTIVE:
            outcome = CheckOutcome.NOT_FOUND  # recorded, but not issued yet on `day`
        else:
            outcome = licence.status_on(day)
        may_recruit = outcome == CheckOutcome.VALID
        answers.append(
            CheckAnswer(
                stakeholder=stakeholder,
                outcome=outcome,
                licence=licence,
                countries=valid_countries(stakeholder, day) if may_recruit else [],
            )
        )
    return answers


# --- Staff reads --------------------------------------------------------------------------------


def licence_expiring_list(
    *, user: User, day: datetime.date | None = None, within_days: int = EXPIRING_WITHIN_DAYS
) -> QuerySet[Licence]:
    """Active licences that expire between `day` and `within_days` later, soonest first."""
    day = day or timezone.localdate()
    if not user.has_perm("stakeholders.view_licence"):
        return Licence.objects.none()
    return (
        Licence.objects.expiring_within(day, within_days)
        .select_related("stakeholder", "stakeholder__region")
        .order_by("expires_on", "stakeholder__name")
    )


def stakeholder_history(*, stakeholder: Stakeholder) -> QuerySet[AuditEvent]:
    """The audit events about a stakeholder and its licences and SIP2MI, newest first."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Stakeholder),
            object_id=str(stakeholder.pk),
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )
