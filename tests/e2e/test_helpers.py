"""The browser tests' own helpers.  A flaky check is a bug: CI once ran axe-core on the
decision page while the click that led there was still loading it ("Cannot read properties
of null (reading 'documentElement')").  Playwright's click returns once the next page has
begun to arrive, not when it is there; ``assert_accessible`` checks the loaded page."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import assert_accessible, follow

DELAY_S = 0.5

HEAD = '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>'
PAGES = {
    "/start": (HEAD.format(title="Start"),
               '<body><main><h1>Start</h1><p><a href="/slow">Till nästa sida</a></p></main></body></html>'),
    # The next page's head comes at once, its body (with an image without alt) later.
    "/slow": (HEAD.format(title="Nästa sida"),
              '<body><main><h1>Nästa sida</h1><p><img src="data:,"></p></main></body></html>'),
}


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path not in PAGES:
            self.send_error(404)
            return
        head, body = (part.encode() for part in PAGES[self.path])
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(head) + len(body)))
        self.end_headers()
        self.wfile.write(head)
        self.wfile.flush()
        if self.path == "/slow":
            time.sleep(DELAY_S)
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_axe_checks_the_page_a_click_led_to_once_it_has_loaded(page, slow_site):
    page.goto(f"{slow_site}/start")
    assert_accessible(page)
    page.get_by_role("link", name="Till nästa sida").click()  # returns before the body is there
    # The image without alt is in the part that arrives late: axe must have waited for it.
    with pytest.raises(AssertionError, match=r"(?s)på http://127\.0\.0\.1:\d+/slow:.*image-alt"):
        assert_accessible(page)


def test_follow_returns_when_the_next_page_has_loaded(page, slow_site):
    page.goto(f"{slow_site}/start")
    follow(page, page.get_by_role("link", name="Till nästa sida"))
    # Read at once, without Playwright's retrying expect: the whole page is already there.
    assert page.evaluate("document.readyState") == "complete"
    assert page.get_by_role("img").count() == 1
