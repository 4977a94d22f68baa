from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("namn"), max_length=100)
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    # The day the municipality began paying couples half each (the statistics compare the
    # share of money reaching women before and after it).
    equal_split_from = models.DateField(_("delad utbetalning infördes"), null=True, blank=True)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An enhet: case workers see only the cases of their own unit."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("namn"), max_length=100)
    code = models.SlugField(_("kod"), max_length=40)
    # The unit's contact on decision letters (set by an administrator: ``lika set-contact``).
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="unit_code_unique")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Socialsekreterare")
    UNIT_MANAGER = "unit_manager", _("Enhetschef")
    PAYMENT_OFFICER = "payment_officer", _("Utbetalare")
    ANALYST = "analyst", _("Analytiker")
    ADMINISTRATOR = "administrator", _("Systemadministratör")
    ASSOCIATION = "association", _("Förening")
    GRANTS_OFFICER = "grants_officer", _("Bidragshandläggare")
    # The residents' e-service as the acting user of what residents do (never logs in):
    # the resident herself is named in the row and in the access log.
    ESERVICE = "eservice", _("E-tjänsten (system)")
    # A connected system's own user (issue 18, lika/api): never logs in; what the system
    # reads and writes through the API is logged with it (docs/api.md).
    API_CLIENT = "api_client", _("Anslutet system (API)")


class User(AbstractUser):
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.CASE_WORKER)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    # Attesträtt: may attest a payment run prepared by someone else (four eyes).
    can_attest_payments = models.BooleanField(_("attesträtt för utbetalningar"), default=False)
    # The case worker's work phone on decision letters (e-mail: ``email``); set by an
    # administrator (``lika set-contact``).
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    # Role ASSOCIATION: the one association whose grant pages the user sees.
    association = models.ForeignKey("grants.Association", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="users", verbose_name=_("förening"))

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        constraints = [
            # an association user sees one association's pages; nobody else belongs to one
            models.CheckConstraint(condition=models.Q(role="association", association__isnull=False)
                                   | (~models.Q(role="association") & models.Q(association__isnull=True)),
                                   name="user_association_iff_association_role"),
        ]

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    def has_role(self, *roles):
        return self.is_active and self.role in roles


class LoginThrottle(models.Model):
    """Recent failed logins on one account from one source address: one row per pair.

    The account is the user when the username exists, else a keyed hash (HMAC-SHA256
    with SECRET_KEY) of the typed name: what was typed is never stored.  A row is
    forgotten LIKA_LOGIN_LOCKOUT_SECONDS after its last failure (and deleted by the next
    failure anywhere).  The rule is in lika/accounts/throttle.py."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    username_hmac = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=64)
    failures = models.PositiveIntegerField()
    last_failure_at = models.DateTimeField(db_index=True)
    # No try from this source on this account before then (set before the password is checked).
    blocked_until = models.DateTimeField()

    class Meta:
        verbose_name = _("inloggningsbroms")
        verbose_name_plural = _("inloggningsbromsar")
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], condition=models.Q(user__isnull=False),
                                    name="login_throttle_user_source"),
            models.UniqueConstraint(fields=["username_hmac", "source"], condition=models.Q(user__isnull=True),
                                    name="login_throttle_name_source"),
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False, username_hmac="")
                           | (models.Q(user__isnull=True) & ~models.Q(username_hmac=""))),
                name="login_throttle_user_or_hash"),
        ]

    def __str__(self):
        return f"{self.user_id or self.username_hmac[:12]} {self.source} {self.failures}"


class MunicipalitySetting(models.Model):
    """A municipality setting from a date (issue 17): append-only, a change is a new row.
    The row with the latest ``valid_from`` on or before a day overrides the environment
    default (``LIKA_PAY_DAY`` …) on that day; read through ``lika.accounts.settings.current``."""

    class Name(models.TextChoices):
        PAY_DAY = "pay_day", _("Utbetalningsdag")
        DELEGATION_LIMIT_KRONOR = "delegation_limit_kronor", _("Delegationsgräns, kronor")
        STATISTICS_THRESHOLD = "statistics_threshold", _("Gräns för små tal i statistiken")
        EXCEPTION_MONTHS = "exception_months", _("Undantag från delad utbetalning, månader")
        PLAN_DAYS = "plan_days", _("Dagar till egen plan")
        ACCOUNT_CHANGE_HOLD_DAYS = "account_change_hold_days", _("Dagar att hålla utbetalning efter kontoändring")

    name = models.CharField(_("inställning"), max_length=40, choices=Name.choices)
    value = models.IntegerField(_("värde"))
    valid_from = models.DateField(_("gäller från"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("ändrad av"))
    changed_at = models.DateTimeField(_("ändrad"), auto_now_add=True)

    class Meta:
        verbose_name = _("kommunal inställning")
        verbose_name_plural = _("kommunala inställningar")
        ordering = ["name", "valid_from", "id"]
        indexes = [models.Index(fields=["name", "valid_from"], name="muni_setting_name_from")]

    def __str__(self):
        return f"{self.name}={self.value} från {self.valid_from}"
