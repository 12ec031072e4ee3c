"""Hostile values in every URL parameter: NUL bytes, broken percent-encoding, integers past
any database column, negative numbers, traversal and right-to-left marks, tokens of the wrong
shape. Every named URL with a parameter is taken from the URL resolver, so a new one is
fuzzed without being listed here. The answer is a 4xx (or a page/redirect), never a 500."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.bp3mi.test_csp import named_urls_without_arguments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
# Values for each path converter. An int converter only matches digits, so the garbage is
# tried where the URL pattern lets it through; the rest still gets a 404 from the resolver.
VALUES = {
    "int": [HUGE, "2147483648", "9223372036854775808", "0", "-1", "%00"],
    "slug": [HUGE, "-1", "a" * 300, "%00", "..%2F..%2Fetc%2Fpasswd"],
    "str": [
        "%00",
        "a%00b",
        "%ff%fe%c0%ae",
        "..%2F..%2Fetc%2Fpasswd",
        "%E2%80%AEfdp.exe",
        HUGE,
        "-1",
        "a" * 2000,
        "bm90LWEtdXVpZA",
    ],
    "uuid": ["%00", "not-a-uuid", HUGE],
    "path": ["%00", "%ff%fe", "..%2F..%2Fetc%2Fpasswd", HUGE, "-1", "1/../../2"],
}
QUERY_GARBAGE = {"page": HUGE, "q": "a\x00b", "cursor": "%ff\x00", "sort": "-" + HUGE}
# What each field of each form gets, one request per value.
FIELD_GARBAGE = ["a\x00b", HUGE, "-" + HUGE, "%ff%fe", "\u202e" + "x" * 5000]
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def patterns(resolver=None, prefix=""):
    """The route of every URL pattern with at least one parameter."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern) and PARAMETER.search(route):
            yield route


def paths(route: str):
    """The route with each parameter in turn set to each hostile value (the other
    parameters a plain 1)."""
    found = list(PARAMETER.finditer(route))
    for index, match in enumerate(found):
        for value in VALUES.get(match.group("converter") or "str", VALUES["str"]):
            path, end = "", 0
            for other_index, other in enumerate(found):
                path += route[end : other.start()] + (value if other_index == index else "1")
                end = other.end()
            path += route[end:]
            if path.startswith("^"):  # a regex route: no hostile value can be placed in it
                continue
            yield "/" + path


ROUTES = sorted(set(patterns()))


def test_the_resolver_gives_routes_with_parameters():
    # The walk must not silently find nothing.
    assert any("<int:pk>" in route for route in ROUTES)
    assert any(route.startswith("admin/") for route in ROUTES)


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def assert_not_server_error(response, method, path):
    assert response.status_code < 500, f"{method} {path} -> {response.status_code}"


@pytest.mark.parametrize("route", ROUTES)
def test_hostile_path_parameters_never_give_a_server_error(client, superuser_client, route):
    for path in paths(route):
        assert_not_server_error(client.get(path), "GET (anonymous)", path)
        assert_not_server_error(superuser_client.get(path), "GET", path)
        if not route.startswith("admin/"):
            assert_not_server_error(superuser_client.post(path), "POST", path)


class Forms(HTMLParser):
    """The forms of a page: (method, action, field names)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append((method, attributes.get("action") or "", set()))
        elif (
            tag in {"input", "select", "textarea"}
            and self.forms
            and attributes.get("name") not in {None, "csrfmiddlewaretoken"}
            and attributes.get("type") not in {"file", "submit"}
        ):
            self.forms[-1][2].add(attributes["name"])


def pages_without_ids():
    """Every page a named URL without parameters gives, but the admin's and logging out."""
    return sorted(
        path
        for path in named_urls_without_arguments()
        if not path.startswith("/admin/") and "keluar" not in path
    )


def test_hostile_query_strings_never_give_a_server_error(superuser_client):
    for path in pages_without_ids():
        response = superuser_client.get(path, QUERY_GARBAGE)
        assert_not_server_error(response, "GET", f"{path}?{QUERY_GARBAGE}")


def test_hostile_values_in_every_form_field_never_give_a_server_error(client, superuser_client):
    """Every form on every page without an id in its URL, for a visitor and for an officer
    holding every permission: each field gets NUL bytes, huge numbers, broken encoding,
    a right-to-left mark and 5000 characters."""
    submitted = 0
    for path in pages_without_ids():
        for who, browser in (("anonymous", client), ("superuser", superuser_client)):
            page = browser.get(path)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(page.content.decode())
            for method, action, names in parser.forms:
                target = urlsplit(action).path or path
                if not names or "keluar" in target or target.startswith("/i18n/"):
                    continue
                for value in FIELD_GARBAGE:
                    data = dict.fromkeys(names, value)
                    send = browser.post if method == "post" else browser.get
                    response = send(target, data)
                    assert_not_server_error(response, f"{method.upper()} ({who})", target)
                    submitted += 1
    assert submitted > 50


def test_hostile_values_in_the_forms_of_object_pages_never_give_a_server_error(
    cpmi_user, verifikator, kepala, petugas_pengaduan, settings, tmp_path
):
    """The same for the forms on the pages of one registration, its documents, a complaint
    and a stakeholder (review, status, milestones, notes, assignment, closing, editing)."""
    from bp3mi import roles
    from registrations.services import STEPS
    from tests.factories import ApplicantFactory, RegistrationFactory

    from . import world as hostile
    from .test_stored_xss import cpmi_pages, officer_pages

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    built = hostile.build(
        text="Teks biasa",
        cpmi=cpmi_user,
        verifikator=verifikator,
        kepala=kepala,
        petugas=petugas_pengaduan,
    )
    officer = Client()
    officer.force_login(UserFactory(is_superuser=True, is_staff=True))
    owner = Client()
    owner.force_login(cpmi_user)
    drafter = Client()
    draft = RegistrationFactory(applicant=ApplicantFactory(user=UserFactory(roles=[roles.CPMI])))
    drafter.force_login(draft.applicant.user)
    steps = [reverse("registrations:step", args=[draft.pk, step]) for step in STEPS]
    fuzzed = set()
    for browser, paths in (
        (officer, officer_pages(built)),
        (owner, cpmi_pages(built)),
        (drafter, steps),
    ):
        for path in paths:
            page = browser.get(path)
            if page.status_code != 200:
                continue
            parser = Forms()
            parser.feed(page.content.decode())
            for method, action, names in parser.forms:
                target = urlsplit(action).path or path
                if not names or "keluar" in target or target.startswith("/i18n/"):
                    continue
                for value in FIELD_GARBAGE:
                    send = browser.post if method == "post" else browser.get
                    response = send(target, dict.fromkeys(names, value))
                    assert_not_server_error(response, method.upper(), target)
                    fuzzed.add(target)
    assert any("/langkah/" in t for t in fuzzed) and any("/pengaduan/" in t for t in fuzzed)
    assert len(fuzzed) > 10
