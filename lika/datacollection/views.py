"""The fetch page (Hämta uppgifter digitalt) and the case worker's explicit choices about a
collected amount, posted from the application page.  Thin: the services decide."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lika.cases.access import access_case
from lika.cases.models import Application
from lika.cases.people import memberships_in_month
from lika.core.household import ADULT
from lika.web.forms import ServiceErrorsMixin

from . import services
from .models import CollectedBenefit, CollectionOutcome, CollectionRequest

DEFAULT_PURPOSE = "Utredning av rätten till ekonomiskt bistånd för ansökan {month}"


class FetchForm(ServiceErrorsMixin, forms.Form):
    purpose = forms.CharField(label=gettext_lazy("Syfte med inhämtningen"), max_length=200,
                              help_text=gettext_lazy("Uppgifterna får bara hämtas för handläggning av ekonomiskt "
                                                     "bistånd. Syftet sparas och loggas."),
                              error_messages={"required": gettext_lazy("Ange syftet med inhämtningen.")})


def _page(case, application):
    return reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk})


@login_required
def collection(request, case_id, application_id):
    """GET: who will be asked, from which sources, and every earlier fetch with its outcome;
    POST action=fetch: ask now.  POST action=use/decline: a choice about one collected row."""
    case = access_case(request.user, case_id, what="Digital inhämtning")
    application = get_object_or_404(Application.objects.select_related("case"), pk=application_id, case=case)
    action = request.POST.get("action") if request.method == "POST" else None
    form = FetchForm(request.POST if action == "fetch" else None,
                     initial={"purpose": DEFAULT_PURPOSE.format(month=f"{application.month:%Y-%m}")})
    if action in ("use", "decline"):
        try:
            benefit_id = int(request.POST.get("benefit", ""))
        except ValueError:
            raise Http404 from None
        try:
            if action == "use":
                services.collected_benefit_use(acting_user=request.user, application=application,
                                               benefit_id=benefit_id)
                messages.success(request, _("Beloppet är tillagt som inkomst. Beräkna ansökan på nytt."))
            else:
                services.collected_benefit_decline(acting_user=request.user, application=application,
                                                   benefit_id=benefit_id, reason=request.POST.get("reason", ""))
                messages.success(request, _("Skälet är sparat. Uppgiften används inte."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(_page(case, application) + "#h-collection")
    if action == "fetch" and form.is_valid():
        try:
            services.collection_fetch(acting_user=request.user, application=application,
                                      purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Uppgifterna är hämtade. Jämför dem med ansökans inkomster nedan."))
            return redirect(_page(case, application) + "#h-collection")
    adults = [m.person for m in memberships_in_month(case.household_id, application.month) if m.role == ADULT]
    requests = list(CollectionRequest.objects.filter(application=application).select_related("requested_by"))
    outcomes = CollectionOutcome.objects.filter(request__in=requests).select_related("person")
    benefits = CollectedBenefit.objects.filter(request__in=requests).select_related("person", "review")
    for item in requests:
        item.outcome_rows = [o for o in outcomes if o.request_id == item.pk]
        item.benefit_rows = [b for b in benefits if b.request_id == item.pk]
    try:
        sources = services.configured_sources()
    except Exception:  # a misconfigured path: the page says no source is connected
        sources = []
    return render(request, "datacollection/collection.html", status=400 if action == "fetch" else 200, context={
        "case": case, "application": application, "form": form, "adults": adults, "sources": sources,
        "requests": requests})
