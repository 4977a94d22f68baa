"""Who may see the statistics: analytiker, enhetschefer and systemadministratörer.
The statistics hold no persons: every figure is a protected count or amount."""

from lika.accounts.models import Role

STATISTICS_ROLES = (Role.ANALYST, Role.UNIT_MANAGER, Role.ADMINISTRATOR)


def can_view_statistics(user) -> bool:
    return user.is_authenticated and user.has_role(*STATISTICS_ROLES)
