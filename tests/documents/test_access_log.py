"""The access log of one person: who looked at or changed their data, on one page."""

import pytest
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent
from tests.factories import RegistrationFactory

from .helpers import registration_with_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(cpmi_user):
    return registration_with_documents(user=cpmi_user)


def test_the_log_shows_views_by_another_officer_with_who_when_and_where(
    client, own, verifikator, kepala
):
    verifikator.full_name = "Andi Verifikasi"
    verifikator.save(update_fields=["full_name"])
    client.force_login(verifikator)
    detail = client.get(reverse("registrations:detail", args=[own.pk]), REMOTE_ADDR="10.8.0.21")
    assert detail.status_code == 200
    document = own.documents.first()
    download = client.get(
        reverse("documents:download", args=[document.pk]), REMOTE_ADDR="10.8.0.21"
    )
    assert download.status_code == 200
    someone_else = RegistrationFactory()
    client.get(reverse("registrations:detail", args=[someone_else.pk]), REMOTE_ADDR="10.8.0.99")

    client.force_login(kepala)
    page = client.get(reverse("registrations:detail", args=[own.pk]))
    url = reverse("documents:access_log", args=[own.pk])
    assert url in page.content.decode()  # linked from the officer's registration page
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["object_list"]
    by_officer = [e for e in rows if e.actor_id == verifikator.pk]
    assert {e.action for e in by_officer} == {AuditEvent.Action.VIEW}
    assert {e.content_type.model for e in by_officer} == {"applicant", "document"}
    body = response.content.decode()
    assert "Andi Verifikasi" in body and verifikator.email in body and "10.8.0.21" in body
    assert "10.8.0.99" not in body  # another person's data is not in this log
    # Opening the log is itself recorded.
    assert AuditEvent.objects.filter(actor=kepala, message="Log akses dibuka").exists()


@pytest.mark.parametrize(
    "role", [roles.VERIFIKATOR, roles.PETUGAS_PENGADUAN, roles.STAF_DATA, roles.CPMI]
)
def test_roles_without_the_audit_permission_get_403(client, make_user, own, role):
    client.force_login(make_user(role))
    assert client.get(reverse("documents:access_log", args=[own.pk])).status_code == 403


def test_anonymous_is_sent_to_login_and_an_unknown_registration_is_404(client, kepala, own):
    response = client.get(reverse("documents:access_log", args=[own.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    client.force_login(kepala)
    assert client.get(reverse("documents:access_log", args=[own.pk + 999])).status_code == 404


def test_the_detail_page_links_the_log_only_for_those_who_may_read_it(client, verifikator, own):
    client.force_login(verifikator)
    page = client.get(reverse("registrations:detail", args=[own.pk])).content.decode()
    assert reverse("documents:access_log", args=[own.pk]) not in page
