from django.core.paginator import Paginator
from django.shortcuts import render

from lika.accounts.models import Role
from lika.web.permissions import role_required
from lika.web.search import search_redirect, search_terms

from . import selectors
from .forms import AccessLogSearchForm
from .services import READ, access_log_write

PER_PAGE = 50


@role_required(Role.UNIT_MANAGER, Role.ADMINISTRATOR)
def access_log(request):
    """Search the access log; the search itself is logged.  The filters are posted and
    kept in the session (lika.web.search): a personnummer never appears in an address."""
    if request.method == "POST":
        return search_redirect(request, "access_log", AccessLogSearchForm.base_fields)
    form = AccessLogSearchForm(search_terms(request, "access_log"))
    page = rows = None
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        entries = selectors.access_log_search(user=request.user, **filters)
        page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
        rows = selectors.access_log_rows(user=request.user, entries=page.object_list)
        person = (selectors.person_by_identity_number(filters["identity_number"])
                  if filters["identity_number"] else None)
        access_log_write(actor=request.user, action=READ, object_type="access_log",
                         person_id=person.pk if person else None,
                         summary=f"Sökte i åtkomstloggen: {form.filters_text()}, sida {page.number}")
    return render(request, "audit/access_log.html", {
        "form": form, "page": page, "rows": rows, "searched": page is not None,
        "sees_everything": request.user.has_role(Role.ADMINISTRATOR),
    })
