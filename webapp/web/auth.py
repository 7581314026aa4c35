"""Authorization helpers used by every protected route.

Pages tied to a role answer 403 to people without it; records that belong to someone else
answer 404, so that their existence is not revealed.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..areas.models import Role


def role_required(role: Role):
    """Signed in and holding `role` (or higher) in at least one area; admins always pass."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def require_area_role(area_id: int, role: Role) -> None:
    """Abort with 403 unless the current person holds `role` in that area (or is an admin)."""
    if not current_user.is_authenticated or not current_user.has_role(role, area_id):
        abort(403)


def require_or_404(allowed: bool) -> None:
    """For someone else's record: pretend it does not exist."""
    if not allowed:
        abort(404)
