from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("dokumen/pendaftaran/<int:pk>/", views.ChecklistView.as_view(), name="checklist"),
    path(
        "dokumen/pendaftaran/<int:pk>/unggah/<slug:code>/",
        views.DocumentUploadView.as_view(),
        name="upload",
    ),
    path("dokumen/berkas/<int:pk>/", views.DocumentDownloadView.as_view(), name="download"),
    path("dokumen/surat/<int:pk>/", views.LetterDownloadView.as_view(), name="letter_download"),
    path("dokumen/surat/<int:pk>/keadaan/", views.LetterStateView.as_view(), name="letter_state"),
    path("petugas/verifikasi/", views.QueueView.as_view(), name="queue"),
    path("petugas/verifikasi/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path(
        "petugas/verifikasi/dokumen/<int:pk>/",
        views.DocumentReviewView.as_view(),
        name="document_review",
    ),
    path(
        "petugas/verifikasi/<int:pk>/perbaikan/",
        views.RequestCorrectionView.as_view(),
        name="request_correction",
    ),
    path("petugas/verifikasi/tanda-tangan/", views.SigningQueueView.as_view(), name="signing"),
    path("petugas/verifikasi/<int:pk>/surat/", views.LetterSignView.as_view(), name="sign"),
    path(
        "petugas/verifikasi/surat/<int:pk>/ulangi/",
        views.LetterRetryView.as_view(),
        name="letter_retry",
    ),
    path(
        "petugas/verifikasi/surat/<int:pk>/cabut/",
        views.LetterRevokeView.as_view(),
        name="letter_revoke",
    ),
    path(
        "petugas/pendaftaran/<int:pk>/akses/",
        views.PersonAccessLogView.as_view(),
        name="access_log",
    ),
    path("verifikasi/<slug:token>/", views.LetterCheckView.as_view(), name="letter_check"),
]
