"""Writes on registrations. Each service is one transaction, locks what it changes, returns
early when there is nothing to change, and leaves an audit event."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi.mail import queue_after_commit
from bp3mi.models import AuditEvent, User
from bp3mi.services import audit_record, model_changes, model_snapshot, sequence_next

from .choices import ACTIVE_STATUSES, EmployerType, Scheme
from .choices import RegistrationStatus as S
from .models import Applicant, DuplicateNikAttempt, Milestone, Registration, StatusChange
from .selectors import active_registration_with_nik, p3mi_placement_problem
from .tasks import registration_submitted_email_task

# Which status may follow which. Departure, withdrawal and rejection are final.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_VERIFICATION, S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED},
    S.IN_VERIFICATION: {S.NEEDS_CORRECTION, S.VERIFIED, S.WITHDRAWN, S.REJECTED},
    S.NEEDS_CORRECTION: {S.SUBMITTED, S.IN_VERIFICATION, S.WITHDRAWN, S.REJECTED},
    S.VERIFIED: {S.DEPARTED, S.NEEDS_CORRECTION, S.WITHDRAWN},
    S.DEPARTED: set(),
    S.WITHDRAWN: set(),
    S.REJECTED: set(),
}
REASON_REQUIRED = {S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED}

# The person may change their answers only in these states.
EDITABLE_STATUSES = {S.DRAFT, S.NEEDS_CORRECTION}

# The pages of the registration form, in order; `current_step` holds the one to resume at.
STEPS = ["identitas", "alamat", "pendidikan", "tujuan", "periksa"]

# What must be filled before submission, by the step that asks for it.
REQUIRED_APPLICANT_FIELDS = {
    "identitas": ["nik", "full_name", "sex", "birthplace", "birth_date", "marital_status"],
    "alamat": [
        "address",
        "kecamatan",
        "village",
        "phone",
        "family_name",
        "family_relation",
        "family_phone",
    ],
    "pendidikan": ["education"],
}
REQUIRED_REGISTRATION_FIELDS = {
    "tujuan": ["scheme", "destination_country", "occupation", "employer_type"],
}

MINIMUM_AGE = 18  # UU 18/2017 Pasal 5


def registration_transition(
    *, registration: Registration, to_status: str, by: User | None, reason: str = ""
) -> Registration:
    """Move a registration to `to_status`, recording the step in its history and the audit
    trail. Moving to the status it already has changes nothing (a double submit is
    harmless); a move the path does not allow raises ValidationError."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == to_status:
            return locked
        if to_status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
                % {"from": locked.get_status_display(), "to": S(to_status).label},
                code="transition",
            )
        if to_status in REASON_REQUIRED and not reason.strip():
            raise ValidationError(_("Alasan wajib diisi."), code="reason")
        from_status = locked.status
        locked.status = to_status
        locked.status_reason = reason.strip()
        fields = ["status", "status_reason", "updated_at"]
        if to_status == S.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=fields)
        StatusChange.objects.create(
            registration=locked,
            from_status=from_status,
            to_status=to_status,
            reason=locked.status_reason,
            changed_by=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.STATUS,
            obj=locked,
            changes={"status": [from_status, to_status]},
            message=locked.status_reason,
        )
    registration.refresh_from_db()
    return locked


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on `day`; a person born on 29 February turns a year older on 1 March
    in common years."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_household_work(*, occupation, employer_type: str) -> bool:
    return bool(
        (occupation is not None and occupation.is_household)
        or employer_type == EmployerType.HOUSEHOLD
    )


def moratorium_applies(registration: Registration) -> bool:
    """Household work in a country under a household-sector moratorium: allowed to go
    ahead, but flagged for the officers."""
    country = registration.destination_country
    return bool(
        country is not None
        and country.household_moratorium
        and is_household_work(
            occupation=registration.occupation, employer_type=registration.employer_type
        )
    )


def duplicate_nik_record(
    *, existing: Registration, by: User | None, request: HttpRequest | None = None
) -> DuplicateNikAttempt:
    """Record a refused attempt to register a NIK that `existing` (an active registration)
    holds, and flag `existing` for the officers. Its own transaction: the attempt is kept
    even though the caller then refuses the input."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=existing.pk)
        attempt = DuplicateNikAttempt.objects.create(registration=locked, attempted_by=by)
        if not locked.flag_duplicate_nik:
            locked.flag_duplicate_nik = True
            locked.save(update_fields=["flag_duplicate_nik", "updated_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            message=_("Percobaan pendaftaran dengan NIK yang sama."),
            changes={"flag_duplicate_nik": [False, True]},
            request=request,
        )
    return attempt


def _duplicate_nik_error() -> ValidationError:
    return ValidationError(
        {
            "nik": _(
                "NIK ini sudah dipakai pada pendaftaran lain yang masih aktif. Bila itu "
                "pendaftaran Anda, masuk dengan akun yang dipakai saat mendaftar. Bila bukan, "
                "datang ke kantor BP3MI atau LTSA dengan membawa KTP asli: petugas akan "
                "memeriksanya."
            )
        },
        code="duplicate_nik",
    )


def registration_save_step(
    *,
    user: User,
    registration: Registration | None,
    step: str,
    applicant_data: dict[str, Any],
    registration_data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Registration:
    """Save one page of the registration form as a draft and move the resume point on.

    The first save creates the person's applicant record and a draft registration. Only a
    draft or a registration sent back for correction may change. A NIK that another active
    registration holds is refused, and that registration is flagged. Every change to the
    person's data is audited with its before and after values."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    nik = applicant_data.get("nik")
    if nik:
        own = Applicant.objects.filter(user=user).first()
        other = active_registration_with_nik(nik=nik, exclude_applicant=own)
        if other is not None:
            duplicate_nik_record(existing=other, by=user, request=request)
            raise _duplicate_nik_error()
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update().filter(user=user).first()
        created = False
        if applicant is None:
            applicant = Applicant.objects.create(
                user=user,
                full_name=applicant_data.get("full_name") or user.full_name,
                email=user.email,
                phone=user.phone,
            )
            audit_record(
                actor=user, action=AuditEvent.Action.CREATE, obj=applicant, request=request
            )
        if registration is None:
            if applicant.registrations.filter(status__in=ACTIVE_STATUSES).exists():
                raise ValidationError(
                    _(
                        "Anda sudah memiliki pendaftaran yang masih aktif. Lihat statusnya di "
                        "dasbor; pendaftaran baru dapat dibuat setelah yang lama selesai atau "
                        "dibatalkan."
                    ),
                    code="exists",
                )
            registration = Registration.objects.create(applicant=applicant, current_step=step)
            created = True
            audit_record(
                actor=user, action=AuditEvent.Action.CREATE, obj=registration, request=request
            )
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.applicant_id != applicant.pk:
            raise ValidationError(_("Pendaftaran ini bukan milik Anda."), code="owner")
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError(
                _("Pendaftaran dengan status %(status)s tidak dapat diubah.")
                % {"status": locked.get_status_display()},
                code="locked",
            )

        applicant_before = model_snapshot(applicant, fields=applicant_data)
        for name, value in applicant_data.items():
            setattr(applicant, name, value)
        applicant_changes = model_changes(
            applicant_before, model_snapshot(applicant, fields=applicant_data)
        )

        reg_fields = [*registration_data, "flag_moratorium", "current_step"]
        reg_before = model_snapshot(locked, fields=reg_fields)
        for name, value in registration_data.items():
            setattr(locked, name, value)
        if locked.scheme != Scheme.P2P:
            locked.p3mi = None
        locked.flag_moratorium = moratorium_applies(locked)
        following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
        if locked.current_step not in STEPS or STEPS.index(following) > STEPS.index(
            locked.current_step
        ):
            locked.current_step = following
        reg_changes = model_changes(reg_before, model_snapshot(locked, fields=reg_fields))

        if applicant_changes:
            applicant.save()
            audit_record(
                actor=user,
                action=AuditEvent.Action.UPDATE,
                obj=applicant,
                changes=applicant_changes,
                request=request,
            )
        if reg_changes:
            locked.save()
            if not created or set(reg_changes) - {"current_step"}:
                audit_record(
                    actor=user,
                    action=AuditEvent.Action.UPDATE,
                    obj=locked,
                    changes=reg_changes,
                    request=request,
                )
    return locked


def registration_problems(
    *, registration: Registration, day: datetime.date
) -> dict[str, list[str]]:
    """What stops this registration from being submitted on `day`, by field name: missing
    answers, age under 18, a P3MI that may not place in the destination country."""
    applicant = registration.applicant
    problems: dict[str, list[str]] = {}
    missing = _("Wajib diisi sebelum pendaftaran diajukan.")
    for fields in REQUIRED_APPLICANT_FIELDS.values():
        for name in fields:
            if name == "nik" and registration.flag_no_nik:
                continue
            if not getattr(applicant, name):
                problems.setdefault(name, []).append(missing)
    if not applicant.region_id and not applicant.lives_outside_region:
        problems.setdefault("region", []).append(missing)
    for fields in REQUIRED_REGISTRATION_FIELDS.values():
        for name in fields:
            if not getattr(registration, name):
                problems.setdefault(name, []).append(missing)
    if applicant.birth_date and age_on(applicant.birth_date, day) < MINIMUM_AGE:
        problems.setdefault("birth_date", []).append(
            _(
                "Pada hari pengajuan Anda harus sudah berusia paling rendah %(age)d tahun "
                "(UU 18/2017 Pasal 5). Anda dapat mengajukan mulai %(date)s."
            )
            % {"age": MINIMUM_AGE, "date": _eighteenth_birthday(applicant.birth_date)}
        )
    if registration.scheme == Scheme.P2P:
        if registration.p3mi is None:
            problems.setdefault("p3mi", []).append(
                _("Skema P to P memerlukan perusahaan penempatan (P3MI).")
            )
        else:
            problem = p3mi_placement_problem(
                p3mi=registration.p3mi, country=registration.destination_country, day=day
            )
            if problem:
                problems.setdefault("p3mi", []).append(problem)
    return problems


def _eighteenth_birthday(birth_date: datetime.date) -> str:
    try:
        day = birth_date.replace(year=birth_date.year + MINIMUM_AGE)
    except ValueError:  # 29 February
        day = datetime.date(birth_date.year + MINIMUM_AGE, 3, 1)
    return day.strftime("%d-%m-%Y")


def registration_submit(
    *, registration: Registration, by: User, request: HttpRequest | None = None
) -> Registration:
    """Submit a draft (or a corrected registration) for verification. On the first
    submission it takes its number REG-<year>-<6 digits> from the gap-free yearly sequence;
    a resubmission keeps it. Submitting twice changes nothing. Raises ValidationError keyed
    by field when the rules are not met. After commit the person is e-mailed the number."""
    day = timezone.localdate()
    current = Registration.objects.select_related("applicant").get(pk=registration.pk)
    if current.status == S.SUBMITTED:
        return current
    other = active_registration_with_nik(
        nik=current.applicant.nik, exclude_applicant=current.applicant
    )
    if other is not None:
        duplicate_nik_record(existing=other, by=by, request=request)
        raise _duplicate_nik_error()
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("applicant", "destination_country", "occupation", "p3mi")
            .get(pk=registration.pk)
        )
        if locked.status == S.SUBMITTED:
            return locked
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError(
                _("Pendaftaran dengan status %(status)s tidak dapat diajukan.")
                % {"status": locked.get_status_display()},
                code="locked",
            )
        problems = registration_problems(registration=locked, day=day)
        if problems:
            raise ValidationError(problems)
        fields = ["flag_moratorium", "current_step", "updated_at"]
        locked.flag_moratorium = moratorium_applies(locked)
        locked.current_step = STEPS[-1]
        if not locked.number:
            serial = sequence_next(name="registration", year=day.year)
            locked.number = f"REG-{day.year}-{serial:06d}"
            fields.append("number")
        locked.save(update_fields=fields)
        locked = registration_transition(registration=locked, to_status=S.SUBMITTED, by=by)
        queue_after_commit(registration_submitted_email_task, locked.pk)
    registration.refresh_from_db()
    return locked


def registration_record_walk_in(
    *,
    by: User,
    applicant_data: dict[str, Any],
    registration_data: dict[str, Any],
    no_nik_reason: str = "",
    request: HttpRequest | None = None,
) -> Registration:
    """Record and submit the registration of a person who came to the desk, on their behalf.

    The person has no account (`Applicant.user` is empty); the officer `by` is the actor of
    the creation and of the submission. The same rules hold as for a CPMI's own
    registration (`registration_submit`): one active registration per NIK (a second attempt
    is recorded and refused), age 18 on the day, the P3MI's licences, the moratorium flag.
    An empty NIK is allowed only with a reason, and flags the registration `flag_no_nik`.
    A person whose earlier registrations are finished keeps their person record (updated
    with what was entered today) instead of getting a second one. Either everything is
    stored and submitted, or nothing is."""
    nik = applicant_data.get("nik") or ""
    no_nik_reason = no_nik_reason.strip()
    if not nik and not no_nik_reason:
        raise ValidationError(
            {"no_nik_reason": _("Tulis alasan pendaftaran tanpa NIK.")}, code="no_nik_reason"
        )
    if nik:
        no_nik_reason = ""
        other = active_registration_with_nik(nik=nik)
        if other is not None:
            duplicate_nik_record(existing=other, by=by, request=request)
            raise ValidationError(
                {
                    "nik": _(
                        "NIK ini sudah dipakai pada pendaftaran lain yang masih aktif "
                        "(%(registration)s). Buka pendaftaran itu dari daftar pendaftaran; "
                        "percobaan ini dicatat pada pendaftaran tersebut."
                    )
                    % {"registration": other}
                },
                code="duplicate_nik",
            )
    with transaction.atomic():
        applicant = _returning_applicant(nik=nik)
        if applicant is None:
            applicant = Applicant.objects.create(user=None, **{**applicant_data, "nik": nik})
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE,
                obj=applicant,
                message=_("Dicatat petugas di loket."),
                request=request,
            )
        else:
            before = model_snapshot(applicant, fields=applicant_data)
            for name, value in applicant_data.items():
                setattr(applicant, name, value)
            applicant.save()
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                obj=applicant,
                changes=model_changes(before, model_snapshot(applicant, fields=applicant_data)),
                message=_("Datang lagi ke loket: data diri diperbarui untuk pendaftaran baru."),
                request=request,
            )
        registration = Registration(
            applicant=applicant,
            flag_no_nik=not nik,
            no_nik_reason=no_nik_reason,
            current_step=STEPS[-1],
            **registration_data,
        )
        if registration.scheme != Scheme.P2P:
            registration.p3mi = None
        registration.flag_moratorium = moratorium_applies(registration)
        registration.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=registration,
            message=(
                _("Dicatat petugas di loket, tanpa NIK: %(reason)s") % {"reason": no_nik_reason}
                if no_nik_reason
                else _("Dicatat petugas di loket.")
            ),
            request=request,
        )
        return registration_submit(registration=registration, by=by, request=request)


def _returning_applicant(*, nik: str) -> Applicant | None:
    """The person record of someone whose earlier registrations are all finished (departed,
    withdrawn or rejected), locked, so a walk-in with the same NIK continues it instead of
    creating a second person. The caller has already refused a NIK with an active
    registration."""
    if not nik:
        return None
    return (
        Applicant.objects.select_for_update(of=("self",))
        .filter(nik=nik, registrations__isnull=False)
        .exclude(registrations__status__in=ACTIVE_STATUSES)
        .order_by("-updated_at", "-pk")
        .first()
    )


def milestone_record(
    *,
    registration: Registration,
    kind: str,
    date: datetime.date,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Milestone:
    """Record (or correct) the date of one stage of a submitted registration. Recording the
    same date and note again changes nothing."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == S.DRAFT:
            raise ValidationError(
                _("Tahapan hanya dapat dicatat setelah pendaftaran diajukan."), code="draft"
            )
        milestone = Milestone.objects.filter(registration=locked, kind=kind).first()
        before = {"date": milestone.date.isoformat(), "note": milestone.note} if milestone else {}
        after = {"date": date.isoformat(), "note": note.strip()}
        changes = model_changes(before, after)
        if not changes:
            return milestone
        if milestone is None:
            milestone = Milestone(registration=locked, kind=kind)
        milestone.date = date
        milestone.note = note.strip()
        milestone.recorded_by = by
        milestone.recorded_at = timezone.now()
        milestone.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            message=_("Tahapan dicatat: %(kind)s") % {"kind": milestone.get_kind_display()},
            changes={f"milestone.{kind}.{key}": value for key, value in changes.items()},
            request=request,
        )
    return milestone


def registration_view_log(
    *, registration: Registration, by: User, request: HttpRequest | None = None
) -> AuditEvent:
    """Log that an officer opened a person's data (UU 27/2022 record of processing)."""
    return audit_record(
        actor=by,
        action=AuditEvent.Action.VIEW,
        obj=registration.applicant,
        request=request,
        message=str(registration),
    )


def applicant_export(*, user: User, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything the portal holds about the signed-in CPMI, for their right of access, and
    an audit row saying they took it."""
    applicant = Applicant.objects.filter(user=user).select_related("region").first()
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "date_joined": user.date_joined.isoformat(),
        },
        "applicant": None,
        "registrations": [],
    }
    if applicant is None:
        return data
    fields = [
        f.name
        for f in Applicant._meta.concrete_fields
        if f.name not in {"id", "user", "created_at", "updated_at"}
    ]
    profile = model_snapshot(applicant, fields=fields)
    profile["region"] = applicant.region.name if applicant.region_id else None
    data["applicant"] = profile
    registrations = applicant.registrations.select_related(
        "destination_country", "occupation", "p3mi", "training_centre", "clinic"
    ).prefetch_related("status_changes", "milestones")
    for reg in registrations.order_by("created_at"):
        data["registrations"].append(
            {
                "number": reg.number,
                "status": reg.status,
                "status_label": str(reg.get_status_display()),
                "status_reason": reg.status_reason,
                "scheme": reg.scheme,
                "destination_country": str(reg.destination_country or ""),
                "occupation": str(reg.occupation or ""),
                "employer_type": reg.employer_type,
                "p3mi": str(reg.p3mi or ""),
                "training_centre": str(reg.training_centre or ""),
                "clinic": str(reg.clinic or ""),
                "created_at": reg.created_at.isoformat(),
                "submitted_at": reg.submitted_at.isoformat() if reg.submitted_at else None,
                "status_history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "reason": change.reason,
                        "at": change.changed_at.isoformat(),
                    }
                    for change in reg.status_changes.all()
                ],
                "milestones": [
                    {"kind": m.kind, "date": m.date.isoformat(), "note": m.note}
                    for m in reg.milestones.all()
                ],
            }
        )
    audit_record(actor=user, action=AuditEvent.Action.EXPORT, obj=applicant, request=request)
    return data
