"""The P3MI filter of the officers' registration and complaint lists names the company by
typing, not from a <select> of every company: plain GET forms (no JavaScript) choose one
company by its name or part of it, list the candidates as radio buttons when several match,
and always filter by the chosen company's id; htmx only fills the field's datalist."""

import re

import pytest
from django.urls import reverse

from registrations.choices import RegistrationStatus as S
from stakeholders.company_filter import MAX_MATCHES
from tests.factories import CaseFactory, RegistrationFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

LIST = reverse("registrations:list")


@pytest.fixture
def officer(client, verifikator):
    client.force_login(verifikator)
    return client


@pytest.fixture
def companies():
    """Three companies, two with "Bintang" in their names, each with a registration."""
    named = {
        "bintang_laut": StakeholderFactory(name="PT. Bintang Laut Sejahtera"),
        "bintang_timur": StakeholderFactory(name="PT. Bintang Timur"),
        "samudra": StakeholderFactory(name="PT. Samudra <Biru> & Co"),
    }
    for company in named.values():
        RegistrationFactory(status=S.SUBMITTED, p3mi=company)
    return named


def listed_p3mi(response) -> set:
    return {reg.p3mi for reg in response.context["registrations"]}


def test_a_typed_full_name_lists_only_that_company(officer, companies):
    response = officer.get(LIST, {"p3mi_nama": "pt. bintang timur"})
    assert listed_p3mi(response) == {companies["bintang_timur"]}
    html = response.content.decode()
    # The field now shows the full name and carries the company's id for the next request.
    assert 'value="PT. Bintang Timur"' in html
    assert f'<input type="hidden" name="p3mi" value="{companies["bintang_timur"].pk}">' in html


def test_part_of_a_name_held_by_one_company_chooses_it(officer, companies):
    response = officer.get(LIST, {"p3mi_nama": "  samudra "})
    assert listed_p3mi(response) == {companies["samudra"]}
    # Escaped like any other text.
    assert 'value="PT. Samudra &lt;Biru&gt; &amp; Co"' in response.content.decode()


def test_several_matches_are_offered_as_radio_buttons_and_the_picked_one_filters(
    officer, companies
):
    response = officer.get(LIST, {"p3mi_nama": "Bintang"})
    html = response.content.decode()
    assert "Beberapa P3MI cocok dengan “Bintang”: pilih salah satu di bawah ini." in html
    assert list(response.context["registrations"]) == []  # nothing until one is chosen
    radios = re.findall(r'type="radio" name="p3mi" value="(\d+)" id="(id_p3mi_\d+)"', html)
    assert {int(pk) for pk, _ in radios} == {
        companies["bintang_laut"].pk,
        companies["bintang_timur"].pk,
    }
    for _pk, radio_id in radios:  # each radio has its label
        assert f'<label class="form-check-label" for="{radio_id}">' in html
    assert "<legend" in html and "Pilih salah satu P3MI:" in html

    # The form sent again with a radio picked: exactly that company, not the other match.
    picked = officer.get(LIST, {"p3mi_nama": "Bintang", "p3mi": companies["bintang_laut"].pk})
    assert listed_p3mi(picked) == {companies["bintang_laut"]}
    assert 'value="PT. Bintang Laut Sejahtera"' in picked.content.decode()


def test_text_that_no_longer_names_the_chosen_company_is_a_new_search(officer, companies):
    response = officer.get(LIST, {"p3mi_nama": "Samudra", "p3mi": companies["bintang_laut"].pk})
    assert listed_p3mi(response) == {companies["samudra"]}


def test_an_emptied_field_drops_the_filter_and_a_link_with_the_id_alone_keeps_it(
    officer, companies
):
    chosen = companies["bintang_laut"]
    everyone = set(companies.values())
    assert listed_p3mi(officer.get(LIST, {"p3mi_nama": "", "p3mi": chosen.pk})) == everyone
    assert listed_p3mi(officer.get(LIST, {"p3mi": chosen.pk})) == {chosen}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"p3mi_nama": "Tidak Ada Yang Begini"}, "Tidak ada P3MI yang namanya memuat"),
        ({"p3mi": "99999999"}, "P3MI yang dipilih tidak ditemukan."),
        ({"p3mi": "abc"}, "P3MI yang dipilih tidak ditemukan."),
        ({"p3mi_nama": "x" * 101}, "Nama P3MI paling banyak 100 karakter."),
    ],
)
def test_a_name_or_id_that_names_no_company_gets_a_message_not_an_error(
    officer, companies, params, message
):
    response = officer.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="id_p3mi_error"' in html
    assert list(response.context["registrations"]) == []


def test_the_page_does_not_list_every_company(officer, companies):
    StakeholderFactory.create_batch(30)
    html = officer.get(LIST).content.decode()
    assert "PT. Contoh Penempatan" not in html  # companies without registrations
    assert "<option" not in html[html.index('id="id_p3mi"') : html.index('id="id_submitted_from"')]
    # The field is labelled and keyboard-usable: a text input with its label and help.
    assert '<label class="form-label" for="id_p3mi">P3MI</label>' in html
    field = re.search(r'<input[^>]*id="id_p3mi"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'name="p3mi_nama"' in field
    assert 'list="id_p3mi_saran"' in field and "id_p3mi_helptext" in field
    assert f'hx-get="{reverse("stakeholders:p3mi_suggest")}"' in field


def test_suggestions_are_the_matching_names_for_staff_only(client, verifikator, companies):
    url = reverse("stakeholders:p3mi_suggest")
    anonymous = client.get(url, {"p3mi_nama": "Bintang"})
    assert anonymous.status_code in (302, 403)
    client.force_login(verifikator)
    inactive = StakeholderFactory(name="PT. Bintang Lama", is_active=False)
    lpk = StakeholderFactory(name="LPK Bintang", kind="lpk")
    html = client.get(url, {"p3mi_nama": "bintang"}).content.decode()
    names = re.findall(r'<option value="([^"]*)"', html)
    assert names == ["PT. Bintang Lama", "PT. Bintang Laut Sejahtera", "PT. Bintang Timur"]
    assert inactive.name in names and lpk.name not in names
    assert client.get(url, {"nama": ""}).content.decode().strip() == ""


def test_suggestions_and_candidates_are_bounded(client, verifikator):
    StakeholderFactory.create_batch(MAX_MATCHES + 5, name=factory_name())
    client.force_login(verifikator)
    html = client.get(reverse("stakeholders:p3mi_suggest"), {"nama": "Kembar"}).content.decode()
    assert html.count("<option") == MAX_MATCHES
    page = client.get(LIST, {"p3mi_nama": "Kembar"}).content.decode()
    assert page.count('type="radio" name="p3mi"') == MAX_MATCHES
    assert "Ketik nama yang lebih lengkap untuk melihat yang lain." in page


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"PT. Kembar {n:03d}")


def test_the_complaint_list_filters_by_the_typed_company(client, petugas_pengaduan, companies):
    client.force_login(petugas_pengaduan)
    mine = CaseFactory(p3mi=companies["bintang_timur"], sensitive=False)
    CaseFactory(p3mi=companies["bintang_laut"], sensitive=False)
    url = reverse("complaints:case_list")
    response = client.get(url, {"p3mi_nama": "Bintang Timur"})
    assert [case.pk for case in response.context["cases"]] == [mine.pk]
    several = client.get(url, {"p3mi_nama": "Bintang"}).content.decode()
    assert several.count('type="radio" name="p3mi"') == 2
