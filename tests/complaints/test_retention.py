"""Complaint cases finished longer ago than the retention period are anonymised (UU 27/2022);
every complaint figure the statistics app computes stays exactly as it was."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bp3mi.models import AuditEvent
from bp3mi.services import model_snapshot
from complaints import services
from complaints.choices import CaseChannel, CaseStatus, ClosureReason, EventKind, ResolutionOutcome
from complaints.models import Case, CaseAttachment, CaseEvent
from complaints.retention import (
    ANONYMOUS_NAME,
    REDACTED,
    case_anonymise_batch,
    case_retention_sweep,
)
from complaints.tasks import case_retention_sweep_task
from reports.choices import ComplaintDimension
from reports.selectors import (
    complaint_dashboard_figures,
    complaint_monthly_tables,
    complaint_report,
    public_tables,
)
from reports.tables import period_custom
from stakeholders.figures import stakeholder_figures
from tests.documents.files import pdf_bytes, upload
from tests.factories import (
    CaseFactory,
    RegistrationFactory,
    StakeholderFactory,
    complaint_category,
    country,
    region,
)

pytestmark = pytest.mark.django_db

DAYS = 365
S = CaseStatus


@pytest.fixture(autouse=True)
def _period(settings):
    settings.RETENTION_CLOSED_CASE_DAYS = DAYS


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def attachment():
    from documents.uploads import clean_upload

    rules = type("R", (), {"name": "x", "max_bytes": 10**7, "accepted_formats": ["pdf"]})
    return clean_upload(upload("KTP Wa Ode Hasna.pdf", pdf_bytes()), rules)


def filed(*, by, days_ago, finish=None, finished_days_ago=None, channel=CaseChannel.WHATSAPP,
          category="hilang-kontak", **data):  # fmt: skip
    """A case filed through the services `days_ago`, with a note and an attachment, finished
    (`finish`: resolve or close) `finished_days_ago`."""
    fields = {
        "category": complaint_category(category),
        "complainant_kind": "family",
        "complainant_relation": "Ibu",
        "complainant_name": "Wa Ode Hasna",
        "complainant_phone": "+6281234567890",
        "complainant_email": "hasna@contoh.test",
        "worker_name": "La Ode Rahman",
        "worker_nik": "7471015505950001",
        "worker_passport": "C1234567",
        "worker_sex": "M",
        "worker_region": region("74.71"),
        "destination_country": country("MY"),
        "employer_name": "Tan Ah Kow",
        "procedural": False,
        "description": "Anak saya La Ode Rahman tidak dapat dihubungi sejak tiga bulan.",
        "consent": True,
        "lapor_number": "LAP-2024-777" if channel == CaseChannel.LAPOR else "",
        **data,
    }
    registration = fields.pop("registration", None)
    received = timezone.now() - datetime.timedelta(days=days_ago)
    case, _code = services.case_file(
        data=fields, channel=channel, by=by, attachments=[attachment()], received_at=received
    )
    if registration is not None:
        services.case_link_registration(case=case, registration=registration, by=by)
    services.case_view_log(case=case, by=by, obj=case.attachments.get())
    services.case_transition(case=case, to_status=S.VERIFICATION, by=by)
    services.case_event_add(case=case, kind=EventKind.NOTE, text="Ibu Hasna menelepon lagi", by=by)
    if finish == S.RESOLVED:
        services.case_transition(
            case=case,
            to_status=S.RESOLVED,
            by=by,
            note="Dipulangkan via Nunukan, dijemput kakaknya",
            resolution_outcome=ResolutionOutcome.REPATRIATED,
        )
    elif finish == S.CLOSED:
        services.case_transition(
            case=case,
            to_status=S.CLOSED,
            by=by,
            closure_reason=ClosureReason.UNREACHABLE,
        )
    if finish is not None:
        closed = timezone.now() - datetime.timedelta(days=finished_days_ago)
        Case.objects.filter(pk=case.pk).update(closed_at=closed)
    return Case.objects.get(pk=case.pk)


def figures():
    """Every complaint figure the statistics app gives, as plain lists."""
    today = timezone.localdate()
    period = period_custom(today - datetime.timedelta(days=4 * 365), today)
    reports = [complaint_report(period=period, group_by=[d]) for d in ComplaintDimension]
    reports.append(complaint_report(period=period, group_by=list(ComplaintDimension)))
    reports.append(complaint_report(period=period, group_by=[]))
    for year in range(today.year - 3, today.year + 1):
        reports += complaint_monthly_tables(
            year=year, month=12 if year < today.year else today.month
        )
    tables = [(t.title, t.columns, t.rows, t.footer) for t in reports]
    public = [(t["title"], t["table"].display_rows()) for t in public_tables(today=today)]
    return tables, public, complaint_dashboard_figures(today=today)


@pytest.fixture
def cases(petugas_pengaduan):
    p3mi = StakeholderFactory()
    return {
        "old_resolved": filed(
            by=petugas_pengaduan,
            days_ago=900,
            finish=S.RESOLVED,
            finished_days_ago=800,
            p3mi=p3mi,
            registration=RegistrationFactory(),
        ),
        "old_closed_lapor": filed(
            by=petugas_pengaduan,
            days_ago=700,
            finish=S.CLOSED,
            finished_days_ago=DAYS + 1,
            channel=CaseChannel.LAPOR,
            category="tppo",
            procedural=None,
        ),
        "recently_closed": filed(
            by=petugas_pengaduan, days_ago=600, finish=S.CLOSED, finished_days_ago=DAYS - 1
        ),
        "old_but_open": filed(by=petugas_pengaduan, days_ago=1000),
    }


def test_only_cases_finished_past_the_period_are_anonymised_and_every_figure_stays(
    cases, media, django_capture_on_commit_callbacks
):
    before = figures()
    p3mi = cases["old_resolved"].p3mi
    stakeholder_figures([p3mi])
    directory_before = [(f.figure.key, f.value) for f in p3mi.figures]
    old = [cases["old_resolved"], cases["old_closed_lapor"]]
    files = [a.file.name for a in CaseAttachment.objects.filter(case__in=old)]
    assert len(files) == 2 and all((media / name).exists() for name in files)
    kept = ["number", "category", "channel", "status", "received_at", "closed_at",
            "closure_reason", "resolution_outcome", "destination_country", "worker_region",
            "worker_sex", "procedural", "p3mi", "sensitive", "assignee"]  # fmt: skip
    facts = {c.pk: model_snapshot(c, fields=kept) for c in old}
    timelines = {c.pk: list(c.events.values_list("kind", "to_status", "created_at")) for c in old}

    with django_capture_on_commit_callbacks(execute=True):
        assert case_retention_sweep() == 2

    assert figures() == before
    stakeholder_figures([p3mi])
    assert [(f.figure.key, f.value) for f in p3mi.figures] == directory_before
    for case in Case.objects.filter(pk__in=[c.pk for c in old]):
        assert model_snapshot(case, fields=kept) == facts[case.pk]
        assert (
            list(case.events.values_list("kind", "to_status", "created_at")) == timelines[case.pk]
        )
        assert case.anonymised_at is not None
        assert case.complainant_name == case.worker_name == ANONYMOUS_NAME
        for field in ("complainant_phone", "complainant_email", "complainant_relation",
                      "worker_nik", "worker_passport", "employer_name", "resolution_note"):  # fmt: skip
            assert getattr(case, field) == "", field
        assert case.description == REDACTED and case.registration_id is None
        assert set(case.events.values_list("text", flat=True)) <= {"", REDACTED}
        assert not case.attachments.exists()
        assert services.case_track(number=case.number, code="ABCDE23456") is None
        event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(case.pk))
        assert event.actor is None and f"{DAYS} hari" in event.message
    assert Case.objects.get(pk=cases["old_closed_lapor"].pk).lapor_number == REDACTED
    assert not any((media / name).exists() for name in files)
    # The case closed within the period and the open case keep everything.
    for name in ("recently_closed", "old_but_open"):
        case = Case.objects.get(pk=cases[name].pk)
        assert case.anonymised_at is None and case.complainant_name == "Wa Ode Hasna"
        assert case.attachments.count() == 1
        assert "Ibu Hasna" in "".join(case.events.values_list("text", flat=True))


def test_running_the_sweep_twice_changes_nothing_more(cases):
    assert case_retention_sweep_task() == 2

    def state():
        return (
            [model_snapshot(c) for c in Case.objects.order_by("pk")],
            list(CaseEvent.objects.order_by("pk").values()),
            list(AuditEvent.objects.order_by("pk").values()),
        )

    snapshot = state()
    assert case_retention_sweep_task() == 0
    assert state() == snapshot


def test_the_sweep_works_in_batches_until_none_is_left(petugas_pengaduan):
    old = timezone.now() - datetime.timedelta(days=DAYS + 10)
    CaseFactory.create_batch(
        5, status=S.CLOSED, closure_reason=ClosureReason.UNREACHABLE, closed_at=old
    )
    assert case_anonymise_batch(batch_size=2) == 2
    assert Case.objects.filter(anonymised_at__isnull=True).count() == 3
    assert case_retention_sweep(batch_size=2) == 3
    assert not Case.objects.filter(anonymised_at__isnull=True).exists()


def test_the_audit_trail_keeps_who_and_when_but_not_the_personal_values(cases, petugas_pengaduan):
    from django.contrib.contenttypes.models import ContentType

    case = cases["old_resolved"]
    case_type = ContentType.objects.get_for_model(Case)
    about_case = AuditEvent.objects.filter(content_type=case_type, object_id=str(case.pk))
    assert about_case.filter(message__contains="Nunukan").exists()
    AuditEvent.objects.create(
        actor=petugas_pengaduan,
        action=AuditEvent.Action.UPDATE,
        content_type=case_type,
        object_id=str(case.pk),
        object_repr=case.number,
        changes={"complainant_phone": ["+6281200000000", "+6281234567890"]},
    )
    viewed = AuditEvent.objects.get(
        content_type__model="caseattachment",
        object_id=str(case.attachments.get().pk),
        action=AuditEvent.Action.VIEW,
    )
    assert "Hasna" in viewed.object_repr  # the file's name as the complainant gave it
    by_officer = about_case.filter(actor=petugas_pengaduan).count()

    case_retention_sweep()

    viewed.refresh_from_db()
    assert viewed.actor == petugas_pengaduan and viewed.object_repr == REDACTED
    assert about_case.filter(actor=petugas_pengaduan).count() == by_officer >= 5
    for event in about_case:
        text = f"{event.object_repr} {event.message} {event.changes}"
        assert "Nunukan" not in text and "+628" not in text and "Hasna" not in text


def test_an_anonymised_case_cannot_be_reopened_or_written_on(cases, petugas_pengaduan):
    case_retention_sweep()
    case = Case.objects.get(pk=cases["old_resolved"].pk)
    with pytest.raises(ValidationError) as error:
        services.case_reopen(case=case, by=petugas_pengaduan, reason="Pengadu menghubungi lagi")
    assert error.value.code == "anonymised" and "tidak dapat dibuka kembali" in error.value.message
    with pytest.raises(ValidationError):
        services.case_event_add(case=case, kind=EventKind.NOTE, text="x", by=petugas_pengaduan)
    with pytest.raises(ValidationError):
        services.case_update(case=case, by=petugas_pengaduan, data={"worker_name": "Baru"})
    case.refresh_from_db()
    assert case.status == S.RESOLVED and case.worker_name == ANONYMOUS_NAME


def test_the_case_page_says_it_is_anonymised_and_offers_no_reopening(
    client, cases, petugas_pengaduan
):
    case_retention_sweep()
    case = cases["old_resolved"]
    client.force_login(petugas_pengaduan)
    page = client.get(reverse("complaints:case_detail", args=[case.pk])).content.decode()
    assert 'id="kasus-anonim"' in page and "tidak dapat dibuka kembali" in page
    assert reverse("complaints:case_reopen", args=[case.pk]) not in page
    response = client.post(
        reverse("complaints:case_reopen", args=[case.pk]), {"reason": "Pengadu menghubungi lagi"}
    )
    assert response.status_code == 400 and "tidak dapat dibuka kembali" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == S.RESOLVED


def test_the_sweep_is_a_daily_beat_task(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["complaints-retention-sweep"]
    assert schedule["task"] == case_retention_sweep_task.name
