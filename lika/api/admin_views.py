"""The administrator's pages for connected systems (/admin-lika/api-klienter/), and the
API's human documentation page (/api/v1/docs/: the served schema's operations as a table)."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lika.accounts.models import Role, Unit
from lika.audit.services import READ, access_log_write
from lika.web.permissions import role_required

from . import services
from .models import ApiClient


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=60,
                           help_text=gettext_lazy("Små bokstäver a–z, siffror, - och _, t.ex. ekonomisystem."))
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("Enheter vars ärenden systemet får se"),
                                           queryset=Unit.objects.order_by("name"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    association = forms.CharField(label=gettext_lazy("Förening (organisationsnummer)"), max_length=20,
                                  required=False,
                                  help_text=gettext_lazy("Bara för en förenings medlemssystem som skickar närvarofiler."))
    grant_events = forms.BooleanField(
        label=gettext_lazy("Får följa bidragens beslut och betalningar"), required=False,
        help_text=gettext_lazy("Alla bidragsbeslut och bidragsbetalningar (/api/v1/grant-events/), t.ex. för "
                               "kommunens ekonomisystem. Inte för en förenings system."))
    can_read = forms.BooleanField(label=gettext_lazy("Får läsa (read)"), required=False, initial=True)
    can_write = forms.BooleanField(label=gettext_lazy("Får skriva (write): nya ansökningar och närvarofiler"),
                                   required=False)


def _add_errors(form, exc):
    for message in exc.messages:
        form.add_error(None, message)


@role_required(Role.ADMINISTRATOR)
def client_list(request):
    form = ClientForm(request.POST or None)
    token, created, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created, token = services.client_create(
                    acting_user=request.user, name=data["name"], unit_codes=[u.code for u in data["units"]],
                    association_orgnr=data["association"], read=data["can_read"], write=data["can_write"],
                    grant_events=data["grant_events"])
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                form = ClientForm()
        else:
            status = 400
    clients = ApiClient.objects.select_related("association", "created_by", "revoked_by").prefetch_related("units")
    return render(request, "api/admin_client_list.html",
                  {"clients": clients, "form": form, "token": token, "created": created}, status=status)


@role_required(Role.ADMINISTRATOR)
def client_detail(request, client_id):
    client = get_object_or_404(ApiClient.objects.select_related("association", "created_by", "revoked_by"),
                               pk=client_id)
    problem, status = None, 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            client = services.client_revoke(acting_user=request.user, name=client.name)
        except ValidationError as exc:
            problem, status = " ".join(exc.messages), 400
    return render(request, "api/admin_client_detail.html", {"client": client, "problem": problem}, status=status)


def api_docs(request):
    """The schema's operations, readable without tools (no script: the CSP allows none from
    elsewhere).  The schema itself is /api/v1/schema/."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
    operations = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                   "description": op.get("description", "")}
                  for path, item in schema["paths"].items() for method, op in item.items()]
    if request.user.is_authenticated:
        access_log_write(actor=request.user, action=READ, object_type="api_docs", summary=_("API-dokumentation"))
    return render(request, "api/docs.html", {"operations": operations, "description": schema["info"]["description"]})
