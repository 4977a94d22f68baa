from django.conf import settings

from lika.accounts.models import Municipality


def municipality(request):
    name = settings.LIKA_MUNICIPALITY_NAME
    if not name:
        first = Municipality.objects.order_by("id").first() if request.user.is_authenticated else None
        name = first.name if first else ""
    return {"municipality_name": name}
