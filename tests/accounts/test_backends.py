"""Issue 18: the request's user comes with her unit (one query fewer on every staff page),
and an inactive user is still refused."""

from lika.accounts.backends import UnitModelBackend
from lika.accounts.oidc import OIDCClaimsBackend


def test_the_user_is_read_with_her_unit(alice, django_assert_num_queries):
    for backend in (UnitModelBackend(), OIDCClaimsBackend()):
        with django_assert_num_queries(1):
            user = backend.get_user(alice.pk)
            assert user.unit.name == alice.unit.name


def test_an_unknown_or_inactive_user_is_none(alice):
    backend = UnitModelBackend()
    assert backend.get_user(10**9) is None
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert backend.get_user(alice.pk) is None


def test_a_page_reads_the_user_and_her_unit_in_one_query(client, alice):
    client.force_login(alice)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        client.get("/mina-arenden/")
    units = [q["sql"] for q in seen.captured_queries if 'FROM "accounts_unit"' in q["sql"]]
    assert units == [], units
