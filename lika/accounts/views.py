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

    def get_default_redirect_url(self):
        """Issue 17: a case worker's and an enhetschef's start page is "Mina ärenden"; other
        roles keep theirs (the overview, which sends an association user on to her grants)."""
        from django.urls import reverse

        from lika.cases.access import can_work_with_cases

        if not self.next_page and can_work_with_cases(self.request.user):
            return reverse("worklist")
        return super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(DEVICE_COOKIE, device_cookie(self.request, form.get_user()), max_age=DEVICE_SECONDS,
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response
