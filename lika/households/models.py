from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit


class LegalGender(models.TextChoices):
    """Juridiskt kön, as in the population register (FACTS.md §7)."""

    FEMALE = "F", _("Kvinna")
    MALE = "M", _("Man")


class Language(models.TextChoices):
    """The language a person wants the decision letter in, beside the Swedish original
    (docs/casework.md, "The letter in English and Arabic")."""

    SWEDISH = "sv", _("Svenska")
    ENGLISH = "en", _("Engelska")
    ARABIC = "ar", _("Arabiska")


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
    preferred_language = models.CharField(_("språk för beslutsbrev"), max_length=2, choices=Language.choices,
                                          default=Language.SWEDISH)

    class PaymentMethod(models.TextChoices):
        """How the person's own half is paid (issue 14): into her account, or by
        utbetalningsavi (a money order the bank posts to her address).  Chosen by the case
        worker, logged (``lika.cases.people.payment_method_set``)."""

        ACCOUNT = "account", _("Till konto")
        AVI = "avi", _("Utbetalningsavi till adressen")

    payment_method = models.CharField(_("utbetalningssätt"), max_length=7, choices=PaymentMethod.choices,
                                      default=PaymentMethod.ACCOUNT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name"]
        constraints = [models.CheckConstraint(condition=Q(preferred_language__in=["sv", "en", "ar"]),
                                              name="person_preferred_language_known")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def formatted_identity_number(self):
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"

    @cached_property
    def address_hidden(self) -> bool:
        """Is this person's address protected: her own skyddad identitet, or a household
        (now or before) shared with someone who has one?  Pages and letters show the
        address only when this is false (or through the logged reveal).  Lists set it
        for many persons at once with ``mark_hidden_addresses``."""
        return self.pk in persons_with_hidden_address([self.pk])


def persons_with_hidden_address(person_ids) -> set[int]:
    """Of ``person_ids``, those whose address is hidden (one query): protected themselves,
    or members, at any time, of a household where someone protected is or was a member.
    A household shares one address, so protection is the household's, not the person's."""
    ids = [pk for pk in person_ids if pk is not None]
    if not ids:
        return set()
    shares_with_protected = HouseholdMembership.objects.filter(
        person_id__in=ids, household__memberships__person__protected_identity=True).values("person_id")
    return set(Person.objects.filter(pk__in=ids)
               .filter(Q(protected_identity=True) | Q(pk__in=shares_with_protected))
               .values_list("pk", flat=True))


def mark_hidden_addresses(persons) -> None:
    """Set ``address_hidden`` on each of ``persons`` with one query for them all."""
    persons = list(persons)
    hidden = persons_with_hidden_address({p.pk for p in persons})
    for person in persons:
        person.__dict__["address_hidden"] = person.pk in hidden


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
        # Shares the dwelling but is not part of this household's need (an adult child not
        # in school, a relative, a lodger): counts only in the number of persons who share
        # the common household costs (SoF 2001:937 2 kap. 1 §); never a party, never paid,
        # income and costs not merged; may have an own case in her own right.
        CO_RESIDENT = "co_resident", _("Annan person i bostaden (egen försörjning)")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("roll"), max_length=11, choices=Role.choices)
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
            models.CheckConstraint(condition=models.Q(role__in=["adult", "child", "co_resident"]),
                                   name="membership_role_valid"),
            # a co-resident is nobody's sambo in this household and no child of it
            models.CheckConstraint(condition=~models.Q(role="co_resident")
                                   | models.Q(cohabiting=False, hemmavarande=False, days_present__isnull=True),
                                   name="membership_co_resident_plain"),
        ]

    def __str__(self):
        return f"{self.person} i {self.household} ({self.get_role_display()}, från {self.valid_from})"


class BankAccountChange(models.Model):
    """A change of a person's bank account, requested by one user and confirmed by
    another of the unit (four eyes) — after the account holder confirmed it, or a
    colleague checked it.  The person's account fields change only on confirmation;
    until then payments go to the account on record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        CONFIRMED = "confirmed", _("Bekräftad")
        CANCELLED = "cancelled", _("Återkallad")

    class Channel(models.TextChoices):
        COLLEAGUE = "colleague", _("Kontrollerad av kollega")
        HOLDER_VISIT = "holder_visit", _("Kontohavaren bekräftade vid besök med legitimation")
        HOLDER_PHONE = "holder_phone", _("Kontohavaren bekräftade när vi ringde upp")
        HOLDER_E_ID = "holder_e_id", _("Kontohavaren bekräftade med e-legitimation")
        HOLDER_BANK = "holder_bank", _("Intyg från banken om kontohavaren")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="account_changes")
    old_iban = models.CharField(_("tidigare IBAN"), max_length=34, blank=True)
    old_clearing = models.CharField(_("tidigare clearingnummer"), max_length=5, blank=True)
    old_account = models.CharField(_("tidigare kontonummer"), max_length=20, blank=True)
    new_iban = models.CharField(_("nytt IBAN"), max_length=34, blank=True)
    new_clearing = models.CharField(_("nytt clearingnummer"), max_length=5, blank=True)
    new_account = models.CharField(_("nytt kontonummer"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("begärd av"))
    requested_at = models.DateTimeField(default=timezone.now)
    # The account holder herself, when she asked in her own login in the e-service
    # (requested_by is then the e-service's system user; issue 16).
    requested_by_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+", verbose_name=_("begärd av kontohavaren"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("bekräftad av"))
    confirmed_channel = models.CharField(_("hur ändringen bekräftades"), max_length=12, choices=Channel.choices,
                                         blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("återkallad av"))
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kontoändring")
        verbose_name_plural = _("kontoändringar")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # four eyes, whatever the code does: the confirmer is never the requester
            models.CheckConstraint(condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("requested_by")),
                                   name="account_change_four_eyes"),
            # a confirmed change names who confirmed, how and when; a pending one none of it
            models.CheckConstraint(
                condition=(Q(status="confirmed", confirmed_by__isnull=False, confirmed_at__isnull=False)
                           & ~Q(confirmed_channel=""))
                | (~Q(status="confirmed") & Q(confirmed_by__isnull=True, confirmed_at__isnull=True)),
                name="account_change_confirmation_complete"),
            models.CheckConstraint(condition=~Q(new_iban="") | ~Q(new_account=""),
                                   name="account_change_has_new_account"),
            # one pending change per person
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"),
                                    name="one_pending_account_change_per_person"),
            # a holder asks in the e-service only for her own account, never the partner's
            models.CheckConstraint(condition=Q(requested_by_person__isnull=True) | Q(requested_by_person=F("person")),
                                   name="account_change_holder_asks_for_herself"),
        ]
        indexes = [models.Index(fields=["person", "confirmed_at"])]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"

    @staticmethod
    def describe(iban: str, clearing: str, account: str) -> str:
        if iban:
            return iban
        if account:
            return f"{clearing}-{account}"
        return "–"

    @property
    def old_text(self) -> str:
        return self.describe(self.old_iban, self.old_clearing, self.old_account)

    @property
    def new_text(self) -> str:
        return self.describe(self.new_iban, self.new_clearing, self.new_account)


class TransferRequest(models.Model):
    """An enhetschef asks the unit that handles a person to hand her case over.  The
    asking unit learns nothing about the person from asking: the handling unit sees the
    request, answers it, and (when it agrees) closes its case or ends her membership."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Väntar på svar")
        ACCEPTED = "accepted", _("Godkänd")
        DECLINED = "declined", _("Avslagen")

    # what the asking manager typed; the person only when the number is in Lika (the asking
    # unit is never told which: its list shows every request it made the same way)
    identity_number = models.CharField(_("personnummer"), max_length=12)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="transfer_requests")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="transfer_requests",
                                verbose_name=_("till enhet"))
    message = models.TextField(_("meddelande"), max_length=1000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("begärd av"))
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("besvarad av"))
    decided_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("svar"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("begäran om flytt av ärende")
        verbose_name_plural = _("begäranden om flytt av ärende")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["identity_number", "to_unit"], condition=Q(status="requested"),
                                    name="one_open_transfer_request_per_person_and_unit"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                                   name="transfer_request_answered_by_another"),
            models.CheckConstraint(condition=Q(status="requested", decided_by__isnull=True)
                                   | (~Q(status="requested") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                                   name="transfer_request_answer_complete"),
        ]

    def __str__(self):
        return f"{self.identity_number} → {self.to_unit}: {self.get_status_display()}"

    @property
    def formatted_identity_number(self):
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"
