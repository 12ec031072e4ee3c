"""Every page carries a content security policy that forbids inline scripts, and no page
needs one: no <script> without src, no on*= event attribute, no javascript: link. Pages are
every named URL that needs no object id, for anonymous visitors and each role, plus the 404
and 500 pages."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from bp3mi import roles

from .access_matrix import url_patterns

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def named_urls_without_arguments():
    """The paths of every named URL pattern that reverses without arguments."""
    found = set()
    for _namespace, name, _pattern in url_patterns():
        if name:
            try:
                found.add(reverse(name))
            except NoReverseMatch:
                continue
    return found


class InlineScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and not attributes.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.problems.append(f"<script> without src at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name.lower() in {"href", "src", "action"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")


def csp_problems(response) -> list[str]:
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    scripts = directives.get("script-src", directives.get("default-src"))
    problems = []
    if scripts is None:
        problems.append("neither script-src nor default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts):
        problems.append(f"script-src allows inline or foreign scripts: {scripts}")
    if "text/html" in response.headers.get("Content-Type", ""):
        finder = InlineScriptFinder()
        finder.feed(response.content.decode("utf-8", errors="replace"))
        problems += finder.problems
    return problems


@pytest.fixture(params=["anonymous", *roles.ROLES, "superuser"])
def visitor(request, client, make_user, django_user_model):
    if request.param == "superuser":
        client.force_login(
            django_user_model.objects.create_superuser(email="root@bp3mi.test", password="x")
        )
    elif request.param != "anonymous":
        client.force_login(make_user(request.param))
    return client


def test_every_page_forbids_inline_scripts_and_has_none(visitor):
    urls = named_urls_without_arguments()
    assert "/" in urls and "/akun/masuk/" in urls  # the walk found the site
    failures = {}
    for url in sorted(urls):
        response = visitor.get(url)
        if response.streaming:
            continue
        problems = csp_problems(response)
        if problems:
            failures[f"{url} ({response.status_code})"] = problems
    assert failures == {}


def test_the_not_found_page_forbids_inline_scripts(client):
    response = client.get("/halaman-yang-tidak-ada/")
    assert response.status_code == 404
    assert csp_problems(response) == []


@pytest.mark.urls("tests.bp3mi.csp_urls")
def test_the_server_error_page_forbids_inline_scripts(client):
    client.raise_request_exception = False
    response = client.get("/uji-galat-server/")
    assert response.status_code == 500
    assert csp_problems(response) == []
