"""Retention of personal data (UU 27/2022): a complaint case resolved or closed more than
RETENTION_CLOSED_CASE_DAYS ago is anonymised.

What goes: the complainant's name, relation, phone and e-mail; the worker's name, NIK,
passport and employer; the account of events, the resolution note and the text of every
timeline entry; the LAPOR! ticket number (it leads back to the person in another system); the
link to the worker's registration; the tracking code (the tracking page no longer finds the
case); and every attachment (rows and files). In the audit trail the values of changes and
the free-text messages go, and an attachment's name; who did what and when stays.

What stays, so every complaint figure stays exact: the case row (counts) and its number,
category, service class, channel, status, closure reason, outcome, dates, destination
country, the worker's kab/kota and sex, whether they left procedurally, the P3MI, the
officers, and the kinds, statuses and dates of the timeline entries.

Open cases and cases finished within the period are never touched. An anonymised case is
not reopened (`services.case_reopen` refuses): a new complaint is filed instead.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.models import AuditEvent
from bp3mi.services import audit_record

from .choices import FINISHED_STATUSES, CaseChannel
from .models import Case, CaseAttachment, CaseEvent

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "ANONIM"
REDACTED = "[dihapus]"
# Fields emptied (names: ANONYMOUS_NAME; the required account of events: REDACTED).
CASE_PERSONAL_FIELDS = [
    "complainant_relation",
    "complainant_phone",
    "complainant_email",
    "worker_nik",
    "worker_passport",
    "employer_name",
    "resolution_note",
    "tracking_code_hash",
]
ANONYMISED_FIELDS = [
    "complainant_name",
    "worker_name",
    *CASE_PERSONAL_FIELDS,
    "description",
    "lapor_number",
    "registration",
    "events.text",
    "attachments",
]
# How many cases one transaction anonymises: a long backlog (the first run on old data)
# goes in short transactions that hold few locks.
BATCH_SIZE = 100


def cases_past_retention(*, now: datetime.datetime | None = None) -> QuerySet[Case]:
    """Resolved or closed cases whose closing is older than RETENTION_CLOSED_CASE_DAYS and
    that still hold personal data."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS)
    return Case.objects.filter(
        status__in=FINISHED_STATUSES,
        closed_at__lt=cutoff,
        anonymised_at__isnull=True,
    )


def _redact_audit_trail(*, cases: list[Case], attachment_ids: list[int]) -> None:
    """Keep who, what and when of the events about these cases; drop the personal values."""
    case_type = ContentType.objects.get_for_model(Case)
    attachment_type = ContentType.objects.get_for_model(CaseAttachment)
    events = AuditEvent.objects.filter(
        Q(content_type=case_type, object_id__in=[str(c.pk) for c in cases])
        | Q(content_type=attachment_type, object_id__in=[str(pk) for pk in attachment_ids])
    )
    # Rows whose changes name the same fields get the same redacted value: one UPDATE for
    # each set of field names, rather than one per row.
    by_keys: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pk, changes in events.exclude(changes={}).values_list("pk", "changes"):
        by_keys[tuple(changes)].append(pk)
    for keys, pks in by_keys.items():
        AuditEvent.objects.filter(pk__in=pks).update(
            changes={key: [REDACTED, REDACTED] for key in keys}
        )
    events.exclude(message="").update(message="")
    # An attachment's name is the one the complainant gave the file.
    events.filter(content_type=attachment_type).update(object_repr=REDACTED)


def case_anonymise_batch(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Anonymise up to `batch_size` cases past their retention, in one transaction; the
    number done. Rows another run holds are skipped, not waited for, so two sweeps at once
    share the work; a case already done no longer qualifies, so a re-run changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        cases = list(
            cases_past_retention(now=now)
            .select_for_update(skip_locked=True)
            .order_by("closed_at", "pk")[:batch_size]
        )
        if not cases:
            return 0
        attachments = list(CaseAttachment.objects.filter(case__in=cases))
        _redact_audit_trail(cases=cases, attachment_ids=[a.pk for a in attachments])
        files = [a.file.name for a in attachments if a.file]
        CaseAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        CaseEvent.objects.filter(case__in=cases).exclude(text="").update(text=REDACTED)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            complainant_name=ANONYMOUS_NAME,
            worker_name=ANONYMOUS_NAME,
            **dict.fromkeys(CASE_PERSONAL_FIELDS, ""),
            description=REDACTED,
            # The database asks a LAPOR! case for its ticket number.
            lapor_number=CaseWhen(
                When(channel=CaseChannel.LAPOR, then=Value(REDACTED)), default=Value("")
            ),
            registration=None,
            intake_key=None,
            anonymised_at=now,
            updated_at=now,
        )
        for case in cases:
            audit_record(
                actor=None,
                action=AuditEvent.Action.DELETE,
                obj=case,
                message=_(
                    "Data pribadi pengaduan dianonimkan: lebih dari %(days)d hari sejak "
                    "selesai/ditutup (%(files)d lampiran dihapus)."
                )
                % {
                    "days": settings.RETENTION_CLOSED_CASE_DAYS,
                    "files": sum(1 for a in attachments if a.case_id == case.pk),
                },
                changes={"fields": ANONYMISED_FIELDS},
            )
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(files))
    return len(cases)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:  # the row is gone; a file left behind is logged, not fatal
            logger.warning("could not delete %s: %s", name, exc)


def case_retention_sweep(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Anonymise every case past its retention, batch after batch; the number done."""
    now = now or timezone.now()
    done = 0
    while batch := case_anonymise_batch(now=now, batch_size=batch_size):
        done += batch
    if done:
        logger.info("complaint retention: %d cases anonymised", done)
    return done
