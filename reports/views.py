from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from bp3mi.permissions import ScopedPermissionMixin
from stakeholders.importing import safe_cell

from . import selectors
from .forms import ReportRequestForm
from .selectors import export_list
from .services import export_download_record, export_request, export_retry

PERMISSION = "registrations.view_statistics"


class ReportRequestView(PermissionRequiredMixin, FormView):
    """Choose a report, a period, a grouping and a format; the file is made in the
    background and appears on the downloads page."""

    permission_required = PERMISSION
    template_name = "statistics/report_form.html"
    form_class = ReportRequestForm

    def form_valid(self, form):
        export = export_request(
            by=self.request.user,
            kind=form.cleaned_data["kind"],
            export_format=form.cleaned_data["export_format"],
            params=form.cleaned_data["params"],
            request=self.request,
        )
        messages.success(
            self.request,
            _("Ekspor sedang dibuat: %(what)s. Berkasnya muncul di daftar ini bila sudah siap.")
            % {"what": export.description},
        )
        return redirect("statistics:exports")


class ExportListView(ScopedPermissionMixin, ListView):
    """The user's exports with their state; refreshes itself (htmx) while one is running."""

    permission_required = PERMISSION
    selector = export_list
    paginate_by = 25

    def get_template_names(self):
        if self.request.htmx:
            return ["statistics/_export_table.html"]
        return ["statistics/reportexport_list.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["any_active"] = any(e.is_active for e in context["object_list"])
        context["retention_days"] = settings.STATISTICS_EXPORT_RETENTION_DAYS
        return context


class ExportDownloadView(ScopedPermissionMixin, View):
    """The file of a READY export of the user's; anyone else's is a 404. Audited."""

    permission_required = PERMISSION
    selector = export_list

    def get(self, request, pk):
        export = get_object_or_404(self.get_queryset(), pk=pk)
        if not export.is_downloadable:
            raise Http404(_("Berkas ekspor ini belum siap atau sudah dihapus."))
        export_download_record(export=export, by=request.user, request=request)
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)


@method_decorator(require_POST, name="dispatch")
class ExportRetryView(ScopedPermissionMixin, View):
    permission_required = PERMISSION
    selector = export_list

    def post(self, request, pk):
        export = get_object_or_404(self.get_queryset(), pk=pk)
        export_retry(export=export, by=request.user, request=request)
        messages.info(request, _("Ekspor diantrekan lagi."))
        return redirect("statistics:exports")


class StatisticsDashboardView(PermissionRequiredMixin, TemplateView):
    """Figures of the month and two charts (Chart.js), each with its table."""

    permission_required = PERMISSION
    template_name = "statistics/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = selectors.dashboard_figures()
        context["figures"] = figures
        context["chart_data"] = {
            "byMonth": {
                "labels": [label for label, _n in figures["by_month"]],
                "values": [n for _label, n in figures["by_month"]],
                "label": _("Penempatan per bulan"),
            },
            "byRegion": {
                "labels": [label for label, _n in figures["by_region"]],
                "values": [n for _label, n in figures["by_region"]],
                "label": _("Penempatan per kabupaten/kota"),
            },
        }
        return context


def public_figures() -> dict:
    """The public tables as display strings, cached: the page and the CSV read the same."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    today = timezone.localdate()
    key = f"statistics:public:v1:{language}:{today.isoformat()}"

    def compute():
        return {
            "made_at": timezone.localtime().strftime("%d-%m-%Y %H:%M"),
            "tables": [
                {
                    "title": t["title"],
                    "dimension": t["dimension"],
                    "columns": t["table"].column_labels,
                    "rows": t["table"].display_rows(),
                }
                for t in selectors.public_tables(
                    today=today, threshold=settings.STATISTICS_PUBLIC_MIN_CELL
                )
            ],
        }

    return cache.get_or_set(key, compute, settings.STATISTICS_PUBLIC_CACHE_SECONDS)


@method_decorator(cache_control(public=True, max_age=600), name="dispatch")
class PublicStatisticsView(TemplateView):
    """Placement figures for everyone: counts only, small cells suppressed."""

    template_name = "statistics/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(public_figures())
        return context


@method_decorator(cache_control(public=True, max_age=600), name="dispatch")
class PublicStatisticsCsvView(View):
    def get(self, request):
        figures = public_figures()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="statistik-penempatan-{timezone.localdate():%Y%m%d}.csv"'
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Tabel"), _("Kelompok"), _("Tahun"), _("Jumlah")])
        for table in figures["tables"]:
            for row in table["rows"]:
                for column, cell in zip(table["columns"], row[1:], strict=True):
                    writer.writerow([safe_cell(table["title"]), safe_cell(row[0]), column, cell])
        writer.writerow([])
        writer.writerow(
            [_("<5: antara 1 dan 4; x: disembunyikan agar angka kecil tidak dapat dihitung.")]
        )
        return response
