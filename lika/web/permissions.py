from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from lika.accounts.models import Role

CALCULATE_ROLES = (Role.CASE_WORKER, Role.UNIT_MANAGER, Role.ADMINISTRATOR)
NORM_READ_ROLES = (Role.CASE_WORKER, Role.UNIT_MANAGER, Role.PAYMENT_OFFICER, Role.ANALYST, Role.ADMINISTRATOR)


def role_required(*roles):
    """Logged in and holding one of ``roles``, else 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
