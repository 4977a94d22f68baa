"""A unit's day in Lika (issue 18, docs/benchmarks.md "Load: a unit's day").

Case workers (``CaseWorker``) open "Mina ärenden", the case list with its search and pages,
cases, applications and decisions, and work through the applications waiting for them:
they register a party's confirmation where one is missing, fill in from the previous
application, press "Spara och beräkna", open the decision page and press "Fatta beslut".
Analysts (``Analyst``) open the statistics pages and the comparison, and now and then
download the statistics as CSV.  Every form is posted as the browser posts it: the page's
own form (CSRF token included) with the pressed button (bench/load/forms.py).

Run by bench/bench_load.py, which sets:

- ``LIKA_LOAD_ACCOUNTS``: a JSON file {"password": …, "case_workers": [...], "analysts": [...]}
  (each user logs in with one account of its own);
- ``LIKA_LOAD_CASE_WORKERS`` / ``LIKA_LOAD_ANALYSTS``: how many of each (fixed counts).

A request's name in the statistics is the page's address pattern (ids as ``<id>``); a POST
is named by the button pressed.  POSTs do not follow redirects: the redirect's GET is timed
as its own request, as the browser makes it."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from bench.load.forms import parse

_ACCOUNTS = json.loads(Path(os.environ["LIKA_LOAD_ACCOUNTS"]).read_text()) if os.environ.get(
    "LIKA_LOAD_ACCOUNTS") else {"password": "", "case_workers": [], "analysts": []}
_LOCK = threading.Lock()
_NEXT = {"case_workers": itertools.count(), "analysts": itertools.count()}

CASE = r"/arenden/(\d+)/"
APPLICATION = r"/arenden/(\d+)/ansokningar/(\d+)/"
DECISION_NEW = r"/arenden/(\d+)/ansokningar/(\d+)/beslut/"
DECISION = r"/arenden/(\d+)/beslut/(\d+)/"

# How many decisions the run made (counted by the locust process; bench_load.py also counts
# them in the database).
DECISIONS_MADE = {"issued_or_waiting": 0, "calculated": 0}


def _account(kind: str) -> str:
    with _LOCK:
        number = next(_NEXT[kind])
    accounts = _ACCOUNTS[kind]
    if number >= len(accounts):
        raise StopUser()  # more users than accounts: the orchestrator makes one account per user
    return accounts[number]


def _name(path: str) -> str:
    """The address pattern: digits between slashes become <id>."""
    return re.sub(r"/\d+(?=/|\.|$)", "/<id>", path.split("?")[0])


class LikaUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.username = _account(self.kind)
        page = self.get("/logga-in/")
        form = page.form(lambda f: f.has("username")) if page else None
        if form is None:
            raise StopUser()
        data = dict(form.payload())
        data.update(username=self.username, password=_ACCOUNTS["password"])
        location = self.post("/logga-in/", data, name="/logga-in/ (Logga in)")
        if location is None:
            raise StopUser()
        self.get(location)

    # --- requests as a browser makes them --------------------------------------------
    def get(self, path: str, name: str | None = None, *, parse_page: bool = True):
        with self.client.get(path, name=name or _name(path), catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"GET {path}: status {r.status_code}")
                return None
            r.success()
            return parse(r.text) if parse_page else r

    def post(self, path: str, data, *, name: str, expect: int = 302):
        """POST a form; returns the redirect's address (or the page, when ``expect`` is 200)."""
        headers = {"Origin": self.host.rstrip("/"), "Referer": self.host.rstrip("/") + path}
        with self.client.post(path, data=data, name=name, headers=headers, catch_response=True,
                              allow_redirects=False) as r:
            if r.status_code != expect:
                errors = re.findall(r'class="(?:errorlist|error-summary)[^"]*"[^>]*>(.{0,200})', r.text or "")
                r.failure(f"POST {path}: status {r.status_code} {errors[:1]}")
                return None
            r.success()
            return r.headers.get("Location", "") if expect == 302 else parse(r.text)


class CaseWorker(LikaUser):
    """A handläggare: her work list, her unit's cases, and the applications waiting for her."""

    kind = "case_workers"
    fixed_count = int(os.environ.get("LIKA_LOAD_CASE_WORKERS", "50"))

    def on_start(self):
        super().on_start()
        self.cases: list[str] = []
        self.mine()

    def mine(self):
        """Her own cases, from the case list filtered on "Mina ärenden" (both pages' links)."""
        page = self.get("/arenden/?handlaggare=mine")
        if page:
            self.cases = sorted(set(page.links_matching(CASE))) or self.cases

    @task(4)
    def worklist(self):
        self.get("/mina-arenden/")

    @task(3)
    def case_list(self):
        """The unit's open cases, a page of them, sometimes sorted otherwise."""
        query = random.choice(["", "?sida=2", "?sida=3", "?sortering=namn", "?handlaggare=mine",
                               "?att_gora=calculate"])
        self.get("/arenden/" + query)

    @task(2)
    def search(self):
        """Search on a case's reference number or a name, posted (the terms never in the address)."""
        page = self.get("/arenden/")
        form = page.form(lambda f: f.has("q")) if page else None
        if form is None:
            return
        term = random.choice([f"{random.randint(2024, 2026)}-", "an", "son", "berg", "a"])
        data = [(k, term if k == "q" else v) for k, v in form.payload()]
        location = self.post("/arenden/", data, name="/arenden/ (Sök)")
        if location:
            self.get(location, name="/arenden/?sok=<token>")

    @task(4)
    def open_case(self):
        """One of her cases, then now and then the journal or a person."""
        if not self.cases:
            self.mine()
            return
        path = random.choice(self.cases)
        page = self.get(path)
        if page and random.random() < 0.2:
            self.get(path + "journal/")
        elif page and random.random() < 0.2:
            people = page.links_matching(r"/arenden/\d+/personer/\d+/")
            if people:
                self.get(random.choice(people))

    @task(3)
    def open_application(self):
        """A case and one of its applications (and a decision of it, when there is one)."""
        if not self.cases:
            return
        page = self.get(random.choice(self.cases))
        applications = page.links_matching(APPLICATION) if page else []
        if not applications:
            return
        application = self.get(random.choice(applications))
        decisions = application.links_matching(DECISION) if application else []
        if decisions and random.random() < 0.5:
            self.get(random.choice(decisions))

    @task(1)
    def work_an_application(self):
        """The next application waiting for her on "Mina ärenden": to calculate (confirm the
        parties, fill in from the previous application, "Spara och beräkna") and to decide
        ("Fatta beslut")."""
        worklist = self.get("/mina-arenden/")
        if not worklist:
            return
        to_decide = worklist.links_matching(DECISION_NEW)
        to_calculate = worklist.links_matching(APPLICATION)
        if to_decide:
            self.decide(random.choice(to_decide))
        elif to_calculate:
            application = random.choice(to_calculate)
            if self.calculate(application):
                page = self.get(application)
                to_decide = page.links_matching(DECISION_NEW) if page else []
                if to_decide:
                    self.decide(to_decide[0])

    def calculate(self, path: str) -> bool:
        page = self.get(path)
        if page is None:
            return False
        for _ in range(2):  # a joint application: both adults' confirmations
            confirm = page.form(lambda f: f.has("action", "confirm"))
            if confirm is None:
                break
            data = confirm.payload(confirm.button())
            if self.post(path, data, name="/arenden/<id>/ansokningar/<id>/ (Registrera bekräftelse)") is None:
                return False
            page = self.get(path)
            if page is None:
                return False
        entries = page.form(lambda f: f.has("action", "entries"))
        if entries is None:
            return False
        copy = entries.button(name="copy")
        if copy is not None:  # "Fyll i från ansökan …": the rows come back filled in, not saved
            page = self.post(path, entries.payload(copy), name="/arenden/<id>/ansokningar/<id>/ (Fyll i från förra)", expect=200)
            if page is None:
                return False
            entries = page.form(lambda f: f.has("action", "entries"))
            if entries is None:
                return False

        def choose(control, values):  # a försörjningshinder not yet chosen: she chooses one
            return next((v for v in values if v), None) if control.name.startswith("obstacle_") else None

        location = self.post(path, entries.payload(entries.button(name="calculate"), choose=choose),
                             name="/arenden/<id>/ansokningar/<id>/ (Spara och beräkna)")
        if location is None:
            return False
        DECISIONS_MADE["calculated"] += 1
        return True

    def decide(self, path: str) -> bool:
        page = self.get(path)
        form = page.form(lambda f: f.has("payment_mode")) if page else None
        if form is None:
            return False
        data = form.payload(form.button(), tick=("acknowledge_provisional",))
        exception = next((c for c in form.controls if c.name == "exception"), None)
        approved = [v for v, _ in exception.options if v] if exception else []
        if approved:  # an approved exception (särskilda skäl): paid to that adult alone
            data = [(k, v) for k, v in data if k not in ("payment_mode", "exception")]
            data += [("payment_mode", "single"), ("exception", approved[0])]
        location = self.post(path, data, name="/arenden/<id>/ansokningar/<id>/beslut/ (Fatta beslut)")
        if location is None:
            return False
        DECISIONS_MADE["issued_or_waiting"] += 1
        self.get(location)
        return True


class Analyst(LikaUser):
    """An analytiker: the statistics for a period and a unit, the comparison, a CSV now and then."""

    kind = "analysts"
    fixed_count = int(os.environ.get("LIKA_LOAD_ANALYSTS", "5"))
    wait_time = between(2, 6)  # reads each table before the next choice

    def on_start(self):
        super().on_start()
        page = self.get("/statistik/")
        self.units = [v for f in (page.forms if page else []) for c in f.controls if c.name == "enhet"
                      for v, _ in c.options if v]

    def _period(self) -> str:
        from datetime import date

        today = date.today()
        kind = random.choice(["year", "year", "month", "quarter"])
        year = random.choice([today.year, today.year - 1])
        params = {"typ": kind, "ar": year}
        last = today.month if year == today.year else 12  # no period after this month
        if kind == "month":
            params["manad"] = random.randint(1, last)
        if kind == "quarter":
            params["kvartal"] = random.randint(1, (last - 1) // 3 + 1)
        if self.units and random.random() < 0.4:
            params["enhet"] = random.choice(self.units)
        return "&".join(f"{k}={v}" for k, v in params.items())

    @task(6)
    def statistics(self):
        self.get("/statistik/?" + self._period(), name="/statistik/?<period>")

    @task(2)
    def comparison(self):
        self.get("/statistik/jamforelse/")

    @task(1)
    def export(self):
        self.get("/statistik/export.csv?" + self._period(), name="/statistik/export.csv?<period>",
                 parse_page=False)


@events.quitting.add_listener
def _report(environment, **kwargs):
    out = os.environ.get("LIKA_LOAD_COUNTS")
    if out:
        Path(out).write_text(json.dumps(DECISIONS_MADE))
