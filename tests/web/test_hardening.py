"""Web hardening (docs/security.md, "Web hardening"): the Content-Security-Policy and
Cache-Control on every page and download, no inline script or style in any template or
rendered page, no search field that can hold a personnummer in a GET form, and the
deploy check clean with the production settings."""

import os
import re
import subprocess
import sys
from collections import Counter, deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

import lika
from lika.accounts.models import User
from lika.audit.models import AccessLogEntry
from lika.households.demo import LOGINS
from tests.cases.factories import single_case

pytestmark = pytest.mark.django_db

LIKA_DIR = Path(lika.__file__).resolve().parent
REQUIRED_CSP = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"]
# Rendered only into PDFs by WeasyPrint, never sent to a browser (their <style> is the PDF's).
PDF_TEMPLATES = {"cases/letter.html", "cases/letter_translation.html", "statistics/report_pdf.html", "grants/letter.html",
                 "plans/kallelse.html",  # issue 17: the kallelse (a PDF, not a page)
                 "cases/dispatch_address_page.html",  # issue 17: the print batch's address page (PDF)
                 "includes/letter_frame.html"}  # cases/includes: the frame of the three letters above
# The only fields a GET form may have: the statistics' period and unit (no person in them).
# the grants filters are choices of a register's row (a giver, a programme) or a status code
# (issue 18) the administrator's jobs page filters its runs by a job's name ("jobb")
GET_FORM_FIELDS = {"typ", "ar", "manad", "tertial", "kvartal", "fran", "till", "enhet", "year", "giver", "programme",
                   "status", "jobb"}


class PageProblems(HTMLParser):
    """Inline script, inline event handlers, style attributes and elements; the links and
    the GET forms' fields of one page."""

    def __init__(self):
        super().__init__()
        self.problems, self.links, self.get_fields = [], [], []
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("<script> utan src")
        if tag == "style":
            self.problems.append("<style>")
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=>")
            if name == "style":
                self.problems.append(f"<{tag} style=>")
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])
        if tag == "form":
            self._in_get_form = (names.get("method") or "get").lower() == "get"
        if self._in_get_form and tag in ("input", "select", "textarea") and names.get("name"):
            self.get_fields.append(names["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def page_problems(text):
    parser = PageProblems()
    parser.feed(text)
    return parser


def assert_hardened(response, url):
    csp = response.get("Content-Security-Policy", "")
    for directive in REQUIRED_CSP:
        assert directive in csp, f"{url}: {directive} saknas i {csp!r}"
    assert "unsafe" not in csp, url
    assert "no-store" in response.get("Cache-Control", ""), f"{url}: {response.get('Cache-Control')}"


# --- templates ---------------------------------------------------------------------------------

TEMPLATES = sorted(path for path in LIKA_DIR.glob("*/templates/**/*.html")
                   if "/".join(path.parts[-2:]) not in PDF_TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: "/".join(p.parts[-3:]))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    assert page_problems(text).problems == []
    assert not re.search(r"javascript:", text, re.IGNORECASE)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: "/".join(p.parts[-3:]))
def test_no_get_form_in_a_template_has_a_field_that_can_hold_a_personnummer(path):
    forms = re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(encoding="utf-8"), re.DOTALL)
    for form in forms:
        opening = form[:form.index(">") + 1]
        if 'method="post"' in opening:
            continue
        names = set(re.findall(r'name="([^"]+)"', form)) | set(re.findall(r"field=form\.(\w+)", form))
        assert names <= GET_FORM_FIELDS, f"{path}: {sorted(names - GET_FORM_FIELDS)} i ett GET-formulär"


# --- every page, as every role -----------------------------------------------------------------

SKIP = ("/static/", "/i18n/", "/logga-ut/")
PER_VIEW = 3  # pages per view and user: enough for every view, without every household


def crawl(client, start="/", limit=120):
    """Follow the links of the pages (GET, same site) from ``start``; every response
    checked. Returns the views visited and the content types seen."""
    seen, views, types = {start}, Counter(), Counter()
    queue = deque([start])
    while queue and sum(views.values()) < limit:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), f"{url}: {response.status_code}"
        assert_hardened(response, url)
        content_type = response.get("Content-Type", "").split(";")[0]
        types[content_type] += 1
        views[resolve(urlsplit(url).path).url_name] += 1
        if content_type != "text/html" or response.status_code != 200:
            continue
        parsed = page_problems(response.content.decode())
        assert parsed.problems == [], f"{url}: {parsed.problems}"
        assert set(parsed.get_fields) <= GET_FORM_FIELDS, f"{url}: GET-formulär med {parsed.get_fields}"
        for href in parsed.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc or not target or target in seen or target.startswith(SKIP):
                continue
            try:
                name = resolve(parts.path).url_name
            except Resolver404:
                continue
            if views[name] + sum(1 for queued in queue if resolve(urlsplit(queued).path).url_name == name) >= PER_VIEW:
                continue
            seen.add(target)
            queue.append(target)
    return views, types


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--households", "8", "--seed", "3", "--cases", "8", "--associations", "0", stdout=StringIO())


def test_every_page_and_download_of_every_role_has_the_policy_and_no_store(client, demo):
    visited, types = Counter(), Counter()
    for username, _role, _unit in LOGINS:
        client.force_login(User.objects.get(username=username))
        views, seen_types = crawl(client)
        visited.update(views)
        types.update(seen_types)
    client.logout()
    for name in ("login", "violence_support", "health"):
        assert_hardened(client.get(reverse(name)), name)
    # the crawl reached the pages and downloads this is about (the demo exports no payment
    # run: its two files are checked below)
    for name in ("home", "case_list", "case_detail", "person_detail", "decision_detail", "decision_letter",
                 "access_log", "payment_runs", "payment_run_detail", "statistics", "statistics_export",
                 "statistics_comparison", "norm_list", "violence_support"):
        assert visited[name], f"{name} besöktes inte: {sorted(visited)}"
    assert types["application/pdf"] and types["text/csv"], types


# --- downloads and generated files ---------------------------------------------------------------

from tests.payments.test_run import month_of_decisions  # noqa: E402,F401 (fixtures)
from tests.payments.test_views import _attested, _detail, attester, payment_files, prepared  # noqa: E402,F401


def test_the_payment_file_is_written_0600_whatever_the_umask_and_downloaded_no_store(
        client, petra, attester, prepared, payment_files):  # noqa: F811
    run = _attested(prepared, attester)
    client.force_login(petra)
    old = os.umask(0)  # the mode comes from the file's creation, not from the process's umask
    try:
        assert client.post(_detail(run), {"action": "export", "version": "09"}).status_code == 302
    finally:
        os.umask(old)
    run.refresh_from_db()
    assert (payment_files / run.file_name).stat().st_mode & 0o777 == 0o600
    assert payment_files.stat().st_mode & 0o777 == 0o700
    for name in ("payment_run_file", "payment_run_accounting"):
        response = client.get(reverse(name, kwargs={"run_id": run.pk}))
        assert response.status_code == 200
        assert_hardened(response, name)


def test_a_leftover_temporary_file_is_replaced_not_reused_with_its_mode(tmp_path):
    from lika.payments.pain001_file import private_file_create

    leftover = tmp_path / "fil.tmp"
    leftover.write_bytes(b"gammalt")
    leftover.chmod(0o644)
    with private_file_create(leftover) as stream:
        stream.write(b"nytt")
    assert leftover.read_bytes() == b"nytt" and leftover.stat().st_mode & 0o777 == 0o600


# --- no personnummer in a GET address --------------------------------------------------------------

@pytest.fixture
def two_cases(unit_a, alice):
    return single_case(unit_a, case_worker=alice), single_case(unit_a, case_worker=alice)


def test_the_case_search_posts_the_number_and_the_address_holds_only_a_token(client, alice, two_cases):
    (case, person), (other, _) = two_cases
    client.force_login(alice)
    page = client.get(reverse("case_list")).content.decode()
    assert re.search(r'<form method="post" action="/arenden/"[^>]*role="search"', page)
    response = client.post(reverse("case_list"), {"q": person.identity_number, "status": "open"})
    assert response.status_code == 302 and person.identity_number not in response["Location"]
    assert re.fullmatch(r"/arenden/\?s=[\w-]{16}", response["Location"])
    found = client.get(response["Location"])
    assert [c.pk for c in found.context["cases"]] == [case.pk]
    assert f'value="{person.identity_number}"' in found.content.decode(), "the form shows what was searched"


def test_a_number_in_the_case_list_address_is_not_searched(client, alice, two_cases):
    (case, person), (other, _) = two_cases
    client.force_login(alice)
    response = client.get(reverse("case_list"), {"q": person.identity_number})
    assert {c.pk for c in response.context["cases"]} == {case.pk, other.pk}
    assert f'value="{person.identity_number}"' not in response.content.decode(), "not taken as the search"
    assert not AccessLogEntry.objects.filter(object_type="case_list", summary__contains="sökning").exists()


def test_a_search_token_is_only_good_in_the_session_that_made_it(client, alice, two_cases, django_user_model):
    (case, person), _ = two_cases
    client.force_login(alice)
    location = client.post(reverse("case_list"), {"q": person.identity_number})["Location"]
    client.logout()
    client.force_login(alice)  # a new session
    assert len(client.get(location).context["cases"]) == 2, "an unknown token is no search"


def test_the_access_log_search_posts_the_number(client, bob, two_cases):
    (case, person), _ = two_cases
    client.force_login(bob)
    page = client.get(reverse("access_log")).content.decode()
    assert '<form method="post" action="/logg/" novalidate>' in page
    response = client.post(reverse("access_log"), {"identity_number": person.identity_number})
    assert response.status_code == 302 and person.identity_number not in response["Location"]
    assert client.get(response["Location"]).context["page"] is not None
    # the number in the address is not searched, and the search is not logged
    before = AccessLogEntry.objects.filter(object_type="access_log").count()
    response = client.get(reverse("access_log"), {"identity_number": person.identity_number})
    assert response.context["page"] is None and not response.context["form"].is_bound
    assert AccessLogEntry.objects.filter(object_type="access_log").count() == before


# --- TLS and the deploy check ------------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "0", "DATABASE_URL": "postgres://lika@db.invalid:5432/lika", "LIKA_BEHIND_TLS": "1",
    "ALLOWED_HOSTS": "lika.kommun.example", "CSRF_TRUSTED_ORIGINS": "https://lika.kommun.example",
    "SECRET_KEY": "q3Vf8-hT0xZr2LbN7pWmKe9sYc4uJd1Ga6oRi5nXvQw_yBtHlMzE0kPjS8fDgUaC",
}


def lika_command(*args, **environment):
    """``lika *args`` in a new process with only the given configuration."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DEBUG", "DATABASE_URL", "SECRET_KEY", "SECURE_", "LIKA_", "ALLOWED_HOSTS",
                                  "CSRF_", "DJANGO_"))}
    return subprocess.run([sys.executable, "-m", "lika", *args], env={**env, **environment},
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_deploy_check_is_clean_with_the_production_settings():
    result = lika_command("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_the_deployment_does_not_say_it_is_behind_tls():
    result = lika_command("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "LIKA_BEHIND_TLS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_behind_tls_the_settings_redirect_pin_https_and_trust_the_proxy():
    script = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
              "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
              "s.CSRF_COOKIE_SECURE, s.LIKA_TRUSTED_PROXY_HOPS, s.SECURE_REDIRECT_EXEMPT)")
    result = lika_command("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.stdout.split("\n")[0] == (
        "True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') True True 1 ['^halsa/$', '^redo/$']"), result.stderr
    off = lika_command("shell", "--no-imports", "-c", script, **{**PRODUCTION, "LIKA_BEHIND_TLS": "0", "DATABASE_URL": ""})
    assert off.stdout.startswith("False 0 False"), off.stderr


def test_behind_tls_plain_http_is_redirected_and_https_pinned(client, settings, alice):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get(reverse("health")).status_code == 200, "the load balancer's check over plain HTTP"


def test_the_deploy_check_says_when_the_hardening_is_switched_off(settings):
    from lika.web.checks import web_hardening_check

    assert web_hardening_check(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy["DIRECTIVES"],
                                                       "script-src": ["'self'", "'unsafe-inline'"]}}
    assert [(p.id, p.msg.split(" ")[0]) for p in web_hardening_check(None)] == [
        ("lika.W001", "csp.middleware.CSPMiddleware"), ("lika.W002", "Content-Security-Policy:")]
