"""Views of the directory: the public directory and Cek P3MI, and staff management
(create, edit, deactivate, licences and SIP2MI, expiring licences, import and export)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from bp3mi.models import AuditEvent
from bp3mi.permissions import ScopedPermissionMixin
from bp3mi.selectors import audit_change_rows
from bp3mi.services import audit_record

from . import exporting
from .company_filter import TEXT_SUFFIX, p3mi_matches
from .figures import stakeholder_figures
from .filters import StaffStakeholderFilter, StakeholderFilter
from .forms import (
    CheckForm,
    ImportForm,
    LicenceForm,
    Sip2miForm,
    StakeholderForm,
)
from .importing import COLUMNS, ImportFileError, max_bytes, max_rows
from .selectors import (
    EXPIRING_WITHIN_DAYS,
    import_job_scope,
    licence_expiring_list,
    main_licence,
    p3mi_check,
    stakeholder_history,
    stakeholder_public_scope,
    stakeholder_scope,
    stakeholder_with_related,
    valid_countries,
)
from .services import (
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    licence_save,
    sip2mi_save,
    stakeholder_create,
    stakeholder_set_active,
    stakeholder_update,
)


class QueryStringMixin:
    """The current filters as a query string without the page, for pagination and exports."""

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(query_string=query.urlencode(), **kwargs)


class FiguresMixin:
    def attach_figures(self, stakeholders):
        """The figures higher apps count (CPMI registered, verified, departed), set on each
        stakeholder of the page in a fixed number of queries; returns the columns."""
        return stakeholder_figures(stakeholders)


def _annotate_licences(stakeholders):
    """Attach each stakeholder's operating licence (from prefetched rows) for templates."""
    for stakeholder in stakeholders:
        stakeholder.main_licence = main_licence(stakeholder)
    return stakeholders


# --- Public -----------------------------------------------------------------------------------


class StakeholderListView(QueryStringMixin, FilterView):
    """The public directory: search and filters as a GET form, 20 a page."""

    filterset_class = StakeholderFilter
    template_name = "stakeholders/stakeholder_list.html"
    paginate_by = 20

    def get_queryset(self):
        return stakeholder_with_related(stakeholder_public_scope())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _annotate_licences(context["object_list"])
        context["filtered"] = any(
            self.request.GET.get(name) for name in context["filter"].form.fields if name != "q"
        )
        return context


class StakeholderDownloadView(View):
    """The public directory (with the current filters) as CSV or JSON."""

    format = "csv"

    def get(self, request):
        filterset = StakeholderFilter(
            request.GET, queryset=stakeholder_with_related(stakeholder_public_scope())
        )
        stakeholders = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        if self.format == "json":
            return exporting.json_response(stakeholders, request=request)
        return exporting.csv_response(stakeholders, stem="direktori")


class StakeholderDetailView(FiguresMixin, DetailView):
    """One stakeholder. Anyone sees an active one; staff who may view the directory also
    see inactive ones, the CPMI counts through it and the history of changes."""

    template_name = "stakeholders/stakeholder_detail.html"
    context_object_name = "stakeholder"

    @property
    def is_staff_view(self):
        return self.request.user.has_perm("stakeholders.view_stakeholder")

    def get_queryset(self):
        return stakeholder_with_related(stakeholder_scope(user=self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stakeholder = self.object
        context["licence"] = main_licence(stakeholder)
        context["countries"] = valid_countries(stakeholder)
        context["staff_view"] = self.is_staff_view
        if self.is_staff_view:
            context["figures"] = self.attach_figures([stakeholder])
            context["history"] = audit_change_rows(
                stakeholder_history(stakeholder=stakeholder)[:50]
            )
        return context


class P3miCheckView(TemplateView):
    """Cek P3MI: may this company recruit today? A GET form, so it works without
    JavaScript; with htmx only the answer is swapped in."""

    template_name = "stakeholders/p3mi_check.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["stakeholders/_check_result.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CheckForm(self.request.GET or None)
        context["check_form"] = form
        if form.is_bound and form.is_valid():
            context["answers"] = p3mi_check(query=form.cleaned_data["q"])
            context["checked"] = True
        return context


# --- Staff ------------------------------------------------------------------------------------


class P3miSuggestView(PermissionRequiredMixin, TemplateView):
    """The <option>s of the P3MI filter's datalist (stakeholders.company_filter): the placement
    companies, active or not, whose name holds the text typed (sent as `nama` or as the
    filter's `<name>_nama` field), for staff who may view the directory."""

    permission_required = "stakeholders.view_stakeholder"
    template_name = "stakeholders/_p3mi_options.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        text = get.get("nama") or next(
            (value for key, value in get.items() if key.endswith(TEXT_SUFFIX)), ""
        )
        return super().get_context_data(matches=p3mi_matches(text[:100]), **kwargs)


class StakeholderManageListView(FiguresMixin, ScopedPermissionMixin, QueryStringMixin, FilterView):
    permission_required = "stakeholders.view_stakeholder"
    selector = stakeholder_scope
    filterset_class = StaffStakeholderFilter
    template_name = "stakeholders/manage_list.html"
    paginate_by = 50

    def get_queryset(self):
        return stakeholder_with_related(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        _annotate_licences(page)
        context["figures"] = self.attach_figures(page)
        context["object_list"] = page
        return context


class StakeholderExportView(ScopedPermissionMixin, View):
    """The staff list with its current filters, as CSV or XLSX (re-importable)."""

    permission_required = "stakeholders.view_stakeholder"
    selector = stakeholder_scope
    format = "csv"

    def get(self, request):
        filterset = StaffStakeholderFilter(
            request.GET, queryset=stakeholder_with_related(self.get_queryset())
        )
        stakeholders = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            message=f"Ekspor direktori ({self.format.upper()}, {stakeholders.count()} baris)",
            changes={"filter": request.GET.dict()},
            request=request,
        )
        if self.format == "xlsx":
            return exporting.xlsx_response(stakeholders, stem="direktori")
        return exporting.csv_response(stakeholders, stem="direktori")


class StakeholderCreateView(ScopedPermissionMixin, FormView):
    permission_required = "stakeholders.add_stakeholder"
    selector = stakeholder_scope
    form_class = StakeholderForm
    template_name = "stakeholders/stakeholder_form.html"

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def form_valid(self, form):
        stakeholder = stakeholder_create(
            by=self.request.user,
            fields=form.service_fields(),
            vocations=form.cleaned_data.get("vocations") or [],
            request=self.request,
        )
        messages.success(self.request, _("%(name)s ditambahkan.") % {"name": stakeholder.name})
        return redirect(stakeholder)


class StakeholderObjectMixin(ScopedPermissionMixin):
    """Loads the stakeholder of the URL from the user's scope (404 outside it)."""

    selector = stakeholder_scope

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        self.stakeholder = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(stakeholder=self.stakeholder, **kwargs)


class StakeholderUpdateView(StakeholderObjectMixin, FormView):
    permission_required = "stakeholders.change_stakeholder"
    form_class = StakeholderForm
    template_name = "stakeholders/stakeholder_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.stakeholder}

    def form_valid(self, form):
        stakeholder_update(
            stakeholder=self.stakeholder,
            by=self.request.user,
            fields=form.service_fields(),
            vocations=form.cleaned_data.get("vocations") or [],
            request=self.request,
        )
        messages.success(self.request, _("Perubahan disimpan."))
        return redirect(self.stakeholder)


class StakeholderSetActiveView(StakeholderObjectMixin, View):
    """POST only: deactivate or reactivate."""

    permission_required = "stakeholders.change_stakeholder"
    http_method_names = ["post"]

    def post(self, request, pk):
        active = request.POST.get("active") == "1"
        stakeholder_set_active(
            stakeholder=self.stakeholder, by=request.user, active=active, request=request
        )
        messages.success(
            request,
            _("Diaktifkan kembali di direktori.") if active else _("Dinonaktifkan dari direktori."),
        )
        return redirect(self.stakeholder)


class LicenceSaveView(StakeholderObjectMixin, FormView):
    """Add a licence (no licence_pk) or change one of this stakeholder's licences."""

    form_class = LicenceForm
    template_name = "stakeholders/item_form.html"

    def get_permission_required(self):
        if "licence_pk" in self.kwargs:
            return ["stakeholders.change_licence"]
        return ["stakeholders.add_licence"]

    def get_item(self):
        if "licence_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.stakeholder.licences, pk=self.kwargs["licence_pk"])

    def get_form_kwargs(self):
        self.item = self.get_item()
        return {
            **super().get_form_kwargs(),
            "instance": self.item,
            "stakeholder": self.stakeholder,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Ubah izin") if self.item else _("Tambah izin")
        return context

    def form_valid(self, form):
        try:
            licence_save(
                stakeholder=self.stakeholder,
                by=self.request.user,
                fields=form.cleaned_data,
                licence=self.item,
                request=self.request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Izin disimpan."))
        return redirect(self.stakeholder)


class Sip2miSaveView(LicenceSaveView):
    form_class = Sip2miForm

    def get_permission_required(self):
        if "sip2mi_pk" in self.kwargs:
            return ["stakeholders.change_sip2mi"]
        return ["stakeholders.add_sip2mi"]

    def get_item(self):
        if "sip2mi_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.stakeholder.sip2mi, pk=self.kwargs["sip2mi_pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Ubah SIP2MI") if self.item else _("Tambah SIP2MI")
        return context

    def form_valid(self, form):
        sip2mi_save(
            stakeholder=self.stakeholder,
            by=self.request.user,
            fields=form.cleaned_data,
            sip2mi=self.item,
            request=self.request,
        )
        messages.success(self.request, _("SIP2MI disimpan."))
        return redirect(self.stakeholder)


class LicenceExpiringListView(ScopedPermissionMixin, ListView):
    """Active licences expiring within 60 days, soonest first."""

    permission_required = "stakeholders.view_licence"
    selector = licence_expiring_list
    template_name = "stakeholders/licence_expiring.html"
    paginate_by = 50
    extra_context = {"within_days": EXPIRING_WITHIN_DAYS}


# --- Import -----------------------------------------------------------------------------------


class ImportMixin(ScopedPermissionMixin):
    permission_required = ("stakeholders.add_stakeholder", "stakeholders.change_stakeholder")
    selector = import_job_scope


class ImportUploadView(ImportMixin, FormView):
    """Upload a CSV or XLSX file: the quick checks are made at once, then the rows are
    checked in the background and the job page shows how far it is."""

    form_class = ImportForm
    template_name = "stakeholders/import_upload.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=COLUMNS,
            max_rows=max_rows(),
            max_mb=max_bytes() // (1024 * 1024),
            **kwargs,
        )

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                by=self.request.user,
                name=upload.name,
                handle=upload.file,
                size=upload.size,
                request=self.request,
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect(job)


class ImportJobView(ImportMixin, DetailView):
    """One import job: its progress while it runs (the page reloads itself every 2 s with
    htmx, or with the "Muat ulang" link without JavaScript), then the preview with the rows
    in error and the confirm button, then the result. Another user's job is a 404."""

    template_name = "stakeholders/import_job.html"
    context_object_name = "job"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["stakeholders/_import_job.html"]
        return [self.template_name]


class ImportJobActionView(ImportMixin, SingleObjectMixin, View):
    """POST only: confirm the preview (queue the write) or cancel the job."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        if "cancel" in request.POST:
            import_job_cancel(job=job, by=request.user, request=request)
            messages.info(request, _("Impor dibatalkan; tidak ada data yang diubah."))
            return redirect("stakeholders:import")
        job = import_job_confirm(job=job, by=request.user, request=request)
        if job.stage != job.Stage.WRITE:
            messages.error(request, _("Impor ini tidak dapat disimpan: periksa pratinjaunya."))
        return redirect(job)
