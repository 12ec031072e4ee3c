import re

import pytest
from django.core import mail
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent, User


def signup_data(**overrides):
    data = {
        "full_name": "Wa Ode Nurhayati",
        "email": "Nurhayati@Contoh.test",
        "phone": "0812-3456-7890",
        "password1": "Kendari-Sultra-2026",
        "password2": "Kendari-Sultra-2026",
        "consent": "on",
    }
    data.update(overrides)
    return data


def activation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/akun/aktifkan/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_signup_creates_an_inactive_cpmi_account_activated_from_the_mailed_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("signup_sent")
    user = User.objects.get()
    assert user.email == "nurhayati@contoh.test" and not user.is_active
    assert user.phone == "+6281234567890"
    assert list(user.groups.values_list("name", flat=True)) == [roles.CPMI]
    assert AuditEvent.objects.filter(actor=user, action="signup").exists()
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].to == [user.email]
    link = activation_path(mail.outbox[0])
    # Opening the link (a mail scanner does) activates nothing; the button does.
    assert "Aktifkan akun" in client.get(link).content.decode()
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("dashboard")).status_code == 200
    # The link works once.
    client.logout()
    assert client.post(link).status_code == 400


@pytest.mark.django_db
def test_signup_answers_alike_for_a_registered_address_and_mails_its_owner(
    client, verifikator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(reverse("signup"), signup_data(email="baru@contoh.test"))
        taken = client.post(reverse("signup"), signup_data(email=verifikator.email.upper()))
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    # The same page, but for the per-response tokens (CSRF, CSP nonce).
    pages = [
        re.sub(
            r'(value|nonce|content)="[A-Za-z0-9+/=_-]{20,}"', "", client.get(url).content.decode()
        )
        for url in (new["Location"], taken["Location"])
    ]
    assert pages[0] == pages[1]
    assert User.objects.filter(email__iexact=verifikator.email).count() == 1
    verifikator.refresh_from_db()
    assert verifikator.full_name != "Wa Ode Nurhayati"
    to_owner = [m for m in mail.outbox if m.to == [verifikator.email]]
    assert len(to_owner) == 1
    assert "sudah memiliki akun" in to_owner[0].body
    assert "/akun/kata-sandi/atur-ulang/" in to_owner[0].body


@pytest.mark.django_db
def test_signup_keeps_the_passwords_out_of_error_reports(client):
    response = client.post(reverse("signup"), signup_data())
    assert set(response.wsgi_request.sensitive_post_parameters) == {"password1", "password2"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Nomor telepon tidak valid"),
        ("consent", "", "Persetujuan diperlukan"),
        ("password2", "lain-sekali-123", "Kedua kata sandi tidak sama"),
    ],
)
def test_signup_explains_bad_input(client, field, value, message):
    data = signup_data(**{field: value})
    if not value:
        data.pop(field)
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_with_email_any_case(client, cpmi_user, password):
    response = client.post(
        reverse("login"), {"username": cpmi_user.email.upper(), "password": password}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert AuditEvent.objects.filter(actor=cpmi_user, action="login").count() == 1


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_a_clear_message(
    client, cpmi_user, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": cpmi_user.email, "password": "salah"})
    response = client.post(reverse("login"), {"username": cpmi_user.email, "password": password})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link_by_email(client, cpmi_user):
    response = client.post(reverse("password_reset"), {"email": cpmi_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and cpmi_user.email in mail.outbox[0].to
    assert "/akun/kata-sandi/atur-ulang/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_change_requires_login(client, cpmi_user):
    assert client.get(reverse("password_change")).status_code == 302
    client.force_login(cpmi_user)
    assert client.get(reverse("password_change")).status_code == 200


@pytest.mark.django_db
def test_signups_from_one_address_are_rate_limited(client, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "signup": "2/h"}
    for i in range(2):
        client.post(reverse("signup"), signup_data(email=f"orang{i}@contoh.test"))
        client.logout()
    response = client.post(reverse("signup"), signup_data(email="orang9@contoh.test"))
    assert response.status_code == 429
    assert "Terlalu banyak pendaftaran akun dari jaringan ini" in response.content.decode()
    assert not User.objects.filter(email="orang9@contoh.test").exists()
    # Another address is not held back.
    other = client.post(
        reverse("signup"), signup_data(email="orang8@contoh.test"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code != 429


@pytest.mark.django_db
def test_a_signup_with_fewer_forwarded_addresses_than_proxies_counts_under_the_connection(
    client, settings
):
    """Behind one proxy (PROXY_COUNT=1), a request that did not come through it carries an
    X-Forwarded-For of one address: the sign-up is answered, not a server error, and its
    attempts count against the connection's address, whatever the header claims."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "signup": "1/h"}
    first = client.post(
        reverse("signup"),
        signup_data(email="orang1@contoh.test"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.1",
    )
    assert first.status_code == 302
    client.logout()
    second = client.post(
        reverse("signup"),
        signup_data(email="orang2@contoh.test"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert second.status_code == 429
    assert not User.objects.filter(email="orang2@contoh.test").exists()
