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


RUNS_SHOWN = 50


@role_required(Role.ADMINISTRATOR)
def admin_jobs(request):
    """The scheduled jobs (issue 18, operations): how each stands and the newest runs, so the
    IT department sees a stopped scheduler or a failing job without reading the server's log.
    Jobs are started by the scheduler (`lika jobs run --due`), never from this page: a
    statistics refresh can run for minutes, longer than a web request may."""
    from .jobs import job_statuses, jobs
    from .models_ops import JobRun

    names = [job.name for job in jobs()]
    chosen = request.GET.get("jobb", "")
    runs = JobRun.objects.all()
    if chosen in names:  # an unknown name shows every job's runs
        runs = runs.filter(name=chosen)
    else:
        chosen = ""
    statuses = job_statuses()
    return render(request, "audit/admin_jobs.html", {
        "statuses": statuses, "attention": [s for s in statuses if s.needs_attention],
        "runs": runs[:RUNS_SHOWN], "runs_shown": RUNS_SHOWN, "names": names, "chosen": chosen,
    })
