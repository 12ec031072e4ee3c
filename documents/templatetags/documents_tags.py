from django import template

from documents.selectors import letters_context, own_registration_scope

register = template.Library()


@register.inclusion_tag("documents/_dashboard_cpmi.html", takes_context=True)
def cpmi_documents(context):
    """The CPMI's registrations with a link to each document checklist (dashboard card)."""
    user = context["request"].user
    return {
        "registrations": list(own_registration_scope(user=user).order_by("-created_at")[:5]),
        "request": context["request"],
    }


@register.inclusion_tag("documents/_letters.html", takes_context=True)
def registration_letters(context, registration):
    """The letters of a registration with their state and actions, for pages of apps below
    documents (the officer's registration detail)."""
    request = context["request"]
    return {
        **letters_context(user=request.user, registration=registration),
        "registration": registration,
        "request": request,
        "perms": context.get("perms"),
        "csrf_token": context.get("csrf_token"),
    }
