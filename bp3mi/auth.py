"""Glue between the login form and django-axes."""


def axes_username(request, credentials=None) -> str:
    """The address typed into the login form, lower-cased, so that 'A@x' and 'a@x' count as
    the same account when failures are counted."""
    source = credentials if credentials else getattr(request, "POST", {})
    return (source.get("username") or source.get("email") or "").strip().lower()
