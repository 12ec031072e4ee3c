import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from bp3mi import roles


def held_by_group() -> dict[str, set[str]]:
    return {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
        for g in Group.objects.prefetch_related("permissions__content_type")
    }


def every_permission() -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_holds_exactly_what_the_mapping_says(role):
    """After the migrations, every app included: no permission more, none less."""
    held = held_by_group()[role]
    if role == roles.ADMIN:
        assert held == every_permission() - roles.CPMI_PERMISSIONS
    else:
        assert held == roles.role_permissions(role)


@pytest.mark.django_db
def test_the_mapping_covers_every_app_with_permissions_roles_use():
    apps_named = {
        name.split(".")[0] for role in roles.ROLES for name in roles.role_permissions(role)
    }
    assert apps_named == {"bp3mi", "registrations", "stakeholders", "documents", "complaints"}


@pytest.mark.django_db
def test_an_unknown_permission_in_the_mapping_stops_the_sync(monkeypatch):
    monkeypatch.setitem(
        roles.APP_PERMISSIONS, "documents", {roles.KEPALA: ["view_document", "fly_document"]}
    )
    with pytest.raises(ImproperlyConfigured, match="documents.fly_document"):
        roles.sync_roles(django_apps)


@pytest.mark.django_db
def test_a_permission_taken_out_of_the_mapping_is_taken_from_the_group(monkeypatch):
    kepala = Group.objects.get(name=roles.KEPALA)
    stray = Permission.objects.get(codename="delete_registration")
    kepala.permissions.add(stray)
    monkeypatch.setitem(roles.APP_PERMISSIONS, "documents", {roles.KEPALA: ["view_document"]})
    roles.sync_roles(django_apps)
    held = held_by_group()[roles.KEPALA]
    assert "registrations.delete_registration" not in held
    assert "documents.sign_letter" not in held
    assert "documents.view_document" in held


@pytest.mark.django_db
def test_least_privilege_for_complaint_officers_and_admins(petugas_pengaduan, admin_user):
    assert not petugas_pengaduan.has_perm("registrations.view_registration")
    assert not admin_user.has_perm("registrations.register_self")
    assert admin_user.has_perm("documents.sign_letter")


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
