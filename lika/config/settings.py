"""Lika's one settings file, driven by environment variables.

Every setting that differs between a laptop and production comes from the
environment (see README, "Configuration").  A secret may instead be read from a
file: ``SECRET_KEY_FILE=/run/secrets/lika_key`` works for any ``X`` that is read
through :func:`env`.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Letters are PDFs whose bytes must not depend on the clock (issue 18): when HarfBuzz-Subset is
# missing, WeasyPrint subsets fonts with fontTools, which stamps each subset font's 'head'
# table with the time it was made unless SOURCE_DATE_EPOCH is set
# (https://reproducible-builds.org/specs/source-date-epoch/).  2024-01-01 00:00 UTC.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1704067200")


def env(name, default=None):
    """Value of ``name`` from the environment, or from the file named by ``name_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)


def _local_secret_key():
    """A random key kept in var/secret_key, for machines that set no SECRET_KEY.  The file
    is created with mode 0600 (never readable by others, not even for a moment)."""
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it meanwhile: read theirs
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SITE_ROOT = env("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lika.accounts",
    "lika.audit",
    "lika.norms",
    "lika.housing",
    "lika.households",
    "lika.cases",
    "lika.plans",
    "lika.payments",
    "lika.statistics",
    "lika.grants",
    "lika.eservice",
    "lika.datacollection",
    "lika.web",
    "rest_framework",
    "drf_spectacular",
    "lika.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their own caching; every page and download
    # answered by a view gets the policy and Cache-Control: no-store (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "lika.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lika.web.middleware.IdleTimeoutMiddleware",
    "lika.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lika.accounts.settings.SettingsPerRequestMiddleware",  # the municipality's settings read once
    "lika.web.parameters.BoundedParametersMiddleware",  # NUL and over-long query parameters: 400
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lika.config.urls"
WSGI_APPLICATION = "lika.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lika.web.context_processors.municipality",
                "lika.web.context_processors.navigation",
                "lika.eservice.context.eservice",
            ],
        },
    },
]

# Widgets written directly, the same HTML as Django's widget templates (lika/web/form_renderer.py).
FORM_RENDERER = "lika.web.form_renderer.FastWidgetRenderer"

# --- Database -------------------------------------------------------------
# SQLite under var/ by default (embedded, for the demo and development);
# PostgreSQL when DATABASE_URL is set (production).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
else:
    SQLITE_PATH = Path(env("LIKA_SQLITE_PATH", str(BASE_DIR / "var" / "lika.sqlite3")))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the
                # write lock at BEGIN so two writers queue instead of failing with
                # "database is locked" half-way through a transaction.  recursive_triggers:
                # the rows that INSERT OR REPLACE deletes fire the delete triggers, so the
                # append-only records cannot be overwritten (lika/audit/migrations/0003).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;"
                ),
            },
            "TEST": {"NAME": env("LIKA_SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication ---------------------------------------------------------
# Django's ModelBackend, reading the user with her unit (lika/accounts/backends.py); OIDC
# adds its own backend when configured (docs/oidc.md).
AUTHENTICATION_BACKENDS = ["lika.accounts.backends.UnitModelBackend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(env("SESSION_TIMEOUT_SECONDS", "1800"))  # 30 minutes idle
# The timeout counts from the last request; lika.web.middleware.IdleTimeoutMiddleware writes
# the new expiry at most once a minute instead of saving the session on every request.
LIKA_SESSION_REFRESH_SECONDS = 60
# Login throttling (lika/accounts/throttle.py): after this many failed logins on one
# account from one source address, that address waits 2, 4, 8, ... seconds (doubling per
# further failure, at most LOGIN_LOCKOUT_SECONDS) before its next try on that account.
# Other addresses, and the right password from an address that has not failed, are never
# held back.  Failures older than LOGIN_LOCKOUT_SECONDS are forgotten.
LIKA_LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LIKA_LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- TLS and the reverse proxy -------------------------------------------------
# LIKA_BEHIND_TLS=1: the deployment is served over HTTPS by a reverse proxy in front of
# gunicorn (README, "Production on PostgreSQL").  Then plain HTTP is redirected to HTTPS
# (except the health check, for the load balancer), browsers are told to use HTTPS only
# (HSTS), cookies go over HTTPS only, the proxy's X-Forwarded-Proto says whether the request
# was HTTPS, and the client's address is the one the proxy appended to X-Forwarded-For.
LIKA_BEHIND_TLS = env_bool("LIKA_BEHIND_TLS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", LIKA_BEHIND_TLS)
SECURE_REDIRECT_EXEMPT = [r"^halsa/$", r"^redo/$"]  # the load balancer's and orchestrator's checks
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if LIKA_BEHIND_TLS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", LIKA_BEHIND_TLS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", LIKA_BEHIND_TLS)
if LIKA_BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of our own stand in front of Lika and append to X-Forwarded-For: the
# client's address is that many entries from the right.  0: REMOTE_ADDR, the header is
# ignored (anyone can write it).
LIKA_TRUSTED_PROXY_HOPS = int(env("LIKA_TRUSTED_PROXY_HOPS", "1" if LIKA_BEHIND_TLS else "0"))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", LIKA_BEHIND_TLS or (not DEBUG and bool(DATABASE_URL)))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Content-Security-Policy (django-csp) ------------------------------------------
# Scripts, styles, images and fonts only from Lika's own static files: no inline
# <script>, no on*= attributes, no style= attributes (tests/web/test_hardening.py), no
# plugins, no framing, forms post only to Lika.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("ar", "العربية")]
# The staff pages are in Swedish and English; the residents' e-service also in Arabic
# (right to left).  Adding a language to the e-service (Somali, Tigrinya, Dari…): add it to
# LANGUAGES and LIKA_ESERVICE_LANGUAGES and translate lika/eservice/locale/<code>/ (docs/eservice.md).
LIKA_STAFF_LANGUAGES = ("sv", "en")
LIKA_ESERVICE_LANGUAGES = ("sv", "en", "ar")
# lika/config/locale first: Django's own wording wherever an installed app (Django REST framework)
# translates the same message differently (tests/web/test_i18n_overrides.py).
LOCALE_PATHS = [BASE_DIR / "lika" / "config" / "locale", BASE_DIR / "lika" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Serve static files straight from the apps when collectstatic has not been run
# (the demo); production runs `lika collectstatic` (README).
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- Lika ---------------------------------------------------------------------
LIKA_MUNICIPALITY_NAME = env("LIKA_MUNICIPALITY_NAME", "")
# Categories of särskilda skäl for paying one partner only (DESIGN.md M2); the labels are
# translated (a municipality that adds its own should mark them with gettext_lazy too).
LIKA_PAYMENT_EXCEPTION_REASONS = {
    "violence_protection": _("Skydd mot våld eller ekonomiskt våld"),
    "unable_to_manage_money": _("Part kan inte hantera pengar på grund av allvarlig sjukdom"),
    "partner_abroad_or_institution": _("Part vistas utomlands eller på institution"),
    # issue 14: not a single recipient; lets both halves of the month go into one account
    # (e.g. a newly arrived couple with one account), approved by the enhetschef
    "shared_account": _("Gemensamt konto: båda delarna till samma konto"),
    "other": _("Annat särskilt skäl"),
}

# Delegation (delegationsordning): when the decisions in force for one case and month
# (with the one being made) grant more than this many kronor, the enhetschef decides.
# Paying one adult only needs an exception (särskilda skäl) approved by the enhetschef.
LIKA_DELEGATION_LIMIT_KRONOR = int(env("LIKA_DELEGATION_LIMIT_KRONOR", "30000"))
# An exception to the equal split runs this many months unless set otherwise; then the
# case worker is reminded to review it.
LIKA_EXCEPTION_MONTHS = int(env("LIKA_EXCEPTION_MONTHS", "6"))
# Days by which every adult should have an own plan (M4): the work list reminds this many
# days after the first decision; the statistics count plans made this many days after opening.
LIKA_PLAN_DAYS = int(env("LIKA_PLAN_DAYS", "30"))
# Issue 17: "Mina ärenden" reminds when an adult has had no individual meeting (held or booked
# ahead) within this many days (docs/meetings.md).
LIKA_INDIVIDUAL_MEETING_DAYS = int(env("LIKA_INDIVIDUAL_MEETING_DAYS", "90"))
# A payment run holds back a share whose person's bank account was changed (confirmed)
# this many days or fewer before the run, so the holder can react to a change they did
# not make.  0: no hold (the change is four-eyes confirmed anyway).  docs/security.md.
LIKA_ACCOUNT_CHANGE_HOLD_DAYS = int(env("LIKA_ACCOUNT_CHANGE_HOLD_DAYS", "0"))
# Statistics: a count under this number is hidden as ".." (with secondary suppression).
LIKA_STATISTICS_THRESHOLD = int(env("LIKA_STATISTICS_THRESHOLD", "5"))
# Support for people exposed to violence (M7): printed on every letter and shown when
# applying.  Kvinnofridslinjen is national; the municipality adds its own contact.
LIKA_VIOLENCE_SUPPORT = [
    ("Kvinnofridslinjen (dygnet runt, avgiftsfritt)", "020-50 50 50"),
    ("Socialtjänstens mottagning för våld i nära relationer",
     env("LIKA_VIOLENCE_CONTACT", "ring kommunens växel och fråga efter socialtjänsten")),
]
# --- The residents' e-service (docs/eservice.md) ----------------------------------
# Login: OpenID Connect toward the municipality's e-legitimation broker (BankID, Freja),
# through Authlib, which checks the ID token's signature, issuer, audience, expiry and nonce.
LIKA_ESERVICE_OIDC_DISCOVERY_URL = env("LIKA_ESERVICE_OIDC_DISCOVERY_URL", "")
LIKA_ESERVICE_OIDC_CLIENT_ID = env("LIKA_ESERVICE_OIDC_CLIENT_ID", "")
LIKA_ESERVICE_OIDC_CLIENT_SECRET = env("LIKA_ESERVICE_OIDC_CLIENT_SECRET", "")
# The claim holding the personnummer: the Swedish OIDC profile's (oidc.se) by default.
LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM = env("LIKA_ESERVICE_OIDC_PERSONNUMMER_CLAIM",
                                            "https://id.oidc.se/claim/personalIdentityNumber")
LIKA_ESERVICE_OIDC_SCOPE = env("LIKA_ESERVICE_OIDC_SCOPE", "openid https://id.oidc.se/scope/naturalPersonNumber")
# The demo's test login (pick a fictional person): never on in production.
LIKA_ESERVICE_DEMO_LOGIN = env_bool("LIKA_ESERVICE_DEMO_LOGIN", False)
# The unit (its code) that receives first applications from residents without a case;
# empty: the municipality's first unit.
LIKA_ESERVICE_INTAKE_UNIT = env("LIKA_ESERVICE_INTAKE_UNIT", "")
# Where "Lämna sidan snabbt" goes: a neutral page.
LIKA_QUICK_EXIT_URL = env("LIKA_QUICK_EXIT_URL", "https://www.google.se/")
# Notifications by e-mail and SMS: a pluggable sender (a class path); never sensitive content.
LIKA_NOTIFICATION_SENDER = env("LIKA_NOTIFICATION_SENDER", "lika.eservice.notify.ConsoleSender")
LIKA_NOTIFICATION_DIR = Path(env("LIKA_NOTIFICATION_DIR", str(BASE_DIR / "var" / "notifications")))

# --- Digital data collection (digital inhämtning, SSBTEK-style; docs/datacollection.md) ---
# Comma-separated dotted paths of BenefitSource classes (or of a tuple of them).  Empty by
# default: no source is asked until the municipality connects one.  `make demo` and the tests
# use the fictional lika.datacollection.simulated.ALL_SOURCES; never in production.
LIKA_BENEFIT_SOURCES = [p.strip() for p in env("LIKA_BENEFIT_SOURCES", "").split(",") if p.strip()]
# The longest a source may take to answer, in seconds (given to each adapter).
LIKA_BENEFIT_SOURCE_TIMEOUT = float(env("LIKA_BENEFIT_SOURCE_TIMEOUT", "10"))

# The municipality's postal address for appeals (överklagande), printed on letters.
LIKA_APPEAL_ADDRESS = env("LIKA_APPEAL_ADDRESS", "Socialnämnden, Box 1, 999 99 Lika")

# The municipality as payer in payment files (ISO 20022 pain.001): its account and
# organisationsnummer.  Fictional defaults for the demo.
LIKA_DEBTOR_NAME = env("LIKA_DEBTOR_NAME", "Lika kommun")
LIKA_DEBTOR_ORG_NUMBER = env("LIKA_DEBTOR_ORG_NUMBER", "2120009999")
LIKA_DEBTOR_IBAN = env("LIKA_DEBTOR_IBAN", "SE4550000000058398257466")
LIKA_DEBTOR_BIC = env("LIKA_DEBTOR_BIC", "ESSESESS")
# The municipality's pay day: this day of the month before the support month (moved to
# the banking day before it when it is not a banking day; lika/payments/bankdays.py).
LIKA_PAY_DAY = int(env("LIKA_PAY_DAY", "25"))
# Where payment files are written.
LIKA_PAYMENT_FILES = Path(env("LIKA_PAYMENT_FILES", str(BASE_DIR / "var" / "payments")))
# Where associations' uploaded documents (statutes, annual reports; PDF) are kept: outside
# the web root and STATIC_ROOT, served only through a view that checks who asks
# (lika/grants/registers.py).
LIKA_PRIVATE_FILES = Path(env("LIKA_PRIVATE_FILES", str(BASE_DIR / "var" / "private")))
# The largest file a resident attaches in the e-service or staff upload on a case, in bytes
# (lika/cases/files.py): may lower, never raise, the database's ceiling of 10 MB.
LIKA_UPLOAD_MAX_BYTES = int(env("LIKA_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Issue 17, utskick (docs/casework.md): the digital mailbox sender ("" none, "file" the file
# drop, or a class path) and the file drop's folder; the return address on the print batch's
# address pages (after the unit's name).
LIKA_DIGITAL_MAILBOX = env("LIKA_DIGITAL_MAILBOX", "")
LIKA_DIGITAL_MAILBOX_DIR = Path(env("LIKA_DIGITAL_MAILBOX_DIR", str(LIKA_PRIVATE_FILES / "digital-mailbox")))
LIKA_LETTER_RETURN_ADDRESS = env("LIKA_LETTER_RETURN_ADDRESS", "Box 1, 999 99 Lika")
# Accounting: the municipality's codes for the accounting file (konto, ansvar, verksamhet).
LIKA_ACCOUNTING_ACCOUNT = env("LIKA_ACCOUNTING_ACCOUNT", "4711")
LIKA_ACCOUNTING_RESPONSIBILITY = env("LIKA_ACCOUNTING_RESPONSIBILITY", "5100")
LIKA_ACCOUNTING_ACTIVITY = env("LIKA_ACCOUNTING_ACTIVITY", "7300")


# --- The integration API (issue 18, docs/api.md) ----------------------------------
# Token per connected system (lika.api.auth); every error is JSON with a Swedish reason
# and a code (lika.api.errors); the OpenAPI 3 document is served at /api/v1/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["lika.api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["lika.api.auth.ReadScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "lika.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lika API",
    "DESCRIPTION": "Läs ärenden, hushåll, ansökningar, beräkningar, beslut, betalningsordrar och nyckeltal; "
                   "skapa ansökningar och läs in närvarofiler; följ besluts- och betalningshändelser. "
                   "Belopp anges i hela ören (heltal). Se docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "lika.cases.models.Case.Status",
        "ApplicationStatusEnum": "lika.cases.models.Application.Status",
        "DecisionStatusEnum": "lika.cases.models.Decision.Status",
        "PaymentOrderStatusEnum": "lika.payments.models.PaymentOrder.Status",
    },
}
