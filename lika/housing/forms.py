from django import forms
from django.utils.translation import gettext_lazy as _

from lika.cases.forms import MONEY, KronorField
from lika.core.money import to_kronor, to_ore

ROWS = 8  # children 0…7; the last row filled in counts "that many children or more"


class GuidelineForm(forms.Form):
    valid_from = forms.DateField(label=_("Gäller från (den första dagen i en månad)"),
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    decision_reference = forms.CharField(label=_("Nämndens beslut (datum och paragraf)"), max_length=200)
    source = forms.CharField(label=_("Källa"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Anledning till den nya versionen"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = []
        for children in range(ROWS):
            pair = []
            for adults in (1, 2):
                name = f"amount_{adults}_{children}"
                label = (_("1 vuxen") if adults == 1 else _("2 vuxna")) + (
                    "" if children == 0 else " " + _("%(n)s barn") % {"n": children})
                self.fields[name] = KronorField(label=label, required=False, **MONEY)
                pair.append(self[name])
            self.grid.append((children, pair))

    @staticmethod
    def initial_from(row) -> dict:
        if row is None:
            return {}
        return {f"amount_{a}_{c}": to_kronor(amount) for a, c, amount in row.amounts if c < ROWS}

    def clean(self):
        data = super().clean()
        valid_from = data.get("valid_from")
        if valid_from and valid_from.day != 1:
            self.add_error("valid_from", _("Välj den första dagen i en månad."))
        filled = [c for c in range(ROWS) if any(data.get(f"amount_{a}_{c}") is not None for a in (1, 2))]
        if not filled or filled != list(range(len(filled))):
            self.add_error(None, _("Fyll i beloppen uppifrån: 0 barn, 1 barn, 2 barn … utan tomma rader emellan."))
        for c in filled:
            for a in (1, 2):
                if data.get(f"amount_{a}_{c}") in (None, 0):
                    self.add_error(f"amount_{a}_{c}", _("Ange ett belopp större än noll."))
        self.filled = filled
        return data

    def amounts(self) -> list:
        return [[a, c, to_ore(self.cleaned_data[f"amount_{a}_{c}"])] for c in self.filled for a in (1, 2)]
