from django.conf import settings


def office(request):
    """The office's name and address for the layout and letters."""
    return {"office": settings.OFFICE}
