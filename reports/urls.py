from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("statistik/", views.PublicStatisticsView.as_view(), name="public"),
    path("statistik/penempatan.csv", views.PublicStatisticsCsvView.as_view(), name="public_csv"),
    path("statistik/dasbor/", views.StatisticsDashboardView.as_view(), name="dashboard"),
    path("statistik/laporan/", views.ReportRequestView.as_view(), name="request"),
    path("statistik/unduhan/", views.ExportListView.as_view(), name="exports"),
    path("statistik/unduhan/<int:pk>/", views.ExportDownloadView.as_view(), name="download"),
    path("statistik/unduhan/<int:pk>/ulangi/", views.ExportRetryView.as_view(), name="retry"),
]
