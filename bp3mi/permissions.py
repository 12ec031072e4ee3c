"""The permission mixin every personal-data view uses.

A view names the permission it needs and the selector that scopes its rows to the user.
Anonymous users are sent to the login page, signed-in users without the permission get 403,
and an object outside the user's scope is a 404, exactly like one that does not exist, so a
forged id in a URL learns nothing.
"""

from collections.abc import Callable

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import QuerySet


class ScopedPermissionMixin(PermissionRequiredMixin):
    """Requires `permission_required` and takes rows only from `selector(user=...)`."""

    selector: Callable[..., QuerySet] | None = None

    def get_queryset(self):
        if self.selector is None:
            raise NotImplementedError(f"{type(self).__name__} must name a selector.")
        return type(self).selector(user=self.request.user)


class ScopedAnyPermissionMixin(ScopedPermissionMixin):
    """Like ScopedPermissionMixin, but any one of `permission_required` is enough: a page a
    CPMI opens for their own rows and an officer for everyone's; the selector scopes them."""

    def has_permission(self):
        return any(self.request.user.has_perm(p) for p in self.get_permission_required())
