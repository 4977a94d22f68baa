#!/bin/sh
# PostgreSQL's first start (compose.yaml, service db): the runtime role lika_app, which owns
# no table (docs/operations.md, "PostgreSQL: the runtime role").  The `migrate` service then
# gives it its privileges with `lika db-grant-runtime lika_app` after every migration.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$(cat /run/secrets/db_app_password)" <<'SQL'
CREATE ROLE lika_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
