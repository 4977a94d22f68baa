"""The PostgreSQL role the application runs as: it does not own the tables, so it cannot
drop or disable the append-only triggers, truncate, or alter the schema; the records it
must never change it may not even UPDATE or DELETE (docs/operations.md, "The runtime
role").  ``runtime_grants`` is the one list of statements: ``lika db-grant-runtime``
applies it and the documentation shows it."""

import re

# Tables the runtime role may only read and add to: no UPDATE, DELETE or TRUNCATE.
APPEND_ONLY = ("audit_accesslogentry", "cases_journalnote", "housing_housingguideline", "grants_programmeruleversion",
               "grants_grantdecision", "grants_grantassessment", "eservice_message", "eservice_messageread",
               "accounts_municipalitysetting", "plans_riskassessment", "plans_childconcernreport",
               # issue 17, digital inhämtning: what was asked, answered and chosen
               "datacollection_collectionrequest", "datacollection_collectionoutcome",
               "datacollection_collectedbenefit", "datacollection_collectedbenefitreview",
               "api_apievent", "api_apigrantevent")  # issue 18: the event feeds (cases, grants)

# Tables where it may update only the listed columns (a calculation gets superseded_at;
# a recipient row gets its letter once and the delivery fields), never delete.
UPDATE_ONLY = {
    "cases_casecalculation": ("superseded_at",),
    "cases_decisionrecipient": ("letter_html", "letter", "letter_sha256", "letter_created_at", "channel",
                                "delivered_on", "delivery_recorded_by_id"),
    "cases_casedocument": ("removed_at", "removed_by_id", "removal_reason"),  # removed with a reason
}
ANALYZE_FUNCTION = "lika_analyze_payment_tables()"
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class RoleError(ValueError):
    """A role that cannot be the runtime role; the message is one Swedish line."""


def runtime_grants(role: str, database: str) -> list[str]:
    """The statements, in order, for ``role`` in ``database``.  Run as the tables' owner
    after every ``lika migrate``: they are idempotent."""
    if not ROLE_NAME.fullmatch(role):
        raise RoleError(f"ogiltigt rollnamn: {role!r} (små bokstäver, siffror och _, högst 63 tecken)")
    database = '"' + database.replace('"', '""') + '"'
    restricted = ", ".join((*APPEND_ONLY, *UPDATE_ONLY))
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role};",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};",
        f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role};",
        f"REVOKE UPDATE, DELETE ON {restricted} FROM {role};",
        *(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {role};" for table, columns in UPDATE_ONLY.items()),
        f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role};",
        f"GRANT EXECUTE ON FUNCTION {ANALYZE_FUNCTION} TO {role};",
    ]


def check_role(cursor, role: str) -> None:
    """Refuse a role that is missing, a superuser, the current user, or able to act as
    the owner of the tables (a member of the owner's role)."""
    cursor.execute("SELECT rolsuper, rolname = current_user, pg_has_role(rolname, "
                   "(SELECT relowner FROM pg_class WHERE oid = 'audit_accesslogentry'::regclass), 'USAGE') "
                   "FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise RoleError(f"rollen {role} finns inte: skapa den först (CREATE ROLE {role} LOGIN PASSWORD …)")
    superuser, is_current, acts_as_owner = row
    if superuser:
        raise RoleError(f"rollen {role} är superanvändare: programmet ska köra som en vanlig roll")
    if is_current or acts_as_owner:
        raise RoleError(f"rollen {role} äger tabellerna (eller är medlem i ägarens roll): välj en annan roll")
    cursor.execute("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'audit_accesslogentry'::regclass")
    if not cursor.fetchone()[0]:
        raise RoleError("kör kommandot som tabellernas ägare (samma DATABASE_URL som lika migrate)")
