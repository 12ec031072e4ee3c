"""The roles of the portal and the permissions each holds.

A role is a Django group. Code checks permissions, never group names; this mapping is the one
place that says which role holds which permission. Data migrations call `sync_roles` after
they add models or permissions, so a fresh database and an upgraded one end up the same.
"""

from django.contrib.auth.management import create_permissions

CPMI = "CPMI"
VERIFIKATOR = "Verifikator"
KEPALA = "Kepala/Penandatangan"
PETUGAS_PENGADUAN = "Petugas Pengaduan"
STAF_DATA = "Staf Data"
ADMIN = "Admin"

ROLES = [CPMI, VERIFIKATOR, KEPALA, PETUGAS_PENGADUAN, STAF_DATA, ADMIN]

# "app_label.codename"; a permission that does not exist yet is skipped and picked up by the
# migration that creates it. Admin holds every permission.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CPMI: [
        "registrations.register_self",
    ],
    VERIFIKATOR: [
        "registrations.view_registration",
        "registrations.change_registration",
        "registrations.record_milestone",
        "registrations.register_walk_in",
        "stakeholders.view_stakeholder",
        "documents.review_document",
        "documents.view_document",
    ],
    KEPALA: [
        "registrations.view_registration",
        "registrations.change_registration",
        "registrations.record_milestone",
        "stakeholders.view_stakeholder",
        "documents.view_document",
        "documents.sign_letter",
        "documents.revoke_letter",
        "complaints.view_case",
        "complaints.view_sensitive_case",
        "complaints.assign_case",
        "bp3mi.view_auditevent",
        "registrations.view_statistics",
    ],
    PETUGAS_PENGADUAN: [
        "registrations.view_registration",
        "stakeholders.view_stakeholder",
        "complaints.view_case",
        "complaints.add_case",
        "complaints.change_case",
        "complaints.assign_case",
        "complaints.close_case",
    ],
    STAF_DATA: [
        "registrations.view_statistics",
        "stakeholders.view_stakeholder",
        "stakeholders.add_stakeholder",
        "stakeholders.change_stakeholder",
        "stakeholders.view_licence",
        "stakeholders.add_licence",
        "stakeholders.change_licence",
        "stakeholders.add_sip2mi",
        "stakeholders.change_sip2mi",
    ],
    ADMIN: ["*"],
}

# Roles whose members sign up themselves; every other role is given by an administrator.
SELF_SIGNUP_ROLE = CPMI


def sync_roles(apps, schema_editor=None):
    """Create the role groups and attach the permissions named above (for migrations)."""
    for app_config in apps.get_app_configs():
        # In a migration, app configs are stubs without a models module, which
        # create_permissions would skip.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS[role]
        if wanted == ["*"]:
            group.permissions.set(permission_model.objects.all())
            continue
        permissions = []
        for name in wanted:
            app_label, codename = name.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                permissions.append(found)
        group.permissions.add(*permissions)
