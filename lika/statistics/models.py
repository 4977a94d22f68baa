"""Summary tables for the statistics (docs/kpi.md) and other municipalities' KPI values.

The summary tables are derived from the case and payment tables by
``lika.statistics.refresh`` with set-based SQL (one INSERT … SELECT per table and
period), never edited by hand: a refresh deletes what it covers and writes it again.  They
hold no names or identity numbers; ``person`` is kept so that people can be counted once
per period.  Rows with ``source = "H"`` (history) come from a municipality's earlier system
and are never touched by a refresh.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit
from lika.households.models import Person

LIKA, HISTORY = "L", "H"
SOURCES = [(LIKA, "Lika"), (HISTORY, _("Tidigare system"))]


class DecidedApplication(models.Model):
    """One row per application with an issued decision: the current decision (the latest
    issued one that no other issued decision supersedes) and facts about the household."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    case_id = models.BigIntegerField(null=True)
    application_id = models.BigIntegerField(null=True, unique=True)
    source = models.CharField(max_length=1, choices=SOURCES, default=LIKA)
    adults = models.PositiveSmallIntegerField()  # the decision's parties: the couple or the one adult
    applicant_gender = models.CharField(max_length=1, blank=True)
    registerledare_gender = models.CharField(max_length=1, blank=True)
    payment_mode = models.CharField(max_length=8)
    exception_reason = models.CharField(max_length=40, blank=True)
    single_recipient_gender = models.CharField(max_length=1, blank=True)
    granted = models.BigIntegerField()  # öre
    # bifall ("granted"), delvis bifall ("partly": a line partly granted or refused, e.g. a
    # rent limited by the guideline for skälig boendekostnad) or avslag ("refused": 0 kr)
    outcome = models.CharField(max_length=8, default="granted")
    processing_days = models.IntegerField(null=True)  # first decision's date − received
    recipients = models.PositiveSmallIntegerField(default=0)  # adults the decision was addressed to
    delivered = models.PositiveSmallIntegerField(default=0)  # of them, with a delivery date

    class Meta:
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.month:%Y-%m} ansökan {self.application_id}"


class PersonYear(models.Model):
    """Money paid to one person in one unit and calendar year, one column per month (öre),
    from the live payment orders of attested or exported runs, by the month the support is
    for.  ``person`` is null for direct payments (to a landlord and the like)."""

    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                               related_name="+")
    gender = models.CharField(max_length=1, blank=True)
    source = models.CharField(max_length=1, choices=SOURCES, default=LIKA)
    m01 = models.BigIntegerField(default=0)
    m02 = models.BigIntegerField(default=0)
    m03 = models.BigIntegerField(default=0)
    m04 = models.BigIntegerField(default=0)
    m05 = models.BigIntegerField(default=0)
    m06 = models.BigIntegerField(default=0)
    m07 = models.BigIntegerField(default=0)
    m08 = models.BigIntegerField(default=0)
    m09 = models.BigIntegerField(default=0)
    m10 = models.BigIntegerField(default=0)
    m11 = models.BigIntegerField(default=0)
    m12 = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self):
        return f"{self.year} person {self.person_id}"


class ObstacleMonth(models.Model):
    """Adults by försörjningshinder, gender, unit and month (adult-months), from the
    applications of ``DecidedApplication`` that granted more than 0 kr."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    gender = models.CharField(max_length=1)
    category = models.CharField(max_length=30)
    source = models.CharField(max_length=1, choices=SOURCES, default=LIKA)
    adults = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category} {self.gender}"


class DecisionMonth(models.Model):
    """``DecidedApplication`` counted by month, unit and every attribute a figure groups by
    (the page reads these few rows instead of a year of applications)."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    applicant_gender = models.CharField(max_length=1, blank=True)
    registerledare_gender = models.CharField(max_length=1, blank=True)
    adults = models.PositiveSmallIntegerField()
    paid = models.BooleanField()  # granted more than 0 kr
    payment_mode = models.CharField(max_length=8)
    exception_reason = models.CharField(max_length=40, blank=True)
    single_recipient_gender = models.CharField(max_length=1, blank=True)
    delivered_to_all = models.BooleanField()  # two or more recipients, every one delivered
    outcome = models.CharField(max_length=8, default="granted")  # as DecidedApplication.outcome
    applications = models.PositiveIntegerField()
    timed = models.PositiveIntegerField()  # with a processing time
    processing_days = models.BigIntegerField()  # their sum

    class Meta:
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.applications} ansökningar"


class PaymentMonth(models.Model):
    """``PersonYear`` summed by month, unit and gender: people paid (a person paid by two
    units counts in both) and öre; gender "" is direct payments."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    gender = models.CharField(max_length=1, blank=True)
    people = models.PositiveIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.gender} {self.amount}"


class NewCaseDay(models.Model):
    """Adults in the cases opened (aktualiserade) on a day, by unit and gender, and how many
    of them had an own plan in that case within ``LIKA_PLAN_DAYS`` days of the opening (as
    the plans stood at the refresh)."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    gender = models.CharField(max_length=1)
    adults = models.PositiveIntegerField()
    with_plan = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self):
        return f"{self.day} {self.gender} {self.with_plan}/{self.adults}"


class ActivityDay(models.Model):
    """Plan activities (not cancelled) that start on a day, by unit, kind and the gender of
    the adult whose plan it is."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    kind = models.CharField(max_length=20)
    gender = models.CharField(max_length=1)
    activities = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self):
        return f"{self.day} {self.kind} {self.gender} {self.activities}"


class MeetingDay(models.Model):
    """Participants in the meetings held on a day, by unit, kind (individual or joint) and
    gender; a person counts once per meeting."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    kind = models.CharField(max_length=20)
    gender = models.CharField(max_length=1)
    participants = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self):
        return f"{self.day} {self.kind} {self.gender} {self.participants}"


class ExitDay(models.Model):
    """Adults in the cases closed on a day, by unit, reason for closing and gender."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    close_reason = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=1)
    adults = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self):
        return f"{self.day} {self.close_reason} {self.gender} {self.adults}"


class LongTermMonth(models.Model):
    """For the twelve months ending with ``month``: people paid in at least one of them and,
    of those, people paid in 10–12 of them (long-term support), by gender; per unit, and
    for the whole municipality where ``unit`` is null (a person paid by two units counts
    once there, and a month paid by both counts once).  From ``PersonYear``, every source."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                             related_name="+")
    gender = models.CharField(max_length=1)
    long_term = models.PositiveIntegerField()
    paid = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.gender} {self.long_term}/{self.paid}"


class Refresh(models.Model):
    """When the summary tables of a calendar year were last written."""

    year = models.PositiveSmallIntegerField(unique=True)
    refreshed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.year} {self.refreshed_at:%Y-%m-%d %H:%M}"


class ImportedKpiValue(models.Model):
    """A key figure of a municipality, read by ``lika kpi import`` from another
    municipality's Lika file (or an earlier export of our own) or from pages of Kolada's
    API; one row per KPI, municipality, period and gender.  ``count`` keeps Kolada's
    meaning, the number of municipalities behind the value: 1 (a row is always one
    municipality; Kolada's municipality groups are not imported) or unknown."""

    kpi = models.CharField(max_length=40)
    municipality = models.CharField(_("kommunkod"), max_length=4)
    municipality_name = models.CharField(_("kommun"), max_length=100, blank=True)
    period = models.CharField(max_length=7)
    gender = models.CharField(max_length=1)
    count = models.BigIntegerField(null=True)
    value = models.DecimalField(max_digits=22, decimal_places=6, null=True)
    status = models.CharField(max_length=10, blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nyckeltal från annan kommun")
        verbose_name_plural = _("nyckeltal från andra kommuner")
        constraints = [models.UniqueConstraint(fields=["kpi", "municipality", "period", "gender"],
                                               name="imported_kpi_once"),
                       # Kolada's count: the municipalities behind the value, 1 for one (docs/kpi.md)
                       models.CheckConstraint(condition=models.Q(count__isnull=True) | models.Q(count=1),
                                              name="imported_kpi_count_is_kolada_s")]
        indexes = [models.Index(fields=["period", "kpi"])]

    def __str__(self):
        return f"{self.kpi} {self.municipality} {self.period} {self.gender}"
