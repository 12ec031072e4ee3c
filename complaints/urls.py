from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", views.PublicFileView.as_view(), name="file"),
    path("pengaduan/terkirim/", views.ReceiptView.as_view(), name="receipt"),
    path("pengaduan/lacak/", views.TrackView.as_view(), name="track"),
    path("petugas/pengaduan/", views.CaseListView.as_view(), name="case_list"),
    path("petugas/pengaduan/baru/", views.OfficerFileView.as_view(), name="case_file"),
    path("petugas/pengaduan/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("petugas/pengaduan/<int:pk>/ubah/", views.CaseEditView.as_view(), name="case_edit"),
    path(
        "petugas/pengaduan/<int:pk>/tugaskan/", views.CaseAssignView.as_view(), name="case_assign"
    ),
    path(
        "petugas/pengaduan/<int:pk>/status/",
        views.CaseTransitionView.as_view(),
        name="case_transition",
    ),
    path("petugas/pengaduan/<int:pk>/catatan/", views.CaseEventView.as_view(), name="case_event"),
    path(
        "petugas/pengaduan/<int:pk>/selesaikan/", views.CaseCloseView.as_view(), name="case_close"
    ),
    path(
        "petugas/pengaduan/<int:pk>/buka-kembali/",
        views.CaseReopenView.as_view(),
        name="case_reopen",
    ),
    path(
        "petugas/pengaduan/<int:pk>/pendaftaran/",
        views.CaseRegistrationView.as_view(),
        name="case_registration",
    ),
    path(
        "petugas/pengaduan/<int:pk>/lampiran/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
