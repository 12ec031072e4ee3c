"""Reads on complaint cases, scoped to what the user may see.

Officers holding `complaints.view_case` see every case that is not sensitive and the
sensitive cases assigned to them; holders of `complaints.view_sensitive_case` (supervisors)
see them all. Anyone else sees none: a case outside the scope is a 404, as if it did not
exist. Lists fetch their relations once, so their query count does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from bp3mi.models import User
from registrations.models import Registration
from registrations.nik import nik_is_ascii_digits, nik_normalise

from .choices import CaseStatus, ComplainantKind, EventKind
from .filters import CaseFilter
from .models import Case, CaseAttachment, CaseEvent

VIEW = "complaints.view_case"
VIEW_SENSITIVE = "complaints.view_sensitive_case"
# Timeline entries whose status (never their text) the complainant sees.
STATUS_KINDS = [EventKind.STATUS, EventKind.REFERRAL, EventKind.REOPEN]


def case_scope(*, user: User) -> QuerySet[Case]:
    qs = Case.objects.all()
    if not user.is_authenticated or not user.has_perm(VIEW):
        return qs.none()
    if user.has_perm(VIEW_SENSITIVE):
        return qs
    return qs.filter(Q(sensitive=False) | Q(assignee=user))


def case_list(*, user: User, filters=None) -> CaseFilter:
    """The officers' list: the user's scope, filtered and searched, with what a row shows
    fetched in the same query. The FilterSet is returned for its form; `.qs` is the list."""
    qs = case_scope(user=user).select_related("category", "destination_country", "assignee", "p3mi")
    filterset = CaseFilter(filters or None, queryset=qs, user=user)
    return filterset


def case_list_rows(filterset: CaseFilter) -> QuerySet[Case]:
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def case_detail_queryset(*, user: User) -> QuerySet[Case]:
    """One case with its timeline, attachments and links, for the detail page."""
    return (
        case_scope(user=user)
        .select_related(
            "category",
            "service_class",
            "worker_region",
            "destination_country",
            "p3mi",
            "registration",
            "registration__applicant",
            "assignee",
            "filed_by",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("author").prefetch_related("attachments"),
            ),
            Prefetch("attachments", queryset=CaseAttachment.objects.filter(event__isnull=True)),
        )
    )


def case_attachment_scope(*, user: User) -> QuerySet[CaseAttachment]:
    return CaseAttachment.objects.filter(case__in=case_scope(user=user))


def case_public_timeline(*, case: Case) -> list[CaseEvent]:
    """What the complainant sees: the public entries, and the status changes (only the new
    status; their internal text stays inside)."""
    return list(
        CaseEvent.objects.filter(case=case)
        .filter(Q(is_public=True) | Q(kind__in=STATUS_KINDS))
        .order_by("created_at", "id")
    )


def my_open_cases(*, user: User, limit: int = 10) -> list[Case]:
    return list(
        Case.objects.open()
        .filter(assignee=user)
        .select_related("category")
        .order_by("due_date", "number")[:limit]
    )


def overdue_cases(*, user: User, limit: int = 10) -> tuple[list[Case], int]:
    """The overdue cases the user may see (the first `limit`, the most late first) and how
    many there are."""
    qs = case_scope(user=user).overdue().select_related("category", "assignee")
    return list(qs.order_by("due_date", "number")[:limit]), qs.count()


def registration_lookup(*, query: str) -> list[Registration]:
    """Registrations an officer may link a case to, found by the exact NIK or number only
    (no browsing of CPMI data by name)."""
    query = (query or "").strip()
    compact = nik_normalise(query)
    if nik_is_ascii_digits(compact):
        condition = Q(applicant__nik=compact)
    elif query.upper().startswith("REG-"):
        condition = Q(number=query.upper())
    else:
        return []
    return list(
        Registration.objects.filter(condition)
        .exclude(number__isnull=True)
        .select_related("applicant", "destination_country", "p3mi")
        .order_by("-created_at")[:10]
    )


def case_counts_by_stakeholder(ids) -> dict[int, dict[str, int]]:
    """Complaint cases against each P3MI (all, and still open), for the staff directory's
    figures (`stakeholders.figures`): one query for a whole page of stakeholders."""
    rows = (
        Case.objects.filter(p3mi_id__in=list(ids))
        .order_by()
        .values("p3mi_id")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=~Q(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])),
        )
    )
    return {
        row["p3mi_id"]: {"complaints": row["total"], "complaints_open": row["open"]} for row in rows
    }


# --- The person's own data (UU 27/2022) --------------------------------------------------------


def person_cases(*, registration_ids: Sequence[int], account: User | None) -> QuerySet[Case]:
    """The cases about one person: linked to one of their registrations by an officer, or
    filed from the e-mail address of their account (proved when the account was activated).
    An anonymised case belongs to nobody any more."""
    condition = Q(registration_id__in=list(registration_ids))
    if account is not None and account.is_active and account.email:
        condition |= Q(complainant_email__iexact=account.email)
    return Case.objects.filter(condition, anonymised_at__isnull=True)


def person_case_records(applicant, registration_ids: Sequence[int], user: User) -> dict:
    """For the person's access log: their cases, and the cases' attachments, that `user`
    may see (a sensitive case only for its assignee and supervisors)."""
    account = User.objects.filter(pk=applicant.user_id).first() if applicant.user_id else None
    cases = list(
        person_cases(registration_ids=registration_ids, account=account)
        .filter(pk__in=case_scope(user=user))
        .values_list("pk", flat=True)
    )
    attachments = CaseAttachment.objects.filter(case_id__in=cases).values_list("pk", flat=True)
    return {Case: cases, CaseAttachment: list(attachments)}


def person_case_export(applicant, account: User) -> list[dict[str, Any]]:
    """The person's cases for their own-data export. Always the facts of the case (number,
    category, status, channel, dates, outcome). The worker's details when the person is the
    worker (the case is linked to their registration, or they filed it as the worker). What
    the complainant gave and was told (their contacts, the account of events, the updates sent
    to them) only when the person filed it. Never internal notes, officers' names or another
    complainant's data."""
    registration_ids = (
        list(applicant.registrations.values_list("pk", flat=True)) if applicant else []
    )
    cases = (
        person_cases(registration_ids=registration_ids, account=account)
        .select_related("category", "destination_country", "worker_region", "p3mi")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(is_public=True).order_by("created_at", "id"),
                to_attr="public_events",
            )
        )
        .order_by("received_at", "pk")
    )
    email = account.email.lower()
    exported = []
    for case in cases:
        filed_by_person = case.complainant_email.lower() == email
        is_worker = case.registration_id in registration_ids or (
            filed_by_person and case.complainant_kind == ComplainantKind.WORKER
        )
        item: dict[str, Any] = {
            "number": case.number,
            "category": case.category.name,
            "status": case.status,
            "status_label": str(case.get_status_display()),
            "channel": case.channel,
            "received_at": case.received_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "closure_reason": case.closure_reason,
            "resolution_outcome": case.resolution_outcome,
            "destination_country": str(case.destination_country or ""),
            "filed_by_you": filed_by_person,
        }
        if is_worker:
            item["worker"] = {
                "name": case.worker_name,
                "nik": case.worker_nik,
                "passport": case.worker_passport,
                "sex": case.worker_sex,
                "region": str(case.worker_region or ""),
                "employer": case.employer_name,
                "p3mi": case.p3mi_display,
            }
        if filed_by_person:
            item["complainant"] = {
                "kind": case.complainant_kind,
                "relation": case.complainant_relation,
                "name": case.complainant_name,
                "phone": case.complainant_phone,
                "email": case.complainant_email,
            }
            item["description"] = case.description
            item["updates"] = [
                {"at": event.created_at.isoformat(), "text": event.text}
                for event in case.public_events
            ]
        exported.append(item)
    return exported
