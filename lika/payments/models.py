"""The monthly payment run: issued decisions become one payment order per recipient
(DESIGN.md M1: each adult to their own account), prepared by one user and attested
by another, exported to the bank as ISO 20022 pain.001.

Exactly once is the database's job: a decision share has at most one live order (a
partial unique constraint); only a rejected or returned order lets a new one exist,
and each returned order is re-issued at most once.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Decision, DecisionShare
from lika.households.models import Person

FAILED = ("rejected", "returned")


class PaymentRun(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("Förbereds")
        PREPARED = "prepared", _("Förberedd, väntar på attest")
        ATTESTED = "attested", _("Attesterad")
        EXPORTED = "exported", _("Fil skapad")  # not sent until the bank answers (issue 17)

    month = models.DateField(_("månad"))
    payday = models.DateField(_("utbetalningsdag"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARING)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("förberedd av"))
    prepared_at = models.DateTimeField(default=timezone.now)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("attesterad av"))
    attested_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    # issue 17: the file was really sent to the bank (who, when), recorded by payment staff
    sent_to_bank_at = models.DateTimeField(_("skickad till banken"), null=True, blank=True)
    sent_to_bank_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("skickad till banken av"))
    message_id = models.CharField(max_length=35, unique=True)
    file_version = models.CharField(max_length=2, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    order_count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(_("summa (öre)"), default=0)
    hold_count = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("utbetalningskörning")
        verbose_name_plural = _("utbetalningskörningar")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="payment_run_month_first_day"),
            models.CheckConstraint(condition=Q(attested_by__isnull=True) | ~Q(attested_by=F("prepared_by")),
                                   name="payment_run_four_eyes"),
            # two payment officers who start a month's run at once get one run, not two
            models.UniqueConstraint(fields=["month"], condition=Q(status="preparing"),
                                    name="one_preparing_run_per_month"),
            # issue 17: only an exported file is sent, and "sent" names who and when
            models.CheckConstraint(
                condition=Q(sent_to_bank_at__isnull=True, sent_to_bank_by__isnull=True)
                | Q(status="exported", sent_to_bank_at__isnull=False, sent_to_bank_by__isnull=False),
                name="payment_run_sent_to_bank_complete"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.pk})"


class PaymentOrder(models.Model):
    """One credit transfer: a decision share paid to one adult (or a direct payee)."""

    class Status(models.TextChoices):
        CREATED = "created", _("I körningen")  # sent when the run is exported
        EXPORTED = "exported", _("I betalfil")  # the file is made; the bank has not answered
        ACCEPTED = "accepted", _("Godkänd av banken")
        PAID = "paid", _("Utbetald")
        REJECTED = "rejected", _("Avvisad av banken")
        RETURNED = "returned", _("Returnerad")

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="orders")
    share = models.ForeignKey(DecisionShare, on_delete=models.PROTECT, related_name="orders")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payment_orders")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="payment_orders")
    payee_name = models.CharField(_("mottagare"), max_length=200)
    iban = models.CharField(max_length=34, blank=True)
    clearing = models.CharField(max_length=5, blank=True)
    account = models.CharField(max_length=20, blank=True)
    bankgiro = models.CharField(max_length=10, blank=True)
    # issue 14: an adult without an account is paid by utbetalningsavi (a money order the
    # bank posts to the address written here, never a protected one); ``account_key`` is
    # the account however it was written (IBAN or clearing + number: identity.bank.account_key),
    # which the database compares between the adults of one decision (migration 0006)
    method = models.CharField(_("utbetalningssätt"), max_length=7, choices=Person.PaymentMethod.choices,
                              default=Person.PaymentMethod.ACCOUNT)
    account_key = models.CharField(max_length=40, blank=True)
    street_address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))
    remittance = models.CharField(_("meddelande"), max_length=140)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CREATED)
    status_reason = models.CharField(_("orsak"), max_length=200, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    reissue_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="reissued_as")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("betalningsorder")
        verbose_name_plural = _("betalningsordrar")
        ordering = ["run", "id"]
        constraints = [
            # exactly once: one live order per decision share, whatever the code does
            models.UniqueConstraint(fields=["share"], condition=~Q(status__in=FAILED), name="one_live_order_per_share"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_amount_positive"),
            models.CheckConstraint(condition=(Q(method="account") & (~Q(iban="") | ~Q(account="") | ~Q(bankgiro="")))
                                   | (Q(method="avi", person__isnull=False, iban="", account="", bankgiro="")
                                      & ~Q(street_address="") & ~Q(postal_code="") & ~Q(city="")),
                                   name="payment_order_has_account_or_address"),
        ]
        indexes = [models.Index(fields=["run", "status"]), models.Index(fields=["person", "created_at"])]

    def __str__(self):
        return f"{self.end_to_end_id} {self.amount}"


class PaymentHold(models.Model):
    """A share held back from a run, with the reason; listed for the case worker."""

    class Reason(models.TextChoices):
        COMPOSITION_CHANGED = "composition_changed", _("Hushållet har ändrats efter beslutet")
        NO_ACCOUNT = "no_account", _("Kontouppgift saknas")
        INVALID_ACCOUNT = "invalid_account", _("Kontouppgiften är ogiltig")
        PROTECTED_NO_CHANNEL = "protected_no_channel", _("Skyddade personuppgifter och inget säkert sätt att betala")
        ACCOUNT_CHANGED = "account_changed", _("Kontot har nyligen ändrats")
        SHARED_ACCOUNT = "shared_account", _("Båda vuxnas delar till samma konto")
        PROTECTED_ADDRESS = "protected_address", _("Skyddad adress: betala via enheten")
        NO_ADDRESS = "no_address", _("Adress saknas för utbetalningsavi")

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="holds")
    share = models.ForeignKey(DecisionShare, on_delete=models.PROTECT, related_name="holds")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payment_holds")
    reason = models.CharField(_("orsak"), max_length=24, choices=Reason.choices)
    detail = models.CharField(_("detaljer"), max_length=200, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stoppad utbetalning")
        verbose_name_plural = _("stoppade utbetalningar")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "share"], name="one_hold_per_share_and_run")]

    def __str__(self):
        return f"{self.reason} ({self.share_id})"


class PaymentOffset(models.Model):
    """Avräkning: when a decision changed an earlier one (ändringsbeslut), each payee is
    paid only what is still owed.  ``earlier_paid`` is what the application's earlier
    orders had paid the payee (the live orders listed in ``counted_orders``) when the
    decision was settled; the new decision's share is then paid ``to_pay``, and what was
    paid beyond it is ``overpaid`` (the case worker decides on any claim: återkrav,
    lika/core/settlement.py names the source).  A payee paid earlier who has no share in the new decision gets an
    offset without a share (all of it overpaid).

    One offset per decision and payee, written in the same transaction as the orders;
    the database refuses an order of a changed decision without its offset, or for
    another amount than it says is owed (payments migration 0004)."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="offsets")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payment_offsets")
    share = models.OneToOneField(DecisionShare, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="offset")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    direct_payee = models.CharField(_("betalningsmottagare"), max_length=200, blank=True)
    earlier_paid = models.BigIntegerField(_("redan utbetalt (öre)"))
    to_pay = models.BigIntegerField(_("att betala (öre)"))
    overpaid = models.BigIntegerField(_("överbetalt (öre)"))
    counted_orders = models.JSONField(_("räknade betalningar"), default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avräkning")
        verbose_name_plural = _("avräkningar")
        ordering = ["run", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(earlier_paid__gte=0) & Q(to_pay__gte=0) & Q(overpaid__gte=0),
                                   name="offset_amounts_not_negative"),
            models.CheckConstraint(condition=Q(to_pay=0) | Q(overpaid=0), name="offset_pays_or_overpaid"),
            models.CheckConstraint(condition=Q(to_pay=0) | Q(share__isnull=False), name="offset_pays_a_share"),
            models.UniqueConstraint(fields=["decision", "person"], condition=Q(person__isnull=False),
                                    name="one_offset_per_decision_and_person"),
            models.UniqueConstraint(fields=["decision", "direct_payee"], condition=Q(person__isnull=True),
                                    name="one_offset_per_decision_and_direct_payee"),
        ]

    def __str__(self):
        return f"avräkning {self.decision_id}/{self.person_id or self.direct_payee}: {self.to_pay} / {self.overpaid}"


# --- grants to associations (issue 15, docs/payments.md "Grant orders") ----------------

class GrantPaymentOrder(models.Model):
    """One credit transfer of a grant decision to the association's bankgiro, plusgiro or
    bank account, in the same monthly run and file as the income-support orders.

    Exactly once is the database's job: one live order per grant decision (a partial
    unique constraint; a rejected or returned order lets a new one exist), the amount
    above zero and equal to the decision's, and the payee, account and amount never
    changed afterwards (triggers on both engines, payments migration 0007)."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="grant_orders")
    decision = models.ForeignKey("grants.GrantDecision", on_delete=models.PROTECT, related_name="payment_orders")
    association = models.ForeignKey("grants.Association", on_delete=models.PROTECT, related_name="payment_orders")
    payee_name = models.CharField(_("mottagare"), max_length=200)
    clearing = models.CharField(max_length=5, blank=True)
    account = models.CharField(max_length=20, blank=True)
    bankgiro = models.CharField(max_length=10, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))
    remittance = models.CharField(_("meddelande"), max_length=140)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentOrder.Status.choices,
                              default=PaymentOrder.Status.CREATED)
    status_reason = models.CharField(_("orsak"), max_length=200, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("betalningsorder för bidrag")
        verbose_name_plural = _("betalningsordrar för bidrag")
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision"], condition=~Q(status__in=FAILED),
                                    name="one_live_order_per_grant_decision"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_order_amount_positive"),
            models.CheckConstraint(condition=(~Q(clearing="") & ~Q(account="") & Q(bankgiro=""))
                                   | (Q(clearing="", account="") & ~Q(bankgiro="")),
                                   name="grant_order_one_account"),
        ]

    def __str__(self):
        return f"{self.end_to_end_id} {self.amount}"


class GrantPaymentHold(models.Model):
    """A grant decision held back from a run (no valid payee account), with the reason."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="grant_holds")
    decision = models.ForeignKey("grants.GrantDecision", on_delete=models.PROTECT, related_name="payment_holds")
    reason = models.CharField(_("orsak"), max_length=24, choices=PaymentHold.Reason.choices)
    detail = models.CharField(_("detaljer"), max_length=200, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))

    class Meta:
        verbose_name = _("stoppad utbetalning av bidrag")
        verbose_name_plural = _("stoppade utbetalningar av bidrag")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "decision"], name="one_grant_hold_per_run")]

    def __str__(self):
        return f"{self.reason} ({self.decision_id})"
