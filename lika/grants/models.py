"""Registers for grants to associations (docs/grants.md, "In Lika").

Rule versions are append-only: once saved, a ``ProgrammeRuleVersion`` is never changed or
deleted (the model refuses, and a trigger does on PostgreSQL), because an application's
result snapshot names the version it was computed with."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from lika.identity.bank import BankAccountError, parse_bank_account, parse_bankgiro


def validate_orgnr(value):
    """Organisationsnummer, lag (1974:174) om identitetsbeteckning för juridiska personer
    m.fl.: ten digits, the last a Luhn check digit (python-stdnum ``stdnum.se.orgnr``)."""
    try:
        orgnr.validate(value)
    except StdnumError:
        raise ValidationError(_("Organisationsnumret är inte giltigt (10 siffror, NNNNNN-NNNN, med rätt kontrollsiffra).")) from None


def validate_bankgiro(value):
    if not value:
        return
    try:
        parse_bankgiro(value)
    except BankAccountError:
        raise ValidationError(_("Bankgironumret är inte giltigt.")) from None


def validate_plusgiro(value):
    """PlusGirot: 2–8 digits, the last a modulus 10 (Luhn) check digit (Nordea, "PlusGirot
    – kontonummer"; an issue 15 handling rule)."""
    if not value:
        return
    digits = value.replace("-", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit() and 2 <= len(digits) <= 8 and luhn.is_valid(digits)):
        raise ValidationError(_("Plusgironumret är inte giltigt."))


def format_plusgiro(value: str) -> str:
    digits = value.replace("-", "").replace(" ", "")
    return f"{digits[:-1]}-{digits[-1]}" if digits else ""


class Gender(models.TextChoices):
    FEMALE = "F", _("Kvinna")
    MALE = "M", _("Man")
    UNKNOWN = "", _("Okänt")


class Association(models.Model):
    orgnr = models.CharField(_("organisationsnummer"), max_length=11, unique=True, validators=[validate_orgnr])
    name = models.CharField(_("namn"), max_length=200)
    address = models.TextField(_("adress"), blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)
    bankgiro = models.CharField(_("bankgiro"), max_length=9, blank=True, validators=[validate_bankgiro])
    plusgiro = models.CharField(_("plusgiro"), max_length=11, blank=True, validators=[validate_plusgiro])
    # issue 15 (handling): a bank account instead of a giro number, checked with bankkonto
    bank_clearing = models.CharField(_("clearingnummer"), max_length=6, blank=True)
    bank_account = models.CharField(_("kontonummer"), max_length=20, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("förening")
        verbose_name_plural = _("föreningar")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.orgnr = orgnr.format(orgnr.compact(self.orgnr))
        if self.bankgiro:
            self.bankgiro = parse_bankgiro(self.bankgiro)
        if self.plusgiro:
            self.plusgiro = format_plusgiro(self.plusgiro)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.bank_clearing or self.bank_account:
            try:
                parse_bank_account(self.bank_clearing, self.bank_account)
            except BankAccountError as exc:
                raise ValidationError({"bank_account": _("Bankkontot är inte giltigt: %(reason)s.") % {
                    "reason": exc}}) from None


class BoardMember(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="board")
    year = models.PositiveSmallIntegerField(_("år"))
    name = models.CharField(_("namn"), max_length=200)
    role = models.CharField(_("uppdrag"), max_length=100)
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"), null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.role}, {self.year})"


class MembershipCount(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="members")
    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("åldersintervall"), max_length=20)
    count = models.PositiveIntegerField(_("antal"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["association", "year", "gender", "age_band"],
                                               name="membership_count_unique")]

    def __str__(self):
        return f"{self.year} {self.gender or '-'} {self.age_band}: {self.count}"


class GrantGiver(models.Model):
    """A board that gives grants or sponsorship (e.g. Kultur- och fritidsnämnden)."""

    name = models.CharField(_("namn"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("bidragsgivare")
        verbose_name_plural = _("bidragsgivare")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Aktivitetsbidrag")
        OPERATING = "operating", _("Verksamhetsbidrag")
        PROJECT = "project", _("Projektbidrag")
        PREMISES = "premises", _("Lokalbidrag")
        SPONSORSHIP = "sponsorship", _("Sponsring")

    giver = models.ForeignKey(GrantGiver, on_delete=models.PROTECT, related_name="programmes")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("bidragsprogram")
        verbose_name_plural = _("bidragsprogram")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeBudget(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.BigIntegerField(_("budget (öre)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="programme_budget_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="programme_budget_non_negative"),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


class ProgrammeRuleVersion(models.Model):
    """One version of a programme's rules, as the dict ``lika.core.grants.parse_rule_version``
    reads. Append-only."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rule_versions")
    valid_from = models.DateField(_("gäller från"))
    rules = models.JSONField(_("regler"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("inlagd"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "valid_from"], name="rule_version_unique")]
        ordering = ["valid_from"]

    def __str__(self):
        return f"{self.programme} från {self.valid_from}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("En regelversion ändras aldrig; lägg in en ny version i stället."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("En regelversion tas aldrig bort."))


class GrantApplication(models.Model):
    """An association's application to a programme of any kind.

    For an activity grant ``total`` is what the rules engine computed from the reported
    attendance (``result`` holds the snapshot, per occasion); for an operating, project or
    premises grant ``total`` is the amount applied for and ``result`` is empty. What is
    granted is the decision's (``GrantDecision``), never this row's."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Inskickad")
        UNDER_ASSESSMENT = "assessment", _("Under bedömning")
        DECIDED = "decided", _("Beslutad")
        WITHDRAWN = "withdrawn", _("Återtagen")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="applications")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    year = models.PositiveSmallIntegerField(_("år"))
    period_from = models.DateField(_("första sammankomst"))
    period_to = models.DateField(_("sista sammankomst"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    total = models.BigIntegerField(_("belopp (öre)"))
    result = models.JSONField(_("beräkning"), default=dict, blank=True)
    # operating, project and premises grants: what it is for, and for premises the hours
    purpose = models.TextField(_("ändamål"), blank=True)
    premises_hours = models.DecimalField(_("lokaltimmar"), max_digits=9, decimal_places=2, null=True, blank=True)
    rule_versions = models.ManyToManyField(ProgrammeRuleVersion, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("inskickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bidragsansökan")
        verbose_name_plural = _("bidragsansökningar")
        constraints = [models.CheckConstraint(condition=models.Q(total__gte=0), name="grant_total_non_negative")]

    def __str__(self):
        return f"{self.association} {self.year} ({self.pk})"


class ApplicationCount(models.Model):
    """Deltagartillfällen and amount per legal gender and age band (for 3R queries)."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="counts")
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("åldersintervall"), max_length=20)
    participations = models.PositiveIntegerField(_("deltagartillfällen"))
    amount = models.BigIntegerField(_("belopp (öre)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "gender", "age_band"],
                                               name="application_count_unique")]

    def __str__(self):
        return f"{self.gender or '-'} {self.age_band}"


# --- handling: assessment and decision (issue 15, docs/grants.md "Handling") -----------

class GrantAssessment(models.Model):
    """The officer's bedömning of an application. Append-only (a trigger on both
    engines, grants migration 0005): a new assessment is a new row; the latest is shown
    and copied into the decision."""

    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="assessments")
    text = models.TextField(_("bedömning"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("skriven"), default=timezone.now)

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        ordering = ["written_at", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="grant_assessment_has_text")]

    def __str__(self):
        return f"bedömning {self.application_id} ({self.written_at:%Y-%m-%d})"


class GrantDecision(models.Model):
    """The one decision on an application: granted (what was applied for or computed),
    partly granted (less, with reasons) or refused (with reasons). Never changed or
    deleted (a trigger on both engines); the letter's HTML is fixed when it is made."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Beviljas")
        PARTLY = "partly", _("Beviljas delvis")
        REFUSED = "refused", _("Avslås")

    application = models.OneToOneField(GrantApplication, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome.choices)
    amount = models.BigIntegerField(_("beviljat (öre)"))
    applied_amount = models.BigIntegerField(_("sökt (öre)"))
    reasons = models.TextField(_("skäl"), blank=True)
    assessment = models.TextField(_("bedömning"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("beslutat"), default=timezone.now)
    letter_html = models.TextField(_("beslutsbrev"), blank=True)

    class Meta:
        verbose_name = _("bidragsbeslut")
        verbose_name_plural = _("bidragsbeslut")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(outcome="granted", amount__gt=0, amount=models.F("applied_amount"))
                           | models.Q(outcome="partly", amount__gt=0, amount__lt=models.F("applied_amount"))
                           & ~models.Q(reasons="")
                           | models.Q(outcome="refused", amount=0) & ~models.Q(reasons="")),
                name="grant_decision_outcome_amount_reasons"),
        ]

    def __str__(self):
        return f"beslut {self.application_id}: {self.outcome} {self.amount}"
