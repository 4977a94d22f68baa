"""Forms for moving a case (issue 17): they parse; the rules are in ``case_moves``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit, User
from lika.web.forms import ServiceErrorsMixin

from .case_moves import MESSAGE_MAX


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(ServiceErrorsMixin, forms.Form):
    case_worker = WorkerChoice(label=_("Ny handläggare"), queryset=User.objects.none(), required=False,
                               empty_label=_("Ingen handläggare"))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = User.objects.filter(pk__in=[w.pk for w in workers]).order_by(
            "first_name", "last_name", "id")


class HandoverForm(ServiceErrorsMixin, forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Till enhet"), queryset=Unit.objects.none(),
                                     empty_label=_("Välj enhet"))
    message = forms.CharField(label=_("Meddelande till den mottagande enheten"), max_length=MESSAGE_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Varför ärendet flyttas, t.ex. att hushållet har flyttat till enhetens område."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("name")


class HandoverAnswerForm(ServiceErrorsMixin, forms.Form):
    accept = forms.TypedChoiceField(label=_("Svar"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Ta emot ärendet till vår enhet")),
                                             ("no", _("Avböj"))])
    answer = forms.CharField(label=_("Kommentar (krävs när ärendet avböjs)"), required=False,
                             max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
