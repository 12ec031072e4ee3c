import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView, TemplateView

from . import health, ratelimits
from .forms import LoginForm, PasswordResetForm, SignupForm
from .middleware import DATABASE_ERRORS, database_unavailable_response
from .models import AuditEvent, User
from .navigation import is_applicant
from .pagination import KeysetListMixin
from .services import user_activate, user_signup


class HomeView(TemplateView):
    template_name = "home.html"


class RateLimitedFormMixin:
    """A form whose POSTs from one client address are counted against the limit
    `rate_limit` (settings.RATELIMIT_RATES); past it the form comes back with `limited_message`
    and status 429, and nothing is done."""

    rate_limit: str
    limited_message: str

    def post(self, request, *args, **kwargs):
        if ratelimits.limited(request, self.rate_limit, key="ip"):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, self.limited_message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class LoginView(RateLimitedFormMixin, auth_views.LoginView):
    """Django's login; every sign-in and failed attempt, here or in the admin, is audited
    by the receivers in bp3mi/auth.py. django-axes locks one account after a few wrong
    passwords; the rate limit here holds back one address trying many accounts."""

    form_class = LoginForm
    rate_limit = "login"
    limited_message = gettext_lazy(
        "Terlalu banyak percobaan masuk dari jaringan ini dalam waktu singkat. Coba lagi "
        "sekitar satu jam lagi, atau minta bantuan petugas di loket LTSA."
    )


class PasswordResetView(RateLimitedFormMixin, auth_views.PasswordResetView):
    """Django's password reset; each address may ask for a limited number of e-mails, so the
    form cannot be used to flood people's inboxes."""

    form_class = PasswordResetForm
    rate_limit = "password_reset"
    limited_message = gettext_lazy(
        "Terlalu banyak permintaan atur ulang kata sandi dari jaringan ini. Coba lagi sekitar "
        "satu jam lagi, atau minta bantuan petugas di loket LTSA."
    )


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SignupView(RateLimitedFormMixin, FormView):
    """Sign-up. Whether the address is new or already has an account, the answer is the same
    page ("check your e-mail"); what differs goes only to the address's owner."""

    template_name = "registration/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("signup_sent")
    rate_limit = "signup"
    limited_message = gettext_lazy(
        "Terlalu banyak pendaftaran akun dari jaringan ini dalam waktu singkat. "
        "Coba lagi sekitar satu jam lagi, atau minta bantuan petugas di loket LTSA."
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user_signup(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            password=form.cleaned_data["password1"],
            request=self.request,
        )
        return super().form_valid(form)


class SignupSentView(TemplateView):
    template_name = "registration/signup_sent.html"


@method_decorator(never_cache, name="dispatch")
class ActivateView(TemplateView):
    """The link from the sign-up e-mail. GET shows a button (a mail scanner opening the link
    activates nothing); POST activates the account and signs its owner in."""

    template_name = "registration/activate.html"

    def get_user(self):
        try:
            pk = force_str(urlsafe_base64_decode(self.kwargs["uidb64"]))
            user = User.objects.get(pk=pk)
        except (TypeError, ValueError, OverflowError, User.DoesNotExist):
            return None
        if user.is_active or not default_token_generator.check_token(user, self.kwargs["token"]):
            return None
        return user

    def get(self, request, *args, **kwargs):
        user = self.get_user()
        return self.render_to_response(self.get_context_data(valid=user is not None))

    def post(self, request, *args, **kwargs):
        user = self.get_user()
        if user is None:
            return self.render_to_response(self.get_context_data(valid=False), status=400)
        user = user_activate(user=user, request=request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Akun Anda sudah aktif. Selamat datang."))
        return redirect("dashboard")


class DashboardView(LoginRequiredMixin, TemplateView):
    """Each role's starting page; the cards shown depend on the user's permissions."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        # The CPMI's own cards only for a CPMI, not for an officer holding every permission.
        return super().get_context_data(is_applicant=is_applicant(self.request.user), **kwargs)


class AuditEventListView(PermissionRequiredMixin, KeysetListMixin, ListView):
    """The audit log, newest first: it grows with every opening of a personal record, so it
    pages by seek with a bounded count."""

    permission_required = "bp3mi.view_auditevent"
    template_name = "bp3mi/auditevent_list.html"
    per_page = 50
    sort_key = "-created_at"
    counted = False

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
        db_ok, db_detail, worker_last_seen = health.database_status()
        broker_ok, broker_detail = health.broker_status()
        # Who is asking is read from the database: only when it answered.
        staff = db_ok and request.user.is_authenticated and request.user.is_staff
        database = {"ok": db_ok, **({"detail": db_detail} if staff else {})}
        broker = {"ok": broker_ok, **({"detail": broker_detail} if staff else {})}
        body = {
            "status": "ok" if db_ok and broker_ok else "unavailable",
            "database": database,
            "broker": broker,
            "worker_last_seen": worker_last_seen,
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
    here reads the database, the session or a context processor, which may be what failed.
    A database outage met outside a view (a session saved on the way out) gets the 503 page
    of DatabaseUnavailableMiddleware, and its one log line per interval, instead."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable_response(request, exc)
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
