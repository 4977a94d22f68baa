"""Each adult's own genomförandeplan (M4) and the meetings with the adults (M6, M7)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Case
from lika.households.models import Person


class Plan(models.Model):
    """A genomförandeplan belongs to one adult, never to the household."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Pågående")
        CLOSED = "closed", _("Avslutad")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    own_view = models.TextField(_("den enskildes egen syn"), blank=True)
    follow_up_on = models.DateField(_("uppföljning"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("genomförandeplan")
        verbose_name_plural = _("genomförandeplaner")
        ordering = ["case", "person", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], condition=models.Q(status="active"),
                                               name="one_active_plan_per_adult")]

    def __str__(self):
        return f"plan {self.pk} för {self.person_id}"


class PlanGoal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("mål"), max_length=300)
    target_on = models.DateField(_("måldatum"), null=True, blank=True)
    achieved = models.BooleanField(_("uppnått"), default=False)
    # issue 17: a goal that will not be reached is ended (avslutat utan att uppnås) with a
    # reason and a day; it stays in the plan, shown as ended, and is never deleted
    ended_on = models.DateField(_("avslutat"), null=True, blank=True)
    end_reason = models.CharField(_("skäl till avslut"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True, end_reason="")
                                   | (models.Q(ended_on__isnull=False, achieved=False) & ~models.Q(end_reason="")),
                                   name="plan_goal_ended_has_reason_not_achieved"),
        ]

    def __str__(self):
        return self.text

    @property
    def ended(self) -> bool:
        return self.ended_on is not None


class PlanActivity(models.Model):
    class Kind(models.TextChoices):
        SFI = "sfi", _("SFI – svenska för invandrare")
        JOB_SEARCH = "job_search", _("Arbetssökande")
        WORK_TRAINING = "work_training", _("Arbetsträning")
        STUDIES = "studies", _("Studier")
        REHABILITATION = "rehabilitation", _("Rehabilitering")
        LABOUR_MARKET = "labour_market", _("Arbetsmarknadsinsats")
        # Municipal labour-market measures the register names apart (HSLF-FS 2015:30
        # bilaga 1; codes in lika/core/socialstyrelsen_file.py MEASURE_CODES).
        INTERNSHIP = "internship", _("Praktik anvisad av socialnämnden")
        MUNICIPAL_JOB = "municipal_job", _("Kommunal anställning (t.ex. extratjänst eller visstidsanställning)")
        OTHER = "other", _("Annat")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Genomförd")
        CANCELLED = "cancelled", _("Avbruten")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("aktivitet"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    responsible = models.CharField(_("ansvarig"), max_length=150)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    follow_up_on = models.DateField(_("uppföljning"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # issue 17: an activity ended early (avbruten) or finished records the day and why
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)
    end_reason = models.CharField(_("skäl till avslut"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["plan", "follow_up_on", "id"]
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            # ended: done or cancelled with a day; cancelled with a reason
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(status__in=["done", "cancelled"]),
                                   name="plan_activity_ended_is_done_or_cancelled"),
            models.CheckConstraint(condition=~models.Q(status="cancelled", ended_on__isnull=False, end_reason=""),
                                   name="plan_activity_cancelled_has_reason"),
        ]

    def __str__(self):
        return f"{self.kind} ({self.status})"

    @property
    def ended(self) -> bool:
        return self.ended_on is not None


class Meeting(models.Model):
    """A meeting with one adult (individual) or with the adults together (joint)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Enskilt möte")
        JOINT = "joint", _("Gemensamt möte")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("datum"))
    kind = models.CharField(_("typ av möte"), max_length=10, choices=Kind.choices)
    participants = models.ManyToManyField(Person, related_name="meetings", verbose_name=_("deltagare"))
    notes = models.TextField(_("anteckningar"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]  # the statistics count meetings by date

    def __str__(self):
        return f"{self.held_on} {self.kind}"


class ViolenceScreening(models.Model):
    """Frågan om våld, asked in an individual meeting only.  The answer is shown only
    inside the case's own unit and never reaches the other adult, a letter or an export."""

    class Answer(models.TextChoices):
        NO = "no", _("Nej, inga tecken på våld")
        YES = "yes", _("Ja, personen berättar om våld")
        DECLINED = "declined", _("Vill inte svara")
        NOT_ASKED = "not_asked", _("Inte frågat (annan person närvarande)")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="screening")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("svar"), max_length=10, choices=Answer.choices)
    support_offered = models.BooleanField(_("information om stöd lämnad"), default=False)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("fråga om våld")
        verbose_name_plural = _("frågor om våld")

    def __str__(self):
        return f"fråga om våld, möte {self.meeting_id}"


class BookedMeeting(models.Model):
    """A meeting booked ahead in a case worker's calendar (issue 17): individual with one
    adult or joint with the adults.  It becomes the held ``Meeting`` (with the question
    about violence in an individual meeting) or is cancelled; a move changes the time and
    raises ``sequence`` so the invitees get a new kallelse.  One case worker cannot have
    two booked meetings at the same start (the constraint) nor overlapping ones (the
    service checks under a lock on the case worker's row)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Bokat")
        HELD = "held", _("Hållet")
        CANCELLED = "cancelled", _("Inställt")

    class Mode(models.TextChoices):
        VISIT = "visit", _("Besök")
        PHONE = "phone", _("Telefon")
        VIDEO = "video", _("Video")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="booked_meetings")
    case_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booked_meetings",
                                    verbose_name=_("handläggare"))
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    kind = models.CharField(_("typ av möte"), max_length=10, choices=Meeting.Kind.choices)
    mode = models.CharField(_("mötesform"), max_length=8, choices=Mode.choices, default=Mode.VISIT)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    participants = models.ManyToManyField(Person, related_name="booked_meetings", verbose_name=_("deltagare"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    sequence = models.PositiveSmallIntegerField(default=0)  # raised by each move: a new kallelse
    cancel_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    held_meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="booking")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bokat möte")
        verbose_name_plural = _("bokade möten")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["case_worker", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["case_worker", "starts_at"], condition=models.Q(status="booked"),
                                    name="booked_meeting_one_start_per_worker"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="booked_meeting_ends_after_start"),
            models.CheckConstraint(condition=~models.Q(status="held") | models.Q(held_meeting__isnull=False),
                                   name="booked_meeting_held_has_meeting"),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.kind}"


from .models_violence import ChildConcernReport, RiskAssessment  # noqa: E402,F401 - issue 17: when the answer is yes
