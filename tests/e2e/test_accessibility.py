"""axe-core on every page a role reaches, officer pages included: no serious or critical
finding, on a phone (where tables scroll) and on a desktop."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bp3mi import roles
from documents.selectors import requirements_for
from registrations.choices import RegistrationStatus
from tests.conftest import axe_violations
from tests.documents.helpers import registration_with_documents, verified_registration
from tests.factories import PASSWORD, LicenceFactory, StakeholderFactory, UserFactory

pytestmark = pytest.mark.browser

SERIOUS = ("critical", "serious")


def sign_in(page, user):
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))


def findings(page, paths):
    """axe's serious and critical findings per page; also fails on a console error (such as
    a missing favicon) on a page that exists."""
    found = {}
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    for path in paths:
        errors.clear()
        response = page.goto(path, wait_until="networkidle")
        expected = 404 if "tidak-ada" in path else 200
        assert response.status == expected, (path, response.status)
        assert expected == 404 or errors == [], (path, errors)
        violations = axe_violations(page, impacts=SERIOUS)
        if violations:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    return found


@pytest.fixture
def portal(live_server):
    """One of everything a page shows: a CPMI with documents, a registration waiting to be
    verified, one waiting to be signed, a licensed P3MI."""
    cpmi = UserFactory(roles=[roles.CPMI], full_name="Wa Ode Sitti")
    verifikator = UserFactory(roles=[roles.VERIFIKATOR])
    own = registration_with_documents(user=cpmi)
    waiting = registration_with_documents()
    to_sign = verified_registration(verifikator=verifikator)
    company = StakeholderFactory(name="PT. Buton Jaya Mandiri")
    LicenceFactory(stakeholder=company)
    return {
        "cpmi": cpmi,
        "verifikator": verifikator,
        "own": own,
        "waiting": waiting,
        "to_sign": to_sign,
        "company": company,
    }


def role_pages(portal):
    own, waiting, to_sign = portal["own"], portal["waiting"], portal["to_sign"]
    company = portal["company"]
    doc_type = requirements_for(registration=own)[0].document_type
    return {
        None: [
            "/",
            reverse("login"),
            reverse("signup"),
            reverse("password_reset"),
            reverse("stakeholders:check") + f"?q={company.name}",
            reverse("stakeholders:list"),
            company.get_absolute_url(),
            "/halaman-yang-tidak-ada/",
        ],
        roles.CPMI: [
            reverse("dashboard"),
            reverse("registrations:timeline", args=[own.pk]),
            reverse("documents:checklist", args=[own.pk]),
            reverse("documents:upload", args=[own.pk, doc_type.code]),
            reverse("password_change"),
        ],
        roles.VERIFIKATOR: [
            reverse("dashboard"),
            reverse("registrations:list"),
            reverse("registrations:detail", args=[waiting.pk]),
            reverse("registrations:walk_in"),
            reverse("documents:queue"),
            reverse("documents:review", args=[waiting.pk]),
            reverse("documents:checklist", args=[waiting.pk]),
            reverse("stakeholders:manage_list"),
        ],
        roles.KEPALA: [
            reverse("dashboard"),
            reverse("documents:signing"),
            reverse("documents:sign", args=[to_sign.pk]),
            reverse("registrations:detail", args=[to_sign.pk]),
            reverse("audit_list"),
        ],
        roles.STAF_DATA: [
            reverse("dashboard"),
            reverse("stakeholders:manage_list"),
            reverse("stakeholders:create"),
            reverse("stakeholders:licence_expiring"),
            reverse("stakeholders:import"),
            company.get_absolute_url(),
        ],
        roles.ADMIN: [reverse("dashboard"), reverse("audit_list")],
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_no_serious_accessibility_finding_on_any_roles_pages(browser, live_server, portal, width):
    assert portal["own"].status == RegistrationStatus.SUBMITTED
    found = {}
    for role, paths in role_pages(portal).items():
        context = browser.new_context(
            viewport={"width": width, "height": 700}, base_url=live_server.url, locale="id-ID"
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        try:
            if role == roles.CPMI:
                sign_in(page, portal["cpmi"])
            elif role == roles.VERIFIKATOR:
                sign_in(page, portal["verifikator"])
            elif role is not None:
                sign_in(page, UserFactory(roles=[role], is_staff=role == roles.ADMIN))
            for path, violations in findings(page, paths).items():
                found[f"{role} {path}"] = violations
        finally:
            context.close()
    assert found == {}
