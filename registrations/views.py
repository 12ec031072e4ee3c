"""CPMI pages (/pendaftaran/...) and officer pages (/petugas/pendaftaran/...)."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View

from bp3mi.pagination import KeysetListMixin
from bp3mi.permissions import ScopedPermissionMixin
from bp3mi.selectors import audit_change_rows

from . import selectors, services
from .choices import ACTIVE_STATUSES
from .choices import RegistrationStatus as S
from .filters import RegistrationFilter
from .forms import (
    STEP_FORMS,
    STEP_TITLES,
    AddressForm,
    MilestoneForm,
    StatusChangeForm,
    WalkInForms,
    WithdrawForm,
)
from .receipt import registration_receipt_pdf
from .services import EDITABLE_STATUSES, STEPS


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def documents_checklist_url(registration) -> str | None:
    """The document checklist, when the documents app provides one."""
    for kwargs in ({"pk": registration.pk}, {}):
        try:
            return reverse("documents:checklist", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def resume_url(registration) -> str:
    """Where the person continues filling in their registration."""
    step = registration.current_step if registration.current_step in STEPS else STEPS[0]
    if step == "periksa":
        return reverse("registrations:check", kwargs={"pk": registration.pk})
    return reverse("registrations:step", kwargs={"pk": registration.pk, "step": step})


def next_needed(registration) -> dict:
    """What the person should do next, in one sentence, with a link when there is one."""
    status = registration.status
    if status == S.DRAFT:
        step = registration.current_step if registration.current_step in STEPS else STEPS[0]
        return {
            "text": _("Lanjutkan mengisi formulir: %(step)s.") % {"step": STEP_TITLES[step]},
            "url": resume_url(registration),
            "link": _("Lanjutkan pendaftaran"),
        }
    if status == S.NEEDS_CORRECTION:
        return {
            "text": _("Petugas meminta perbaikan: %(reason)s")
            % {"reason": registration.status_reason},
            "url": reverse("registrations:check", kwargs={"pk": registration.pk}),
            "link": _("Perbaiki jawaban"),
        }
    if status in {S.SUBMITTED, S.IN_VERIFICATION}:
        url = documents_checklist_url(registration)
        if url:
            return {
                "text": _("Unggah dokumen yang diminta, lalu tunggu verifikasi petugas."),
                "url": url,
                "link": _("Daftar dokumen"),
            }
        return {
            "text": _(
                "Dokumen (KTP, KK, akta kelahiran, ijazah, dan lainnya) diunggah setelah "
                "pendaftaran diajukan; petugas akan memberi tahu Anda. Simpan nomor pendaftaran "
                "Anda."
            ),
        }
    if status == S.VERIFIED:
        return {
            "text": _(
                "Dokumen Anda sudah terverifikasi. Ikuti tahapan berikutnya: pelatihan, "
                "pemeriksaan kesehatan, OPP, sampai keberangkatan."
            )
        }
    if status == S.DEPARTED:
        return {
            "text": _("Anda sudah berangkat. Selamat bekerja dan tetap terhubung dengan BP3MI.")
        }
    if status == S.WITHDRAWN:
        return {"text": _("Pendaftaran ini dibatalkan. Anda dapat membuat pendaftaran baru.")}
    return {
        "text": _("Pendaftaran ini ditolak: %(reason)s") % {"reason": registration.status_reason}
    }


# --- The CPMI -------------------------------------------------------------------------------


class OwnRegistrationMixin(ScopedPermissionMixin):
    """A page about the signed-in CPMI's own registration: anyone else's is a 404."""

    permission_required = "registrations.register_self"
    selector = selectors.registration_own


class RegistrationStartView(OwnRegistrationMixin, TemplateView):
    """/pendaftaran/: the person's current registration, or how to start one."""

    template_name = "registrations/registration_start.html"

    def get(self, request, *args, **kwargs):
        current = selectors.registration_of_user(user=request.user)
        if current is not None and current.status in EDITABLE_STATUSES | {
            S.SUBMITTED,
            S.IN_VERIFICATION,
            S.VERIFIED,
        }:
            return redirect("registrations:timeline", pk=current.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous"] = self.get_queryset().order_by("-created_at")
        context["steps"] = [STEP_TITLES[s] for s in STEPS]
        return context


class RegistrationStepView(OwnRegistrationMixin, TemplateView):
    """One page of the registration form. Saving it saves the draft; "Simpan dan keluar"
    leaves, and the person resumes at the same place later, from any device."""

    template_name = "registrations/registration_step.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.step = kwargs.get("step", "identitas")
        self.registration = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        if self.step == "periksa" and "pk" in kwargs:
            return redirect("registrations:check", pk=kwargs["pk"])
        if self.step not in STEP_FORMS:
            raise Http404
        if "pk" in kwargs:
            self.registration = self.get_queryset().filter(pk=kwargs["pk"]).first()
            if self.registration is None:
                raise Http404
            if self.registration.status not in EDITABLE_STATUSES:
                messages.info(request, _("Pendaftaran ini tidak dapat diubah lagi."))
                return redirect("registrations:timeline", pk=self.registration.pk)
        else:
            current = selectors.registration_of_user(user=request.user)
            if current is not None and current.status in EDITABLE_STATUSES:
                return redirect(resume_url(current))
            if current is not None and current.status in ACTIVE_STATUSES:
                messages.info(request, _("Anda sudah memiliki pendaftaran yang masih aktif."))
                return redirect("registrations:timeline", pk=current.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        form_class = STEP_FORMS[self.step]
        if self.step == "tujuan":
            instance = self.registration
        else:
            instance = self.registration.applicant if self.registration else None
        return form_class(data=data, instance=instance, initial=self.initial_from_account(instance))

    def initial_from_account(self, applicant) -> dict:
        """What the person already told us at sign-up, offered where the draft has nothing yet."""
        user = self.request.user
        known = {
            "identitas": {"full_name": user.full_name},
            "alamat": {"phone": user.phone, "email": user.email},
        }.get(self.step, {})
        return {
            name: value
            for name, value in known.items()
            if value and not getattr(applicant, name, None)
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(
            registration=self.registration,
            step=self.step,
            step_number=STEPS.index(self.step) + 1,
            step_count=len(STEPS),
            step_title=STEP_TITLES[self.step],
            previous_step=STEPS[STEPS.index(self.step) - 1] if self.step != STEPS[0] else None,
            back_to_check=self.request.GET.get("kembali") == "periksa"
            or self.request.POST.get("kembali") == "periksa",
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        applicant_data, registration_data = {}, {}
        if isinstance(form, AddressForm):
            applicant_data = form.applicant_data()
        elif self.step == "tujuan":
            registration_data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        else:
            applicant_data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            registration = services.registration_save_step(
                user=request.user,
                registration=self.registration,
                step=self.step,
                applicant_data=applicant_data,
                registration_data=registration_data,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        # Going on, the check page shows the moratorium itself; the message is for leaving.
        leaving = request.POST.get("action") == "keluar"
        if self.step == "tujuan" and leaving and form.moratorium_warning():
            messages.warning(
                request,
                _(
                    "Penempatan pekerja sektor rumah tangga ke negara ini sedang dihentikan "
                    "(moratorium). Anda tetap dapat melanjutkan; petugas akan memeriksa "
                    "pendaftaran Anda dan menghubungi Anda."
                ),
            )
        if leaving:
            messages.success(
                request,
                _(
                    "Draf tersimpan. Anda dapat melanjutkan kapan saja dari dasbor, juga dari HP lain."
                ),
            )
            return redirect("dashboard")
        if request.POST.get("kembali") == "periksa":
            return redirect("registrations:check", pk=registration.pk)
        following = STEPS[STEPS.index(self.step) + 1]
        if following == "periksa":
            return redirect("registrations:check", pk=registration.pk)
        return redirect("registrations:step", pk=registration.pk, step=following)


class RegistrationCheckView(OwnRegistrationMixin, DetailView):
    """Check your answers: every answer with a link to change it; submitting takes the
    registration number."""

    template_name = "registrations/registration_check.html"
    context_object_name = "registration"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status not in EDITABLE_STATUSES:
            return redirect("registrations:timeline", pk=self.object.pk)
        problems = services.registration_problems(
            registration=self.object, day=timezone.localdate()
        )
        return self.render_to_response(self.get_context_data(problems=problems))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            registration = services.registration_submit(
                registration=self.object, by=request.user, request=request
            )
        except ValidationError as error:
            problems = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
            return self.render_to_response(
                self.get_context_data(problems=problems, submit_failed=True)
            )
        messages.success(
            request,
            _("Pendaftaran Anda telah diajukan dengan nomor %(number)s.")
            % {"number": registration.number},
        )
        return redirect("registrations:timeline", pk=registration.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reg = self.object
        app = reg.applicant
        problems = kwargs.get("problems", {})

        def row(label, value, field):
            return {"label": label, "value": value, "errors": problems.get(field, [])}

        residence = (
            _("Di luar Sulawesi Tenggara") if app.lives_outside_region else (app.region or "")
        )
        context["sections"] = [
            {
                "step": "identitas",
                "title": STEP_TITLES["identitas"],
                "rows": [
                    row(_("NIK"), app.nik, "nik"),
                    row(_("Nama lengkap"), app.full_name, "full_name"),
                    row(_("Jenis kelamin"), app.get_sex_display(), "sex"),
                    row(_("Tempat lahir"), app.birthplace, "birthplace"),
                    row(
                        _("Tanggal lahir"),
                        app.birth_date.strftime("%d-%m-%Y") if app.birth_date else "",
                        "birth_date",
                    ),
                    row(_("Status perkawinan"), app.get_marital_status_display(), "marital_status"),
                ],
            },
            {
                "step": "alamat",
                "title": STEP_TITLES["alamat"],
                "rows": [
                    row(_("Alamat"), app.address, "address"),
                    row(_("Kabupaten/kota"), residence, "region"),
                    row(_("Kecamatan"), app.kecamatan, "kecamatan"),
                    row(_("Desa/kelurahan"), app.village, "village"),
                    row(_("Nomor HP"), app.phone, "phone"),
                    row(_("E-mail"), app.email, "email"),
                    row(_("Keluarga yang dapat dihubungi"), app.family_name, "family_name"),
                    row(_("Hubungan"), app.get_family_relation_display(), "family_relation"),
                    row(_("Nomor HP keluarga"), app.family_phone, "family_phone"),
                ],
            },
            {
                "step": "pendidikan",
                "title": STEP_TITLES["pendidikan"],
                "rows": [
                    row(_("Pendidikan terakhir"), app.get_education_display(), "education"),
                    row(_("Pengalaman kerja"), app.experience, "experience"),
                ],
            },
            {
                "step": "tujuan",
                "title": STEP_TITLES["tujuan"],
                "rows": [
                    row(_("Skema"), reg.get_scheme_display(), "scheme"),
                    row(_("Negara tujuan"), reg.destination_country or "", "destination_country"),
                    row(_("Jabatan"), reg.occupation or "", "occupation"),
                    row(_("Jenis pemberi kerja"), reg.get_employer_type_display(), "employer_type"),
                    row(_("P3MI"), reg.p3mi or "", "p3mi"),
                    row(_("LPK/BLK"), reg.training_centre or "", "training_centre"),
                    row(_("Sarana kesehatan"), reg.clinic or "", "clinic"),
                ],
            },
        ]
        context["general_errors"] = problems.get("__all__", [])
        context["has_problems"] = bool(problems)
        return context


class RegistrationTimelineView(OwnRegistrationMixin, DetailView):
    """The person's own registration: status, every stage with its date, what is needed
    next, and their actions (edit, withdraw, receipt, data export)."""

    template_name = "registrations/registration_timeline.html"
    context_object_name = "registration"

    def get_queryset(self):
        return selectors.registration_own(user=self.request.user).prefetch_related(
            "status_changes", "milestones"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reg = self.object
        context.update(
            timeline=selectors.registration_timeline(registration=reg),
            next_needed=next_needed(reg),
            editable=reg.status in EDITABLE_STATUSES,
            can_withdraw=S.WITHDRAWN in services.manual_transitions(reg.status),
        )
        return context


class RegistrationReceiptView(OwnRegistrationMixin, DetailView):
    """The receipt (PDF) of a submitted registration, to save or print."""

    def get(self, request, *args, **kwargs):
        registration = self.get_object()
        if not registration.number:
            raise Http404
        pdf = registration_receipt_pdf(registration=registration, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="tanda-terima-{registration.number}.pdf"'
        )
        return response


class RegistrationWithdrawView(OwnRegistrationMixin, DetailView):
    template_name = "registrations/registration_withdraw.html"
    context_object_name = "registration"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", WithdrawForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.registration_transition(
                    registration=self.object,
                    to_status=S.WITHDRAWN,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    by_hand=True,
                    request=request,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Pendaftaran Anda telah dibatalkan."))
                return redirect("registrations:timeline", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicantExportView(OwnRegistrationMixin, View):
    """All the person's own data as JSON (their right of access, UU 27/2022)."""

    def get(self, request, *args, **kwargs):
        data = services.applicant_export(user=request.user, request=request)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="data-saya.json"'
        return response


# --- Officers -------------------------------------------------------------------------------


class RegistrationListView(ScopedPermissionMixin, KeysetListMixin, ListView):
    """Every registration the officer may see, filtered, searched and sorted; NIK masked.
    Seek pagination: "next" continues after the last row shown, whatever its depth."""

    permission_required = "registrations.view_registration"
    selector = selectors.registration_list
    template_name = "registrations/registration_list.html"
    context_object_name = "registrations"
    per_page = 50

    def get_queryset(self):
        self.filterset = RegistrationFilter(
            self.request.GET or None, queryset=super().get_queryset()
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_sort_key(self):
        return self.filterset.sort_key

    def get_sort_key_nullable(self):
        return self.filterset.sort_key_may_be_empty

    def get_sort_after_filter(self):
        return self.filterset.few_match

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class RegistrationDetailView(ScopedPermissionMixin, DetailView):
    """A person's registration in full, with its history; every opening is logged."""

    permission_required = "registrations.view_registration"
    selector = selectors.registration_detail_queryset
    template_name = "registrations/registration_detail.html"
    context_object_name = "registration"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        services.registration_view_log(registration=self.object, by=request.user, request=request)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reg = self.object
        context.setdefault("status_form", StatusChangeForm(registration=reg))
        context.setdefault("milestone_form", MilestoneForm())
        context.update(
            timeline=selectors.registration_timeline(registration=reg),
            audit_events=audit_change_rows(
                selectors.registration_audit_trail(registration=reg)[:50]
            ),
            can_change_status=bool(services.manual_transitions(reg.status)),
        )
        return context


class RegistrationStatusView(RegistrationDetailView):
    """POST: an officer moves the registration to another status, with a reason."""

    permission_required = ("registrations.view_registration", "registrations.change_registration")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = StatusChangeForm(request.POST, registration=self.object)
        if form.is_valid():
            try:
                services.registration_transition(
                    registration=self.object,
                    to_status=form.cleaned_data["to_status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    by_hand=True,
                    request=request,
                )
            except ValidationError as error:
                form.add_error("reason" if error.code == "reason" else None, error)
            else:
                messages.success(request, _("Status diubah."))
                return redirect(self.object.get_absolute_url())
        services.registration_view_log(registration=self.object, by=request.user, request=request)
        return self.render_to_response(self.get_context_data(status_form=form), status=400)


class MilestoneRecordView(RegistrationDetailView):
    """POST: an officer records the date of a stage."""

    permission_required = ("registrations.view_registration", "registrations.record_milestone")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_record(
                    registration=self.object,
                    kind=form.cleaned_data["kind"],
                    date=form.cleaned_data["date"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Tahapan dicatat."))
                return redirect(self.object.get_absolute_url())
        services.registration_view_log(registration=self.object, by=request.user, request=request)
        return self.render_to_response(self.get_context_data(milestone_form=form), status=400)


class WalkInRegistrationView(PermissionRequiredMixin, TemplateView):
    """An officer records, and submits at once, the registration of a person who came to
    the desk (LTSA) without an account; a person without a NIK is recorded with the reason
    and flagged. Lands on the officer's detail page."""

    permission_required = ("registrations.view_registration", "registrations.register_walk_in")
    template_name = "registrations/registration_walk_in.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", WalkInForms())
        return context

    def post(self, request, *args, **kwargs):
        forms = WalkInForms(data=request.POST)
        if not forms.is_valid():
            return self.render_to_response(self.get_context_data(forms=forms))
        try:
            registration = services.registration_record_walk_in(
                by=request.user,
                applicant_data=forms.applicant_data(),
                registration_data=forms.registration_data(),
                no_nik_reason=forms.no_nik_reason,
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    forms.add_error(field, errors)
            else:
                forms.add_error(None, error)
            return self.render_to_response(self.get_context_data(forms=forms))
        messages.success(
            request,
            _("Pendaftaran dicatat dan diajukan dengan nomor %(number)s.")
            % {"number": registration.number},
        )
        if registration.flag_moratorium:
            messages.warning(
                request,
                _(
                    "Jabatan sektor rumah tangga ke negara yang sedang dimoratorium: "
                    "pendaftaran ditandai untuk diperiksa."
                ),
            )
        return redirect(registration.get_absolute_url())
