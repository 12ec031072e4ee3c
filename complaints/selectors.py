"""Reads on complaint cases, scoped to what the user may see.

Officers holding `complaints.view_case` see every case that is not sensitive and the
sensitive cases assigned to them; holders of `complaints.view_sensitive_case` (supervisors)
see them all. Anyone else sees none: a case outside the scope is a 404, as if it did not
exist. Lists fetch their relations once, so their query count does not grow with the rows.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from bp3mi.models import User
from registrations.models import Registration
from registrations.nik import nik_is_ascii_digits, nik_normalise

from .choices import CaseStatus, EventKind
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
