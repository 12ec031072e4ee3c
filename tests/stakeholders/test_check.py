import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stakeholders.choices import CheckOutcome, LicenceKind, LicenceStatus, StakeholderKind
from stakeholders.selectors import p3mi_check
from tests.factories import LicenceFactory, Sip2miFactory, StakeholderFactory, country

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def p3mi():
    company = StakeholderFactory(name="PT. Lia Center Utama")
    LicenceFactory(stakeholder=company, number="UJI-SIP3MI/LCU/2025")
    Sip2miFactory(stakeholder=company, country=country("JP"))
    Sip2miFactory(
        stakeholder=company,
        country=country("MY"),
        valid_from=TODAY - 400 * DAY,
        valid_until=TODAY - DAY,
    )
    return company


def outcome(query, day=None):
    return [(a.stakeholder.name, a.outcome) for a in p3mi_check(query=query, day=day)]


def test_a_licensed_p3mi_may_recruit_with_its_valid_sip2mi_countries(p3mi):
    [answer] = p3mi_check(query="lia center")
    assert answer.outcome == CheckOutcome.VALID and answer.may_recruit
    assert [c.iso_code for c in answer.countries] == ["JP"]


def test_check_finds_by_licence_number_and_ignores_the_pt_prefix(p3mi):
    assert outcome("uji-sip3mi/lcu/2025") == [("PT. Lia Center Utama", CheckOutcome.VALID)]
    assert outcome("PT Lia Center") == [("PT. Lia Center Utama", CheckOutcome.VALID)]


def test_the_day_after_expiry_the_answer_is_expired(p3mi):
    licence = p3mi.licences.get()
    licence.expires_on = TODAY
    licence.save()
    assert outcome("Lia Center") == [(p3mi.name, CheckOutcome.VALID)]
    assert outcome("Lia Center", TODAY + DAY) == [(p3mi.name, CheckOutcome.EXPIRED)]
    [answer] = p3mi_check(query="Lia Center", day=TODAY + DAY)
    assert answer.countries == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (LicenceStatus.SUSPENDED, CheckOutcome.SUSPENDED),
        (LicenceStatus.REVOKED, CheckOutcome.REVOKED),
    ],
)
def test_suspended_and_revoked_companies_may_not_recruit(p3mi, status, expected):
    p3mi.licences.update(status=status)
    assert outcome("Lia Center") == [(p3mi.name, expected)]


def test_a_renewed_licence_wins_over_the_lapsed_one(p3mi):
    p3mi.licences.update(status=LicenceStatus.EXPIRED, expires_on=TODAY - DAY)
    LicenceFactory(stakeholder=p3mi, issued_on=TODAY - DAY, expires_on=TODAY + 900 * DAY)
    assert outcome("Lia Center") == [(p3mi.name, CheckOutcome.VALID)]


def test_unknown_companies_inactive_ones_and_non_p3mi_are_not_found(p3mi):
    StakeholderFactory(name="LPK Lia Center", kind=StakeholderKind.LPK)
    LicenceFactory(
        stakeholder=StakeholderFactory(name="PT. Tanpa Izin Resmi"),
        kind=LicenceKind.BRANCH_REGISTRATION,
    )
    assert outcome("Tidak Ada Sama Sekali") == []
    assert outcome("Tanpa Izin") == [("PT. Tanpa Izin Resmi", CheckOutcome.NOT_FOUND)]
    p3mi.is_active = False
    p3mi.save()
    assert outcome("Lia Center") == []


def test_check_page_answers_without_login_and_without_javascript(client, p3mi):
    response = client.get(reverse("stakeholders:check"), {"q": "Lia Center"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "boleh merekrut" in page and "Jepang" in page and "Malaysia" not in page


def test_check_page_says_not_found_and_explains_short_queries(client, p3mi):
    page = client.get(reverse("stakeholders:check"), {"q": "PT Abal Abal"}).content.decode()
    assert "Tidak ditemukan" in page
    page = client.get(reverse("stakeholders:check"), {"q": "ab"}).content.decode()
    assert "paling sedikit 3 huruf" in page


def test_htmx_gets_only_the_answer(client, p3mi):
    response = client.get(
        reverse("stakeholders:check"), {"q": "Lia Center"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "boleh merekrut" in page and "<html" not in page


def test_home_page_shows_the_check_form(client):
    page = client.get(reverse("home")).content.decode()
    assert 'action="/cek-p3mi/"' in page and "Cek P3MI" in page


def test_check_costs_a_fixed_number_of_queries(django_assert_max_num_queries, p3mi):
    for n in range(8):
        company = StakeholderFactory(name=f"PT. Lia Center Cabang {n}")
        LicenceFactory(stakeholder=company)
        Sip2miFactory(stakeholder=company)
    with django_assert_max_num_queries(4):
        answers = p3mi_check(query="Lia Center")
    assert len(answers) == 9
