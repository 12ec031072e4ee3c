from django import template

from registrations.selectors import registration_of_user

register = template.Library()


@register.simple_tag(takes_context=True)
def cpmi_registration(context):
    """The registration the signed-in CPMI is working on or following, or None."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return None
    return registration_of_user(user=user)


@register.simple_tag
def registration_resume_url(registration):
    """Where the person continues filling in this registration."""
    from registrations.views import resume_url

    return resume_url(registration)
