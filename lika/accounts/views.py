from django.conf import settings
from django.contrib.auth import views as auth_views

from .forms import LoginForm
from .throttle import DEVICE_COOKIE, DEVICE_SECONDS, device_cookie


class LoginView(auth_views.LoginView):
    """Django's login page with the throttled form; a successful login marks the browser as
    a device of the account (lika/accounts/throttle.py)."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(DEVICE_COOKIE, device_cookie(self.request, form.get_user()), max_age=DEVICE_SECONDS,
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response
