"""The Django admin cannot write around the services, raise anyone's rights, or sign in
unrecorded."""

import pytest
from django.urls import reverse

from bp3mi.models import AuditEvent, NumberSequence, User
from bp3mi.services import sequence_next
from documents.models import Document, Letter
from documents.services import letter_sign
from registrations.models import Applicant, Registration, StatusChange
from tests.documents.helpers import verified_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(verifikator, kepala, django_capture_on_commit_callbacks):
    registration = verified_registration(verifikator=verifikator)
    with django_capture_on_commit_callbacks(execute=False):
        letter = letter_sign(registration=registration, by=kepala)
    sequence_next(name="lain", year=2026)
    return {
        Registration: registration,
        Applicant: registration.applicant,
        Document: Document.objects.filter(registration=registration).first(),
        Letter: letter,
        NumberSequence: NumberSequence.objects.first(),
        StatusChange: StatusChange.objects.filter(registration=registration).first(),
    }


READ_ONLY = [Registration, Applicant, Document, Letter, NumberSequence]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_records_kept_by_the_services_are_read_only_in_the_admin(
    client, admin_user, records, model
):
    obj = records[model]
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    client.force_login(admin_user)
    changelist = client.get(reverse(f"{name}_changelist"), {"q": "1"})
    assert changelist.status_code == 200
    assert client.get(reverse(f"{name}_add")).status_code == 403
    change_url = reverse(f"{name}_change", args=[obj.pk])
    view = client.get(change_url)
    assert view.status_code == 200  # still viewable
    assert 'name="_save"' not in view.content.decode()
    assert client.post(change_url, {}).status_code == 403
    assert client.get(reverse(f"{name}_delete", args=[obj.pk])).status_code == 403
    # The bulk delete action is not offered, and posting it deletes nothing.
    assert "delete_selected" not in changelist.content.decode()
    client.post(
        reverse(f"{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_status_history_is_shown_but_not_editable_on_the_registration(client, admin_user, records):
    client.force_login(admin_user)
    url = reverse("admin:registrations_registration_change", args=[records[Registration].pk])
    page = client.get(url).content.decode()
    assert records[StatusChange].get_to_status_display() in page
    assert 'name="statuschange_set-0-' not in page


def test_an_administrator_cannot_make_themselves_superuser(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:bp3mi_user_change", args=[admin_user.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' in page  # the rest of the form is still editable


def test_only_a_superuser_changes_a_superuser_account(client, admin_user):
    root = User.objects.create_superuser(email="root@contoh.test", password="Rahasia-Sekali-1")
    client.force_login(admin_user)
    assert client.post(reverse("admin:bp3mi_user_change", args=[root.pk]), {}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403
    assert client.get(reverse("admin:bp3mi_user_delete", args=[root.pk])).status_code == 403
    client.force_login(root)
    page = client.get(reverse("admin:bp3mi_user_change", args=[admin_user.pk])).content.decode()
    assert 'name="is_superuser"' in page


def test_an_admin_login_and_a_failed_one_are_audited(client, admin_user, password):
    url = reverse("admin:login")
    client.post(url, {"username": admin_user.email, "password": "salah"}, REMOTE_ADDR="10.9.8.7")
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert admin_user.email in failed.message and "admin" in failed.message
    assert failed.ip_address == "10.9.8.7" and failed.actor is None
    assert "salah" not in failed.message
    response = client.post(url, {"username": admin_user.email, "password": password})
    assert response.status_code == 302
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.actor == admin_user and "admin" in login.message


def test_a_failed_portal_login_is_audited(client, cpmi_user):
    client.post(reverse("login"), {"username": cpmi_user.email.upper(), "password": "salah"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert cpmi_user.email in event.message and event.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "10.0.0.2"), (1, "203.0.113.9")], ids=["direct", "behind_proxy"]
)
def test_the_audit_trail_and_axes_take_the_client_address_the_same_way(
    client, cpmi_user, settings, proxies, expected
):
    """One client-IP function (django-ipware, PROXY_COUNT): X-Forwarded-For counts only
    behind the configured proxies, so a client cannot choose its own address."""
    from axes.models import AccessAttempt

    settings.AXES_IPWARE_PROXY_COUNT = proxies
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = (
        ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if proxies else ("REMOTE_ADDR",)
    )
    client.post(
        reverse("login"),
        {"username": cpmi_user.email, "password": "salah"},
        REMOTE_ADDR="10.0.0.2",
        # The client, then the proxy that passed it on (django-ipware counts the proxies
        # listed here).
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.ip_address == expected
    assert AccessAttempt.objects.get().ip_address == expected
    assert settings.RATELIMIT_IP_META_KEY == "bp3mi.services.client_ip"
