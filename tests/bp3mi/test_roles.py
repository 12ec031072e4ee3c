import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bp3mi import roles


@pytest.mark.django_db
def test_every_role_exists_as_a_group_with_its_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(roles.ROLES) <= set(groups)
    for role, wanted in roles.ROLE_PERMISSIONS.items():
        held = {f"{p.content_type.app_label}.{p.codename}" for p in groups[role].permissions.all()}
        if wanted == ["*"]:
            assert "bp3mi.view_auditevent" in held and "bp3mi.change_user" in held
        else:
            existing = [
                name
                for name in wanted
                if name.split(".")[0] in {"bp3mi", "registrations", "stakeholders"}
            ]
            assert set(existing) <= held, role


@pytest.mark.django_db
def test_cpmi_may_register_but_not_read_the_audit_trail(cpmi_user):
    assert cpmi_user.has_perm("registrations.register_self")
    assert not cpmi_user.has_perm("bp3mi.view_auditevent")
    assert not cpmi_user.has_perm("registrations.view_registration")


@pytest.mark.django_db
def test_audit_page_permissions(client, cpmi_user, verifikator, kepala, admin_user):
    url = reverse("audit_list")
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for user, expected in [(cpmi_user, 403), (verifikator, 403), (kepala, 200), (admin_user, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == expected, user
        client.logout()


@pytest.mark.django_db
def test_dashboard_requires_login_and_shows_each_role_its_own_cards(
    client, cpmi_user, kepala, admin_user
):
    url = reverse("dashboard")
    assert client.get(url).status_code == 302

    client.force_login(cpmi_user)
    page = client.get(url).content.decode()
    assert "Pendaftaran saya" in page
    assert reverse("audit_list") not in page
    assert reverse("admin:index") not in page

    client.force_login(kepala)
    page = client.get(url).content.decode()
    assert reverse("audit_list") in page
    assert "Pendaftaran saya" not in page

    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(url).content.decode()


@pytest.mark.django_db
def test_only_staff_reach_the_django_admin(client, verifikator, admin_user):
    client.force_login(verifikator)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "app_model",
    [
        "bp3mi/user",
        "bp3mi/region",
        "bp3mi/country",
        "bp3mi/auditevent",
        "stakeholders/stakeholder",
        "stakeholders/licence",
        "registrations/registration",
        "registrations/applicant",
        "registrations/occupation",
    ],
)
def test_admin_changelists_open(client, admin_user, app_model):
    client.force_login(admin_user)
    assert client.get(f"/admin/{app_model}/").status_code == 200
    assert client.get(f"/admin/{app_model}/add/").status_code in (200, 403)
