"""The complaint permissions of each role are exactly those bp3mi.roles names."""

import pytest
from django.contrib.auth.models import Group

from bp3mi import roles

pytestmark = pytest.mark.django_db


def test_each_role_holds_exactly_its_complaint_permissions():
    for role in roles.ROLES:
        if role == roles.ADMIN:
            continue
        held = {
            f"complaints.{codename}"
            for codename in Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="complaints")
            .values_list("codename", flat=True)
        }
        wanted = {name for name in roles.role_permissions(role) if name.startswith("complaints.")}
        assert held == wanted, role


def test_only_supervisors_see_sensitive_cases_and_complaint_officers_handle_them(
    petugas_pengaduan, kepala, verifikator
):
    assert petugas_pengaduan.has_perms(
        ["complaints.view_case", "complaints.add_case", "complaints.change_case"]
    )
    assert petugas_pengaduan.has_perms(["complaints.assign_case", "complaints.close_case"])
    assert not petugas_pengaduan.has_perm("complaints.view_sensitive_case")
    assert kepala.has_perm("complaints.view_sensitive_case")
    assert not kepala.has_perm("complaints.change_case")
    assert not verifikator.has_perm("complaints.view_case")
