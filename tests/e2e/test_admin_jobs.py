"""Issue 18, operations, in the real Chromium: the administrator finds the scheduled jobs
under Administration, sees that one failed and that one has never run, reads the failed
run's message and shows one job's runs.  axe-core on every state of the page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from lika.audit.jobs import job_run, jobs
from lika.audit.models_ops import JobRun
from tests.e2e.conftest import assert_accessible, login


def test_the_administrator_sees_how_the_scheduled_jobs_stand(page, live_server, admin_user):
    first, second, *_rest = jobs()
    JobRun.objects.create(name=first.name, started_at=timezone.now() - timedelta(hours=3),
                          finished_at=timezone.now() - timedelta(hours=3) + timedelta(seconds=42),
                          outcome="failed", message="OperationalError: disken är full")
    assert job_run(second.name).outcome == "succeeded"  # a real run of the second job

    login(page, live_server, admin_user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Schemalagda jobb").click()
    expect(page.get_by_role("heading", level=1, name="Schemalagda jobb")).to_be_visible()
    assert_accessible(page)

    attention = page.get_by_role("note")
    expect(attention).to_contain_text(f"{first.name}: den senaste körningen")
    for job in jobs()[2:]:
        expect(attention).to_contain_text(f"{job.name}: har aldrig körts")
    expect(attention).not_to_contain_text(f"{second.name}:")
    table = page.get_by_role("table", name="Jobben")
    expect(table.get_by_role("row").filter(has_text=first.name)).to_contain_text("Misslyckades")
    expect(table.get_by_role("row").filter(has_text=second.name)).to_contain_text("I ordning")
    runs = page.get_by_role("table", name="De senaste körningarna (högst 50)")
    expect(runs.get_by_role("row").filter(has_text=first.name)).to_contain_text("OperationalError: disken är full")
    expect(runs.get_by_role("row").filter(has_text=first.name)).to_contain_text("42 s")

    page.get_by_label("Jobb", exact=True).select_option(second.name)
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(f"{live_server.url}/admin-lika/jobb/?jobb={second.name}#runs")
    expect(runs.get_by_role("row")).to_have_count(2)  # the header and the second job's run
    expect(runs).to_contain_text(second.name)
    assert_accessible(page)
