import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia until the person chooses another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a CPMI whose phone
    is set to English would land on English pages they did not ask for. Only the language
    cookie that `set_language` writes counts here.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen and translation.check_for_language(chosen):
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- The database is down ---------------------------------------------------------------------

# Errors that mean the database cannot be reached or cut the statement off (refused or lost
# connection, connect or statement timeout), not a fault of the page.
DATABASE_ERRORS = (OperationalError, InterfaceError)

# Seconds between two log lines about the same outage.
OUTAGE_LOG_INTERVAL = 30.0


class _OutageLog:
    """One log line per interval while the database is down, with how many requests were
    answered meanwhile, instead of a traceback per request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = float("-inf")
        self.suppressed = 0

    def report(self, exc: BaseException) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < OUTAGE_LOG_INTERVAL:
                self.suppressed += 1
                return
            self.last, suppressed, self.suppressed = now, self.suppressed, 0
        first_line = (str(exc).strip().splitlines() or [""])[0]
        logger.error(
            "database unavailable (%s: %s); %d more requests answered 503 since the last report",
            type(exc).__name__,
            first_line,
            suppressed,
        )


outage_log = _OutageLog()


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """The portal's own 503 page, rendered from the template alone: nothing here reads the
    database, the session or a context processor."""
    outage_log.report(exc)
    template = loader.get_template("503.html")
    response = HttpResponse(template.render({"office": settings.OFFICE}), status=503)
    response["Retry-After"] = "30"
    # Django's request log skips a response marked as logged: the line above is the record.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """A page that fails because the database is down gets the 503 page in the person's
    language instead of a traceback and Django's bare English "Server Error (500)"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request, exception)
        return None
