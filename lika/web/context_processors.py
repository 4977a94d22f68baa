from django.conf import settings

from lika.accounts.models import Municipality

from .permissions import CALCULATE_ROLES


def municipality(request):
    name = settings.LIKA_MUNICIPALITY_NAME
    if not name:
        first = Municipality.objects.order_by("id").first() if request.user.is_authenticated else None
        name = first.name if first else ""
    return {"municipality_name": name}


def navigation(request):
    """What the menu offers: the same role checks as the views it links to."""
    user = request.user
    return {"can_calculate": user.is_authenticated and user.has_role(*CALCULATE_ROLES)}
