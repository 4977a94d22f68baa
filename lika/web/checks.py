"""Deploy checks of Lika's own (``lika check --deploy``): the web hardening of
docs/security.md cannot be switched off by a settings change without the check saying so."""

from django.conf import settings
from django.core.checks import Warning, register

REQUIRED_MIDDLEWARE = ("csp.middleware.CSPMiddleware", "lika.web.middleware.NoStoreMiddleware")
REQUIRED_DIRECTIVES = {"script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
                       "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'"}


@register("security", deploy=True)
def web_hardening_check(app_configs, **kwargs):
    problems = [Warning(f"{name} saknas i MIDDLEWARE", id="lika.W001",
                        hint="docs/security.md, Web hardening")
                for name in REQUIRED_MIDDLEWARE if name not in settings.MIDDLEWARE]
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
    for name, value in REQUIRED_DIRECTIVES.items():
        if list(directives.get(name) or []) != [value]:
            problems.append(Warning(f"Content-Security-Policy: {name} ska vara {value}, inte "
                                    f"{' '.join(directives.get(name) or []) or 'tom'}",
                                    id="lika.W002", hint="docs/security.md, Web hardening"))
    return problems
