"""Browser tests: the real Chromium driven through Playwright against pytest-django's live server.

Every test under tests/e2e is marked ``browser`` (``pytest -m "not browser"`` skips
them). The browser is Debian's Chromium (``LIKA_CHROMIUM`` overrides the path);
Playwright's own browser download is never used. Without Chromium the tests are
skipped, except on CI (``CI`` set), where a missing browser is a failure.

Each test gets a fresh, empty database (``live_server`` implies ``transactional_db``):
Django flushes the tables after every such test and the flush re-sends
``post_migrate``, which loads the shipped riksnorm tables again. The
``norm_tables`` fixture checks that they are there (and loads them if a future
change, e.g. ``serialized_rollback``, stops the reload).
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so ``page`` can tell that its test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("LIKA_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        reason = (f"Chromium finns inte på {executable}: installera Debians paket chromium "
                  "eller ange sökvägen i LIKA_CHROMIUM")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI är satt: webbläsartesterna måste köras)", pytrace=False)
        pytest.skip(f"{reason}; webbläsartesterna hoppas över")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def csp_violation(message) -> bool:
    """Chromium reports a blocked script, style, frame or form on the console."""
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(browser, request):
    """A new browser page.  The Content-Security-Policy is enforced (never bypassed), and a
    test whose pages broke it fails: every violation Chromium reports is listed."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if csp_violation(message) else None)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed and violations:
        context.close()
        pytest.fail(f"{len(violations)} brott mot Content-Security-Policy:\n" + "\n".join(violations),
                    pytrace=False)
    if report is not None and report.failed and not page.is_closed():
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # a screenshot must not hide the test's own failure
            print(f"skärmbilden kunde inte sparas: {exc}")
    context.close()


@pytest.fixture(autouse=True)
def norm_tables(transactional_db):
    """The shipped riksnorm tables, in the database of every browser test."""
    from lika.norms.models import NormTableVersion
    from lika.norms.services import norm_tables_load_shipped

    if not NormTableVersion.objects.exists():
        norm_tables_load_shipped(acting_user=None)
    return sorted(set(NormTableVersion.objects.values_list("year", flat=True)))


def login(page, live_server, user, password=PASSWORD):
    """Log in through the login form and land on the start page: "Mina ärenden" for a case
    worker or an enhetschef (issue 17), the overview for the others."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    if user.role in ("case_worker", "unit_manager") and user.unit_id is not None:
        expect(page).to_have_url(f"{live_server.url}/mina-arenden/")
        expect(page).to_have_title(re.compile("^Mina ärenden"))
    else:
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page).to_have_title(re.compile("^Översikt"))


def logout(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()


# Id references that axe only reports as "needs review": a label, description or
# error message pointing at an id that is not on the page, and duplicate ids.
BROKEN_ID_REFERENCES_JS = r"""() => {
  const found = [];
  const attrs = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
  for (const el of document.querySelectorAll(attrs.map(a => `[${a}]`).join(","))) {
    for (const attr of attrs) {
      for (const id of (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) found.push(`${el.localName}#${el.id} ${attr}="${id}" saknas`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) found.push(`label for="${label.htmlFor}" saknas`);
  }
  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) found.push(`id="${el.id}" finns flera gånger`);
    seen.add(el.id);
  }
  return found;
}"""


def follow(page, locator, **click):
    """Click a link (or a GET form's button) and wait until the page it leads to has loaded.

    Playwright's click does not wait for the navigation it starts: a check run right after
    it can meet the old page, or the new one before its parser has made <html>."""
    before = page.url
    locator.click(**click)
    page.wait_for_url(lambda url: url != before)


# What Playwright says when a script's document is replaced under it by a navigation.
_NAVIGATED = re.compile(r"Execution context was destroyed|because of a navigation"
                        r"|reading 'documentElement'")


def _run_axe(page):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    # resultTypes only trims the passes and incompletes sent back (half the time on
    # the calculator's long form); every rule still runs on every node.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            return Axe().run(page, options=options)
        except PlaywrightError as error:
            # A navigation still under way when axe began: run it again on the loaded page.
            if attempt == 2 or not _NAVIGATED.search(str(error)):
                raise


def assert_accessible(page, *, max_targets=3):
    """axe-core (WCAG 2.0/2.1 A and AA rules) finds no violations on the page as it is now,
    and no label, description or error message points at a missing id."""
    results = _run_axe(page)
    violations = results.response["violations"]
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        more = f" (+{len(targets) - max_targets} till)" if len(targets) > max_targets else ""
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} – "
                     f"{', '.join(targets[:max_targets])}{more}")
    lines += [f"- trasig id-referens: {problem}" for problem in page.evaluate(BROKEN_ID_REFERENCES_JS)]
    if lines:
        raise AssertionError(f"{len(lines)} tillgänglighetsfel på {page.url}:\n" + "\n".join(lines))


def kronor(text: str) -> Decimal:
    """'5 700,00 kr' (non-breaking spaces, comma, minus sign) as Decimal('5700.00')."""
    clean = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    clean = clean.removesuffix("kr").removeprefix("+").replace("\u2212", "-").replace(",", ".")
    if not re.fullmatch(r"-?\d+\.\d{2}", clean):
        raise ValueError(f"inte ett belopp i kronor: {text!r}")
    return Decimal(clean)
