"""The integration API's own records (issue 18, docs/api.md).

- :class:`ApiClient`: one connected system (an economy or archive system, a club's
  membership system).  Its token is stored only as a SHA-256 hash; the secret is shown
  once, when the client is made.  What the system does is recorded with its own system
  user (``user``, role ``api_client`` or, for an association's system, ``association``),
  so the access log names the client (``api:<name>``).
- :class:`ApiEvent`: the decision and payment event feed.  Rows are written only by
  database triggers on ``cases_decision`` and ``payments_paymentorder`` (migration
  0002) and never changed or deleted; ``txid`` is the writing transaction's id on
  PostgreSQL (0 on SQLite), which lets the feed hand out an event only once every
  earlier-numbered transaction has ended (lika/api/feed.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit


class ApiClient(models.Model):
    name = models.CharField(_("namn"), max_length=60, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("enheter"))
    association = models.ForeignKey("grants.Association", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("förening"))
    # issue 18: may follow the grants' decisions and payments (/api/v1/grant-events/), e.g. the
    # municipality's economy system; never an association's own system
    grant_events = models.BooleanField(_("bidragens beslut och betalningar"), default=False)
    can_read = models.BooleanField(_("läsa"), default=True)
    can_write = models.BooleanField(_("skriva"), default=False)
    token_prefix = models.CharField(_("nyckelns början"), max_length=16)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("skapad av"))
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("återkallad av"))
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("anslutet system")
        verbose_name_plural = _("anslutna system")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(can_read=True) | Q(can_write=True), name="api_client_has_scope"),
            models.CheckConstraint(condition=Q(grant_events=False) | Q(can_read=True, association__isnull=True),
                                   name="api_client_grant_events_read_not_association"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                                   | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                                   name="api_client_revocation_complete"),
        ]

    def __str__(self):
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scopes(self) -> list[str]:
        return [s for s, on in (("read", self.can_read), ("write", self.can_write),
                                ("grant-events", self.grant_events)) if on]


class FeedEvent(models.Model):
    """What every feed row has: the decision it is about, an amount in öre, when, and the
    writing transaction's id (the feed's order, lika/api/feed.py)."""

    decision_id = models.BigIntegerField()
    payment_order_id = models.BigIntegerField(null=True, blank=True)
    amount = models.BigIntegerField(_("belopp (öre)"))
    occurred_at = models.DateTimeField(_("tidpunkt"))
    txid = models.BigIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["txid", "id"]

    def __str__(self):
        return f"{self.kind} {self.decision_id}"


class ApiEvent(FeedEvent):
    class Kind(models.TextChoices):
        DECISION_CREATED = "decision_created", _("Beslut skapat")
        DECISION_ISSUED = "decision_issued", _("Beslut fattat")
        PAYMENT_EXPORTED = "payment_exported", _("Betalning skickad (i betalfil)")
        PAYMENT_PAID = "payment_paid", _("Betalning utbetald")
        PAYMENT_RETURNED = "payment_returned", _("Betalning returnerad")
        PAYMENT_REJECTED = "payment_rejected", _("Betalning avvisad av banken")

    kind = models.CharField(_("händelse"), max_length=20, choices=Kind.choices)
    case_id = models.BigIntegerField()

    class Meta(FeedEvent.Meta):
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        indexes = [models.Index(fields=["txid", "id"], name="api_event_position")]


class ApiGrantEvent(FeedEvent):
    """The grants' decision and payment feed (/api/v1/grant-events/): written only by
    triggers on ``grants_grantdecision`` and ``payments_grantpaymentorder`` (migration
    0004), never changed or deleted; followed with the same cursor as ``ApiEvent``."""

    class Kind(models.TextChoices):
        DECISION_MADE = "grant_decision_made", _("Bidragsbeslut fattat")
        PAYMENT_EXPORTED = "grant_payment_exported", _("Bidragsbetalning skickad (i betalfil)")
        PAYMENT_PAID = "grant_payment_paid", _("Bidragsbetalning utbetald")
        PAYMENT_RETURNED = "grant_payment_returned", _("Bidragsbetalning returnerad")
        PAYMENT_REJECTED = "grant_payment_rejected", _("Bidragsbetalning avvisad av banken")

    kind = models.CharField(_("händelse"), max_length=24, choices=Kind.choices)
    application_id = models.BigIntegerField()
    association_id = models.BigIntegerField()

    class Meta(FeedEvent.Meta):
        verbose_name = _("bidragshändelse")
        verbose_name_plural = _("bidragshändelser")
        indexes = [models.Index(fields=["txid", "id"], name="api_grant_event_position")]
