"""The roles of the portal and the permissions each holds.

A role is a Django group. Code checks permissions, never group names; this module is the one
place that says which role holds which permission, and `sync_roles` makes every group exactly
what it says: a permission taken out here is taken away from the group, and a name that no
model of the code defines stops the migration with an error.

The mapping is kept per app. An app added later (complaints, statistics) adds its own section
to APP_PERMISSIONS and calls `sync_roles` from the data migration that follows the one
creating its models. Until an app's models exist in the database being migrated, its section
waits: the migration that creates them syncs it.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.core.exceptions import ImproperlyConfigured

CPMI = "CPMI"
VERIFIKATOR = "Verifikator"
KEPALA = "Kepala/Penandatangan"
PETUGAS_PENGADUAN = "Petugas Pengaduan"
STAF_DATA = "Staf Data"
ADMIN = "Admin"

ROLES = [CPMI, VERIFIKATOR, KEPALA, PETUGAS_PENGADUAN, STAF_DATA, ADMIN]

# {app label: {role: [codename, ...]}}. Admin is not listed: it holds every permission but
# the ones that make someone a CPMI (CPMI_PERMISSIONS).
APP_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "bp3mi": {
        KEPALA: ["view_auditevent"],
    },
    "stakeholders": {
        VERIFIKATOR: ["view_stakeholder"],
        KEPALA: ["view_stakeholder"],
        # Complaint officers look up the company a worker complains about.
        PETUGAS_PENGADUAN: ["view_stakeholder"],
        STAF_DATA: [
            "view_stakeholder",
            "add_stakeholder",
            "change_stakeholder",
            "view_licence",
            "add_licence",
            "change_licence",
            "add_sip2mi",
            "change_sip2mi",
        ],
    },
    "registrations": {
        CPMI: ["register_self"],
        VERIFIKATOR: [
            "view_registration",
            "change_registration",
            "record_milestone",
            "register_walk_in",
        ],
        KEPALA: [
            "view_registration",
            "change_registration",
            "record_milestone",
            "view_statistics",
        ],
        # Petugas Pengaduan holds no registration permission: it reaches only the
        # registrations linked to its complaint cases, through the complaints app.
        STAF_DATA: ["view_statistics"],
    },
    "documents": {
        VERIFIKATOR: ["review_document", "view_document"],
        KEPALA: ["view_document", "sign_letter", "revoke_letter"],
    },
    "complaints": {
        KEPALA: ["view_case", "view_sensitive_case", "assign_case"],
        PETUGAS_PENGADUAN: [
            "view_case",
            "add_case",
            "change_case",
            "assign_case",
            "close_case",
        ],
    },
}

# What makes an account a CPMI: the Admin role holds every permission but these.
CPMI_PERMISSIONS = {"registrations.register_self"}

# Roles whose members sign up themselves; every other role is given by an administrator.
SELF_SIGNUP_ROLE = CPMI


def role_permissions(role: str) -> set[str]:
    """The "app_label.codename" names `role` holds according to APP_PERMISSIONS (Admin: the
    caller adds every permission but CPMI_PERMISSIONS)."""
    return {
        f"{app_label}.{codename}"
        for app_label, by_role in APP_PERMISSIONS.items()
        for codename in by_role.get(role, [])
    }


def _defined_permissions() -> set[str]:
    """Every permission the code's models define (the installed apps, not the database)."""
    from django.apps import apps as code_apps

    names = set()
    for model in code_apps.get_models():
        opts = model._meta
        names.update(
            f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions
        )
        names.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return names


def sync_roles(apps, schema_editor=None):
    """Create the role groups and give each exactly the permissions APP_PERMISSIONS names
    (for data migrations; `apps` is the migration's state). Raises ImproperlyConfigured for a
    name no model defines. A permission of a model not yet migrated is left for the migration
    that creates it."""
    for app_config in apps.get_app_configs():
        # In a migration, app configs are stubs without a models module, which
        # create_permissions would skip.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None
    defined = _defined_permissions()
    wanted = {role: role_permissions(role) for role in ROLES if role != ADMIN}
    unknown = sorted(set().union(*wanted.values(), CPMI_PERMISSIONS) - defined)
    if unknown:
        raise ImproperlyConfigured(
            "bp3mi/roles.py names permissions no model defines: " + ", ".join(unknown)
        )
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    existing = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in permission_model.objects.select_related("content_type")
    }
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        if role == ADMIN:
            held = [p for name, p in existing.items() if name not in CPMI_PERMISSIONS]
        else:
            held = [existing[name] for name in wanted[role] if name in existing]
        group.permissions.set(held)
