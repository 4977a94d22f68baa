"""Schemathesis against the OpenAPI document the app serves (/api/v1/schema/), through the
WSGI app: for every operation, generated requests (valid and invalid) never get a 5xx, and
every response — its status, content type and body — is what the schema says.  A second
test walks every operation on seeded data (so the 200 bodies of real objects are checked
too).  Kept small: hypothesis' max_examples per operation (about a minute on SQLite)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lika.config.wsgi import application


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls through the WSGI app end with Django's close_old_connections, which would close
    the test's connection (and its transaction) on PostgreSQL; Django's own test client
    disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# loaded when the module is collected: the schema view reads no database
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, seeded, token_a):
    if case.method.upper() == "POST" and case.path.endswith("/applications/") and case.path_parameters:
        case.path_parameters["case_id"] = seeded["case"].pk  # reach the service, not only the 404
    case.call_and_validate(headers={"Authorization": f"Bearer {token_a}"}, checks=CHECKS)


def test_seeded_objects_conform_to_the_schema(seeded, token_a, unit_a):
    decision = seeded["decision"]
    ids = {"case_id": seeded["case"].pk, "application_id": decision.application_id,
           "calculation_id": decision.calculation_id, "decision_id": decision.pk}
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{order_id}" in operation.path:
            continue
        names = [name for name in ids if "{" + name + "}" in operation.path]
        query = {"period": "2026", "unit": unit_a.code} if "key-figures" in operation.path else {}
        case = operation.Case(path_parameters={name: ids[name] for name in names}, query=query)
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token_a}"}, checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text[:300])
        checked += 1
    assert checked >= 10
