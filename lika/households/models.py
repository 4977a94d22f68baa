from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit


class LegalGender(models.TextChoices):
    """Juridiskt kön, as in the population register (FACTS.md §7)."""

    FEMALE = "F", _("Kvinna")
    MALE = "M", _("Man")


class Person(models.Model):
    identity_number = models.CharField(_("personnummer"), max_length=12, unique=True,
                                       help_text=_("Personnummer eller samordningsnummer, 12 siffror"))
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"))
    legal_gender = models.CharField(_("juridiskt kön"), max_length=1, choices=LegalGender.choices)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    street_address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    bank_clearing = models.CharField(_("clearingnummer"), max_length=5, blank=True)
    bank_account = models.CharField(_("kontonummer"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def formatted_identity_number(self):
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"


class Household(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households")
    reference = models.CharField(_("hushållsnummer"), max_length=20, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hushåll")
        verbose_name_plural = _("hushåll")

    def __str__(self):
        return self.reference


class HouseholdMembership(models.Model):
    """Who belonged to the household from when to when: history is kept, never overwritten."""

    class Role(models.TextChoices):
        ADULT = "adult", _("Vuxen")
        CHILD = "child", _("Barn")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("roll"), max_length=5, choices=Role.choices)
    cohabiting = models.BooleanField(_("gift, registrerad partner eller sambo"), default=False)
    lunch_at_home = models.BooleanField(_("äter lunch hemma"), default=True)
    days_present = models.PositiveSmallIntegerField(_("dagar i hemmet per månad (växelvis boende)"),
                                                    null=True, blank=True)
    hemmavarande = models.BooleanField(_("hemmavarande ungdom 19–20 år"), default=False)
    valid_from = models.DateField(_("från"))
    valid_to = models.DateField(_("till"), null=True, blank=True)

    class Meta:
        verbose_name = _("hushållsmedlem")
        verbose_name_plural = _("hushållsmedlemmar")
        ordering = ["household", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                                   name="membership_period_valid"),
            models.CheckConstraint(condition=models.Q(days_present__isnull=True) | models.Q(days_present__lte=31),
                                   name="membership_days_present_valid"),
        ]

    def __str__(self):
        return f"{self.person} i {self.household} ({self.get_role_display()}, från {self.valid_from})"
