"""Issue 18: liveness (`/halsa/`, "health") and readiness (`/redo/`, "readiness").  Ready is
200 only when the database answers, every migration is applied and the private files
directory is writable; otherwise 503 with fixed reason codes — never an error text, a path,
a setting or a secret."""

import json
import os

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from lika.web import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch, settings, tmp_path):
    """Each test as a process that has not yet seen its migrations applied, with its own
    private files directory."""
    monkeypatch.setattr(views, "_migrations_applied", False)
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"


def test_ready_when_database_migrations_and_files_are_in_order(client, settings):
    response = client.get(reverse("readiness"))
    assert (response.status_code, response.json()) == (200, {"status": "ready"})
    assert settings.LIKA_PRIVATE_FILES.is_dir(), "the directory is made when missing (mode 0700)"
    assert oct(settings.LIKA_PRIVATE_FILES.stat().st_mode & 0o777) == "0o700"
    assert list(settings.LIKA_PRIVATE_FILES.iterdir()) == [], "the probe file is gone"
    assert "no-store" in response["Cache-Control"]


def test_liveness_stays_the_plain_database_answer(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_not_ready_while_a_migration_is_not_applied(client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'audit' AND name = '0004_ops_jobrun'")
    response = client.get(reverse("readiness"))
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "reasons": ["migrations"]})


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any directory")
def test_not_ready_when_the_private_files_cannot_be_written(client, settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path / "locked"
    settings.LIKA_PRIVATE_FILES.mkdir(mode=0o500)
    response = client.get(reverse("readiness"))
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "reasons": ["private_files"]})


def test_not_ready_when_the_private_files_path_is_a_file(client, settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path / "a-file"
    settings.LIKA_PRIVATE_FILES.write_text("x")
    response = client.get(reverse("readiness"))
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "reasons": ["private_files"]})


def test_not_ready_when_the_database_does_not_answer_and_nothing_leaks(client, settings, monkeypatch):
    secret = "postgres://lika_app:hemligt-lösenord@db.internal:5432/lika"

    class Refusing:
        def __enter__(self):
            raise DatabaseError(f"connection to server failed: {secret} {settings.SECRET_KEY}")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: Refusing())
    settings.LIKA_PRIVATE_FILES = settings.LIKA_PRIVATE_FILES / "\u00e5" / "x"
    response = client.get(reverse("readiness"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reasons": ["database"]}
    body = response.content.decode()
    for leak in ("hemligt", "db.internal", settings.SECRET_KEY, str(settings.LIKA_PRIVATE_FILES)):
        assert leak not in body
    assert json.loads(body)["reasons"] == ["database"]


def test_once_ready_the_migrations_are_not_read_again(client, django_assert_max_num_queries):
    assert client.get(reverse("readiness")).status_code == 200
    assert views._migrations_applied
    with django_assert_max_num_queries(1):
        assert client.get(reverse("readiness")).status_code == 200


@pytest.mark.parametrize(("allowed", "host"), [
    ("lika.kommun.example,localhost", "lika.kommun.example"),
    (".kommun.example", "kommun.example"),
    ("*,lika.kommun.example", "lika.kommun.example"),
    ("*", "localhost"),
    ("", "localhost"),
])
def test_the_container_check_sends_a_host_django_accepts(allowed, host):
    from lika.healthcheck import host_header

    assert host_header(allowed) == host


@pytest.mark.parametrize(("status", "code"), [(200, 0), (503, 1), (400, 1)])
def test_the_container_check_exits_0_only_on_200(monkeypatch, status, code):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from lika.healthcheck import main

    seen = {}

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            seen.update(path=self.path, host=self.headers["Host"])
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    monkeypatch.setenv("PORT", str(server.server_port))
    monkeypatch.setenv("ALLOWED_HOSTS", "lika.kommun.example")
    try:
        assert main(["/redo/"]) == code
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert seen == {"path": "/redo/", "host": "lika.kommun.example"}


def test_the_container_check_fails_when_nothing_answers(monkeypatch):
    import socket

    from lika.healthcheck import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    monkeypatch.setenv("PORT", str(free))
    assert main([]) == 1
