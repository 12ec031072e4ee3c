from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    # Public
    path("cek-p3mi/", views.P3miCheckView.as_view(), name="check"),
    path("direktori/", views.StakeholderListView.as_view(), name="list"),
    path("direktori/unduh.csv", views.StakeholderDownloadView.as_view(), name="download_csv"),
    path(
        "direktori/unduh.json",
        views.StakeholderDownloadView.as_view(format="json"),
        name="download_json",
    ),
    path("direktori/<int:pk>/", views.StakeholderDetailView.as_view(), name="detail"),
    # Staff
    path("direktori/p3mi/saran/", views.P3miSuggestView.as_view(), name="p3mi_suggest"),
    path("direktori/kelola/", views.StakeholderManageListView.as_view(), name="manage_list"),
    path("direktori/kelola/baru/", views.StakeholderCreateView.as_view(), name="create"),
    path("direktori/kelola/ekspor.csv", views.StakeholderExportView.as_view(), name="export_csv"),
    path(
        "direktori/kelola/ekspor.xlsx",
        views.StakeholderExportView.as_view(format="xlsx"),
        name="export_xlsx",
    ),
    path(
        "direktori/kelola/izin-akan-kedaluwarsa/",
        views.LicenceExpiringListView.as_view(),
        name="licence_expiring",
    ),
    path("direktori/kelola/impor/", views.ImportUploadView.as_view(), name="import"),
    path("direktori/kelola/impor/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path(
        "direktori/kelola/impor/<int:pk>/tindakan/",
        views.ImportJobActionView.as_view(),
        name="import_job_action",
    ),
    path("direktori/kelola/<int:pk>/ubah/", views.StakeholderUpdateView.as_view(), name="update"),
    path(
        "direktori/kelola/<int:pk>/status/",
        views.StakeholderSetActiveView.as_view(),
        name="set_active",
    ),
    path(
        "direktori/kelola/<int:pk>/izin/baru/",
        views.LicenceSaveView.as_view(),
        name="licence_create",
    ),
    path(
        "direktori/kelola/<int:pk>/izin/<int:licence_pk>/ubah/",
        views.LicenceSaveView.as_view(),
        name="licence_update",
    ),
    path(
        "direktori/kelola/<int:pk>/sip2mi/baru/",
        views.Sip2miSaveView.as_view(),
        name="sip2mi_create",
    ),
    path(
        "direktori/kelola/<int:pk>/sip2mi/<int:sip2mi_pk>/ubah/",
        views.Sip2miSaveView.as_view(),
        name="sip2mi_update",
    ),
]
