"""The strict content security policy (no inline scripts) is on the error and refusal pages
too, not only on the pages a named URL gives: 400, 403, the CSRF failure, 404 with hostile
text in the path, 405, 429 (rate limit, account locked) and 500 (tests/bp3mi/test_csp.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from bp3mi import roles
from tests.bp3mi.test_csp import csp_problems

pytestmark = pytest.mark.django_db


def test_refusal_and_error_pages_carry_the_policy(client, make_user, settings, password):
    pages = {}
    pages[400] = client.get("/", HTTP_HOST="penyerang.test")  # not in ALLOWED_HOSTS
    cpmi = make_user(roles.CPMI)
    client.force_login(cpmi)
    pages[403] = client.get(reverse("registrations:list"))
    client.force_login(make_user(roles.VERIFIKATOR))
    pages[405] = client.get(reverse("documents:request_correction", args=[1]))
    client.logout()
    pages[404] = client.get("/%3Cscript%3Ealert(1)%3C/script%3E/")
    settings.LETTER_CHECK_LIMIT = 0
    pages[429] = client.get(reverse("documents:letter_check", args=["tebakan"]))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": cpmi.email, "password": "salah-123"})
    locked = client.post(reverse("login"), {"username": cpmi.email, "password": password})
    strict = Client(enforce_csrf_checks=True)
    csrf = strict.post(reverse("login"), {"username": cpmi.email, "password": password})
    responses = [*pages.items(), ("locked", locked), ("csrf", csrf)]
    assert {name: r.status_code for name, r in responses} == {
        400: 400,
        403: 403,
        404: 404,
        405: 405,
        429: 429,
        "locked": 429,
        "csrf": 403,
    }
    assert {name: csp_problems(r) for name, r in responses if csp_problems(r)} == {}
    assert "<script>alert" not in pages[404].content.decode()
