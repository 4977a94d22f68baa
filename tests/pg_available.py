"""Exit 0 when the PostgreSQL server in DATABASE_URL answers, else 1 (used by `make test`)."""

import sys

import dj_database_url
import psycopg


def main(url):
    cfg = dj_database_url.parse(url)
    try:
        psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                        password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], connect_timeout=3).close()
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
