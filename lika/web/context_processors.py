from django.conf import settings
from django.utils.functional import SimpleLazyObject

from lika.accounts.models import Municipality, Role
from lika.cases.access import can_work_with_cases
from lika.payments.views import can_handle_payments
from lika.statistics.access import can_view_statistics

from .permissions import CALCULATE_ROLES


def municipality(request):
    """The municipality's name for the header: LIKA_MUNICIPALITY_NAME, else read from the
    database when the page shows it, unless the view already gave it (the statistics)."""
    name = settings.LIKA_MUNICIPALITY_NAME
    if name:
        return {"municipality_name": name, "staff_languages": settings.LIKA_STAFF_LANGUAGES}

    def read():
        first = Municipality.objects.order_by("id").first() if request.user.is_authenticated else None
        return first.name if first else ""

    return {"municipality_name": SimpleLazyObject(read), "staff_languages": settings.LIKA_STAFF_LANGUAGES}


def navigation(request):
    """What the menu offers: the same role checks as the views it links to."""
    user = request.user
    signed_in = user.is_authenticated
    return {
        "can_calculate": signed_in and user.has_role(*CALCULATE_ROLES),
        "can_work_with_cases": can_work_with_cases(user),
        "can_handle_payments": can_handle_payments(user),
        "can_view_statistics": can_view_statistics(user),
        "can_search_access_log": signed_in and user.has_role(Role.UNIT_MANAGER, Role.ADMINISTRATOR),
    }
