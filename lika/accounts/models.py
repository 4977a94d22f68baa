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


class User(AbstractUser):
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.CASE_WORKER)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    # Attesträtt: may attest a payment run prepared by someone else (four eyes).
    can_attest_payments = models.BooleanField(_("attesträtt för utbetalningar"), default=False)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    def has_role(self, *roles):
        return self.is_active and self.role in roles


class FailedLogin(models.Model):
    """A failed login attempt, kept to lock an account after repeated failures."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("misslyckad inloggning")
        verbose_name_plural = _("misslyckade inloggningar")

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
