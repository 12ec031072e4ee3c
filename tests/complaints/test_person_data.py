"""A person's complaint cases in their two UU 27/2022 rights: the access log page ("who looked
at this person's data") lists who opened their cases, and their own-data export lists the
cases, without internal notes or another person's data."""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from bp3mi import roles
from bp3mi.models import AuditEvent
from complaints import services
from complaints.choices import CaseStatus, ClosureReason, ComplainantKind, EventKind
from complaints.retention import case_retention_sweep
from tests.factories import (
    ApplicantFactory,
    CaseFactory,
    RegistrationFactory,
    complaint_category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(cpmi_user):
    """The CPMI's submitted registration."""
    return RegistrationFactory(applicant=ApplicantFactory(user=cpmi_user), status="diajukan")


@pytest.fixture
def linked(own, petugas_pengaduan):
    """A case about the CPMI filed by their mother, linked to their registration, with an
    internal note and an update sent to the mother."""
    case = CaseFactory(
        complainant_name="Wa Ode Hasna",
        complainant_phone="+6281299990000",
        complainant_email="hasna@contoh.test",
        worker_name=own.applicant.full_name,
        worker_nik=own.applicant.nik,
        description="Anak saya disekap majikan, kata tetangga Pak Baco.",
    )
    services.case_link_registration(case=case, registration=own, by=petugas_pengaduan)
    services.case_event_add(
        case=case, kind=EventKind.NOTE, text="Rahasia: saksi Pak Baco", by=petugas_pengaduan
    )
    services.case_event_add(
        case=case,
        kind=EventKind.PUBLIC_UPDATE,
        text="Ibu, KBRI sudah dihubungi.",
        by=petugas_pengaduan,
    )
    return case


@pytest.fixture
def filed_by_them(cpmi_user, petugas_pengaduan):
    """A case the CPMI filed online themselves, from their account's e-mail address."""
    case = CaseFactory(
        complainant_kind=ComplainantKind.WORKER,
        complainant_relation="",
        complainant_name="Siti Aminah",
        complainant_email=cpmi_user.email.upper(),
        worker_name="Siti Aminah",
        description="Gaji saya tiga bulan belum dibayar.",
    )
    services.case_event_add(
        case=case, kind=EventKind.NOTE, text="Catatan petugas internal", by=petugas_pengaduan
    )
    services.case_event_add(
        case=case,
        kind=EventKind.PUBLIC_UPDATE,
        text="P3MI dipanggil klarifikasi.",
        by=petugas_pengaduan,
    )
    return case


# --- The access log ----------------------------------------------------------------------------


def test_the_access_log_lists_who_opened_the_persons_complaint_cases(
    client, own, linked, filed_by_them, petugas_pengaduan, kepala
):
    someone_elses = CaseFactory()
    petugas_pengaduan.full_name = "Rina Pengaduan"
    petugas_pengaduan.save(update_fields=["full_name"])
    client.force_login(petugas_pengaduan)
    for case in (linked, filed_by_them, someone_elses):
        url = reverse("complaints:case_detail", args=[case.pk])
        assert client.get(url, REMOTE_ADDR="10.8.0.31").status_code == 200
    assert (
        client.get(
            reverse("complaints:case_detail", args=[someone_elses.pk]), REMOTE_ADDR="10.8.0.99"
        ).status_code
        == 200
    )
    client.get(reverse("complaints:case_registration", args=[linked.pk]), REMOTE_ADDR="10.8.0.31")

    client.force_login(kepala)
    response = client.get(reverse("documents:access_log", args=[own.pk]))
    assert response.status_code == 200
    views = [
        e
        for e in response.context["object_list"]
        if e.actor_id == petugas_pengaduan.pk and e.action == AuditEvent.Action.VIEW
    ]
    assert {(e.content_type.model, e.object_repr) for e in views} == {
        ("case", linked.number),
        ("case", filed_by_them.number),
        ("registration", str(own)),  # their registration, opened through the case
    }
    body = response.content.decode()
    assert "Rina Pengaduan" in body and "10.8.0.31" in body
    assert someone_elses.number not in body and "10.8.0.99" not in body


def test_the_access_log_shows_only_the_cases_its_reader_may_see(
    client, make_user, own, linked, petugas_pengaduan
):
    sensitive = CaseFactory(category=complaint_category("tppo"), assignee=petugas_pengaduan)
    assert sensitive.sensitive
    services.case_link_registration(case=sensitive, registration=own, by=petugas_pengaduan)
    auditor = make_user(roles.VERIFIKATOR)
    auditor.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    url = reverse("documents:access_log", args=[own.pk])

    def cases_listed(user):
        client.force_login(user)
        rows = client.get(url).context["object_list"]
        return {e.object_repr for e in rows if e.content_type and e.content_type.model == "case"}

    # No complaint permission: the person's data pages, none of their cases.
    assert cases_listed(auditor) == set()
    auditor.user_permissions.add(Permission.objects.get(codename="view_case"))
    auditor = type(auditor).objects.get(pk=auditor.pk)  # permissions are cached per instance
    assert cases_listed(auditor) == {linked.number}
    auditor.user_permissions.add(Permission.objects.get(codename="view_sensitive_case"))
    auditor = type(auditor).objects.get(pk=auditor.pk)
    assert cases_listed(auditor) == {linked.number, sensitive.number}


def test_the_access_log_page_keeps_its_query_count_with_many_cases(
    client, own, kepala, petugas_pengaduan, django_assert_max_num_queries
):
    for _i in range(15):
        case = CaseFactory()
        services.case_link_registration(case=case, registration=own, by=petugas_pengaduan)
        services.case_view_log(case=case, by=petugas_pengaduan)
    client.force_login(kepala)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("documents:access_log", args=[own.pk]))
    assert len(response.context["object_list"]) >= 30


# --- The own-data export -----------------------------------------------------------------------


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("registrations:export"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_lists_the_cases_about_the_person_without_other_peoples_data(
    client, cpmi_user, own, linked, filed_by_them
):
    CaseFactory(complainant_email="orang.lain@contoh.test")
    data = export(client, cpmi_user)
    cases = {c["number"]: c for c in data["complaints"]}
    assert set(cases) == {linked.number, filed_by_them.number}

    about_them = cases[linked.number]
    assert about_them["filed_by_you"] is False
    assert about_them["category"] == linked.category.name
    assert about_them["status"] == CaseStatus.RECEIVED
    assert about_them["worker"]["nik"] == own.applicant.nik
    # Filed by their mother: her contacts, her account of events and the updates sent to
    # her are hers, not theirs.
    assert "complainant" not in about_them and "description" not in about_them
    assert "updates" not in about_them

    theirs = cases[filed_by_them.number]
    assert theirs["filed_by_you"] is True
    assert theirs["complainant"]["name"] == "Siti Aminah"
    assert theirs["description"] == "Gaji saya tiga bulan belum dibayar."
    assert [u["text"] for u in theirs["updates"]] == ["P3MI dipanggil klarifikasi."]
    assert theirs["worker"]["name"] == "Siti Aminah"

    text = json.dumps(data)
    for secret in ("Rahasia", "Catatan petugas internal", "Hasna", "+6281299990000", "Baco"):
        assert secret not in text, secret


def test_a_cpmi_without_a_registration_still_gets_the_cases_they_filed(client, make_user):
    user = make_user(roles.CPMI)
    case = CaseFactory(complainant_kind=ComplainantKind.WORKER, complainant_email=user.email)
    data = export(client, user)
    assert data["applicant"] is None
    assert [c["number"] for c in data["complaints"]] == [case.number]


def test_an_anonymised_case_is_in_no_ones_export(
    client, settings, cpmi_user, own, linked, petugas_pengaduan
):
    services.case_transition(
        case=linked,
        to_status=CaseStatus.CLOSED,
        by=petugas_pengaduan,
        closure_reason=ClosureReason.UNREACHABLE,
    )
    settings.RETENTION_CLOSED_CASE_DAYS = 30
    assert case_retention_sweep(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert export(client, cpmi_user)["complaints"] == []
