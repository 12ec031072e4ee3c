"""Template tags with which other pages show complaint figures: the dashboard's cards and
the P3MI's cases by status on the staff directory page (stakeholders does not import
complaints; complaints provides the number)."""

from django import template

from stakeholders.choices import StakeholderKind

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


@register.inclusion_tag("complaints/_p3mi_cases.html", takes_context=True)
def p3mi_complaints(context, stakeholder):
    user = context["user"]
    if stakeholder.kind != StakeholderKind.P3MI or not user.has_perm(
        "stakeholders.view_stakeholder"
    ):
        return {"hidden": True}
    return {
        "stakeholder": stakeholder,
        "counts": selectors.p3mi_case_counts(stakeholder=stakeholder),
        "can_list": user.has_perm("complaints.view_case"),
    }
