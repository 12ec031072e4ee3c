from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import FormView, ListView, TemplateView

from . import health
from .forms import LoginForm, SignupForm
from .models import AuditEvent
from .navigation import is_applicant
from .services import audit_record, user_signup


class HomeView(TemplateView):
    template_name = "home.html"


class LoginView(auth_views.LoginView):
    """Django's login, with each successful sign-in written to the audit trail."""

    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=form.get_user(),
            action=AuditEvent.Action.LOGIN,
            obj=form.get_user(),
            request=self.request,
        )
        return response


class SignupView(FormView):
    template_name = "registration/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("dashboard")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard")
        return super().dispatch(request, *args, **kwargs)

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

    def get_context_data(self, **kwargs):
        # The CPMI's own cards only for a CPMI, not for an officer holding every permission.
        return super().get_context_data(is_applicant=is_applicant(self.request.user), **kwargs)


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
    the broker answer, 503 otherwise."""

    def get(self, request, *args, **kwargs):
        db_ok, db_detail = health.database_status()
        broker_ok, broker_detail = health.broker_status()
        body = {
            "status": "ok" if db_ok and broker_ok else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
            "worker_last_seen": health.worker_last_seen() if db_ok else None,
            "debug": settings.DEBUG,
        }
        return JsonResponse(body, status=200 if db_ok and broker_ok else 503)


def favicon(request):
    """Browsers that do not read the page's <link rel="icon"> ask for /favicon.ico."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (a page left open too long, cookies blocked): what to
    do next, in Indonesian and in the site's layout."""
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    """The 500 page: the template alone, with the office's name from the settings. Nothing
    here reads the database, the session or a context processor, which may be what failed."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"office": settings.OFFICE}))


def locked_out(request, original_response=None, credentials=None):
    """Shown instead of the login form while too many failed attempts lock the account."""
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
