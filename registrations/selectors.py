"""Reads on registrations, scoped to what the user may see."""

from django.db.models import QuerySet

from bp3mi.models import User

from .models import Registration


def registration_scope(*, user: User) -> QuerySet[Registration]:
    """Officers who may view registrations see all of them; a CPMI sees only their own;
    anyone else sees none."""
    qs = Registration.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("registrations.view_registration"):
        return qs
    if user.has_perm("registrations.register_self"):
        return qs.filter(applicant__user=user)
    return qs.none()
