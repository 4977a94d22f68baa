"""Schemathesis against the OpenAPI document the app serves (/api/v1/schema/), through the
WSGI app: for every operation, generated requests (valid and invalid) never get a 5xx, and
every response — its status, content type and body — is what the schema says.  A second
test walks every operation on seeded data (so the 200 bodies of real objects are checked
too).  Kept small: hypothesis' max_examples per operation (about a minute on SQLite)."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lika.config.wsgi import application

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
