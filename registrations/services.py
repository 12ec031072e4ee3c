"""Writes on registrations. Each service is one transaction, locks what it changes, returns
early when there is nothing to change, and leaves an audit event."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bp3mi import ratelimits
from bp3mi.bounds import check_date, strip_bidi_controls
from bp3mi.mail import queue_after_commit
from bp3mi.models import AuditEvent, User
from bp3mi.services import (
    audit_record,
    client_ip,
    model_changes,
    model_snapshot,
    sequence_next,
)

from .choices import (
    ACTIVE_STATUSES,
    BIRTH_DATE_YEARS,
    MILESTONE_DATE_YEARS,
    NAME_FIELDS,
    EmployerType,
    Scheme,
)
from .choices import RegistrationStatus as S
from .models import Applicant, DuplicateNikAttempt, Milestone, Registration, StatusChange
from .nik import nik_check_identity, nik_clean, nik_identity_errors, nik_is_valid
from .person_data import person_export
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

# The statuses a person may set by hand (an officer's status form, the CPMI's "Batalkan").
# The others have their own service, which checks what they mean: Submitted is
# `registration_submit` (the rules, the number); In verification and Verified follow the
# document reviews (documents.services), so no one can verify a registration by hand.
MANUAL_STATUSES = {S.NEEDS_CORRECTION, S.WITHDRAWN, S.REJECTED, S.DEPARTED}


def manual_transitions(status: str) -> set[str]:
    """The statuses a person may move a registration in `status` to by hand."""
    return TRANSITIONS[status] & MANUAL_STATUSES


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
    *,
    registration: Registration,
    to_status: str,
    by: User | None,
    reason: str = "",
    by_hand: bool = False,
    request: HttpRequest | None = None,
) -> Registration:
    """Move a registration to `to_status`, recording the step in its history and the audit
    trail. Moving to the status it already has changes nothing (a double submit is
    harmless); a move the path does not allow raises ValidationError. `by_hand` is a
    person's choice on a form: only the moves of `manual_transitions` are allowed then.

    Withdrawing a draft releases the NIK it held (a draft is active): its owner or an
    officer may do it, with a reason; it never takes a number."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == to_status:
            return locked
        if by_hand and to_status in TRANSITIONS[locked.status] - MANUAL_STATUSES:
            raise ValidationError(
                _(
                    "Status %(to)s tidak dapat dipilih langsung: status ini mengikuti "
                    "pengajuan oleh CPMI dan pemeriksaan dokumennya."
                )
                % {"to": S(to_status).label},
                code="not_manual",
            )
        if to_status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
                % {"from": locked.get_status_display(), "to": S(to_status).label},
                code="transition",
            )
        if to_status in REASON_REQUIRED and not reason.strip():
            raise ValidationError(_("Alasan wajib diisi."), code="reason")
        if len(reason.strip()) > Registration._meta.get_field("status_reason").max_length:
            raise ValidationError(_("Alasan terlalu panjang."), code="reason")
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
            request=request,
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
    even though the caller then refuses the input. The same person trying again within a
    day adds nothing: their attempts cannot flood the registration's record."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=existing.pk)
        earlier = DuplicateNikAttempt.objects.filter(
            registration=locked,
            attempted_by=by,
            attempted_at__gte=timezone.now() - datetime.timedelta(days=1),
        ).first()
        if earlier is not None:
            return earlier
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


# How many NIKs a person may try in the registration form within the window, per account
# and per client address (several people may share one address: a family, an internet
# café). The answer to a NIK says whether someone holds it, so it is rationed.
NIK_ATTEMPTS_PER_ACCOUNT = 10
NIK_ATTEMPTS_PER_ADDRESS = 30
NIK_ATTEMPT_WINDOW = 60 * 60  # seconds


def _count_attempt(key: str) -> int:
    return ratelimits.hit(scope="nik-attempt", key=key, window=NIK_ATTEMPT_WINDOW)


def nik_attempt_count(*, user: User, request: HttpRequest | None = None) -> None:
    """Count one NIK tried by `user` (from the address of `request`); raise ValidationError
    once the account or the address has tried more than its share in the window."""
    over = _count_attempt(f"user:{user.pk}") > NIK_ATTEMPTS_PER_ACCOUNT
    address = client_ip(request)
    if address and _count_attempt(f"ip:{address}") > NIK_ATTEMPTS_PER_ADDRESS:
        over = True
    if over:
        raise ValidationError(
            {
                "nik": _(
                    "Terlalu banyak percobaan NIK dalam satu jam. Coba lagi nanti. Bila NIK "
                    "Anda ditolak karena sudah dipakai, datang ke kantor BP3MI atau LTSA "
                    "dengan membawa KTP asli."
                )
            },
            code="rate_limited",
        )


def _walk_in_duplicate_nik_error(other: Registration) -> ValidationError:
    return ValidationError(
        {
            "nik": _(
                "NIK ini sudah dipakai pada pendaftaran lain yang masih aktif "
                "(%(registration)s). Cari NIK ini di daftar pendaftaran dan buka pendaftaran "
                "itu; percobaan ini dicatat pada pendaftaran tersebut. Bila itu draf orang "
                "lain, petugas dapat membatalkannya dengan alasan."
            )
            % {"registration": other}
        },
        code="duplicate_nik",
    )


def _bounded(model, data: dict[str, Any]) -> dict[str, Any]:
    """`data` for `model` with names stripped of bidirectional controls; ValidationError by
    field for text longer than the field holds or a birth date out of range. The forms
    check the same; this holds for every caller."""
    data = {
        name: strip_bidi_controls(value).strip() if name in NAME_FIELDS else value
        for name, value in data.items()
    }
    errors: dict[str, list[ValidationError]] = {}
    for name, value in data.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("Paling banyak %(limit)d karakter (tertulis %(n)d).")
                    % {"limit": limit, "n": len(value)},
                    code="max_length",
                )
            )
    if data.get("birth_date"):
        try:
            check_date(data["birth_date"], **BIRTH_DATE_YEARS)
        except ValidationError as error:
            errors.setdefault("birth_date", []).append(error)
    if errors:
        raise ValidationError(errors)
    return data


def _clean_nik_field(value: str) -> str:
    """The normalised NIK (`nik_clean`), its error keyed by the field."""
    if not value:
        return ""
    try:
        return nik_clean(value)
    except ValidationError as error:
        raise ValidationError({"nik": error}) from None


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
    own = Applicant.objects.filter(user=user).first()
    applicant_data = _bounded(Applicant, applicant_data)
    registration_data = _bounded(Registration, registration_data)
    if "nik" in applicant_data:
        applicant_data = {**applicant_data, "nik": _clean_nik_field(applicant_data["nik"])}
    if {"nik", "birth_date", "sex"} & applicant_data.keys():
        nik_check_identity(
            nik=applicant_data.get("nik", own.nik if own else ""),
            birth_date=applicant_data.get("birth_date", own.birth_date if own else None),
            sex=applicant_data.get("sex", own.sex if own else ""),
            today=timezone.localdate(),
        )
    nik = applicant_data.get("nik")
    if nik and nik != (own.nik if own else ""):
        nik_attempt_count(user=user, request=request)
    if nik:
        other = active_registration_with_nik(nik=nik, exclude_applicant=own)
        if other is not None:
            duplicate_nik_record(existing=other, by=user, request=request)
            raise _duplicate_nik_error()
    try:
        return _save_step(
            user=user,
            registration=registration,
            step=step,
            applicant_data=applicant_data,
            registration_data=registration_data,
            request=request,
        )
    except IntegrityError:
        # Another registration took the NIK between the check above and this write: the
        # database refused the second (registration_one_active_per_nik).
        own = Applicant.objects.filter(user=user).first()
        other = active_registration_with_nik(nik=nik or "", exclude_applicant=own)
        if other is None:
            raise
        duplicate_nik_record(existing=other, by=user, request=request)
        raise _duplicate_nik_error() from None


def _save_step(
    *,
    user: User,
    registration: Registration | None,
    step: str,
    applicant_data: dict[str, Any],
    registration_data: dict[str, Any],
    request: HttpRequest | None,
) -> Registration:
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
        nik_changed = locked.nik != applicant.nik
        locked.nik = applicant.nik

        if applicant_changes:
            applicant.save()
            audit_record(
                actor=user,
                action=AuditEvent.Action.UPDATE,
                obj=applicant,
                changes=applicant_changes,
                request=request,
            )
        if reg_changes or nik_changed:
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
    if applicant.nik and not registration.flag_no_nik:
        if not nik_is_valid(applicant.nik):
            problems.setdefault("nik", []).append(
                _("NIK tidak valid. Periksa kembali 16 angka pada KTP.")
            )
        identity = nik_identity_errors(
            nik=applicant.nik, birth_date=applicant.birth_date, sex=applicant.sex, today=day
        )
        for name, error in identity.items():
            problems.setdefault(name, []).extend(error.messages)
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
    try:
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
            fields = ["nik", "flag_moratorium", "current_step", "updated_at"]
            locked.nik = locked.applicant.nik
            locked.flag_moratorium = moratorium_applies(locked)
            locked.current_step = STEPS[-1]
            if not locked.number:
                serial = sequence_next(name="registration", year=day.year)
                locked.number = f"REG-{day.year}-{serial:06d}"
                fields.append("number")
            locked.save(update_fields=fields)
            locked = registration_transition(registration=locked, to_status=S.SUBMITTED, by=by)
            queue_after_commit(registration_submitted_email_task, locked.pk)
    except IntegrityError:
        # The copy of the NIK met another active registration's (registration_one_active_per_nik).
        other = active_registration_with_nik(
            nik=current.applicant.nik, exclude_applicant=current.applicant
        )
        if other is None:
            raise
        duplicate_nik_record(existing=other, by=by, request=request)
        raise _duplicate_nik_error() from None
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
    applicant_data = _bounded(Applicant, applicant_data)
    registration_data = _bounded(Registration, registration_data)
    nik = _clean_nik_field(applicant_data.get("nik") or "")
    no_nik_reason = no_nik_reason.strip()
    if len(no_nik_reason) > Registration._meta.get_field("no_nik_reason").max_length:
        raise ValidationError(
            {"no_nik_reason": _("Alasan terlalu panjang: paling banyak 500 karakter.")},
            code="max_length",
        )
    if not nik and not no_nik_reason:
        raise ValidationError(
            {"no_nik_reason": _("Tulis alasan pendaftaran tanpa NIK.")}, code="no_nik_reason"
        )
    if nik:
        no_nik_reason = ""
        nik_check_identity(
            nik=nik,
            birth_date=applicant_data.get("birth_date"),
            sex=applicant_data.get("sex") or "",
            today=timezone.localdate(),
        )
        other = active_registration_with_nik(nik=nik)
        if other is not None:
            duplicate_nik_record(existing=other, by=by, request=request)
            raise _walk_in_duplicate_nik_error(other)
    try:
        return _record_walk_in(
            by=by,
            applicant_data={**applicant_data, "nik": nik},
            registration_data=registration_data,
            no_nik_reason=no_nik_reason,
            request=request,
        )
    except IntegrityError:
        # Another registration took the NIK meanwhile (registration_one_active_per_nik).
        other = active_registration_with_nik(nik=nik)
        if other is None:
            raise
        duplicate_nik_record(existing=other, by=by, request=request)
        raise _walk_in_duplicate_nik_error(other) from None


def _record_walk_in(
    *,
    by: User,
    applicant_data: dict[str, Any],
    registration_data: dict[str, Any],
    no_nik_reason: str,
    request: HttpRequest | None,
) -> Registration:
    nik = applicant_data["nik"]
    with transaction.atomic():
        applicant = _returning_applicant(nik=nik)
        if applicant is None:
            applicant = Applicant.objects.create(user=None, **applicant_data)
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
            nik=nik,
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
    same date and note again changes nothing. The date must be plausible (at most 30 years
    back, 3 ahead) and the note at most 300 characters."""
    check_date(date, **MILESTONE_DATE_YEARS)
    if len(note.strip()) > Milestone._meta.get_field("note").max_length:
        raise ValidationError(_("Catatan paling banyak 300 karakter."), code="max_length")
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
        # Sections kept by higher apps (the complaints the person filed or that concern them).
        **person_export(applicant=applicant, user=user),
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
