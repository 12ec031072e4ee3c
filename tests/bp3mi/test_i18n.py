"""The English translation: pages switch language with the language cookie or set_language,
the default stays Bahasa Indonesia, and the catalogue in locale/en/ is complete."""

import ast
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from tests.factories import LicenceFactory, Sip2miFactory, StakeholderFactory, country

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|\{[a-z_]*\}|</?[a-z][a-z0-9]*\b[^>]*>")


@pytest.fixture(scope="session")
def english_catalogue():
    """Compiles locale/en (as `make messages` does) so that a plain pytest run sees the
    current translation, then drops any catalogue Django loaded before it existed."""
    if shutil.which("msgfmt") is None:
        if not MO_FILE.exists():
            pytest.skip("msgfmt (gettext) is not installed and locale/en has no compiled .mo")
    else:
        call_command(
            "compilemessages", locale=["en"], ignore_patterns=[".venv", "node_modules"], verbosity=0
        )
    trans_real._translations = {}
    trans_real._default = None
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def english(client, english_catalogue):
    """A client whose language cookie says English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def licensed_p3mi(db):
    company = StakeholderFactory(name="PT. Lia Center Utama")
    LicenceFactory(stakeholder=company, number="UJI-SIP3MI/LCU/2025")
    Sip2miFactory(stakeholder=company, country=country("JP"))
    return company


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def assert_language(html, present, absent):
    for text in present:
        assert text in html, f"expected {text!r}"
    for text in absent:
        assert text not in html, f"unexpected {text!r}"


HOME_EN = [
    "Work abroad through the proper procedure, safely and free of charge",
    "Who can register",
]
HOME_ID = [
    "Bekerja ke luar negeri secara prosedural, aman dan gratis",
    "Siapa yang dapat mendaftar",
]


@pytest.mark.django_db
def test_home_page_in_english_with_the_language_cookie(english):
    html = page(english, reverse("home"))
    assert '<html lang="en"' in html
    assert 'lang="id">Bahasa Indonesia</button>' in html
    assert_language(
        html, HOME_EN + ["Complaint channels", "Log in"], HOME_ID + ["Saluran pengaduan"]
    )


@pytest.mark.django_db
def test_default_language_stays_indonesian(client, english_catalogue):
    html = page(client, reverse("home"))
    assert '<html lang="id"' in html
    assert 'lang="en">English</button>' in html  # each language offered in its own name
    assert_language(html, HOME_ID + ["Saluran pengaduan"], HOME_EN + ["Complaint channels"])
    login = page(client, reverse("login"))
    assert_language(login, ["Lupa kata sandi?", "Belum punya akun?"], ["Forgotten your password?"])


@pytest.mark.django_db
def test_set_language_switches_to_english_and_back(client, english_catalogue):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    html = page(client, reverse("login"))
    assert_language(
        html,
        ["Forgotten your password?", "No account yet?", "Password"],
        ["Lupa kata sandi?", "Belum punya akun?"],
    )
    client.post(reverse("set_language"), {"language": "id", "next": reverse("home")})
    assert_language(page(client, reverse("home")), HOME_ID, HOME_EN)


@pytest.mark.django_db
def test_login_page_in_english(english):
    html = page(english, reverse("login"))
    assert_language(
        html,
        ["Forgotten your password?", "No account yet?", "Register as a CPMI", "Skip to content"],
        ["Lupa kata sandi?", "Belum punya akun?", "Daftar sebagai CPMI", "Langsung ke konten"],
    )


@pytest.mark.django_db
def test_public_directory_in_english(english, licensed_p3mi):
    html = page(english, reverse("stakeholders:list"))
    assert "PT. Lia Center Utama" in html
    assert_language(
        html,
        [
            "Stakeholder directory",
            "Check a P3MI licence",
            "Licence active",
            "All types",
            "Placement Companies (P3MI)",
        ],
        [
            "Direktori pemangku kepentingan",
            "Cek izin P3MI",
            "Izin aktif",
            "Semua jenis",
            "Perusahaan Penempatan (P3MI)",
        ],
    )


@pytest.mark.django_db
def test_p3mi_check_in_english(english, licensed_p3mi):
    html = page(english, reverse("stakeholders:check"), q="lia center")
    assert_language(
        html,
        [
            "Check a placement company (P3MI) licence",
            "Licence valid: may recruit",
            "Destination countries with a valid SIP2MI:",
        ],
        [
            "Cek izin perusahaan penempatan (P3MI)",
            "boleh merekrut",
            "Negara tujuan dengan SIP2MI berlaku:",
        ],
    )
    unknown = page(english, reverse("stakeholders:check"), q="perusahaan gelap")
    assert_language(
        unknown,
        ["Not found", "There is no licensed P3MI"],
        ["Tidak ditemukan", "Tidak ada P3MI berizin"],
    )


def read_po(path):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr (a list) and flags."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = ("msgstr", int(match.group(1)))
                entry["msgstr"][field[1]] = value
            elif keyword == "msgstr":
                field = ("msgstr", 0)
                entry["msgstr"][0] = value
            else:
                field = keyword
                entry[field] = value
    finish()
    return entries


def test_english_catalogue_is_complete():
    assert PO_FILE.exists(), "locale/en/LC_MESSAGES/django.po is missing: run makemessages -l en"
    entries = read_po(PO_FILE)
    header = next(entry for entry in entries if entry["msgid"] == "")
    assert "Language: en\n" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    messages = [entry for entry in entries if entry["msgid"] and not entry["obsolete"]]
    assert len(messages) > 500
    for entry in messages:
        msgid = entry["msgid"]
        assert "fuzzy" not in entry["flags"], f"fuzzy: {msgid!r}"
        expected = 2 if "msgid_plural" in entry else 1
        assert len(entry["msgstr"]) == expected, f"plural forms: {msgid!r}"
        for msgstr in entry["msgstr"].values():
            assert msgstr.strip(), f"untranslated: {msgid!r}"
            wanted = sorted(PLACEHOLDER.findall(msgid))
            assert sorted(PLACEHOLDER.findall(msgstr)) == wanted, (
                f"placeholders or HTML differ: {msgid!r}"
            )
