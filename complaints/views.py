"""Pages of the complaints app: public filing and tracking (/pengaduan/...), and the
officers' list, filing on someone's behalf and handling (/petugas/pengaduan/...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from bp3mi.pagination import KeysetListMixin
from bp3mi.permissions import ScopedPermissionMixin
from documents.uploads import SizeLimitUploadHandler

from . import limits, selectors, services
from .choices import CaseChannel, CaseStatus
from .forms import (
    AssignForm,
    CaseEditForm,
    CloseForm,
    EventForm,
    OfficerCaseForm,
    PublicCaseForm,
    RegistrationSearchForm,
    ReopenForm,
    TrackForm,
    TransitionForm,
)
from .models import Case

RECEIPT_SESSION_KEY = "complaints_receipt"


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class UploadFormMixin:
    """Cuts off an oversized upload while it arrives (before CSRF reads the body, hence the
    CSRF check afterwards), as the documents app does."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["too_large"] = getattr(self.request, "upload_too_large", False)
        return kwargs


# --- Public ------------------------------------------------------------------------------------


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class PublicFileView(UploadFormMixin, FormView):
    """Anyone files a complaint from a phone, without an account."""

    template_name = "complaints/case_file_public.html"
    form_class = PublicCaseForm

    def post(self, request, *args, **kwargs):
        return csrf_protect(self._post)(request, *args, **kwargs)

    def _post(self, request, *args, **kwargs):
        if not limits.filing_allowed(request):
            return render(
                request,
                "complaints/limited.html",
                {
                    "message": _(
                        "Terlalu banyak pengaduan dari alamat ini dalam satu jam. Coba lagi "
                        "nanti, atau hubungi kantor BP3MI melalui telepon."
                    )
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            case, code = services.case_file(
                data=form.case_data(),
                channel=CaseChannel.ONLINE,
                attachments=form.cleaned_data["attachments"],
                intake_key=form.cleaned_data.get("intake_key"),
                request=self.request,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        if code is not None:
            self.request.session[RECEIPT_SESSION_KEY] = {
                "number": case.number,
                "code": services.tracking_code_display(code),
                "email": case.complainant_email,
            }
        return redirect("complaints:receipt")


@method_decorator(never_cache, name="dispatch")
class ReceiptView(TemplateView):
    """The case number and the tracking code, shown once: the code leaves the session as it
    is shown, and only its hash is kept."""

    template_name = "complaints/case_receipt.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            receipt=self.request.session.pop(RECEIPT_SESSION_KEY, None), **kwargs
        )


@method_decorator(never_cache, name="dispatch")
class TrackView(FormView):
    """Status and public updates of a case, by number and tracking code. A wrong pair says
    only that it does not match; repeated wrong pairs are refused for a while."""

    template_name = "complaints/case_track.html"
    form_class = TrackForm

    def form_valid(self, form):
        number = form.cleaned_data["number"].strip().upper()
        if limits.tracking_blocked(self.request, number):
            form.add_error(
                None,
                _(
                    "Terlalu banyak percobaan yang salah. Coba lagi nanti, atau hubungi "
                    "kantor BP3MI."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        case = services.case_track(number=number, code=form.cleaned_data["code"])
        if case is None:
            limits.tracking_failed(self.request, number)
            form.add_error(
                None, _("Nomor pengaduan atau kode pelacakan tidak cocok. Periksa kembali.")
            )
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=TrackForm(),
                case=case,
                timeline=selectors.case_public_timeline(case=case),
            )
        )


# --- Officers ----------------------------------------------------------------------------------


class CaseListView(PermissionRequiredMixin, KeysetListMixin, ListView):
    """The officers' list: filters, search, overdue cases marked. Seek pagination and a
    bounded count, so any page of a long list costs what the first one does."""

    permission_required = "complaints.view_case"
    template_name = "complaints/case_list.html"
    context_object_name = "cases"
    per_page = 50

    def get_queryset(self):
        self.filterset = selectors.case_list(user=self.request.user, filters=self.request.GET)
        return selectors.case_list_rows(self.filterset)

    def get_sort_key(self):
        return self.filterset.sort_key

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, today=timezone.localdate(), **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class OfficerFileView(PermissionRequiredMixin, UploadFormMixin, FormView):
    """An officer records a complaint received at the desk, by phone or letter, or from
    SP4N-LAPOR!, on the complainant's behalf."""

    permission_required = "complaints.add_case"
    template_name = "complaints/case_file_officer.html"
    form_class = OfficerCaseForm

    def post(self, request, *args, **kwargs):
        return csrf_protect(self._post)(request, *args, **kwargs)

    def _post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        received_on = data["received_on"]
        now = timezone.localtime()
        received_at = (
            now
            if received_on == now.date()
            else now.replace(year=received_on.year, month=received_on.month, day=received_on.day)
        )
        assignee = self.request.user if data.get("assign_to_me") else None
        if assignee is not None and not services.may_handle_cases(assignee):
            assignee = None
        try:
            case, code = services.case_file(
                data=form.case_data(),
                channel=data["channel"],
                by=self.request.user,
                attachments=data["attachments"],
                intake_key=data.get("intake_key"),
                assignee=assignee,
                received_at=received_at,
                request=self.request,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        if code is not None:
            messages.success(
                self.request,
                _(
                    "Pengaduan %(number)s tercatat. Sampaikan kepada pengadu kode pelacakan "
                    "%(code)s; kode ini hanya ditampilkan sekali."
                )
                % {"number": case.number, "code": services.tracking_code_display(code)},
            )
        if not selectors.case_scope(user=self.request.user).filter(pk=case.pk).exists():
            return redirect("complaints:case_list")
        return redirect(case)


class CaseDetailView(ScopedPermissionMixin, DetailView):
    """A case in full with its timeline and the actions the officer may take; every opening
    is logged."""

    permission_required = "complaints.view_case"
    selector = selectors.case_detail_queryset
    template_name = "complaints/case_detail.html"
    context_object_name = "case"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        services.case_view_log(case=self.object, by=request.user, request=request)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        user = self.request.user
        can_change = user.has_perm("complaints.change_case")
        transition_form = TransitionForm(case=case)
        context.setdefault("transition_form", transition_form)
        context.setdefault("event_form", EventForm())
        context.setdefault("assign_form", AssignForm(initial={"assignee": case.assignee_id}))
        context.setdefault("reopen_form", ReopenForm())
        kept = not case.is_anonymised
        context.update(
            can_change=can_change and not case.is_finished,
            can_move=can_change and bool(transition_form.fields["to_status"].choices),
            can_note=can_change and kept,
            can_assign=user.has_perm("complaints.assign_case") and not case.is_finished,
            can_close=user.has_perm("complaints.close_case") and not case.is_finished,
            can_reopen=user.has_perm("complaints.close_case") and case.is_finished and kept,
            timeline=list(case.events.all()),
        )
        return context


class CaseActionView(ScopedPermissionMixin, SingleObjectMixin, View):
    """A short POST-only workflow action on a case; errors go back to the detail page."""

    selector = selectors.case_scope
    form_class = None

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.build_form()
        if form.is_valid():
            try:
                self.act(form)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect(reverse("complaints:case_detail", args=[self.object.pk]))
        return self.show_errors(form)

    def build_form(self):
        return self.form_class(self.request.POST)

    def show_errors(self, form):
        view = CaseDetailView(request=self.request, kwargs=self.kwargs)
        view.object = selectors.case_detail_queryset(user=self.request.user).get(pk=self.object.pk)
        context = view.get_context_data(**{self.context_name: form})
        return render(self.request, CaseDetailView.template_name, context, status=400)


class CaseAssignView(CaseActionView):
    permission_required = "complaints.assign_case"
    form_class = AssignForm
    context_name = "assign_form"

    def act(self, form):
        services.case_assign(
            case=self.object,
            assignee=form.cleaned_data["assignee"],
            by=self.request.user,
            request=self.request,
        )
        messages.success(self.request, _("Kasus telah ditugaskan."))


class CaseTransitionView(CaseActionView):
    permission_required = "complaints.change_case"
    context_name = "transition_form"

    def build_form(self):
        return TransitionForm(self.request.POST, case=self.object)

    def act(self, form):
        case = services.case_transition(
            case=self.object,
            to_status=form.cleaned_data["to_status"],
            by=self.request.user,
            note=form.cleaned_data["note"],
            referred_to=form.cleaned_data["referred_to"],
            request=self.request,
        )
        messages.success(
            self.request, _("Status kasus: %(status)s.") % {"status": case.get_status_display()}
        )


@method_decorator(csrf_exempt, name="dispatch")
class CaseEventView(UploadFormMixin, CaseActionView):
    permission_required = "complaints.change_case"
    context_name = "event_form"

    def post(self, request, *args, **kwargs):
        return csrf_protect(super().post)(request, *args, **kwargs)

    def build_form(self):
        return EventForm(
            self.request.POST,
            self.request.FILES,
            too_large=getattr(self.request, "upload_too_large", False),
        )

    def act(self, form):
        event = services.case_event_add(
            case=self.object,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
            by=self.request.user,
            request=self.request,
        )
        messages.success(
            self.request, _("%(kind)s tersimpan.") % {"kind": event.get_kind_display()}
        )


class CaseReopenView(CaseActionView):
    permission_required = "complaints.close_case"
    form_class = ReopenForm
    context_name = "reopen_form"

    def act(self, form):
        services.case_reopen(
            case=self.object,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            request=self.request,
        )
        messages.success(self.request, _("Kasus dibuka kembali."))


class CaseCloseView(ScopedPermissionMixin, SingleObjectMixin, FormView):
    """Finish a case: resolved with its outcome, or closed with a legal reason."""

    permission_required = "complaints.close_case"
    selector = selectors.case_scope
    template_name = "complaints/case_close.html"
    form_class = CloseForm
    context_object_name = "case"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        case = self.object
        initial = {"referred_to": case.referred_to}
        if case.proposed_closure_reason:
            initial.update(decision=CloseForm.CLOSE, closure_reason=case.proposed_closure_reason)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        resolve = data["decision"] == CloseForm.RESOLVE
        try:
            case = services.case_transition(
                case=self.object,
                to_status=CaseStatus.RESOLVED if resolve else CaseStatus.CLOSED,
                by=self.request.user,
                note=data["note"],
                closure_reason="" if resolve else data["closure_reason"],
                resolution_outcome=data["resolution_outcome"] if resolve else "",
                referred_to=data["referred_to"],
                request=self.request,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Kasus %(status)s.") % {"status": case.get_status_display().lower()}
        )
        return redirect(case)


class CaseEditView(ScopedPermissionMixin, SingleObjectMixin, FormView):
    """Correct the details of a case (category, worker, P3MI...)."""

    permission_required = "complaints.change_case"
    selector = selectors.case_scope
    template_name = "complaints/case_edit.html"
    form_class = CaseEditForm
    context_object_name = "case"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Case.objects.get(pk=self.object.pk)}

    def form_valid(self, form):
        try:
            case = services.case_update(
                case=self.object,
                by=self.request.user,
                data=form.case_data(),
                request=self.request,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Data kasus diperbarui."))
        return redirect(case)


class CaseRegistrationView(ScopedPermissionMixin, SingleObjectMixin, TemplateView):
    """The registration linked to a case, and finding one to link by NIK or number. A
    complaint officer sees CPMI data only through a case, and every look is logged."""

    permission_required = "complaints.view_case"
    selector = selectors.case_scope
    template_name = "complaints/case_registration.html"
    context_object_name = "case"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        registration = self._linked()
        if registration is not None:
            services.case_view_log(
                case=self.object, by=request.user, obj=registration, request=request
            )
        search = RegistrationSearchForm(request.GET or None)
        found = None
        if request.user.has_perm("complaints.change_case") and search.is_valid():
            found = selectors.registration_lookup(query=search.cleaned_data["query"])
            services.case_view_log(
                case=self.object,
                by=request.user,
                message=_("Pencarian pendaftaran untuk ditautkan"),
                request=request,
            )
        return self.render_to_response(
            self.get_context_data(registration=registration, search=search, found=found)
        )

    def _linked(self):
        case = self.object
        if case.registration_id is None:
            return None
        from registrations.models import Registration

        return (
            Registration.objects.select_related(
                "applicant", "destination_country", "p3mi", "occupation"
            )
            .filter(pk=case.registration_id)
            .first()
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("complaints.change_case"):
            raise Http404
        self.object = self.get_object()
        raw = request.POST.get("registration", "")
        registration = None
        if raw:
            # Only a registration the officer found by its exact NIK or number (the search
            # above): an id alone, typed or forged, would let anyone on the case open any
            # registration's personal data through the link.
            if not raw.isdigit():
                raise Http404
            found = selectors.registration_lookup(query=request.POST.get("query", ""))
            registration = next((reg for reg in found if reg.pk == int(raw)), None)
            if registration is None:
                raise Http404
        try:
            services.case_link_registration(
                case=self.object, registration=registration, by=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("complaints:case_registration", pk=self.object.pk)
        messages.success(
            request,
            _("Pendaftaran ditautkan ke kasus.") if registration else _("Tautan dilepas."),
        )
        return redirect("complaints:case_registration", pk=self.object.pk)


@method_decorator(never_cache, name="dispatch")
class AttachmentDownloadView(ScopedPermissionMixin, SingleObjectMixin, View):
    """Stream an attachment to an officer who may see its case; never a public URL."""

    permission_required = "complaints.view_case"
    selector = selectors.case_attachment_scope

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.get_queryset(), pk=self.kwargs["attachment_pk"], case_id=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        services.case_view_log(
            case=attachment.case, by=request.user, obj=attachment, request=request
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name or "lampiran",
        )
