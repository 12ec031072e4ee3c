"""The admin's registration and applicant lists look people up through the indexes: a full
NIK is an exact match, a registration number too, anything else a part of the name; no date
hierarchy, no full count, and the count behind the page links stops at a bound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bp3mi import pagination
from registrations.admin import ApplicantAdmin, RegistrationAdmin
from registrations.choices import RegistrationStatus as S
from tests.factories import ApplicantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def people():
    ani = RegistrationFactory(
        status=S.SUBMITTED, applicant=ApplicantFactory(full_name="Ani Lestari")
    )
    budi = RegistrationFactory(
        status=S.SUBMITTED, applicant=ApplicantFactory(full_name="Budi Santoso")
    )
    return ani, budi


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def found(response) -> set[str]:
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


def test_search_by_full_nik_finds_exactly_that_person(admin_client, people):
    ani, budi = people
    url = reverse(CHANGELIST)
    assert found(admin_client.get(url, {"q": ani.applicant.nik})) == {ani.number}
    # Spaces typed between the digits are ignored, as on the officers' list.
    spaced = f"{ani.applicant.nik[:6]} {ani.applicant.nik[6:]}"
    assert found(admin_client.get(url, {"q": spaced})) == {ani.number}
    # Part of a NIK finds nobody: a NIK is looked up whole.
    assert found(admin_client.get(url, {"q": ani.applicant.nik[:8]})) == set()


def test_search_by_number_and_by_part_of_a_name(admin_client, people):
    ani, budi = people
    url = reverse(CHANGELIST)
    assert found(admin_client.get(url, {"q": budi.number.lower()})) == {budi.number}
    assert found(admin_client.get(url, {"q": "lestari"})) == {ani.number}


def test_nik_search_is_an_exact_match_the_index_can_serve(admin_client, people):
    ani, _budi = people
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(reverse(CHANGELIST), {"q": ani.applicant.nik})
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"registrations_applicant"."nik" = ' in sql
    assert 'UPPER("registrations_applicant"."nik"' not in sql
    assert '"registrations_applicant"."nik" LIKE' not in sql


def test_no_date_hierarchy_no_full_count_and_the_officers_page_size():
    for model_admin in (RegistrationAdmin, ApplicantAdmin):
        assert model_admin.date_hierarchy is None
        assert model_admin.show_full_result_count is False
        assert model_admin.list_per_page == 50


def test_page_links_count_up_to_the_bound(admin_client, monkeypatch):
    RegistrationFactory.create_batch(6, status=S.SUBMITTED)
    monkeypatch.setattr(pagination.bounded_count, "__defaults__", (4,))
    monkeypatch.setattr(RegistrationAdmin, "list_per_page", 2)
    response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].paginator.count == 4
    assert response.context["cl"].paginator.num_pages == 2


def test_applicant_admin_finds_a_person_by_nik(admin_client, people):
    ani, _budi = people
    url = reverse("admin:registrations_applicant_changelist")
    assert found(admin_client.get(url, {"q": ani.applicant.nik})) == {"Ani Lestari"}
    assert found(admin_client.get(url, {"q": "santoso"})) == {"Budi Santoso"}


def test_changelist_query_count_does_not_grow_with_rows(admin_client, people):
    url = reverse(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    RegistrationFactory.create_batch(20, status=S.SUBMITTED)
    with CaptureQueriesContext(connection) as more:
        admin_client.get(url)
    assert len(more) == len(few)
