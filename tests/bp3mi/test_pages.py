"""The layout every page shares: error pages, language, greeting, menu, static files."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from bp3mi import roles
from bp3mi.models import AuditEvent
from bp3mi.navigation import menu_for
from bp3mi.selectors import audit_change_rows
from bp3mi.views import server_error
from registrations.models import Registration
from tests.factories import RegistrationFactory, StakeholderFactory, UserFactory


def html(response):
    return response.content.decode()


# --- Error pages (DEBUG is off under pytest-django, as in production) ---------------------------


@pytest.mark.django_db
def test_an_unknown_address_shows_the_indonesian_404_in_the_sites_layout(client):
    assert settings.DEBUG is False
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    page = html(response)
    assert "Halaman tidak ditemukan" in page and "Not Found" not in page
    assert 'aria-label="Navigasi utama"' in page and settings.OFFICE["long_name"] in page


@pytest.mark.django_db
def test_a_wrong_qr_token_shows_the_indonesian_404(client):
    response = client.get(reverse("documents:letter_check", args=["token-palsu-123"]))
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in html(response)
    assert "kode QR" in html(response)


@pytest.mark.django_db
def test_a_page_the_user_may_not_open_shows_the_indonesian_403(client, cpmi_user):
    client.force_login(cpmi_user)
    response = client.get(reverse("audit_list"))
    assert response.status_code == 403
    assert "Akses ditolak" in html(response) and "403 Forbidden" not in html(response)


def test_the_500_page_renders_without_database_session_or_context_processors():
    # No django_db mark: any query here would fail the test.
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    page = html(response)
    assert "Terjadi kesalahan" in page and settings.OFFICE["name"] in page
    assert '<html lang="id">' in page


def test_the_500_handler_is_the_standalone_one():
    from django.urls import get_resolver

    assert get_resolver().resolve_error_handler(500) is server_error


# --- Language ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_english_browser_gets_bahasa_indonesia_until_it_chooses_english(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="id"' in html(response)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="id")
    assert '<html lang="en"' in html(response)


# --- Dashboard -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Wa Ode Sitti", "La Ode Muhammad Hamid", "Sutrisno"])
def test_the_dashboard_greets_with_the_whole_name(client, name):
    user = UserFactory(roles=[roles.CPMI], full_name=name)
    client.force_login(user)
    assert f"Halo, {name}</h1>" in html(client.get(reverse("dashboard")))


@pytest.mark.django_db
def test_the_admins_dashboard_has_no_cpmi_cards(client, admin_user, cpmi_user):
    client.force_login(admin_user)
    page = html(client.get(reverse("dashboard")))
    assert "Pendaftaran saya" not in page and "Dokumen saya" not in page
    assert "Log audit" in page
    client.force_login(cpmi_user)
    page = html(client.get(reverse("dashboard")))
    assert "Pendaftaran saya" in page and "Dokumen saya" in page


# --- Menu --------------------------------------------------------------------------------------


def labels(areas):
    return {area.label: [label for label, _ in area.links] for area in areas}


@pytest.mark.django_db
def test_the_menu_shows_each_user_only_the_links_they_may_follow(
    cpmi_user, verifikator, admin_user
):
    from django.contrib.auth.models import AnonymousUser

    anonymous = menu_for(AnonymousUser())
    assert labels(anonymous) == {"Direktori": ["Cek P3MI", "Direktori"]}
    assert not any(area.as_menu for area in anonymous)  # two public links, side by side

    cpmi = labels(menu_for(cpmi_user))
    assert cpmi["Pendaftaran"] == ["Pendaftaran saya"]
    assert "Dokumen" not in cpmi and "Administrasi" not in cpmi

    officer = {area.label: area for area in menu_for(verifikator)}
    assert [label for label, _ in officer["Pendaftaran"].links] == [
        "Pendaftaran CPMI",
        "Catat pendaftaran di loket",
    ]
    assert officer["Pendaftaran"].as_menu and "Administrasi" not in officer

    admin = labels(menu_for(admin_user))
    assert "Pendaftaran saya" not in admin["Pendaftaran"]  # an officer, not an applicant
    assert admin["Administrasi"] == ["Log audit", "Admin"]


@pytest.mark.django_db
def test_pages_load_neither_bootstraps_javascript_nor_htmx_directly(client):
    page = html(client.get(reverse("home")))
    assert "bootstrap.bundle" not in page
    assert '<script src="/static/js/portal.js" data-htmx="/static/vendor/htmx/htmx.min.js"' in page
    assert '<link rel="icon" href="/static/img/favicon.svg"' in page


def test_the_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
    assert (settings.BASE_DIR / "static/img/favicon.svg").stat().st_size < 1024


# --- Audit trail -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_changes_read_with_labels_and_names(django_assert_max_num_queries):
    company = StakeholderFactory(name="PT. Buton Jaya Mandiri")
    registration = RegistrationFactory()
    registration_type = ContentType.objects.get_for_model(Registration)
    for _ in range(3):
        AuditEvent.objects.create(
            action=AuditEvent.Action.UPDATE,
            content_type=registration_type,
            object_id=str(registration.pk),
            changes={
                "p3mi": [None, company.pk],
                "status": ["draft", "diajukan"],
                "milestone.medical.date": [None, "2026-11-20"],
            },
        )
    events = AuditEvent.objects.select_related("content_type").filter(
        object_id=str(registration.pk)
    )
    with django_assert_max_num_queries(2):  # the events, then the companies at once
        described = audit_change_rows(events)
    rows = {row.label: (row.before, row.after) for row in described[0].change_rows}
    assert rows["P3MI"] == ("—", "PT. Buton Jaya Mandiri")
    assert rows["Status"] == ("Draf", "Diajukan")
    assert rows["milestone.medical.date"] == ("—", "2026-11-20")


# --- Auth wording ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_password_gets_one_plain_message_that_does_not_mention_letter_case(
    client, cpmi_user
):
    response = client.post(
        reverse("login"), {"username": cpmi_user.email.upper(), "password": "salah-sekali-99"}
    )
    page = html(response)
    assert "Alamat e-mail atau kata sandi salah. Periksa keduanya, lalu coba lagi." in page
    assert "huruf" not in page.lower()


@pytest.mark.django_db
def test_the_login_accepts_the_address_in_any_letter_case(client, cpmi_user, password):
    response = client.post(
        reverse("login"), {"username": cpmi_user.email.upper(), "password": password}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


AUTH_PAGES = ["login", "signup", "password_reset", "password_change"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", AUTH_PAGES)
def test_auth_pages_say_kata_sandi_never_sandi_alone(client, cpmi_user, name):
    import re

    if name == "password_change":
        client.force_login(cpmi_user)
    page = html(client.get(reverse(name)))
    words = re.findall(r"(\w+)\s+sandi", page, flags=re.IGNORECASE)
    assert re.search(r"kata sandi", page, flags=re.IGNORECASE) or name == "password_reset"
    assert all(word.lower() == "kata" for word in words), words
    assert not re.search(r"(?<!kata )\bsandi\b", re.sub(r"<[^>]+>", " ", page), re.IGNORECASE)


@pytest.mark.django_db
def test_password_rules_and_mismatch_in_the_portals_indonesian(client, cpmi_user, password):
    client.force_login(cpmi_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "12345", "new_password2": "54321"},
    )
    page = html(response)
    assert "Kedua kata sandi tidak sama" in page
    response = client.post(
        reverse("password_change"),
        {"old_password": "bukan-ini", "new_password1": "123", "new_password2": "123"},
    )
    assert "Kata sandi lama salah" in html(response)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    page = html(response)
    assert "Kata sandi ini hanya berisi angka." in page
    assert "Kata sandi ini terlalu umum dan mudah ditebak." in page


@pytest.mark.django_db
def test_the_password_reset_mail_is_in_indonesian(client, cpmi_user, mailoutbox):
    client.post(reverse("password_reset"), {"email": cpmi_user.email})
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "Atur ulang kata sandi akun portal BP3MI"
    assert f"Yth. {cpmi_user.full_name}," in mail.body
    assert "/akun/kata-sandi/atur-ulang/" in mail.body


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_explains_what_to_do_in_indonesian():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@contoh.test", "password": "x"})
    assert response.status_code == 403
    page = html(response)
    assert "Formulir perlu dikirim ulang" in page and "CSRF verification failed" not in page
