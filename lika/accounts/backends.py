"""The user of a request, read with her unit (issue 18): every staff page shows or checks the
unit, so reading it with the user saves a query on each of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UnitUserMixin:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class UnitModelBackend(UnitUserMixin, ModelBackend):
    """Django's ModelBackend (username and password), the user read with her unit."""
