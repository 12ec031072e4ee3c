"""The access matrix: for every named URL of the portal, who may open it and who may POST to
it, against objects that belong to someone else.

The actors are an anonymous visitor, a CPMI who is not the owner of the objects ("a second
CPMI") and one user of each officer role, none of whom owns anything in the world the test
builds (`tests/bp3mi/test_access_matrix.py`). The objects are owned by other people: a CPMI's
registration with its document and letters, another Staf Data's export and import job, a
sensitive complaint case assigned to another complaint officer.

`test_access_matrix.py` walks the URL resolver: a URL missing here (or without a name) fails
the test, so a new view cannot be added without saying who may use it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from registrations.nik import build_nik
from tests.documents.files import pdf_bytes
from tests.registrations.test_walk_in import walk_in_data

ANONYMOUS = "anonymous"
CPMI = "cpmi"  # a CPMI, not the owner of the objects
VERIFIKATOR = "verifikator"
KEPALA = "kepala"
PETUGAS = "petugas_pengaduan"  # not the assignee of the sensitive case
STAF_DATA = "staf_data"  # not the owner of the export and import job
ADMIN = "admin"  # the Admin role, is_staff
OWNER = "owner"  # the owner of the object named by the URL (never one of ACTORS)
# Who OWNER is, by the URL's namespace: the attribute of the test's world holding that user.
OWNERS = {
    "registrations": "cpmi_owner",
    "documents": "cpmi_owner",
    "stakeholders": "staf_owner",
    "statistics": "staf_owner",
    "complaints": "petugas_owner",
}

ACTORS = (ANONYMOUS, CPMI, VERIFIKATOR, KEPALA, PETUGAS, STAF_DATA, ADMIN)
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}

LOGIN = "login"  # 302 to the portal's login page
ADMIN_LOGIN = "admin-login"  # 302 to the Django admin's login page
REFUSALS = {LOGIN, ADMIN_LOGIN, 403, 404, 405}

Expected = int | str | frozenset


def url_patterns(resolver=None, namespace=""):
    """(namespace, qualified name or None, pattern) of every URL pattern, through every
    include; the namespace is "" or ends with a colon ("admin:")."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, (f"{namespace}{entry.name}" if entry.name else None), entry


def everyone(status: Expected = 200) -> dict[str, Expected]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: Expected = 200) -> dict[str, Expected]:
    """Any signed-in user; anonymous visitors go to the login page."""
    return {**everyone(status), ANONYMOUS: LOGIN}


def only(*actors: str, status: Expected = 200, **others: Expected) -> dict[str, Expected]:
    """`actors` get `status`; the anonymous visitor goes to the login page; every other
    signed-in actor gets 403 unless named in `others` (e.g. cpmi=404)."""
    expected = {**dict.fromkeys(ACTORS, 403), ANONYMOUS: LOGIN}
    expected.update(dict.fromkeys(actors, status))
    expected.update(others)
    return expected


@dataclass(frozen=True)
class Post:
    """A POST the view accepts. Actors in `allowed` may perform it (OWNER: the owner of the
    object); every other actor POSTs `data` and must be refused (the GET's status, or the one
    `refused` gives) and leave the database unchanged. `proof` names an allowed actor (or
    OWNER) whose POST of the same data, after `prepare`, changes the database: the payload is
    one that works, so the refusals are not those of an invalid form."""

    allowed: frozenset[str]
    data: Callable[[Any], dict] = lambda w: {}
    refused: dict[str, Expected] = field(default_factory=dict)
    proof: str | None = None
    prepare: Callable[[Any], None] | None = None  # puts the world in a state the proof needs


PUBLIC_FORM = "public form"  # a POST anyone may make (sign in, sign up, file a complaint...)


@dataclass(frozen=True)
class Entry:
    get: dict[str, Expected]
    kwargs: Callable[[Any], dict] = lambda w: {}
    post: Post | str | None = None


def set_status(obj, status: str, **fields) -> None:
    type(obj).objects.filter(pk=obj.pk).update(status=status, **fields)


def pdf_file(name: str = "berkas.pdf") -> SimpleUploadedFile:
    """A PDF other than the one already uploaded (the same file again changes nothing)."""
    return SimpleUploadedFile(name, pdf_bytes(pages=2), content_type="application/pdf")


def reg(w) -> dict:
    return {"pk": w.registration.pk}


def case(w) -> dict:
    return {"pk": w.case.pk}


def stakeholder(w) -> dict:
    return {"pk": w.stakeholder.pk}


# A registration page of the owner CPMI: the second CPMI gets 404, officers 403.
OWN_REGISTRATION = only(cpmi=404)
# Documents and letters of the owner's registration: officers who view documents, and the
# owner; the second CPMI gets 404.
DOCUMENT_VIEWERS = only(VERIFIKATOR, KEPALA, ADMIN, cpmi=404)
REGISTRATION_OFFICERS = (VERIFIKATOR, KEPALA, ADMIN)
# Holders of the statistics and directory permissions; another Staf Data's export or import
# job is 404 to them.
STATISTICS = (KEPALA, STAF_DATA, ADMIN)
DIRECTORY_STAFF = (STAF_DATA, ADMIN)
# The sensitive case assigned to another complaint officer: 404 to complaint officers.
CASE_VIEWERS = only(KEPALA, ADMIN, petugas_pengaduan=404)
CASE_HANDLERS = only(ADMIN, petugas_pengaduan=404)
# Who may act on that case: the Admin role and the complaint officer it is assigned to.
CASE_OWNER = frozenset({ADMIN, OWNER})
# A POST-only case action: a GET is 405 to those holding the permission (the method is checked
# before the case is looked up); the POST of an officer the case is hidden from is 404.
CASE_ACTION = only(PETUGAS, ADMIN, status=405)
HIDDEN_CASE = {PETUGAS: 404}


def stakeholder_data(w) -> dict:
    return {
        "kind": "dinas",
        "name": "Disnakertrans Kabupaten Wakatobi (uji matriks)",
        "region": w.region.pk,
        "phone": "0812 3456 7890",
        "office_level": "kabkota",
    }


def licence_data(w) -> dict:
    today = timezone.localdate()
    return {
        "kind": "sip3mi",
        "number": "UJI-MATRIKS/SIP3MI/1",
        "issued_on": (today - datetime.timedelta(days=10)).isoformat(),
        "expires_on": (today + datetime.timedelta(days=700)).isoformat(),
        "status": "aktif",
        "issuer": "Kementerian P2MI",
    }


def sip2mi_data(w) -> dict:
    today = timezone.localdate()
    return {
        "country": w.country.pk,
        "number": "UJI-MATRIKS/SIP2MI/1",
        "quota": "25",
        "valid_from": (today - datetime.timedelta(days=10)).isoformat(),
        "valid_until": (today + datetime.timedelta(days=300)).isoformat(),
    }


def import_data(w) -> dict:
    return {
        "file": SimpleUploadedFile(
            "direktori.csv", b"jenis,nama\nlpk,LPK Uji Matriks\n", content_type="text/csv"
        )
    }


def identity_data(w) -> dict:
    birth = datetime.date(1996, 5, 4)
    return {
        "nik": build_nik(region_code="7471", kecamatan=3, birth_date=birth, sex="P", serial=42),
        "full_name": "Wa Ode Uji Matriks",
        "sex": "P",
        "birthplace": "Baubau",
        "birth_date": birth.isoformat(),
        "marital_status": "belum_kawin",
    }


def report_data(w) -> dict:
    return {
        "kind": "penempatan",
        "export_format": "csv",
        "period_kind": "bulan",
        "year": "2026",
        "month": "3",
    }


def password_change_data() -> dict:
    from tests.factories import PASSWORD

    new = "sandi-baru-matriks-2026"
    return {"old_password": PASSWORD, "new_password1": new, "new_password2": new}


def complaint_data(w) -> dict:
    return {
        "category": w.category.pk,
        "complainant_kind": "worker",
        "complainant_name": "La Uji",
        "complainant_phone": "081234567890",
        "worker_name": "La Uji",
        "description": "Gaji tidak dibayar selama tiga bulan, mohon bantuan.",
        "consent": "on",
        "channel": "walk_in",
        "received_on": timezone.localdate().isoformat(),
    }


MATRIX: dict[str, Entry] = {
    # --- bp3mi: home, accounts, dashboard, audit trail --------------------------------------
    "home": Entry(everyone()),
    "login": Entry(everyone(), post=PUBLIC_FORM),
    "logout": Entry(everyone(405), post=PUBLIC_FORM),
    "signup": Entry({**everyone(302), ANONYMOUS: 200}, post=PUBLIC_FORM),
    "signup_sent": Entry(everyone()),
    "activate": Entry(
        everyone(), kwargs=lambda w: {"uidb64": w.uidb64, "token": w.token}, post=PUBLIC_FORM
    ),
    "password_change": Entry(
        signed_in(), post=Post(SIGNED_IN, lambda w: password_change_data(), proof=CPMI)
    ),
    "password_change_done": Entry(signed_in()),
    "password_reset": Entry(everyone(), post=PUBLIC_FORM),
    "password_reset_done": Entry(everyone()),
    "password_reset_confirm": Entry(
        everyone(), kwargs=lambda w: {"uidb64": w.uidb64, "token": "uji-salah"}, post=PUBLIC_FORM
    ),
    "password_reset_complete": Entry(everyone()),
    "dashboard": Entry(signed_in()),
    "audit_list": Entry(only(KEPALA, ADMIN)),
    # 503 while the broker is down: this checks who may call it, not the services.
    "healthz": Entry(everyone(frozenset({200, 503}))),
    "favicon": Entry(everyone(301)),
    "set_language": Entry(everyone(302), post=PUBLIC_FORM),
    # --- stakeholders: public directory, staff management, import ----------------------------
    "stakeholders:check": Entry(everyone()),
    "stakeholders:list": Entry(everyone()),
    "stakeholders:download_csv": Entry(everyone()),
    "stakeholders:download_json": Entry(everyone()),
    "stakeholders:detail": Entry(everyone(), kwargs=stakeholder),
    "stakeholders:manage_list": Entry(only(VERIFIKATOR, KEPALA, PETUGAS, STAF_DATA, ADMIN)),
    # The P3MI filter's suggestions on the officers' registration and complaint lists.
    "stakeholders:p3mi_suggest": Entry(only(VERIFIKATOR, KEPALA, PETUGAS, STAF_DATA, ADMIN)),
    "stakeholders:export_csv": Entry(only(VERIFIKATOR, KEPALA, PETUGAS, STAF_DATA, ADMIN)),
    "stakeholders:export_xlsx": Entry(only(VERIFIKATOR, KEPALA, PETUGAS, STAF_DATA, ADMIN)),
    "stakeholders:licence_expiring": Entry(only(*DIRECTORY_STAFF)),
    "stakeholders:create": Entry(
        only(*DIRECTORY_STAFF),
        post=Post(frozenset(DIRECTORY_STAFF), stakeholder_data, proof=STAF_DATA),
    ),
    "stakeholders:update": Entry(
        only(*DIRECTORY_STAFF),
        kwargs=stakeholder,
        post=Post(frozenset(DIRECTORY_STAFF), stakeholder_data, proof=STAF_DATA),
    ),
    "stakeholders:set_active": Entry(
        only(*DIRECTORY_STAFF, status=405),
        kwargs=stakeholder,
        post=Post(frozenset(DIRECTORY_STAFF), lambda w: {"active": "0"}, proof=STAF_DATA),
    ),
    "stakeholders:licence_create": Entry(
        only(*DIRECTORY_STAFF),
        kwargs=stakeholder,
        post=Post(frozenset(DIRECTORY_STAFF), licence_data, proof=STAF_DATA),
    ),
    "stakeholders:licence_update": Entry(
        only(*DIRECTORY_STAFF),
        kwargs=lambda w: {"pk": w.stakeholder.pk, "licence_pk": w.licence.pk},
        post=Post(frozenset(DIRECTORY_STAFF), licence_data, proof=STAF_DATA),
    ),
    "stakeholders:sip2mi_create": Entry(
        only(*DIRECTORY_STAFF),
        kwargs=stakeholder,
        post=Post(frozenset(DIRECTORY_STAFF), sip2mi_data, proof=STAF_DATA),
    ),
    "stakeholders:sip2mi_update": Entry(
        only(*DIRECTORY_STAFF),
        kwargs=lambda w: {"pk": w.stakeholder.pk, "sip2mi_pk": w.sip2mi.pk},
        post=Post(frozenset(DIRECTORY_STAFF), sip2mi_data, proof=STAF_DATA),
    ),
    "stakeholders:import": Entry(
        only(*DIRECTORY_STAFF),
        post=Post(frozenset(DIRECTORY_STAFF), import_data, proof=STAF_DATA),
    ),
    "stakeholders:import_job": Entry(
        only(*DIRECTORY_STAFF, status=404), kwargs=lambda w: {"pk": w.import_job.pk}
    ),
    "stakeholders:import_job_action": Entry(
        only(*DIRECTORY_STAFF, status=405),
        kwargs=lambda w: {"pk": w.import_job.pk},
        post=Post(
            frozenset({OWNER}),
            lambda w: {"cancel": "1"},
            refused=dict.fromkeys(DIRECTORY_STAFF, 404),
            proof=OWNER,
        ),
    ),
    # --- registrations: the CPMI's own pages, the officers' pages ---------------------------
    "registrations:start": Entry(only(CPMI)),
    "registrations:new": Entry(only(CPMI), post=Post(frozenset({CPMI}), identity_data, proof=CPMI)),
    "registrations:export": Entry(only(CPMI)),
    "registrations:timeline": Entry(OWN_REGISTRATION, kwargs=reg),
    "registrations:step": Entry(
        OWN_REGISTRATION,
        kwargs=lambda w: {"pk": w.registration.pk, "step": "pendidikan"},
        post=Post(
            frozenset({OWNER}),
            lambda w: {"education": "diploma", "experience": "Dua tahun di pabrik."},
            proof=OWNER,
            prepare=lambda w: set_status(w.registration, "perbaikan"),
        ),
    ),
    "registrations:check": Entry(OWN_REGISTRATION, kwargs=reg, post=Post(frozenset({OWNER}))),
    "registrations:receipt": Entry(OWN_REGISTRATION, kwargs=reg),
    "registrations:withdraw": Entry(
        OWN_REGISTRATION,
        kwargs=reg,
        post=Post(
            frozenset({OWNER}),
            lambda w: {"reason": "Batal berangkat."},
            proof=OWNER,
        ),
    ),
    "registrations:list": Entry(only(*REGISTRATION_OFFICERS)),
    "registrations:walk_in": Entry(
        only(VERIFIKATOR, ADMIN),
        post=Post(frozenset({VERIFIKATOR, ADMIN}), lambda w: walk_in_data(), proof=VERIFIKATOR),
    ),
    "registrations:detail": Entry(only(*REGISTRATION_OFFICERS), kwargs=reg),
    "registrations:status": Entry(
        only(*REGISTRATION_OFFICERS, status=405),
        kwargs=reg,
        post=Post(
            frozenset(REGISTRATION_OFFICERS),
            lambda w: {"to_status": "ditolak", "reason": "Data tidak benar."},
            proof=VERIFIKATOR,
        ),
    ),
    "registrations:milestone": Entry(
        only(*REGISTRATION_OFFICERS, status=405),
        kwargs=reg,
        post=Post(
            frozenset(REGISTRATION_OFFICERS),
            lambda w: {"kind": "seleksi", "date": timezone.localdate().isoformat()},
            proof=VERIFIKATOR,
        ),
    ),
    # --- documents: checklist, uploads, review, letters --------------------------------------
    "documents:checklist": Entry(DOCUMENT_VIEWERS, kwargs=reg),
    # Nobody uploads for a CPMI who has an account: desk officers only for walk-ins.
    "documents:upload": Entry(
        only(cpmi=404, verifikator=404, admin=404),
        kwargs=lambda w: {"pk": w.registration.pk, "code": w.document.document_type.code},
        post=Post(
            frozenset({OWNER}),
            lambda w: {"file": pdf_file()},
            proof=OWNER,
        ),
    ),
    "documents:download": Entry(DOCUMENT_VIEWERS, kwargs=lambda w: {"pk": w.document.pk}),
    "documents:letter_download": Entry(DOCUMENT_VIEWERS, kwargs=lambda w: {"pk": w.letter.pk}),
    "documents:letter_state": Entry(DOCUMENT_VIEWERS, kwargs=lambda w: {"pk": w.letter.pk}),
    "documents:queue": Entry(only(VERIFIKATOR, ADMIN)),
    "documents:review": Entry(only(VERIFIKATOR, ADMIN), kwargs=reg),
    "documents:document_review": Entry(
        only(VERIFIKATOR, ADMIN, status=405),
        kwargs=lambda w: {"pk": w.document.pk},
        post=Post(
            frozenset({VERIFIKATOR, ADMIN}),
            lambda w: {
                f"d{w.document.pk}-action": "setujui",
                f"d{w.document.pk}-revision": str(w.document.revision),
            },
            proof=VERIFIKATOR,
        ),
    ),
    "documents:request_correction": Entry(
        only(VERIFIKATOR, ADMIN, status=405),
        kwargs=reg,
        post=Post(
            frozenset({VERIFIKATOR, ADMIN}),
            proof=VERIFIKATOR,
            prepare=lambda w: set_status(w.document, "ditolak", reject_reason="tidak_terbaca"),
        ),
    ),
    "documents:signing": Entry(only(KEPALA, ADMIN)),
    "documents:sign": Entry(only(KEPALA, ADMIN), kwargs=reg, post=Post(frozenset({KEPALA, ADMIN}))),
    "documents:letter_retry": Entry(
        only(VERIFIKATOR, KEPALA, ADMIN, status=405),
        kwargs=lambda w: {"pk": w.failed_letter.pk},
        post=Post(frozenset({VERIFIKATOR, KEPALA, ADMIN}), proof=KEPALA),
    ),
    "documents:letter_revoke": Entry(
        only(KEPALA, ADMIN),
        kwargs=lambda w: {"pk": w.letter.pk},
        post=Post(
            frozenset({KEPALA, ADMIN}), lambda w: {"reason": "Data paspor salah."}, proof=KEPALA
        ),
    ),
    "documents:access_log": Entry(only(KEPALA, ADMIN), kwargs=reg),
    "documents:letter_check": Entry(everyone(), kwargs=lambda w: {"token": w.letter.token}),
    # --- statistics ---------------------------------------------------------------------------
    "statistics:public": Entry(everyone()),
    "statistics:public_csv": Entry(everyone()),
    "statistics:dashboard": Entry(only(*STATISTICS)),
    "statistics:request": Entry(
        only(*STATISTICS), post=Post(frozenset(STATISTICS), report_data, proof=STAF_DATA)
    ),
    "statistics:exports": Entry(only(*STATISTICS)),
    "statistics:download": Entry(
        only(*STATISTICS, status=404), kwargs=lambda w: {"pk": w.export.pk}
    ),
    # POST only, checked before the permission: a GET is 405 for everyone.
    "statistics:retry": Entry(
        everyone(405),
        kwargs=lambda w: {"pk": w.failed_export.pk},
        post=Post(
            frozenset({OWNER}),
            refused=only(*STATISTICS, status=404),
            proof=OWNER,
        ),
    ),
    # --- complaints ---------------------------------------------------------------------------
    "complaints:file": Entry(everyone(), post=PUBLIC_FORM),
    "complaints:receipt": Entry(everyone()),
    "complaints:track": Entry(everyone(), post=PUBLIC_FORM),
    "complaints:case_list": Entry(only(KEPALA, PETUGAS, ADMIN)),
    "complaints:case_file": Entry(
        only(PETUGAS, ADMIN),
        post=Post(frozenset({PETUGAS, ADMIN}), complaint_data, proof=PETUGAS),
    ),
    "complaints:case_detail": Entry(CASE_VIEWERS, kwargs=case),
    "complaints:case_edit": Entry(
        CASE_HANDLERS,
        kwargs=case,
        post=Post(
            CASE_OWNER,
            lambda w: {**complaint_data(w), "worker_name": "La Uji Diubah"},
            proof=ADMIN,
        ),
    ),
    "complaints:case_assign": Entry(
        only(KEPALA, PETUGAS, ADMIN, status=405),
        kwargs=case,
        post=Post(
            frozenset({KEPALA, ADMIN, OWNER}),
            lambda w: {"assignee": w.other_petugas.pk},
            refused=HIDDEN_CASE,
            proof=KEPALA,
        ),
    ),
    "complaints:case_transition": Entry(
        CASE_ACTION,
        kwargs=case,
        post=Post(
            CASE_OWNER, lambda w: {"to_status": "verifikasi"}, refused=HIDDEN_CASE, proof=OWNER
        ),
    ),
    "complaints:case_event": Entry(
        CASE_ACTION,
        kwargs=case,
        post=Post(
            CASE_OWNER, lambda w: {"kind": "note", "text": "Uji."}, refused=HIDDEN_CASE, proof=OWNER
        ),
    ),
    "complaints:case_close": Entry(
        CASE_HANDLERS,
        kwargs=case,
        post=Post(
            CASE_OWNER,
            lambda w: {"decision": "close", "closure_reason": "unreachable_60d"},
            proof=OWNER,
        ),
    ),
    "complaints:case_reopen": Entry(
        CASE_ACTION,
        kwargs=case,
        post=Post(
            CASE_OWNER,
            lambda w: {"reason": "Ada kabar baru."},
            refused=HIDDEN_CASE,
            proof=OWNER,
            prepare=lambda w: set_status(
                w.case, "ditutup", closure_reason="unreachable_60d", closed_at=timezone.now()
            ),
        ),
    ),
    # A supervisor reads the linked registration but does not link one: 404 on POST.
    "complaints:case_registration": Entry(
        CASE_VIEWERS,
        kwargs=case,
        post=Post(
            CASE_OWNER,
            lambda w: {"registration": str(w.registration.pk), "query": w.registration.number},
            refused={KEPALA: 404},
            proof=OWNER,
        ),
    ),
    "complaints:attachment_download": Entry(
        CASE_VIEWERS, kwargs=lambda w: {"pk": w.case.pk, "attachment_pk": w.attachment.pk}
    ),
    # --- The Django admin, one entry for all its pages ---------------------------------------
    "admin:index": Entry({**everyone(ADMIN_LOGIN), ADMIN: 200}),
}

# What the owner of the objects gets on the URLs where others of the same role get 404: the
# 404s are the scope, not a broken page. (The registration is submitted, so its form pages
# send the owner back to the timeline.) POST-only actions are proven by their POST.
OWNER_GET: dict[str, Expected] = {
    "registrations:timeline": 200,
    "registrations:step": 302,
    "registrations:check": 302,
    "registrations:receipt": 200,
    "registrations:withdraw": 200,
    "documents:checklist": 200,
    "documents:upload": 200,
    "documents:download": 200,
    "documents:letter_download": 200,
    "documents:letter_state": 200,
    "stakeholders:import_job": 200,
    "statistics:download": 200,
    "complaints:case_detail": 200,
    "complaints:case_edit": 200,
    "complaints:case_close": 200,
    "complaints:case_registration": 200,
    "complaints:attachment_download": 200,
}
