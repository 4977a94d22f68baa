"""Template context for the e-service's pages (only under /e-tjanst/)."""

from django.conf import settings

from .session import current_resident

PREFIX = "/e-tjanst/"


def eservice(request):
    if not request.path.startswith(PREFIX):
        return {}
    return {
        "resident": current_resident(request),
        "eservice_languages": settings.LIKA_ESERVICE_LANGUAGES,
        "quick_exit_url": settings.LIKA_QUICK_EXIT_URL,
        "violence_contacts": settings.LIKA_VIOLENCE_SUPPORT,
        "demo_login": settings.LIKA_ESERVICE_DEMO_LOGIN,
    }
