"""The dashboard's complaint cards (my open cases, the overdue list)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("complaints/_dashboard_cards.html", takes_context=True)
def complaints_dashboard(context):
    user = context["user"]
    overdue, overdue_count = selectors.overdue_cases(user=user)
    return {
        "user": user,
        "perms": context.get("perms"),
        "my_cases": selectors.my_open_cases(user=user)
        if user.has_perm("complaints.change_case")
        else [],
        "overdue": overdue,
        "overdue_count": overdue_count,
    }
