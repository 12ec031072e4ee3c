"""The main menu: one list of areas, each with its links and the permission each needs.

An area shows the links the user may follow. An area with one visible link is shown as that
link; with more, as a menu that opens (a `<details>` element, so it works without JavaScript).
A new area (complaints, statistics) is one more `Area` in `MENU`.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def is_applicant(user) -> bool:
    """Whether the user registers themselves (a CPMI). An officer who may see every
    registration is never treated as an applicant, even holding every permission."""
    return (
        user.is_authenticated
        and user.has_perm("registrations.register_self")
        and not user.has_perm("registrations.view_registration")
    )


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    # "app_label.codename"; None: everyone. APPLICANT: only for a CPMI (see is_applicant).
    permission: str | None = None
    staff_only: bool = False

    def visible_to(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        if self.permission == APPLICANT:
            return is_applicant(user)
        return self.permission is None or user.has_perm(self.permission)


APPLICANT = "applicant"


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    links: tuple[Link, ...]
    # Up to this many visible links are shown side by side instead of in a menu.
    inline_up_to: int = 1


MENU: tuple[Area, ...] = (
    Area(
        "pendaftaran",
        _("Pendaftaran"),
        (
            Link(_("Pendaftaran saya"), "registrations:start", APPLICANT),
            Link(_("Pendaftaran CPMI"), "registrations:list", "registrations.view_registration"),
            Link(
                _("Catat pendaftaran di loket"),
                "registrations:walk_in",
                "registrations.register_walk_in",
            ),
        ),
    ),
    Area(
        "dokumen",
        _("Dokumen"),
        (
            Link(_("Verifikasi dokumen"), "documents:queue", "documents.review_document"),
            Link(_("Tanda tangan surat"), "documents:signing", "documents.sign_letter"),
        ),
    ),
    Area(
        "direktori",
        _("Direktori"),
        (
            Link(_("Cek P3MI"), "stakeholders:check"),
            Link(_("Direktori"), "stakeholders:list"),
            Link(
                _("Kelola direktori"), "stakeholders:manage_list", "stakeholders.view_stakeholder"
            ),
            Link(
                _("Izin akan kedaluwarsa"),
                "stakeholders:licence_expiring",
                "stakeholders.view_licence",
            ),
        ),
        inline_up_to=2,
    ),
    Area(
        "pengaduan",
        _("Pengaduan"),
        (
            Link(_("Kasus pengaduan"), "complaints:case_list", "complaints.view_case"),
            Link(_("Catat pengaduan"), "complaints:case_file", "complaints.add_case"),
        ),
    ),
    Area(
        "statistik",
        _("Statistik"),
        (
            Link(_("Dasbor statistik"), "statistics:dashboard", "registrations.view_statistics"),
            Link(_("Buat laporan"), "statistics:request", "registrations.view_statistics"),
            Link(_("Unduhan saya"), "statistics:exports", "registrations.view_statistics"),
        ),
    ),
    Area(
        "administrasi",
        _("Administrasi"),
        (
            Link(_("Log audit"), "audit_list", "bp3mi.view_auditevent"),
            Link(_("Admin"), "admin:index", staff_only=True),
        ),
    ),
)


@dataclass(frozen=True)
class VisibleArea:
    key: str
    label: str
    links: list[tuple[str, str]]  # (label, url)
    as_menu: bool


def menu_for(user, menu=MENU) -> list[VisibleArea]:
    areas = []
    for area in menu:
        links = [
            (link.label, reverse(link.url_name)) for link in area.links if link.visible_to(user)
        ]
        if links:
            areas.append(VisibleArea(area.key, area.label, links, len(links) > area.inline_up_to))
    return areas
