"""Ärenden: a household's case, its monthly applications, the calculations made
on them, the decisions and who received each decision (DESIGN.md M1–M5, M7).

Calculations and issued decisions are immutable: a new calculation supersedes
the old one, a changed decision is a new decision.  Money is integer öre.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit
from lika.households.models import Household, Person
from lika.norms.models import NormTableVersion


class ImmutableError(RuntimeError):
    pass


class Case(models.Model):
    """An ärende: one household's försörjningsstöd in one unit."""

    class Status(models.TextChoices):
        OPEN = "open", _("Aktuellt")
        CLOSED = "closed", _("Avslutat")

    reference = models.CharField(_("ärendenummer"), max_length=20, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases")
    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="case")
    # The person who applied first (M5): set from the first application, never by gender.
    registerledare = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("registerledare"))
    case_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="cases", verbose_name=_("handläggare"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    class CloseReason(models.TextChoices):
        # Reasons for leaving support (HSLF-FS 2015:30 4 § and bilaga 2; the register
        # codes are in lika/core/socialstyrelsen_file.py EXIT_CODES, docs/formats.md).
        # Values before issue 14 keep their meaning: "work" is work (without a known
        # anställningsstöd), "other_benefit" a benefit not listed separately.
        WORK = "work", _("Egen försörjning genom arbete")
        WORK_SUBSIDISED = "work_subsidised", _("Arbete med anställningsstöd (t.ex. nystartsjobb, lönebidrag)")
        STUDIES = "studies", _("Studier med studiemedel")
        UNEMPLOYMENT_BENEFIT = "unemployment_benefit", _("Arbetslöshetsersättning eller aktivitetsstöd")
        ESTABLISHMENT = "establishment", _("Etableringsersättning")
        SICKNESS_BENEFIT = "sickness_benefit", _("Sjukpenning, sjuk- eller aktivitetsersättning")
        PARENTAL_BENEFIT = "parental_benefit", _("Föräldrapenning")
        PENSION = "pension", _("Pension eller äldreförsörjningsstöd")
        OTHER_BENEFIT = "other_benefit", _("Annan ersättning (t.ex. a-kassa, sjukpenning, pension)")
        MOVED = "moved", _("Flyttat från kommunen")
        DECEASED = "deceased", _("Avliden")
        NO_CONTACT = "no_contact", _("Ingen ny ansökan")
        OTHER = "other", _("Annat")

    opened_on = models.DateField(_("aktualiserat"), default=timezone.localdate)
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    close_reason = models.CharField(_("anledning till avslut"), max_length=20, choices=CloseReason.choices,
                                    blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-opened_on", "-id"]
        # the statistics count cases opened and closed by date
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["opened_on"]),
                   models.Index(fields=["closed_on"])]

    def __str__(self):
        return self.reference


class Application(models.Model):
    """An ansökan for one month, made by one adult or both jointly."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Inkommen")
        CALCULATED = "calculated", _("Beräknad")
        DECIDED = "decided", _("Beslutad")
        # an issued decision is being changed (ändringsbeslut / omprövning): the issued
        # decision stays in force until the new one is issued
        CHANGING = "changing", _("Under ändring")
        WITHDRAWN = "withdrawn", _("Återtagen")

    class Channel(models.TextChoices):
        E_SERVICE = "e_service", _("E-tjänst")
        PAPER = "paper", _("Pappersblankett")
        VISIT = "visit", _("Besök")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="applications")
    month = models.DateField(_("månad"), help_text=_("Den första dagen i månaden"))
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("sökande"))
    received_on = models.DateField(_("inkom"), default=timezone.localdate)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices, default=Channel.E_SERVICE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # issue 17: a withdrawal records why, and the status it had, so it can be undone (återuppta)
    withdraw_reason = models.TextField(_("skäl till återtagandet"), null=True, blank=True)  # noqa: DJ001 null: SQLite adds
    # the column without remaking the table (its triggers name it)
    withdrawn_from = models.CharField(_("status före återtagandet"), max_length=10, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        ordering = ["-month", "-id"]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="application_month_first_day")]
        indexes = [models.Index(fields=["case", "month"])]

    def __str__(self):
        return f"{self.case} {self.month:%Y-%m}"


class ApplicationParty(models.Model):
    """A party to the application: the sökande, and the medsökande in a joint one.
    Each party confirms the application themselves."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Sökande")
        CO_APPLICANT = "co_applicant", _("Medsökande")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="application_parties")
    role = models.CharField(_("roll"), max_length=12, choices=Role.choices)
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    confirmed_channel = models.CharField(_("bekräftad via"), max_length=10, choices=Application.Channel.choices,
                                         blank=True)
    confirmation_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                                 null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["application", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="party_once")]

    def __str__(self):
        return f"{self.person_id} {self.role}"


class ApplicationCost(models.Model):
    """A cost applied for, of one member (or the whole household when ``person`` is empty)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="costs")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    type = models.CharField(_("kostnad"), max_length=20)
    amount = models.BigIntegerField(_("belopp (öre)"))
    note = models.CharField(_("anteckning"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_not_negative")]

    def __str__(self):
        return f"{self.type} {self.amount}"


class HousingDeviation(models.Model):
    """A case worker's documented deviation from the municipality's guideline for skälig
    boendekostnad on one application: the housing cost is accepted above the guideline
    (in full, or up to ``accepted_amount``) for a stated reason, recorded with who and
    when.  Never changed: a new deviation or its withdrawal ends the one before
    (``ended_at``); one in force per application (docs/casework.md)."""

    class Reason(models.TextChoices):
        SHORT_TIME = "short_time", _("Kort tid: behovet av bistånd väntas vara kortvarigt")
        CHILDREN_SCHOOL = "children_school", _("Barns skolgång eller förskola")
        DISABILITY = "disability", _("Funktionsnedsättning eller sjukdom")
        NO_CHEAPER_HOUSING = "no_cheaper_housing", _("Det finns ingen billigare bostad att få")
        OTHER = "other", _("Annat skäl")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="housing_deviations")
    reason = models.CharField(_("skäl"), max_length=20, choices=Reason.choices)
    reason_text = models.TextField(_("motivering"))
    accepted_amount = models.BigIntegerField(_("godtagen boendekostnad (öre)"), null=True, blank=True,
                                             help_text=_("Tomt: hela boendekostnaden godtas"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dokumenterat"), default=timezone.now)
    ended_at = models.DateTimeField(_("upphört"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("avsteg från riktlinjen för boendekostnad")
        verbose_name_plural = _("avsteg från riktlinjen för boendekostnad")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason_text=""), name="housing_deviation_states_reason"),
            models.CheckConstraint(condition=Q(accepted_amount__isnull=True) | Q(accepted_amount__gt=0),
                                   name="housing_deviation_amount_positive"),
            models.UniqueConstraint(fields=["application"], condition=Q(ended_at__isnull=True),
                                    name="one_housing_deviation_in_force"),
        ]

    def __str__(self):
        return f"avsteg {self.pk} ({self.reason})"


class ApplicationIncome(models.Model):
    """An income of one member (or the household), after tax."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="incomes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    type = models.CharField(_("inkomst"), max_length=30)
    amount = models.BigIntegerField(_("belopp (öre)"))
    note = models.CharField(_("anteckning"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="income_amount_not_negative")]

    def __str__(self):
        return f"{self.type} {self.amount}"


class SupportObstacle(models.Model):
    """Försörjningshinder, recorded for each adult (FACTS.md §4)."""

    class Category(models.TextChoices):
        # The register keeps three kinds of unemployment apart (HSLF-FS 2015:30 bilaga 1;
        # docs/formats.md).  "unemployed" (before issue 14 plain "Arbetslös") is the one
        # without any benefit; cases_0006 moved records with an unemployment benefit
        # among the adult's incomes to "unemployed_insufficient".
        UNEMPLOYED = "unemployed", _("Arbetslös – ingen ersättning")
        UNEMPLOYED_INSUFFICIENT = "unemployed_insufficient", _("Arbetslös – otillräcklig ersättning")
        UNEMPLOYED_WAITING = "unemployed_waiting", _("Arbetslös – väntar på ersättning")
        UNEMPLOYED_ESTABLISHMENT = "unemployed_establishment", _("Arbetslös med etableringsersättning")
        WORKING = "working", _("Arbetar, otillräcklig inkomst")
        SICK_CERTIFIED = "sick_certified", _("Sjukskriven med läkarintyg")
        SICKNESS_COMPENSATION = "sickness_compensation", _("Sjuk- eller aktivitetsersättning")
        SOCIAL_REASONS = "social_reasons", _("Arbetshinder – sociala skäl")
        PARENTAL_LEAVE = "parental_leave", _("Föräldraledig")
        NONE = "none", _("Utan försörjningshinder")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="obstacles")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("försörjningshinder"), max_length=30, choices=Category.choices)

    class Meta:
        verbose_name = _("försörjningshinder")
        verbose_name_plural = _("försörjningshinder")
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="obstacle_once_per_adult")]

    def __str__(self):
        return f"{self.person_id} {self.category}"


class CaseCalculation(models.Model):
    """An immutable snapshot: the input as the JSON contract, the norm table version
    and the itemised result.  A new calculation supersedes the old one."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="calculations")
    norm_table = models.ForeignKey(NormTableVersion, on_delete=models.PROTECT, related_name="+")
    input = models.JSONField(_("indata"))
    members = models.JSONField(_("medlemmar"), help_text=_("Person-id i samma ordning som indata"))
    result = models.JSONField(_("resultat"))
    support = models.BigIntegerField(_("beräknat bistånd (öre)"))
    provisional = models.BooleanField(_("preliminär normtabell"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)

    class Meta:
        verbose_name = _("beräkning")
        verbose_name_plural = _("beräkningar")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["application"], condition=Q(superseded_at__isnull=True),
                                               name="one_current_calculation")]


    def __str__(self):
        return f"beräkning {self.pk} ({self.application})"

    def save(self, *args, **kwargs):
        if self.pk is not None and kwargs.get("update_fields") != ["superseded_at"]:
            raise ImmutableError("en beräkning ändras inte: gör en ny")
        super().save(*args, **kwargs)


class PaymentException(models.Model):
    """Särskilda skäl to pay one adult only (M2): a reason category and a text,
    approved by the enhetschef, valid until an end date, then reviewed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Väntar på godkännande")
        APPROVED = "approved", _("Godkänt")
        REJECTED = "rejected", _("Avslaget")
        ENDED = "ended", _("Avslutat")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payment_exceptions")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("mottagare"))
    reason = models.CharField(_("särskilda skäl"), max_length=40)
    reason_text = models.TextField(_("motivering"))
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("chefens kommentar"), blank=True)
    reviewed_at = models.DateTimeField(_("omprövat"), null=True, blank=True)

    class Meta:
        verbose_name = _("undantag från delad utbetalning")
        verbose_name_plural = _("undantag från delad utbetalning")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")),
                                              name="exception_period_valid")]

    def __str__(self):
        return f"undantag {self.pk} ({self.reason})"


class Decision(models.Model):
    """A beslut on an application: lines, payment arrangement, recipients.
    Immutable once issued: a change is a new decision that supersedes it (the old one
    gets ``superseded_at``, its only field that may still be written).

    The database keeps one current issued decision per application and one decision
    awaiting the enhetschef per application (partial unique constraints)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        AWAITING_APPROVAL = "awaiting_approval", _("Väntar på enhetschef")
        ISSUED = "issued", _("Fattat")
        # a proposal that was never issued: withdrawn, sent back, or replaced by a later one
        CANCELLED = "cancelled", _("Återkallat")

    class PaymentMode(models.TextChoices):
        EQUAL = "equal", _("Lika delning mellan de vuxna")
        SINGLE = "single", _("Till en vuxen (särskilda skäl)")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    calculation = models.ForeignKey(CaseCalculation, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    applied_amount = models.BigIntegerField(_("beräknat behov (öre)"))
    granted_amount = models.BigIntegerField(_("beviljat (öre)"))
    payment_mode = models.CharField(_("utbetalning"), max_length=8, choices=PaymentMode.choices,
                                    default=PaymentMode.EQUAL)
    payment_exception = models.ForeignKey(PaymentException, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="decisions")
    requires_manager = models.BooleanField(_("kräver enhetschef"), default=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("beslutsfattare"))
    decided_at = models.DateTimeField(_("beslutsdatum"), null=True, blank=True)
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by")
    # An ändringsbeslut (a change of an issued decision) states why it changes it.
    change_reason = models.TextField(_("skäl till ändringen"), blank=True)
    # When a later decision replaced this one (an issued decision: it is no longer in
    # force; a proposal: it was cancelled), or the proposal was withdrawn.
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    cancel_reason = models.CharField(_("orsak"), max_length=200, blank=True)
    # The calculation rests on a provisional norm table or an estimated cell: the one who
    # issues the decision acknowledges that the amount is preliminary (issue 14).
    norm_provisional = models.BooleanField(_("preliminär riksnorm"), default=False)
    provisional_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("preliminär riksnorm godtagen av"))
    provisional_acknowledged_at = models.DateTimeField(_("preliminär riksnorm godtagen"), null=True, blank=True)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(granted_amount__gte=0), name="decision_granted_not_negative"),
            models.CheckConstraint(condition=Q(payment_mode="equal") | Q(payment_exception__isnull=False),
                                   name="single_recipient_needs_exception"),
            # at most one decision in force per application (application-month)
            models.UniqueConstraint(fields=["application"],
                                    condition=Q(status="issued", superseded_at__isnull=True),
                                    name="one_current_decision"),
            # at most one proposal waiting for the enhetschef per application
            models.UniqueConstraint(fields=["application"], condition=Q(status="awaiting_approval"),
                                    name="one_pending_decision"),
            models.CheckConstraint(condition=Q(supersedes__isnull=True) | ~Q(change_reason=""),
                                   name="change_decision_states_reason"),
            models.CheckConstraint(condition=~Q(status="cancelled") | Q(superseded_at__isnull=False),
                                   name="cancelled_decision_has_time"),
            # an issued decision on a provisional norm says who acknowledged it, and when
            models.CheckConstraint(
                condition=(~Q(status="issued") | Q(norm_provisional=False)
                           | Q(provisional_acknowledged_by__isnull=False, provisional_acknowledged_at__isnull=False)),
                name="provisional_decision_acknowledged"),
        ]

    def __str__(self):
        return f"beslut {self.pk} ({self.application})"

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.ISSUED and self.superseded_at is None

    def get_state_display(self) -> str:
        """The status as a case worker reads it: an issued decision that a later one
        replaced is "ersatt"."""
        if self.status == self.Status.ISSUED and self.superseded_at is not None:
            return str(_("Ersatt av ändringsbeslut"))
        return self.get_status_display()


class DecisionLine(models.Model):
    """Bifall, delvis bifall or avslag on one line of the calculation."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Bifall")
        PARTLY = "partly", _("Delvis bifall")
        REFUSED = "refused", _("Avslag")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12)
    rule = models.CharField(max_length=60)
    label = models.CharField(_("post"), max_length=200)
    applied_amount = models.BigIntegerField(_("beräknat (öre)"))
    # what the calculation accepts of the applied amount (a housing cost above the municipal
    # guideline: the guideline's amount, or more with a documented deviation); null on lines
    # made before it was recorded.  The database refuses a line granting more (migration 0006).
    accepted_amount = models.BigIntegerField(_("godtaget enligt beräkningen (öre)"), null=True, blank=True)
    granted_amount = models.BigIntegerField(_("beviljat (öre)"))
    outcome = models.CharField(_("beslut"), max_length=8, choices=Outcome.choices)
    reason = models.TextField(_("motivering"), blank=True)
    legal_basis = models.CharField(_("lagrum"), max_length=200, blank=True)

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="decision_line_position_unique"),
            models.CheckConstraint(condition=Q(granted_amount__gte=0) & Q(granted_amount__lte=F("applied_amount")),
                                   name="decision_line_granted_within_applied"),
            models.CheckConstraint(condition=Q(outcome="granted") | ~Q(reason=""),
                                   name="decision_line_reason_unless_granted"),
        ]

    def __str__(self):
        return f"{self.label}: {self.outcome}"


class DecisionShare(models.Model):
    """How the granted amount is paid: to an adult, or directly to a payee."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    direct_type = models.CharField(_("direktbetalning"), max_length=20, blank=True)
    direct_payee = models.CharField(_("betalningsmottagare"), max_length=200, blank=True)
    direct_account = models.CharField(_("bankgiro eller konto"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))
    rule = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="share_amount_not_negative"),
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(direct_payee=""),
                                   name="share_has_payee"),
        ]

    def __str__(self):
        return f"{self.person_id or self.direct_payee}: {self.amount}"


class DecisionRecipient(models.Model):
    """Every decision goes to both adults (M3): one row and one letter each."""

    class Channel(models.TextChoices):
        POST = "post", _("Brev med post")
        DIGITAL_MAILBOX = "digital_mailbox", _("Digital brevlåda")
        E_SERVICE = "e_service", _("E-tjänsten")
        IN_PERSON = "in_person", _("Överlämnat vid besök")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions_received")
    # The letter's content is fixed when the decision is issued (letter_html); the PDF is
    # made from it when first needed and kept (letter), so issuing stays fast.
    letter_html = models.TextField(_("beslutsbrev"), blank=True)
    letter = models.BinaryField(_("beslutsbrev (PDF)"), null=True, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_created_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices, blank=True)
    delivered_on = models.DateField(_("skickat/lämnat"), null=True, blank=True)
    delivery_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")

    class Meta:
        verbose_name = _("beslutsmottagare")
        verbose_name_plural = _("beslutsmottagare")
        ordering = ["decision", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "person"], name="recipient_once")]

    def __str__(self):
        return f"beslut {self.decision_id} till {self.person_id}"


class JournalNote(models.Model):
    """A journalanteckning: timestamped and signed; never edited (a correction is a new note)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal")
    written_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signature = models.CharField(_("signatur"), max_length=150)
    text = models.TextField(_("anteckning"))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections")

    class Meta:
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journal")
        ordering = ["-written_at", "-id"]


    def __str__(self):
        return f"{self.written_at:%Y-%m-%d %H:%M} {self.signature}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("en signerad journalanteckning ändras inte")
        super().save(*args, **kwargs)


from .models_attachments import CaseDocument  # noqa: E402,F401  issue 17, attachments
from .models_corrections import CaseHandover  # noqa: E402, F401 - issue 17: handing a case over
from .models_dispatch import LetterDispatch, PrintBatch  # noqa: E402,F401  (issue 17: utskick)
