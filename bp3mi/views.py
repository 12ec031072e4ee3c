from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from . import health, ratelimits
from .forms import SignupForm
from .models import AuditEvent
from .services import user_signup


class HomeView(TemplateView):
    template_name = "home.html"


class LoginView(auth_views.LoginView):
    """Django's login; every sign-in and failed attempt, here or in the admin, is audited
    by the receivers in bp3mi/auth.py."""


class SignupView(FormView):
    template_name = "registration/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("dashboard")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if ratelimits.limited(request, "signup", key="ip"):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Terlalu banyak pendaftaran akun dari jaringan ini dalam waktu singkat. "
                    "Coba lagi sekitar satu jam lagi, atau minta bantuan petugas di loket LTSA."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = user_signup(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            password=form.cleaned_data["password1"],
            request=self.request,
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        return super().form_valid(form)


class DashboardView(LoginRequiredMixin, TemplateView):
    """Each role's starting page; the cards shown depend on the user's permissions."""

    template_name = "dashboard.html"


class AuditEventListView(PermissionRequiredMixin, ListView):
    permission_required = "bp3mi.view_auditevent"
    template_name = "bp3mi/auditevent_list.html"
    paginate_by = 50

    def get_queryset(self):
        return AuditEvent.objects.select_related("actor", "content_type").order_by(
            "-created_at", "-id"
        )


@method_decorator(never_cache, name="dispatch")
class HealthView(View):
    """Machine-readable status for load balancers and monitoring: 200 when the database and
    the broker answer, 503 otherwise. Staff also see what answered or how it failed;
    anonymous callers learn nothing about the configuration."""

    def get(self, request, *args, **kwargs):
        db_ok, db_detail = health.database_status()
        broker_ok, broker_detail = health.broker_status()
        staff = request.user.is_authenticated and request.user.is_staff
        database = {"ok": db_ok, **({"detail": db_detail} if staff else {})}
        broker = {"ok": broker_ok, **({"detail": broker_detail} if staff else {})}
        body = {
            "status": "ok" if db_ok and broker_ok else "unavailable",
            "database": database,
            "broker": broker,
            "worker_last_seen": health.worker_last_seen() if db_ok else None,
        }
        return JsonResponse(body, status=200 if db_ok and broker_ok else 503)


def locked_out(request, original_response=None, credentials=None):
    """Shown instead of the login form while too many failed attempts lock the account."""
    from django.shortcuts import render

    response = render(
        request,
        "registration/locked_out.html",
        {
            "message": _(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, akun ini dikunci "
                "sementara. Coba lagi dalam %(minutes)d menit, atau atur ulang kata sandi."
            )
            % {"minutes": int(settings.AXES_COOLOFF_TIME * 60)}
        },
        status=429,
    )
    return response
