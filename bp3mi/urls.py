from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import forms, views

auth_patterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.SignupView.as_view(), name="signup"),
    path("daftar/terkirim/", views.SignupSentView.as_view(), name="signup_sent"),
    path("aktifkan/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path(
        "kata-sandi/ubah/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "kata-sandi/ubah/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "kata-sandi/atur-ulang/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "kata-sandi/atur-ulang/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "kata-sandi/atur-ulang/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "kata-sandi/atur-ulang/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

handler500 = "bp3mi.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("akun/", include(auth_patterns)),
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path("audit/", views.AuditEventListView.as_view(), name="audit_list"),
    path("", include("stakeholders.urls")),
    path("healthz", views.HealthView.as_view(), name="healthz"),
    # Browsers that do not read the page's <link rel="icon"> ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("registrations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("documents.urls")),
    path("", include("reports.urls")),
    path("", include("complaints.urls")),
    path("admin/", admin.site.urls),
]
