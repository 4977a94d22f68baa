"""Registers for grants to associations (docs/grants.md, "In Lika").

Rule versions are append-only: once saved, a ``ProgrammeRuleVersion`` is never changed or
deleted (the model refuses, and a trigger does on PostgreSQL), because an application's
result snapshot names the version it was computed with."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from lika.identity.bank import BankAccountError, parse_bank_account, parse_bankgiro, parse_plusgiro


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
    if not value:
        return
    try:
        parse_plusgiro(value)
    except BankAccountError:
        raise ValidationError(_("Plusgironumret är inte giltigt.")) from None


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
            self.plusgiro = parse_plusgiro(self.plusgiro)
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

    class Meta:
        # the 3R report finds the board of an association that applied in a year
        indexes = [models.Index(fields=["association", "year"], name="board_member_association_year")]

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

    class Kind(models.TextChoices):
        BOARD = "board", _("Nämnd")
        COMPANY = "company", _("Kommunalt bolag")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.BOARD)

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
    premises_cost = models.BigIntegerField(_("lokalkostnad (öre)"), null=True, blank=True)
    rule_versions = models.ManyToManyField(ProgrammeRuleVersion, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("inskickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bidragsansökan")
        verbose_name_plural = _("bidragsansökningar")
        constraints = [models.CheckConstraint(condition=models.Q(total__gte=0), name="grant_total_non_negative"),
                       models.CheckConstraint(condition=models.Q(premises_cost__gte=0) | models.Q(premises_cost=None),
                                              name="grant_premises_cost_non_negative")]

    def __str__(self):
        return f"{self.association} {self.year} ({self.pk})"


class ApplicationCount(models.Model):
    """Deltagartillfällen, amount and the distinct participants and leaders per legal gender
    and age band (for 3R queries; ``lika.core.grant_people`` counts the people)."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="counts")
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("åldersintervall"), max_length=20)
    participations = models.PositiveIntegerField(_("deltagartillfällen"))
    amount = models.BigIntegerField(_("belopp (öre)"))
    participants = models.PositiveIntegerField(_("deltagare"), default=0)
    leaders = models.PositiveIntegerField(_("ledare"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "gender", "age_band"],
                                               name="application_count_unique")]

    def __str__(self):
        return f"{self.gender or '-'} {self.age_band}"


class AssociationAccountChange(models.Model):
    """A change of the account an association's grants are paid to (bankgiro, plusgiro or a
    bank account),
    requested by one user and confirmed by another (four eyes, a check constraint) after the
    association's signatory confirmed it through a channel the municipality chose — the
    classic fraud against grant-givers is a forged letter asking to pay a new account.
    The association's account changes only on confirmation (``account_change_confirm``);
    until then its grants go to the account on record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        CONFIRMED = "confirmed", _("Bekräftad")
        CANCELLED = "cancelled", _("Återkallad")

    class Channel(models.TextChoices):
        SIGNATORY_PHONE = "signatory_phone", _("Firmatecknaren bekräftade när vi ringde upp på känt nummer")
        SIGNATORY_VISIT = "signatory_visit", _("Firmatecknaren bekräftade vid besök med legitimation")
        SIGNATORY_E_ID = "signatory_e_id", _("Firmatecknaren bekräftade med e-legitimation")
        BANK_CERTIFICATE = "bank_certificate", _("Intyg från banken om kontohavaren")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="account_changes")
    old_bankgiro = models.CharField(_("tidigare bankgiro"), max_length=9, blank=True)
    old_plusgiro = models.CharField(_("tidigare plusgiro"), max_length=11, blank=True)
    new_bankgiro = models.CharField(_("nytt bankgiro"), max_length=9, blank=True)
    new_plusgiro = models.CharField(_("nytt plusgiro"), max_length=11, blank=True)
    old_clearing = models.CharField(_("tidigare clearingnummer"), max_length=6, blank=True)
    old_account = models.CharField(_("tidigare kontonummer"), max_length=20, blank=True)
    new_clearing = models.CharField(_("nytt clearingnummer"), max_length=6, blank=True)
    new_account = models.CharField(_("nytt kontonummer"), max_length=20, blank=True)
    reason = models.CharField(_("anledning"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_channel = models.CharField(_("hur ändringen bekräftades"), max_length=20, choices=Channel.choices,
                                         blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kontoändring för förening")
        verbose_name_plural = _("kontoändringar för föreningar")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["association"], condition=models.Q(status="pending"),
                                    name="one_pending_account_change_per_association"),
            models.CheckConstraint(condition=~models.Q(new_bankgiro="") | ~models.Q(new_plusgiro="")
                                   | (~models.Q(new_clearing="") & ~models.Q(new_account="")),
                                   name="association_account_change_has_new_account"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | (models.Q(confirmed_by__isnull=False, confirmed_at__isnull=False) & ~models.Q(confirmed_channel="")
                   & ~models.Q(confirmed_by=models.F("requested_by"))),
                name="association_account_change_four_eyes"),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_by__isnull=False, cancelled_at__isnull=False),
                name="association_account_change_cancelled_by"),
        ]

    def __str__(self):
        return f"{self.association} {self.new_payee} ({self.status})"

    @property
    def new_payee(self) -> str:
        if self.new_bankgiro:
            return f"bankgiro {self.new_bankgiro}"
        if self.new_plusgiro:
            return f"plusgiro {self.new_plusgiro}"
        return f"bankkonto {self.new_clearing}-{self.new_account}"
# ---------------------------------------------------------------- sponsorship (sponsring)


class SponsorshipAgreement(models.Model):
    """A sponsorship agreement between a grant giver (a board or a municipal company) and an
    association.  It cannot be signed without a gender-equality assessment
    (``SponsorshipAssessment`` with its expected reach): the service checks it, and a
    trigger refuses it on both engines (migration ``grants/0005``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SIGNED = "signed", _("Undertecknat")
        ENDED = "ended", _("Avslutat")

    giver = models.ForeignKey(GrantGiver, on_delete=models.PROTECT, related_name="sponsorships")
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="sponsorships")
    activity = models.CharField(_("sponsrad verksamhet"), max_length=200)
    amount = models.BigIntegerField(_("belopp (öre)"))
    counter_performance = models.TextField(_("motprestation"))
    target_group = models.CharField(_("målgrupp"), max_length=200)
    period_from = models.DateField(_("avtalet gäller från"))
    period_to = models.DateField(_("avtalet gäller till"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("upprättat"), auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)
    signed_at = models.DateTimeField(_("undertecknat"), null=True, blank=True)
    ended_at = models.DateTimeField(_("avslutat"), null=True, blank=True)

    class Meta:
        verbose_name = _("sponsringsavtal")
        verbose_name_plural = _("sponsringsavtal")
        ordering = ["-period_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="sponsorship_amount_non_negative"),
            models.CheckConstraint(condition=models.Q(period_from__lte=models.F("period_to")),
                                   name="sponsorship_period_order"),
            models.CheckConstraint(condition=models.Q(status="draft") | models.Q(signed_by__isnull=False,
                                                                                 signed_at__isnull=False),
                                   name="sponsorship_signed_by_whom"),
            models.CheckConstraint(condition=~models.Q(status="ended") | models.Q(ended_at__isnull=False),
                                   name="sponsorship_ended_when"),
        ]

    def __str__(self):
        return f"{self.giver} – {self.association}: {self.activity}"


class SponsorshipAssessment(models.Model):
    """The gender-equality assessment (jämställdhetsbedömning) of an agreement: who the
    sponsored activity is expected to reach (``SponsorshipReach`` rows, stage expected), the
    assessor's text, who and when.  Fixed once the agreement is signed (trigger)."""

    agreement = models.OneToOneField(SponsorshipAgreement, on_delete=models.PROTECT, related_name="assessment")
    text = models.TextField(_("bedömning"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("bedömd"))

    class Meta:
        verbose_name = _("jämställdhetsbedömning")
        verbose_name_plural = _("jämställdhetsbedömningar")
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="sponsorship_assessment_text")]

    def __str__(self):
        return f"{self.agreement_id}: {self.assessed_at:%Y-%m-%d}"


class SponsorshipReport(models.Model):
    """What the association reached (its ``SponsorshipReach`` rows, stage actual), reported
    after the period by the association or the officer."""

    agreement = models.OneToOneField(SponsorshipAgreement, on_delete=models.PROTECT, related_name="report")
    text = models.TextField(_("kommentar"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("rapporterad"))

    def __str__(self):
        return f"{self.agreement_id}: {self.reported_at:%Y-%m-%d}"


class SponsorshipReach(models.Model):
    """Participants per legal gender and age band: expected (the assessment) or actual (the
    report)."""

    class Stage(models.TextChoices):
        EXPECTED = "expected", _("Förväntat")
        ACTUAL = "actual", _("Utfall")

    agreement = models.ForeignKey(SponsorshipAgreement, on_delete=models.PROTECT, related_name="reach")
    stage = models.CharField(_("skede"), max_length=10, choices=Stage.choices)
    gender = models.CharField(_("juridiskt kön"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("åldersintervall"), max_length=20)
    count = models.PositiveIntegerField(_("antal"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "stage", "gender", "age_band"],
                                               name="sponsorship_reach_unique")]

    def __str__(self):
        return f"{self.stage} {self.gender or '-'} {self.age_band}: {self.count}"


# ---------------------------------------------------------------- the association's documents


class AssociationDocument(models.Model):
    """A document the association uploads: statutes, annual report, annual accounts or
    budget.  PDF only (checked by content); the file is kept under
    ``settings.LIKA_PRIVATE_FILES`` (never under the web root) and served only to the
    association's users and the administrator, with an access-log row.  A new upload of the
    same kind and year is a new row; the earlier one is kept."""

    class Kind(models.TextChoices):
        STATUTES = "statutes", _("Stadgar")
        ANNUAL_REPORT = "annual_report", _("Verksamhetsberättelse")
        ANNUAL_ACCOUNTS = "annual_accounts", _("Årsbokslut eller årsredovisning")
        BUDGET = "budget", _("Budget")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    file_name = models.CharField(_("filnamn"), max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("föreningsdokument")
        verbose_name_plural = _("föreningsdokument")
        ordering = ["-year", "kind", "-uploaded_at"]

    def __str__(self):
        return f"{self.association} {self.get_kind_display()} {self.year}"
from .analysis_models import PopulationCount, RealiaText  # noqa: E402, F401  (the 3R analysis' registers)

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
