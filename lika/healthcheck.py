"""`python -m lika.healthcheck [PATH]`: exit 0 when Lika in this container answers PATH
(default the readiness check, ``/redo/``) with 200, else 1 — the container's HEALTHCHECK
(Containerfile), which has no curl.  It asks gunicorn on 127.0.0.1:``PORT`` (8000) with a
host name Django accepts: the first literal entry of ``ALLOWED_HOSTS``.  Standard library
only: no Django is loaded."""

import http.client
import os
import sys


def host_header(allowed_hosts: str) -> str:
    for entry in (h.strip() for h in allowed_hosts.split(",")):
        if entry and entry != "*":
            return entry.lstrip(".")  # ".kommun.se" also admits kommun.se itself
    return "localhost"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = argv[0] if argv else "/redo/"
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={
            "Host": host_header(os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")),
            # behind TLS the proxy would say so; the checks are exempt from the redirect anyway
            "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as error:
        print(f"lika.healthcheck: {path} svarar inte: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"lika.healthcheck: {path} svarade {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
