import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language with the switch in the header.

    The browser's Accept-Language is ignored on purpose: a Swedish authority's case
    workers and citizens get Swedish whatever their browser is set to.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language


class IdleTimeoutMiddleware:
    """The idle timeout counts from the last request: a signed-in session's expiry moves on
    with every request, but it is written to the database at most once a minute
    (``LIKA_SESSION_REFRESH_SECONDS``), not on every page view.  A session therefore ends
    between ``SESSION_COOKIE_AGE`` minus that minute and ``SESSION_COOKIE_AGE`` after the
    last request.  Placed after SessionMiddleware, so that the session is saved on the way
    out."""

    KEY = "_lika_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.LIKA_SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class NoStoreMiddleware:
    """Every page and download a view answers is marked ``Cache-Control: no-store``
    (with Django's ``add_never_cache_headers``): neither the browser nor a proxy keeps a
    copy of a case, a letter, a payment file or an export, and the back button after
    logging out shows nothing.  Static files (WhiteNoise, placed before this) are not
    concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
