"""What the CPMI meets on the form pages: what is filled in for them, how selects read, one
moratorium warning, and the number kept on one line."""

import pytest
from django.urls import reverse

from registrations.models import Occupation
from tests.factories import country

from .conftest import complete_applicant, complete_draft

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_step_one_offers_the_name_given_at_sign_up(client, cpmi_user):
    cpmi_user.full_name = "Wa Ode Sitti Rahmawati"
    cpmi_user.save()
    client.force_login(cpmi_user)
    page = html(client.get(reverse("registrations:new")))
    assert 'name="full_name" value="Wa Ode Sitti Rahmawati"' in page


def test_step_two_offers_the_phone_and_e_mail_of_the_account_but_keeps_what_the_draft_has(
    client, cpmi_user
):
    draft = complete_draft(applicant=complete_applicant(user=cpmi_user, email="", phone=""))
    client.force_login(cpmi_user)
    step = reverse("registrations:step", kwargs={"pk": draft.pk, "step": "alamat"})
    page = html(client.get(step))
    assert f'value="{cpmi_user.phone}"' in page and f'value="{cpmi_user.email}"' in page
    draft.applicant.email = "lain@contoh.test"
    draft.applicant.save()
    page = html(client.get(step))
    assert 'value="lain@contoh.test"' in page and f'value="{cpmi_user.email}"' not in page


def test_selects_start_with_pilih_not_dashes(client, cpmi_user, make_user):
    from bp3mi import roles

    client.force_login(make_user(roles.CPMI))
    pages = [html(client.get(reverse("registrations:new")))]
    draft = complete_draft(user=cpmi_user)
    client.force_login(cpmi_user)
    pages += [
        html(client.get(reverse("registrations:step", kwargs={"pk": draft.pk, "step": step})))
        for step in ["alamat", "pendidikan", "tujuan"]
    ]
    assert not any("---------" in page for page in pages)
    assert '<option value="" selected>Pilih status perkawinan</option>' in pages[0]
    assert "Pilih hubungan" in pages[1]
    assert "Pilih pendidikan" in pages[2]
    assert "Pilih negara tujuan" in pages[3] and "Pilih P3MI" in pages[3]


def test_the_moratorium_warning_shows_once_on_the_check_page(client, cpmi_user):
    draft = complete_draft(user=cpmi_user)
    client.force_login(cpmi_user)
    household = Occupation.objects.filter(is_household=True).first()
    response = client.post(
        reverse("registrations:step", kwargs={"pk": draft.pk, "step": "tujuan"}),
        {
            "scheme": "g2g",
            "destination_country": country("SA").pk,
            "occupation": household.pk,
            "employer_type": "perseorangan",
        },
        follow=True,
    )
    page = html(response)
    assert response.redirect_chain[-1][0].endswith("/periksa/")
    assert page.count("moratorium") == 1, page.count("moratorium")


def test_the_registration_number_stays_on_one_line(client, cpmi_user):
    from registrations.choices import RegistrationStatus

    draft = complete_draft(user=cpmi_user, status=RegistrationStatus.SUBMITTED)
    client.force_login(cpmi_user)
    page = html(client.get(reverse("documents:checklist", args=[draft.pk])))
    assert f'<span class="text-nowrap">{draft.number}</span></h1>' in page
