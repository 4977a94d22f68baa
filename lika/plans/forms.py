"""Forms for plans and meetings: they parse input; the rules are in services.py."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lika.households.models import Person
from lika.web.forms import ServiceErrorsMixin

from .models import BookedMeeting, Meeting, PlanActivity, PlanGoal, ViolenceScreening


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(ServiceErrorsMixin, forms.Form):
    own_view = forms.CharField(
        label=_("Den enskildes egen syn"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Med personens egna ord: situationen, vad hen vill uppnå och vad som behövs."))
    follow_up_on = forms.DateField(label=_("Uppföljning av planen"), required=False, widget=date_input())


class GoalForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Mål"), max_length=PlanGoal._meta.get_field("text").max_length,
                           help_text=_("T.ex. ”Kunna ta ett arbete inom vården”"))
    target_on = forms.DateField(label=_("Måldatum"), required=False, widget=date_input())


class GoalAchievedForm(ServiceErrorsMixin, forms.Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    achieved = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CloseForm(ServiceErrorsMixin, forms.Form):
    """Nothing to fill in: the button closes the plan."""


class ActivityForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Aktivitet"),
                             choices=[("", _("Välj aktivitet"))] + PlanActivity.Kind.choices)
    description = forms.CharField(label=_("Beskrivning"), required=False,
                                  max_length=PlanActivity._meta.get_field("description").max_length)
    responsible = forms.CharField(label=_("Ansvarig"),
                                  max_length=PlanActivity._meta.get_field("responsible").max_length,
                                  help_text=_("T.ex. Komvux, Arbetsförmedlingen eller personen själv"))
    starts_on = forms.DateField(label=_("Startdatum"), required=False, widget=date_input())
    follow_up_on = forms.DateField(label=_("Uppföljning"), required=False, widget=date_input())


class ActivityStatusForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanActivity.Status.choices)


class MeetingForm(ServiceErrorsMixin, forms.Form):
    held_on = forms.DateField(label=_("Datum"), widget=date_input())
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=Meeting.Kind.choices, widget=forms.RadioSelect)
    participants = forms.ModelMultipleChoiceField(
        label=_("Deltagare"), queryset=Person.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ett enskilt möte: en vuxen. Ett gemensamt möte: båda."))
    notes = forms.CharField(label=_("Anteckningar"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    screening_answer = forms.ChoiceField(
        label=_("Svar på frågan om våld"), required=False,
        choices=ViolenceScreening.Answer.choices, widget=forms.RadioSelect)
    support_offered = forms.BooleanField(label=_("Information om stöd för våldsutsatta är lämnad"),
                                         required=False)
    screening_note = forms.CharField(label=_("Anteckning om frågan om våld"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    SCREENING_FIELDS = ("screening_answer", "support_offered", "screening_note")
    screening_dropped = False

    def __init__(self, *args, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.filter(pk__in=[a.pk for a in adults])

    def add_service_error(self, exc: ValidationError) -> None:
        super().add_service_error(exc)
        if self.cleaned_data.get("kind") == Meeting.Kind.JOINT and self["screening_answer"].errors:
            self.drop_screening()

    def drop_screening(self) -> None:
        """Show the refused joint meeting again without the answer: a chosen radio button
        cannot be unchosen, so the user could not remove it."""
        self.data = self.data.copy()
        for name in self.SCREENING_FIELDS:
            self.data.pop(self.add_prefix(name), None)
        self.screening_dropped = True

    def meeting_fields(self):
        return [self[name] for name in ("held_on", "kind", "participants", "notes")]

    def screening_fields(self):
        return [self[name] for name in self.SCREENING_FIELDS]

    def screening_has_errors(self) -> bool:
        return any(self[name].errors for name in self.SCREENING_FIELDS)


# --- booking meetings ahead (issue 17) ------------------------------------------

def _minutes_choices():
    return [(15, _("15 minuter")), (30, _("30 minuter")), (45, _("45 minuter")), (60, _("1 timme")),
            (90, _("1,5 timme")), (120, _("2 timmar"))]


class BookingTimeForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(label=_("Dag"), widget=date_input())
    start = forms.TimeField(label=_("Tid"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                            help_text=_("T.ex. 09:30"))
    minutes = forms.TypedChoiceField(label=_("Längd"), coerce=int, choices=_minutes_choices, initial=60)
    mode = forms.ChoiceField(label=_("Mötesform"), choices=BookedMeeting.Mode.choices, widget=forms.RadioSelect,
                             initial=BookedMeeting.Mode.VISIT)
    place = forms.CharField(label=_("Plats eller information"), required=False,
                            max_length=BookedMeeting._meta.get_field("place").max_length,
                            help_text=_("Vid besök: adress och rum. Vid telefon eller video: frivilligt."))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        starts_at = datetime.combine(data["day"], data["start"])
        return {"starts_at": starts_at, "minutes": data["minutes"], "mode": data["mode"], "place": data["place"]}

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
            errors = dict(exc.error_dict)
            self.add_error("start", errors.pop("starts_at"))
            exc = ValidationError(errors) if errors else None
        if exc is not None:
            super().add_service_error(exc)


class BookingForm(BookingTimeForm):
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=Meeting.Kind.choices, widget=forms.RadioSelect)
    participants = forms.ModelMultipleChoiceField(
        label=_("Kallade"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Ett enskilt möte: en vuxen, och bara hon eller han får kallelsen. Ett gemensamt möte: båda."))

    field_order = ["kind", "participants", "day", "start", "minutes", "mode", "place"]

    def __init__(self, *args, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.filter(pk__in=[a.pk for a in adults])

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "kind": self.cleaned_data["kind"],
                "participants": list(self.cleaned_data["participants"])}


class CancelBookingForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Skäl (kommer med i brevet till de kallade)"), required=False,
                             max_length=BookedMeeting._meta.get_field("cancel_reason").max_length)


class HeldForm(MeetingForm):
    """Recording a booked meeting as held: the date, kind and participants come from the booking."""

    def __init__(self, *args, booking, **kwargs):
        people = list(booking.participants.all())
        super().__init__(*args, adults=people, **kwargs)
        for name in ("held_on", "kind", "participants"):
            del self.fields[name]

    def meeting_fields(self):
        return [self["notes"]]


# --- correcting goals and activities (issue 17) ------------------------------------

class GoalEndForm(ServiceErrorsMixin, forms.Form):
    ended_on = forms.DateField(label=_("Avslutat den"), widget=date_input())
    end_reason = forms.CharField(label=_("Skäl till att målet avslutas utan att uppnås"),
                                 max_length=PlanGoal._meta.get_field("end_reason").max_length,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("T.ex. ”Personen har valt en annan utbildning”"))


class ActivityEndForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Hur slutade aktiviteten?"), widget=forms.RadioSelect,
                               choices=[(PlanActivity.Status.DONE, _("Genomförd")),
                                        (PlanActivity.Status.CANCELLED, _("Avbruten"))])
    ended_on = forms.DateField(label=_("Avslutad den"), widget=date_input())
    end_reason = forms.CharField(label=_("Skäl"), required=False,
                                 max_length=PlanActivity._meta.get_field("end_reason").max_length,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Krävs när aktiviteten avbryts."))
