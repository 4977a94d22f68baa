"""The integration API (issue 18): tokens and scopes, unit isolation, protected identity,
writes through the services, JSON errors, every call in the access log."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.api.models import ApiClient
from lika.audit.models import AccessLogEntry
from lika.cases.models import Application
from tests.api.conftest import bearer
from tests.cases.factories import PROTECTED_ADDRESS


def _get(client, url, token):
    return client.get(url, **bearer(token))


def test_the_token_is_stored_only_as_its_hash(make_client, unit_a):
    api_client, token = make_client("hash-test", units=[unit_a])
    stored = ApiClient.objects.get(pk=api_client.pk)
    assert token not in json.dumps([stored.token_sha256, stored.token_prefix, stored.name])
    assert len(stored.token_sha256) == 64 and token.startswith(stored.token_prefix)


@pytest.mark.parametrize(("header", "code"), [
    (None, "not_authenticated"), ("Bearer nope", "invalid_token"), ("Bearer a b", "invalid_token")])
def test_no_or_unknown_token_is_401_json(client, seeded, header, code):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/cases/", **extra)
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_revoked_token_is_401(client, seeded, make_client, unit_a, admin_user):
    api_client, token = make_client("snart-aterkallad", units=[unit_a])
    assert _get(client, "/api/v1/cases/", token).status_code == 200
    call_command("api_client", "revoke", "snart-aterkallad", "--by", admin_user.username)
    response = _get(client, "/api/v1/cases/", token)
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"


def test_a_client_sees_only_its_units_cases(client, seeded, token_a, token_b):
    ids = {c["id"] for c in _get(client, "/api/v1/cases/", token_a).json()}
    assert seeded["case"].pk in ids and seeded["other_case"].pk not in ids
    other = seeded["other_case"].pk
    for url in (f"/api/v1/cases/{other}/", f"/api/v1/cases/{other}/applications/",
                f"/api/v1/cases/{other}/decisions/", f"/api/v1/cases/{other}/payment-orders/"):
        response = _get(client, url, token_a)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    decision = seeded["decision"]
    for url in (f"/api/v1/decisions/{decision.pk}/", f"/api/v1/applications/{decision.application_id}/",
                f"/api/v1/calculations/{decision.calculation_id}/"):
        assert _get(client, url, token_b).status_code == 404, url
        assert _get(client, url, token_a).status_code == 200, url


def test_a_decision_with_lines_and_shares_in_ore(client, seeded, token_a):
    decision = seeded["decision"]
    body = _get(client, f"/api/v1/decisions/{decision.pk}/", token_a).json()
    assert body["granted_amount"] == decision.granted_amount and isinstance(body["granted_amount"], int)
    assert body["lines"] and sum(s["amount"] for s in body["shares"]) == decision.granted_amount
    application = _get(client, f"/api/v1/applications/{decision.application_id}/", token_a).json()
    assert application["costs"] == [{"type": "housing", "amount": 700000, "person_id": None, "note": ""}]
    assert application["month"] == "2026-12" and application["calculations"][0]["support"] > 0


def test_a_protected_persons_household_has_no_address_anywhere(client, seeded, token_a):
    case = seeded["protected_case"]
    response = _get(client, f"/api/v1/cases/{case.pk}/", token_a)
    assert response.status_code == 200
    members = response.json()["household"]["members"]
    assert {m["person_id"] for m in members} == {seeded["protected_woman"].pk, seeded["protected_man"].pk}
    assert all(m["address"] is None for m in members)  # hers, and her partner's (the same dwelling)
    assert PROTECTED_ADDRESS not in response.content.decode()
    plain = _get(client, f"/api/v1/cases/{seeded['case'].pk}/", token_a).json()["household"]["members"]
    assert all(m["address"]["street_address"] == "Storgatan 1" for m in plain)


def test_every_call_and_every_case_read_is_logged(client, seeded, token_a):
    before = AccessLogEntry.objects.count()
    _get(client, f"/api/v1/cases/{seeded['case'].pk}/", token_a)
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert {r.actor_name for r in rows} == {"api:ekonomi-a"}
    assert any(r.object_type == "api_call" and r.object_id == "200" for r in rows)
    assert any(r.object_type == "case" and r.object_id == str(seeded["case"].pk) for r in rows)
    assert any(r.object_type == "person" and r.person_id == seeded["woman"].pk for r in rows)
    client.get("/api/v1/cases/")
    assert AccessLogEntry.objects.order_by("-id").first().summary.startswith("API utan giltig nyckel")


def _new_application(case, person, **extra):
    return {"month": "2027-01", "applicant_id": person.pk, "costs": [{"type": "housing", "amount": 650000}],
            "incomes": [{"type": "salary", "amount": 120000, "person_id": person.pk}],
            "obstacles": {str(person.pk): "unemployed"}, **extra}


def test_write_needs_the_write_scope(client, seeded, token_b, make_client, unit_a):
    reader = make_client("bara-lasa", units=[unit_a])[1]
    case = seeded["case"]
    response = client.post(f"/api/v1/cases/{case.pk}/applications/", _new_application(case, seeded["woman"]),
                           content_type="application/json", **bearer(reader))
    assert response.status_code == 403 and response.json()["code"] == "scope_write_missing"
    assert "write" in response.json()["detail"]
    writer_only = make_client("bara-skriva", units=[unit_a], read=False, write=True)[1]
    response = _get(client, "/api/v1/cases/", writer_only)
    assert response.status_code == 403 and response.json()["code"] == "scope_read_missing"


def test_an_application_is_created_through_the_services(client, seeded, token_a):
    case, woman = seeded["case"], seeded["woman"]
    response = client.post(f"/api/v1/cases/{case.pk}/applications/", _new_application(case, woman),
                           content_type="application/json", **bearer(token_a))
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get(pk=body["id"])
    assert application.created_by.username == "api:ekonomi-a" and application.month.isoformat() == "2027-01-01"
    assert body["costs"][0]["amount"] == 650000 and body["incomes"][0]["person_id"] == woman.pk
    assert AccessLogEntry.objects.filter(object_type="application", object_id=str(application.pk),
                                         action="create", actor_name="api:ekonomi-a").exists()


@pytest.mark.parametrize(("change", "fragment"), [
    ({"costs": [{"type": "yacht", "amount": 100}]}, "okänd kostnad"),
    ({"costs": [{"type": "housing", "amount": 1}, {"type": "housing", "amount": 2}]}, "boendekostnaden på en rad"),
    ({"incomes": [{"type": "salary", "amount": 100, "person_id": 999999}]}, "utanför hushållet"),
    ({"month": "2027-13"}, "month"),
    ({"applicant_id": 999999}, "applicant_id"),
    ({"costs": [{"type": "housing", "amount": -5}]}, "amount"),
])
def test_bad_input_writes_nothing(client, seeded, token_a, change, fragment):
    case, woman = seeded["case"], seeded["woman"]
    before = (Application.objects.count(), AccessLogEntry.objects.filter(action="create").count())
    response = client.post(f"/api/v1/cases/{case.pk}/applications/", {**_new_application(case, woman), **change},
                           content_type="application/json", **bearer(token_a))
    assert response.status_code == 400, response.content
    body = response.json()
    assert fragment in json.dumps(body, ensure_ascii=False) and body["code"]
    assert (Application.objects.count(), AccessLogEntry.objects.filter(action="create").count()) == before


@pytest.mark.parametrize("path", ["/api/v1/cases/abc/", "/api/v1/cases/-1/", "/api/v1/cases/99999999999999999999/",
                                  "/api/v1/nothing/", "/api/v1/decisions/0/"])
def test_odd_paths_are_json_404(client, seeded, token_a, path):
    response = _get(client, path, token_a)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_nul_in_the_query_is_a_json_400(client, seeded, token_a):
    response = _get(client, "/api/v1/events/?after=%00", token_a)
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameter"


def test_key_figures_are_aggregates_for_the_clients_unit(client, seeded, token_a, unit_a, unit_b):
    response = _get(client, f"/api/v1/key-figures/?period=2026&unit={unit_a.code}", token_a)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == unit_a.code and body["figures"]
    assert "Lind" not in response.content.decode()  # no names, only aggregates
    assert _get(client, f"/api/v1/key-figures/?period=2026&unit={unit_b.code}", token_a).status_code == 404
    assert _get(client, "/api/v1/key-figures/?period=2026", token_a).json()["code"] == "unit_required"
    assert _get(client, "/api/v1/key-figures/?period=tjugo", token_a).json()["code"] == "invalid_period"


def test_the_schema_is_served_as_openapi_3(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/events/" in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_the_command_creates_lists_and_refuses_with_one_line(seeded, admin_user, unit_a, capsys):
    call_command("api_client", "create", "kommandot", "--units", unit_a.code, "--write", "--by", admin_user.username)
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("lika_") and ApiClient.objects.get(name="kommandot").can_write
    call_command("api_client", "list")
    assert "kommandot" in capsys.readouterr().out
    for args in (["create", "kommandot", "--units", unit_a.code], ["create", "Ogiltigt Namn", "--units", unit_a.code],
                 ["create", "utan-enhet"], ["create", "okand", "--units", "finns-inte"], ["revoke", "finns-inte"]):
        with pytest.raises(CommandError) as failure:
            call_command("api_client", *args, "--by", admin_user.username)
        assert failure.value.returncode == 2 and "\n" not in str(failure.value), args
    with pytest.raises(CommandError) as failure:
        call_command("api_client", "list", "--by", "x") if False else call_command(
            "api_client", "revoke", "kommandot", "--by", "nobody")
    assert failure.value.returncode == 2
