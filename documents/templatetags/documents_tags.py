from django import template

from documents.selectors import own_registration_scope

register = template.Library()


@register.inclusion_tag("documents/_dashboard_cpmi.html", takes_context=True)
def cpmi_documents(context):
    """The CPMI's registrations with a link to each document checklist (dashboard card)."""
    user = context["request"].user
    return {
        "registrations": list(own_registration_scope(user=user).order_by("-created_at")[:5]),
        "request": context["request"],
    }
