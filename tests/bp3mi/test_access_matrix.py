"""Every named URL of the portal against anonymous visitors, a second CPMI and each officer
role, on objects owned by someone else (tests/bp3mi/access_matrix.py says what each may do).

A URL missing from the matrix fails. Each actor GETs every URL and gets the status the matrix
gives; each actor that may not perform a POST action POSTs it, is refused, and the database
(every row of the portal's tables) and the stored files are exactly as before."""

import datetime
import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, include, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bp3mi import roles
from complaints.models import CaseAttachment
from documents.models import Letter
from documents.selectors import requirements_for
from documents.services import document_upload
from registrations.choices import RegistrationStatus
from reports.choices import ExportFormat, ReportKind
from reports.models import ReportExport
from stakeholders.models import ImportJob
from tests.documents.files import pdf_bytes
from tests.documents.helpers import clean_pdf
from tests.factories import (
    ApplicantFactory,
    CaseFactory,
    LicenceFactory,
    RegistrationFactory,
    Sip2miFactory,
    StakeholderFactory,
    UserFactory,
    complaint_category,
    country,
    region,
)

from .access_matrix import (
    ACTORS,
    ADMIN_LOGIN,
    ANONYMOUS,
    LOGIN,
    MATRIX,
    OWNER,
    OWNER_GET,
    OWNERS,
    REFUSALS,
    Post,
    url_patterns,
)

pytestmark = pytest.mark.django_db

# Tables a refused POST must leave alone: every model of these apps (auth: users, groups).
SNAPSHOT_APPS = [
    "auth",
    "bp3mi",
    "stakeholders",
    "registrations",
    "documents",
    "complaints",
    "statistics",
]

ROLE_OF = {
    "cpmi": roles.CPMI,
    "verifikator": roles.VERIFIKATOR,
    "kepala": roles.KEPALA,
    "petugas_pengaduan": roles.PETUGAS_PENGADUAN,
    "staf_data": roles.STAF_DATA,
    "admin": roles.ADMIN,
}


def unlisted(resolver=None) -> list[str]:
    """The URL patterns the matrix does not list: named ones missing from it, and any pattern
    without a name (which the matrix could not list). The Django admin is one entry."""
    found = []
    for namespace, name, pattern in url_patterns(resolver):
        if namespace == "admin:":
            continue
        if name is None:
            found.append(f"a pattern without a name: {pattern.pattern}")
        elif name not in MATRIX:
            found.append(name)
    return found


def matrix_names() -> dict[str, URLPattern]:
    """The named patterns as the matrix lists them (the Django admin as admin:index)."""
    return {
        name: pattern
        for namespace, name, pattern in url_patterns()
        if name and (namespace != "admin:" or name == "admin:index")
    }


def takes_post(pattern: URLPattern) -> bool | None:
    """Whether a class-based view answers POST (None for a function view: unknown)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return None
    return hasattr(view_class, "post") and "post" in view_class.http_method_names


# --- The world: objects owned by other people ---------------------------------------------------


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return root


@pytest.fixture
def world(_private_storage):
    w = SimpleNamespace(media=_private_storage, region=region(), country=country("JP"))
    # A CPMI's submitted registration with one document uploaded and a letter.
    w.cpmi_owner = UserFactory(roles=[roles.CPMI])
    w.registration = RegistrationFactory(
        applicant=ApplicantFactory(user=w.cpmi_owner), status=RegistrationStatus.SUBMITTED
    )
    w.document = document_upload(
        registration=w.registration,
        document_type=requirements_for(registration=w.registration)[0].document_type,
        clean=clean_pdf(),
        by=w.cpmi_owner,
    )
    signer = UserFactory(roles=[roles.KEPALA])
    w.letter = Letter.objects.create(
        registration=w.registration,
        number="UJI/MATRIKS/1",
        year=2026,
        serial=1,
        signed_by=signer,
        status=Letter.Status.READY,
    )
    w.letter.file.save("surat-uji-matriks.pdf", ContentFile(pdf_bytes()))
    # One valid letter per registration: the failed one is of the CPMI's earlier registration.
    earlier = RegistrationFactory(
        applicant=w.registration.applicant, status=RegistrationStatus.WITHDRAWN
    )
    w.failed_letter = Letter.objects.create(
        registration=earlier,
        number="UJI/MATRIKS/2",
        year=2026,
        serial=2,
        signed_by=signer,
        status=Letter.Status.FAILED,
        error="uji",
    )
    # A Staf Data's import job and exports.
    w.staf_owner = UserFactory(roles=[roles.STAF_DATA])
    w.import_job = ImportJob.objects.create(created_by=w.staf_owner, file_name="direktori.csv")
    w.export = ReportExport.objects.create(
        owner=w.staf_owner,
        kind=ReportKind.PLACEMENTS,
        export_format=ExportFormat.CSV,
        status=ReportExport.Status.READY,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    w.export.file.save("ekspor-uji-matriks.csv", ContentFile(b"a,b\n1,2\n"))
    w.failed_export = ReportExport.objects.create(
        owner=w.staf_owner,
        kind=ReportKind.PLACEMENTS,
        export_format=ExportFormat.CSV,
        status=ReportExport.Status.FAILED,
    )
    # The directory.
    w.stakeholder = StakeholderFactory()
    w.licence = LicenceFactory(stakeholder=w.stakeholder)
    w.sip2mi = Sip2miFactory(stakeholder=w.stakeholder)
    # A sensitive complaint case assigned to a complaint officer, with an attachment.
    w.petugas_owner = UserFactory(roles=[roles.PETUGAS_PENGADUAN])
    w.other_petugas = UserFactory(roles=[roles.PETUGAS_PENGADUAN])
    w.category = complaint_category("hilang-kontak")
    w.case = CaseFactory(category=complaint_category("tppo"), assignee=w.petugas_owner)
    content = pdf_bytes()
    w.attachment = CaseAttachment(
        case=w.case,
        original_name="berita-acara.pdf",
        file_format="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    w.attachment.file.save("berita-acara.pdf", ContentFile(content))
    # An account waiting for activation.
    pending = UserFactory(is_active=False)
    w.uidb64 = urlsafe_base64_encode(force_bytes(pending.pk))
    w.token = default_token_generator.make_token(pending)
    return w


def sign_in(client, actor):
    """The client signed in as a fresh user of the actor's role (who owns nothing)."""
    if actor != ANONYMOUS:
        client.force_login(UserFactory(roles=[ROLE_OF[actor]], is_staff=actor == "admin"))
    return client


def url_of(name, world):
    return reverse(name, kwargs=MATRIX[name].kwargs(world))


def outcome(response, expected):
    """The response's status as the matrix writes it."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("login")):
        return LOGIN
    if response.status_code == 302 and location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if isinstance(expected, frozenset) and response.status_code in expected:
        return expected
    return response.status_code


def snapshot(media: Path) -> dict:
    """Every row of the portal's tables, and the stored files."""
    rows = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    rows["files"] = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- The matrix covers the URL configuration ------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    walked = matrix_names()
    assert "home" in walked and "documents:review" in walked  # the walk found the site
    missing = unlisted()
    assert not missing, (
        f"URL patterns not in tests/bp3mi/access_matrix.py: {'; '.join(missing)}. Say who may "
        "open each one (and POST to it)."
    )
    stale = sorted(set(MATRIX) - set(walked))
    assert not stale, f"The matrix lists URLs that no longer exist: {', '.join(stale)}"


def test_a_new_view_missing_from_the_matrix_is_named():
    def new_view(request):
        raise AssertionError("never called")

    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            path("baru/", new_view, name="new_page"),
            path("tanpa-nama/", new_view),
            path("", include("bp3mi.urls")),
        ],
    )
    assert unlisted(resolver) == ["new_page", "a pattern without a name: tanpa-nama/"]


def test_every_view_that_takes_a_post_says_who_may_post():
    undeclared = sorted(
        name
        for name, pattern in matrix_names().items()
        if name in MATRIX and takes_post(pattern) and MATRIX[name].post is None
    )
    assert not undeclared, f"Views that accept POST with no POST entry in the matrix: {undeclared}"


def test_the_matrix_names_every_actor_for_every_url():
    for name, entry in MATRIX.items():
        assert set(entry.get) == set(ACTORS), name
        if isinstance(entry.post, Post):
            assert entry.post.allowed, name
            for actor in set(ACTORS) - entry.post.allowed:
                assert entry.post.refused.get(actor, entry.get[actor]) in REFUSALS, (name, actor)


# --- GET ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_what_the_matrix_says_on_every_url(client, world, actor):
    sign_in(client, actor)
    wrong = {}
    for name, entry in MATRIX.items():
        expected = entry.get[actor]
        response = client.get(url_of(name, world))
        got = outcome(response, expected)
        if got != expected:
            wrong[name] = f"expected {expected}, got {got}"
    assert wrong == {}


def test_owners_open_their_own_objects(client, world):
    """Where the matrix says 404 (another's registration, export, import job, hidden case),
    the owner gets the page."""
    scoped = {name for name, entry in MATRIX.items() if 404 in entry.get.values()}
    assert scoped == set(OWNER_GET)
    wrong = {}
    for name, expected in OWNER_GET.items():
        client.force_login(getattr(world, OWNERS[name.split(":")[0]]))
        got = outcome(client.get(url_of(name, world)), expected)
        if got != expected:
            wrong[name] = f"expected {expected}, got {got}"
    assert wrong == {}


# --- POST by those who may not ------------------------------------------------------------------


def refused_posts(actor):
    return [
        name
        for name, entry in MATRIX.items()
        if isinstance(entry.post, Post) and actor not in entry.post.allowed
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_posts_an_actor_may_not_make_are_refused_and_change_nothing(client, world, actor):
    sign_in(client, actor)
    wrong = {}
    names = refused_posts(actor)
    assert names
    for name in names:
        post = MATRIX[name].post
        expected = post.refused.get(actor, MATRIX[name].get[actor])
        before = snapshot(world.media)
        response = client.post(url_of(name, world), post.data(world))
        got = outcome(response, expected)
        changed = changed_tables(before, snapshot(world.media))
        if got != expected or changed:
            wrong[name] = f"expected {expected}, got {got}; changed: {changed}"
    assert wrong == {}


# --- The payloads are ones that work ------------------------------------------------------------

PROVEN = sorted(
    name for name, entry in MATRIX.items() if isinstance(entry.post, Post) and entry.post.proof
)


@pytest.mark.parametrize("name", PROVEN)
def test_the_same_post_by_who_may_make_it_changes_the_database(client, world, name):
    """Without this, a refused POST with a payload the form rejects would prove nothing."""
    post = MATRIX[name].post
    if post.proof == OWNER:
        client.force_login(getattr(world, OWNERS[name.split(":")[0]]))
    else:
        sign_in(client, post.proof)
    if post.prepare:
        post.prepare(world)
    before = snapshot(world.media)
    response = client.post(url_of(name, world), post.data(world))
    # An audit row alone does not count: some views log the page they show with the errors.
    changed = set(changed_tables(before, snapshot(world.media))) - {"bp3mi.AuditEvent"}
    assert response.status_code < 400 and changed, (response.status_code, form_errors(response))


def form_errors(response) -> list:
    """The errors of the forms the response shows, to tell why a POST changed nothing."""
    context = response.context or {}
    forms = (context.get(key) for key in ("form", "forms", "status_form", "milestone_form"))
    return [form.errors for form in forms if form is not None and hasattr(form, "errors")]
