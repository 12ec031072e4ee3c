"""Rate limits on the pages an attacker would hammer, counted in the real cache (Redis under
CI): past the limit the page answers 429 with an Indonesian message and does nothing.
Sign-up, complaint filing, complaint tracking, letter verification and uploads have their
tests beside their apps (README, "Keamanan dan data pribadi"); these are login (many
accounts from one address) and password-reset e-mails."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils.module_loading import import_string

from tests.conftest import IN_CI

pytestmark = pytest.mark.django_db


def test_the_limits_are_counted_in_redis_under_ci():
    backend = import_string(django_settings.CACHES["default"]["BACKEND"])
    if IN_CI:
        assert issubclass(backend, RedisCache)


def test_one_address_trying_many_accounts_is_held_back(client, make_user, settings, password):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "login": "3/h"}
    owner = make_user()
    for n in range(3):
        response = client.post(
            reverse("login"), {"username": f"tebakan{n}@contoh.test", "password": "salah-123"}
        )
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": owner.email, "password": password})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk dari jaringan ini" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address signs in.
    other = client.post(
        reverse("login"),
        {"username": owner.email, "password": password},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302 and "_auth_user_id" in client.session


def test_password_reset_emails_from_one_address_are_limited(client, cpmi_user, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "password_reset": "2/h"}
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": cpmi_user.email}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": cpmi_user.email})
    assert response.status_code == 429
    assert "Terlalu banyak permintaan atur ulang kata sandi" in response.content.decode()
    assert len(mail.outbox) == 2
