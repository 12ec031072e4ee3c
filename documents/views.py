"""Pages of the documents app: the CPMI's checklist and uploads (/dokumen/...), the officers'
queue, review and signing (/petugas/verifikasi/...), and the public letter check
(/verifikasi/<token>/)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from bp3mi import ratelimits
from bp3mi.models import AuditEvent
from bp3mi.pagination import KeysetListMixin
from bp3mi.permissions import ScopedAnyPermissionMixin, ScopedPermissionMixin
from bp3mi.ratelimits import hit
from bp3mi.services import audit_record, client_ip
from registrations.choices import RegistrationStatus
from registrations.selectors import registration_scope

from . import selectors, services
from .choices import FileFormat
from .forms import DocumentUploadForm, QueueFilterForm, ReviewForm, RevokeForm
from .letters import indonesian_date, letter_context, mask_name
from .models import DocumentType, Letter
from .services import ConflictError
from .uploads import SizeLimitUploadHandler

INLINE_FORMATS = {FileFormat.PDF, FileFormat.JPEG, FileFormat.PNG}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- CPMI ------------------------------------------------------------------------------------


class ChecklistView(ScopedAnyPermissionMixin, DetailView):
    """What the registration needs, and for each document: uploaded, approved, rejected
    (with the reason) or missing; plus the letter's state."""

    permission_required = (selectors.OFFICER_PERMISSION, selectors.CPMI_PERMISSION)
    selector = selectors.document_registration_scope
    template_name = "documents/checklist.html"
    context_object_name = "registration"

    def get_queryset(self):
        return super().get_queryset().select_related("applicant")

    def get_context_data(self, **kwargs):
        registration = self.object
        rows = selectors.checklist(registration=registration)
        is_owner = registration.applicant.user_id == self.request.user.pk
        may_upload = selectors.may_upload_for(user=self.request.user, registration=registration)
        return super().get_context_data(
            rows=rows,
            is_owner=is_owner,
            is_walk_in=registration.applicant.user_id is None,
            # Who uploads here (the CPMI, or a desk officer for a walk-in); each row says
            # whether its upload is open (selectors.upload_refusal).
            can_upload=may_upload,
            needs_correction=registration.status == RegistrationStatus.NEEDS_CORRECTION,
            **selectors.letters_context(user=self.request.user, registration=registration),
            **kwargs,
        )


@method_decorator(csrf_exempt, name="dispatch")
class DocumentUploadView(ScopedAnyPermissionMixin, SingleObjectMixin, FormView):
    """Upload one document: a CPMI for their own registration, a desk officer for a
    walk-in's (recorded as uploaded by that officer). Oversized files are cut off while they
    arrive (the size-limit upload handler runs before anything reads the body, hence CSRF is
    checked afterwards)."""

    permission_required = (selectors.CPMI_PERMISSION, selectors.WALK_IN_PERMISSION)
    selector = selectors.upload_registration_scope
    template_name = "documents/document_upload.html"
    form_class = DocumentUploadForm
    context_object_name = "registration"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return super().dispatch(request, *args, **kwargs)

    def setup_objects(self):
        self.object = self.get_object()
        self.document_type = get_object_or_404(
            DocumentType, code=self.kwargs["code"], is_active=True
        )

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            # Parsed here, before the CSRF check reads the token from it: a body Django's
            # parser refuses (a part header over 1 KB, as a 1,000-character file name makes)
            # is answered with the form and the reason, not a bare 400. Nothing is written.
            request.POST  # noqa: B018
        except MultiPartParserError:
            self.setup_objects()
            self.refusal = ValidationError(
                _(
                    "Berkas tidak dapat diterima: namanya terlalu panjang. Ganti nama berkas "
                    "dengan nama pendek (misalnya ktp.pdf), lalu unggah kembali."
                ),
                code="unreadable_upload",
            )
            response = self.form_invalid(self.get_form())
            response.status_code = 400
            return response
        return csrf_protect(self._post)(request, *args, **kwargs)

    def _post(self, request, *args, **kwargs):
        self.setup_objects()
        if ratelimits.limited(request, "upload", key="user"):
            self.refusal = ValidationError(
                _(
                    "Terlalu banyak unggahan dari akun ini dalam waktu singkat. Tunggu sekitar "
                    "satu jam, lalu unggah kembali."
                ),
                code="rate_limited",
            )
            response = self.form_invalid(self.get_form())
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "document_type": self.document_type,
            "too_large": getattr(self.request, "upload_too_large", False),
            "refusal": getattr(self, "refusal", None),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(document_type=self.document_type, **kwargs)

    def form_valid(self, form):
        try:
            services.document_upload(
                registration=self.object,
                document_type=self.document_type,
                clean=form.clean_file_result,
                by=self.request.user,
                expires_on=form.cleaned_data.get("expires_on"),
                request=self.request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(type)s berhasil diunggah.") % {"type": self.document_type.name}
        )
        return redirect("documents:checklist", pk=self.object.pk)


@method_decorator(never_cache, name="dispatch")
class DocumentDownloadView(ScopedAnyPermissionMixin, SingleObjectMixin, View):
    """Stream a stored document to its owner or an officer; never a public URL."""

    permission_required = (selectors.OFFICER_PERMISSION, selectors.CPMI_PERMISSION)
    selector = selectors.document_scope

    def get(self, request, *args, **kwargs):
        document = self.get_object()
        if request.user.has_perm(selectors.OFFICER_PERMISSION):
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                obj=document,
                request=request,
            )
        # ?tampil=1 shows photos and PDFs in the browser (the review screen opens them in a
        # new tab); anything else is a download.
        inline = request.GET.get("tampil") == "1" and document.file_format in INLINE_FORMATS
        name = f"{document.document_type.code}-v{document.version}.{document.file.name.rsplit('.', 1)[-1]}"
        response = FileResponse(document.file.open("rb"), as_attachment=not inline, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


@method_decorator(never_cache, name="dispatch")
class LetterDownloadView(ScopedAnyPermissionMixin, SingleObjectMixin, View):
    permission_required = (selectors.OFFICER_PERMISSION, selectors.CPMI_PERMISSION)
    selector = selectors.letter_scope

    def get(self, request, *args, **kwargs):
        letter = self.get_object()
        if letter.status != Letter.Status.READY or not letter.file:
            raise Http404
        filename = "surat-verifikasi-" + letter.number.replace("/", "-") + ".pdf"
        response = FileResponse(letter.file.open("rb"), as_attachment=True, filename=filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response


@method_decorator(never_cache, name="dispatch")
class LetterStateView(ScopedAnyPermissionMixin, DetailView):
    """The state of one letter as a page fragment: pages poll it (htmx) while the PDF is
    being made."""

    permission_required = (selectors.OFFICER_PERMISSION, selectors.CPMI_PERMISSION)
    selector = selectors.letter_scope
    template_name = "documents/_letter_state.html"
    context_object_name = "letter"

    def get_queryset(self):
        return super().get_queryset().select_related("revoked_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reload_url=self.request.htmx.current_url_abs_path if self.request.htmx else None,
            **kwargs,
        )


# --- Officers ---------------------------------------------------------------------------------


class QueueView(ScopedPermissionMixin, KeysetListMixin, ListView):
    """Registrations with documents awaiting review, the longest waiting first; seek
    pagination and a bounded count, as the queue can be long."""

    permission_required = "documents.review_document"
    selector = selectors.document_registration_scope
    template_name = "documents/queue.html"
    per_page = 50
    sort_key = "review_waiting_since"
    context_object_name = "registrations"

    def get_sort_key_nullable(self) -> bool:
        return False  # the queue holds only registrations with a document waiting

    def get_queryset(self):
        self.filter_form = QueueFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        region = filters.get("region")
        return selectors.verification_queue(
            user=self.request.user,
            region_id=region.pk if region else None,
            scheme=filters.get("scheme") or "",
            min_days_waiting=filters.get("days"),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ReviewView(ScopedPermissionMixin, DetailView):
    """Each current document beside the data the person entered, with approve and reject
    forms; the whole file can be verified without leaving this page."""

    permission_required = "documents.review_document"
    selector = selectors.document_registration_scope
    template_name = "documents/review.html"
    context_object_name = "registration"

    def get_object(self, queryset=None):
        try:
            return selectors.registration_for_review(user=self.request.user, pk=self.kwargs["pk"])
        except self.get_queryset().model.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        registration = self.object
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.VIEW,
            obj=registration,
            message=_("Pemeriksaan dokumen"),
            request=self.request,
        )
        rows = selectors.checklist(registration=registration)
        for row in rows:
            if row.document is not None:
                row.own_upload = row.document.uploaded_by_id == self.request.user.pk
                row.form = ReviewForm(
                    prefix=f"d{row.document.pk}", initial={"revision": row.document.revision}
                )
        return super().get_context_data(
            rows=rows,
            applicant=registration.applicant,
            **selectors.letters_context(user=self.request.user, registration=registration),
            has_rejected=any(r.is_rejected for r in rows),
            **kwargs,
        )


class DocumentReviewView(ScopedPermissionMixin, SingleObjectMixin, View):
    """POST only: approve or reject one document version."""

    permission_required = "documents.review_document"
    selector = selectors.document_scope
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        document = self.get_object()
        back = reverse("documents:review", kwargs={"pk": document.registration_id})
        form = ReviewForm(request.POST, prefix=f"d{document.pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{document.document_type.name}: {error}")
            return HttpResponseRedirect(f"{back}#dokumen-{document.pk}")
        data = form.cleaned_data
        try:
            if data["action"] == ReviewForm.APPROVE:
                services.document_approve(
                    document=document,
                    by=request.user,
                    revision=data["revision"],
                    note=data["note"],
                    request=request,
                )
                messages.success(
                    request, _("%(type)s disetujui.") % {"type": document.document_type.name}
                )
            else:
                services.document_reject(
                    document=document,
                    by=request.user,
                    revision=data["revision"],
                    reason=data["reason"],
                    note=data["note"],
                    request=request,
                )
                messages.warning(
                    request, _("%(type)s ditolak.") % {"type": document.document_type.name}
                )
        except ConflictError as error:
            messages.error(request, _error_text(error))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return HttpResponseRedirect(f"{back}#dokumen-{document.pk}")


class RequestCorrectionView(ScopedPermissionMixin, SingleObjectMixin, View):
    permission_required = "documents.review_document"
    selector = selectors.document_registration_scope
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        try:
            services.registration_request_correction(
                registration=registration, by=request.user, request=request
            )
            messages.success(
                request, _("Pendaftaran dikembalikan kepada CPMI untuk perbaikan dokumen.")
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("documents:queue")


class SigningQueueView(ScopedPermissionMixin, KeysetListMixin, ListView):
    """Verified registrations waiting for a letter, the longest waiting first; seek
    pagination and a bounded count, as the queue can be long."""

    permission_required = "documents.sign_letter"
    selector = selectors.document_registration_scope
    template_name = "documents/signing_queue.html"
    per_page = 50
    sort_key = "updated_at"
    context_object_name = "registrations"

    def get_queryset(self):
        return selectors.signing_queue(user=self.request.user)


class LetterSignView(ScopedPermissionMixin, DetailView):
    """GET: what is about to be signed; POST: sign (queues the letter's render)."""

    permission_required = "documents.sign_letter"
    selector = selectors.document_registration_scope
    template_name = "documents/letter_sign.html"
    context_object_name = "registration"

    def get_context_data(self, **kwargs):
        registration = self.object
        context = selectors.letters_context(user=self.request.user, registration=registration)
        can_sign = context["awaiting_signature"]
        preview = None
        if can_sign:
            preview = letter_context(
                registration=registration,
                documents=selectors.letter_documents(registration=registration),
                number=_("(diberikan saat ditandatangani)"),
                signer=self.request.user,
                signed_at=timezone.now(),
            )
        return super().get_context_data(can_sign=can_sign, preview=preview, **context, **kwargs)

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        try:
            services.letter_sign(registration=registration, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("documents:sign", pk=registration.pk)
        # The render job is sent after commit and may wait for the broker (the sweep sends
        # it once the broker is back): say what holds in both cases.
        messages.success(
            request,
            _(
                "Surat ditandatangani. PDF-nya akan dibuat sebentar lagi secara otomatis; "
                "muat ulang halaman ini nanti untuk mengunduhnya."
            ),
        )
        return redirect("documents:sign", pk=registration.pk)


class LetterRetryView(ScopedAnyPermissionMixin, SingleObjectMixin, View):
    permission_required = ("documents.sign_letter", "documents.review_document")
    selector = selectors.letter_scope
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        letter = self.get_object()
        services.letter_retry(letter=letter, by=request.user, request=request)
        messages.info(request, _("Pembuatan surat diulang."))
        if request.user.has_perm("documents.sign_letter"):
            return redirect("documents:sign", pk=letter.registration_id)
        return redirect("documents:review", pk=letter.registration_id)


class LetterRevokeView(ScopedPermissionMixin, SingleObjectMixin, FormView):
    permission_required = "documents.revoke_letter"
    selector = selectors.letter_scope
    template_name = "documents/letter_revoke.html"
    form_class = RevokeForm
    context_object_name = "letter"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cancel_url=reverse("documents:sign", kwargs={"pk": self.object.registration_id}),
            **kwargs,
        )

    def form_valid(self, form):
        services.letter_revoke(
            letter=self.object,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            request=self.request,
        )
        messages.success(self.request, _("Surat %(number)s dicabut.") % {"number": self.object})
        return redirect("documents:sign", pk=self.object.registration_id)


class PersonAccessLogView(ScopedPermissionMixin, SingleObjectMixin, ListView):
    """Who looked at or changed this person's data, when and from where: every audit event
    about their applicant record, registrations, documents, letters, account and the complaint
    cases about them that the reader may see (UU 27/2022 record of processing). Opening it is
    itself recorded."""

    permission_required = ("bp3mi.view_auditevent", "registrations.view_registration")
    selector = registration_scope
    template_name = "documents/person_access_log.html"
    paginate_by = 100

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.get_queryset().select_related("applicant"))
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            obj=self.object.applicant,
            message=_("Log akses dibuka"),
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "object", None) is None:
            return super().get_queryset()
        return selectors.person_access_log(registration=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(registration=self.object, **kwargs)


# --- Public -----------------------------------------------------------------------------------


class LetterCheckView(TemplateView):
    """The page a letter's QR code opens: number, date, valid or revoked, the masked name and
    the PDF's SHA-256. Nothing more. Each client address may check LETTER_CHECK_LIMIT
    tokens per LETTER_CHECK_WINDOW seconds, so tokens cannot be found by guessing."""

    template_name = "letters/letter_check.html"

    def dispatch(self, request, *args, **kwargs):
        window = settings.LETTER_CHECK_WINDOW
        address = client_ip(request) or "unknown"
        if hit(scope="letter-check", key=address, window=window) > settings.LETTER_CHECK_LIMIT:
            response = render(
                request,
                "letters/letter_check_limited.html",
                {"minutes": max(1, window // 60)},
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        letter = get_object_or_404(
            Letter.objects.select_related("registration__applicant"), token=kwargs["token"]
        )
        return super().get_context_data(
            letter=letter,
            signature=selectors.letter_signature_check(letter=letter),
            signed_on=indonesian_date(timezone.localtime(letter.signed_at).date()),
            revoked_on=(
                indonesian_date(timezone.localtime(letter.revoked_at).date())
                if letter.revoked_at
                else ""
            ),
            masked_name=mask_name(letter.registration.applicant.full_name),
            **kwargs,
        )
