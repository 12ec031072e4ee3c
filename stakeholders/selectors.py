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
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bp3mi.models import AuditEvent, Country, User
from registrations.choices import RegistrationStatus
from registrations.models import Registration

from .choices import MAIN_LICENCE_KIND, CheckOutcome, LicenceStatus, StakeholderKind
from .models import Licence, Sip2mi, Stakeholder

# Licences that decide whether a stakeholder may operate (SIP3MI, LPK licence, designation).
OPERATING_LICENCE_KINDS = list(MAIN_LICENCE_KIND.values())
EXPIRING_WITHIN_DAYS = 60


def stakeholder_scope(*, user: User) -> QuerySet[Stakeholder]:
    """Every stakeholder for staff who may view the directory; active ones for anyone else."""
    qs = Stakeholder.objects.all()
    if user.is_authenticated and user.has_perm("stakeholders.view_stakeholder"):
        return qs
    return qs.filter(is_active=True)


def stakeholder_public_scope() -> QuerySet[Stakeholder]:
    """What the public directory lists, whoever is looking: active stakeholders only."""
    return Stakeholder.objects.filter(is_active=True)


def stakeholder_with_related(qs: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
    """Region, licences, SIP2MI with their countries and vocations, fetched once."""
    return qs.select_related("region").prefetch_related(
        Prefetch("licences", queryset=Licence.objects.order_by("kind", "-issued_on", "-id")),
        Prefetch("sip2mi", queryset=Sip2mi.objects.select_related("country")),
        "vocations",
    )


def _registration_count(statuses: list[str]):
    """A correlated COUNT of registrations that went through the stakeholder in any role
    (placement company, training centre or clinic), with the given statuses."""
    through = (
        Q(p3mi_id=OuterRef("pk"))
        | Q(training_centre_id=OuterRef("pk"))
        | Q(clinic_id=OuterRef("pk"))
    )
    counted = (
        Registration.objects.filter(through, status__in=statuses)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


REGISTERED_STATUSES = [s for s in RegistrationStatus.values if s != RegistrationStatus.DRAFT]
VERIFIED_STATUSES = [RegistrationStatus.VERIFIED, RegistrationStatus.DEPARTED]
DEPARTED_STATUSES = [RegistrationStatus.DEPARTED]


def stakeholder_with_counts(qs: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
    """Annotate the CPMI registered (submitted or later), verified and departed through each
    stakeholder: subqueries in the same SELECT, so a list costs no extra query per row."""
    return qs.annotate(
        registered_count=_registration_count(REGISTERED_STATUSES),
        verified_count=_registration_count(VERIFIED_STATUSES),
        departed_count=_registration_count(DEPARTED_STATUSES),
    )


def _valid_licence(day: datetime.date):
    return Exists(
        Licence.objects.valid_on(day).filter(
            stakeholder=OuterRef("pk"), kind__in=OPERATING_LICENCE_KINDS
        )
    )


def stakeholder_filter_licence_status(
    qs: QuerySet[Stakeholder], status: str, day: datetime.date | None = None
) -> QuerySet[Stakeholder]:
    """Stakeholders whose operating licence is in `status` on `day`: active means at least
    one valid licence; the other states apply only when none is valid."""
    day = day or timezone.localdate()
    valid = _valid_licence(day)
    if status == LicenceStatus.ACTIVE:
        return qs.filter(valid)
    held = Licence.objects.filter(stakeholder=OuterRef("pk"), kind__in=OPERATING_LICENCE_KINDS)
    if status == LicenceStatus.EXPIRED:
        held = held.filter(
            Q(status=LicenceStatus.EXPIRED) | Q(status=LicenceStatus.ACTIVE, expires_on__lt=day)
        )
    else:
        held = held.filter(status=status)
    return qs.filter(~valid, Exists(held))


def stakeholder_filter_country(
    qs: QuerySet[Stakeholder], country: Country, day: datetime.date | None = None
) -> QuerySet[Stakeholder]:
    """P3MI holding a SIP2MI for `country` that is valid on `day`."""
    day = day or timezone.localdate()
    return qs.filter(
        Exists(
            Sip2mi.objects.filter(
                stakeholder=OuterRef("pk"),
                country=country,
                valid_from__lte=day,
                valid_until__gte=day,
            )
        )
    )


def main_licence(stakeholder: Stakeholder, day: datetime.date | None = None) -> Licence | None:
    """The operating licence that speaks for the stakeholder on `day`: a valid one if any
    (the one running longest), else the most recently issued. Reads prefetched licences."""
    day = day or timezone.localdate()
    kind = MAIN_LICENCE_KIND.get(stakeholder.kind)
    if kind is None:
        return None
    candidates = [lic for lic in stakeholder.licences.all() if lic.kind == kind]
    if not candidates:
        return None
    valid = [lic for lic in candidates if lic.status_on(day) == LicenceStatus.ACTIVE]
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
        outcome = CheckOutcome.NOT_FOUND if licence is None else licence.status_on(day)
        if outcome == LicenceStatus.ACTIVE:
            outcome = CheckOutcome.VALID
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
        Licence.objects.filter(
            status=LicenceStatus.ACTIVE,
            expires_on__gte=day,
            expires_on__lte=day + datetime.timedelta(days=within_days),
        )
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
