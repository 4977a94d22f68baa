"""Fixtures for the e-service: a resident logged in through the session (the OIDC login
itself is tested end to end against a local provider in test_oidc.py)."""

import pytest
from django.test import Client

from lika.eservice.session import KEY
from tests.cases.factories import couple_case


def resident_client(person) -> Client:
    """A Django test client whose session belongs to ``person`` (as after her own login)."""
    client = Client()
    session = client.session
    session[KEY] = {"pnr": person.identity_number, "given": person.first_name, "family": person.last_name,
                    "method": "oidc", "at": 0}
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


@pytest.fixture
def couple(unit_a, alice):
    """Sara and Johan Lind's case in unit A (alice is the case worker)."""
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man, kids


@pytest.fixture
def files(settings, tmp_path):
    """Private files and notifications in a temporary directory; notifications to files."""
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    settings.LIKA_NOTIFICATION_DIR = tmp_path / "notifications"
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    return tmp_path



@pytest.fixture
def oidc_provider(settings):
    """A local OpenID provider (tests/eservice/oidc_provider.py) on a free port of 127.0.0.1,
    and Lika's e-legitimation settings pointing at it."""
    from .oidc_provider import running

    with running(settings) as provider:
        yield provider
