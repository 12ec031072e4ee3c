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


@pytest.mark.django_db
def test_signup_creates_a_cpmi_account_and_signs_in(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "nurhayati@contoh.test"
    assert user.phone == "+6281234567890"
    assert list(user.groups.values_list("name", flat=True)) == [roles.CPMI]
    assert AuditEvent.objects.filter(actor=user, action="signup").exists()
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_signup_refuses_a_registered_email_in_indonesian(client, cpmi_user):
    response = client.post(reverse("signup"), signup_data(email=cpmi_user.email.upper()))
    assert response.status_code == 200
    assert "sudah terdaftar" in response.content.decode()
    assert User.objects.count() == 1


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
