"""The portal's URLs plus one view that fails, to see the server error page (tests only)."""

from django.urls import include, path


def failing_view(request):
    raise RuntimeError("deliberate failure for the error page test")


urlpatterns = [
    path("uji-galat-server/", failing_view),
    path("", include("bp3mi.urls")),
]
