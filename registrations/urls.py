from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    # The CPMI
    path("pendaftaran/", views.RegistrationStartView.as_view(), name="start"),
    path("pendaftaran/baru/", views.RegistrationStepView.as_view(), name="new"),
    path("pendaftaran/data-saya.json", views.ApplicantExportView.as_view(), name="export"),
    path("pendaftaran/<int:pk>/", views.RegistrationTimelineView.as_view(), name="timeline"),
    path(
        "pendaftaran/<int:pk>/langkah/<slug:step>/",
        views.RegistrationStepView.as_view(),
        name="step",
    ),
    path("pendaftaran/<int:pk>/periksa/", views.RegistrationCheckView.as_view(), name="check"),
    path(
        "pendaftaran/<int:pk>/tanda-terima.pdf",
        views.RegistrationReceiptView.as_view(),
        name="receipt",
    ),
    path(
        "pendaftaran/<int:pk>/batalkan/", views.RegistrationWithdrawView.as_view(), name="withdraw"
    ),
    # Officers
    path("petugas/pendaftaran/", views.RegistrationListView.as_view(), name="list"),
    path("petugas/pendaftaran/baru/", views.WalkInRegistrationView.as_view(), name="walk_in"),
    path("petugas/pendaftaran/<int:pk>/", views.RegistrationDetailView.as_view(), name="detail"),
    path(
        "petugas/pendaftaran/<int:pk>/status/",
        views.RegistrationStatusView.as_view(),
        name="status",
    ),
    path(
        "petugas/pendaftaran/<int:pk>/tahapan/",
        views.MilestoneRecordView.as_view(),
        name="milestone",
    ),
]
