from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for


def office(request):
    """The office's name and address for the layout and letters."""
    return {"office": settings.OFFICE}


def navigation(request):
    """The main menu for this user, computed only when a template shows it."""
    user = getattr(request, "user", None)
    return {"main_menu": SimpleLazyObject(lambda: menu_for(user) if user is not None else [])}
