"""Issue 18: the Containerfile and compose.yaml agree with the code and with each other — read
as files (no container is built here): the image installs the pinned requirements and the
project with --no-deps, runs gunicorn with Lika's WSGI module as a user that is not root,
its health check asks a URL the URLconf serves to anyone; compose sets only environment
variables the settings read, waits for a healthy PostgreSQL and a finished migration, and
names the PostgreSQL version the documentation names; the ports agree everywhere.

compose.yaml is read with the small reader below (block mappings, "- scalar" lists, flow
lists and quoted scalars: the subset the file keeps to), so no YAML library is needed."""

import json
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve

from tests.web.test_authorization_matrix import POLICY

ROOT = Path(__file__).resolve().parents[2]
LIKA_IMAGE_SERVICES = ("migrate", "app", "scheduler")
# Read by something other than lika/config/settings.py: Python, pip, gunicorn, the healthcheck.
NOT_SETTINGS = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR",
                "PIP_DISABLE_PIP_VERSION_CHECK", "DJANGO_SETTINGS_MODULE", "GUNICORN_CMD_ARGS", "PORT"}


# --- reading the files ------------------------------------------------------------------------

def _scalar(text):
    if text == "{}":
        return {}
    if text.startswith(("[", '"')):
        return json.loads(text)
    assert not text.startswith(("'", "{", "&", "*", "|", ">")), f"outside the subset: {text}"
    return text


def _block(rows, i, indent):
    if rows[i][1].startswith("- "):
        items = []
        while i < len(rows) and rows[i][0] == indent and rows[i][1].startswith("- "):
            items.append(_scalar(rows[i][1][2:].strip()))
            i += 1
        return items, i
    mapping = {}
    while i < len(rows) and rows[i][0] == indent:
        key, colon, rest = rows[i][1].partition(":")
        assert colon and key not in mapping, f"line {rows[i][1]!r}"
        i += 1
        if rest.strip():
            mapping[key] = _scalar(rest.strip())
        else:
            assert i < len(rows) and rows[i][0] > indent, f"{key}: has no value"
            mapping[key], i = _block(rows, i, rows[i][0])
    assert i == len(rows) or rows[i][0] < indent, f"indentation at {rows[i][1]!r}"
    return mapping, i


def read_yaml(text):
    rows = [(len(line) - len(line.lstrip(" ")), line.strip()) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    value, end = _block(rows, 0, rows[0][0])
    assert end == len(rows)
    return value


def containerfile():
    """(instruction, argument) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in (ROOT / "Containerfile").read_text().splitlines()
                                          if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in text.splitlines()
            if line.strip()]


def container_env():
    out = {}
    for instruction, argument in containerfile():
        if instruction == "ENV":
            out.update(dict(pair.split("=", 1) for pair in shlex.split(argument)))
    return out


def exec_form(argument):
    value = json.loads(argument)
    assert isinstance(value, list), f"exec form (a JSON list): {argument}"
    return value


def settings_env_names():
    """Every environment variable lika/config/settings.py reads through env()/env_bool()."""
    text = (ROOT / "lika" / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'\benv(?:_bool)?\(\s*"([A-Z][A-Z0-9_]*)"', text))


@pytest.fixture(scope="module")
def compose():
    return read_yaml((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_yaml_reader_reads_what_it_should():
    assert read_yaml('a:\n  b: "x:y"\n  c:\n    - "1"\n    - two\n  d: ["p", "q"]\ne: {}\n') == {
        "a": {"b": "x:y", "c": ["1", "two"], "d": ["p", "q"]}, "e": {}}
    with pytest.raises(AssertionError):
        read_yaml("a: &anchor x\n")


# --- the image ------------------------------------------------------------------------------

def test_the_image_installs_the_pinned_requirements_then_the_project_without_dependencies():
    steps = containerfile()
    assert steps[0] == ("FROM", "python:3.11-slim-bookworm")
    copies = [a for i, a in steps if i == "COPY"]
    runs = [a for i, a in steps if i == "RUN"]
    assert any(a.split()[0] == "requirements.txt" for a in copies)
    requirements = next(n for n, a in enumerate(runs) if re.search(r"pip install (-r|--requirement) requirements\.txt", a))
    project = next(n for n, a in enumerate(runs) if re.search(r"pip install --no-deps \.(\s|$)", a))
    assert requirements < project
    collect = next(n for n, a in enumerate(runs) if "lika collectstatic --no-input" in a)
    assert project < collect
    assert "SECRET_KEY=" in runs[collect], "collectstatic gets a throwaway key: the image keeps none"


def test_the_image_has_the_debian_libraries_the_letters_need_as_ci_does():
    apt = " ".join(a for i, a in containerfile() if i == "RUN" and "apt-get install" in a)
    ci = (ROOT / ".ci" / "run").read_text()
    for package in re.findall(r"dpkg -s (\S+)", ci):
        assert re.search(rf"\b{re.escape(package)}\b", apt), f"{package}: CI installs it, the image does not"
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in apt


def test_gunicorn_runs_lika_as_a_user_that_is_not_root():
    steps = containerfile()
    users = [(n, a) for n, (i, a) in enumerate(steps) if i == "USER"]
    assert users, "the image sets USER"
    last_user_at, user = users[-1]
    assert user.split(":")[0] not in {"root", "0"}
    assert any(i == "RUN" and re.search(rf"useradd .*\b{user}\b", a) for i, a in steps), "the user is made"
    cmd_at, cmd = next((n, exec_form(a)) for n, (i, a) in enumerate(steps) if i == "CMD")
    assert last_user_at < cmd_at
    assert not any(i == "ENTRYPOINT" for i, _a in steps)
    assert cmd[0] == "gunicorn"
    module = cmd[1].split(":")[0]
    assert module == settings.WSGI_APPLICATION.rsplit(".", 1)[0] == "lika.config.wsgi"
    assert (ROOT / (module.replace(".", "/") + ".py")).read_text().count("application = get_wsgi_application()")


def test_the_image_sets_only_environment_variables_that_are_read():
    names = set(container_env()) - NOT_SETTINGS
    assert names <= settings_env_names(), sorted(names - settings_env_names())
    env = container_env()
    for folder in ("LIKA_PRIVATE_FILES", "LIKA_PAYMENT_FILES", "LIKA_NOTIFICATION_DIR", "LIKA_SQLITE_PATH"):
        assert env[folder].startswith("/var/lib/lika/"), "the lika user's own directory (the volume)"
    made = " ".join(a for i, a in containerfile() if i == "RUN" and "install -d -o lika" in a)
    for folder in ("LIKA_PRIVATE_FILES", "LIKA_PAYMENT_FILES", "LIKA_NOTIFICATION_DIR"):
        assert env[folder] in made.split(), f"{env[folder]} is made, owned by lika, mode 0700"


def _health_path(command):
    assert command[-3:-1] == ["-m", "lika.healthcheck"] or command[-2:-1] == ["lika.healthcheck"], command
    return command[-1]


def test_the_health_checks_ask_a_public_url_that_exists():
    healthcheck = next(a for i, a in containerfile() if i == "HEALTHCHECK")
    command = exec_form(healthcheck.split(" CMD ", 1)[1])
    path = _health_path(command)
    assert resolve(path).url_name == "readiness"
    assert POLICY["readiness"][0] == "public"
    assert any(re.fullmatch(p, path.lstrip("/")) for p in settings.SECURE_REDIRECT_EXEMPT), \
        "answered over plain HTTP behind TLS"
    import lika.healthcheck  # noqa: F401 - the module the check runs exists


def test_the_ports_agree():
    env = container_env()
    bind = re.search(r"--bind\s+0\.0\.0\.0:(\d+)", env["GUNICORN_CMD_ARGS"]).group(1)
    exposed = [a for i, a in containerfile() if i == "EXPOSE"]
    assert exposed == [bind] and env["PORT"] == bind


# --- compose -----------------------------------------------------------------------------------

def test_compose_sets_only_variables_the_settings_read_and_secrets_through_files(compose):
    read = settings_env_names()
    declared = set(compose["secrets"])
    for name in LIKA_IMAGE_SERVICES:
        service = compose["services"][name]
        for variable, value in service["environment"].items():
            if variable.endswith("_FILE"):
                assert variable[:-5] in read, f"{name}: {variable} (settings read {variable[:-5]} through env())"
                secret = value.removeprefix("/run/secrets/")
                assert value.startswith("/run/secrets/") and secret in declared and secret in service["secrets"]
            else:
                assert variable in read, f"{name}: {variable} is not read by lika/config/settings.py"
        assert "DATABASE_URL_FILE" in service["environment"] and "SECRET_KEY_FILE" in service["environment"]
    for name, secret in compose["secrets"].items():
        assert secret["file"] == f"./secrets/{name}"
    assert "secrets" in (ROOT / ".dockerignore").read_text().split(), "never in the build context"
    assert "secrets/" in (ROOT / ".gitignore").read_text().split(), "never committed"


def test_compose_runs_the_built_image_migrates_first_and_waits_for_postgresql(compose):
    services = compose["services"]
    assert services["migrate"]["build"] == {"context": ".", "dockerfile": "Containerfile"}
    for name in LIKA_IMAGE_SERVICES:
        assert services[name]["image"] == services["migrate"]["image"]
    assert services["db"]["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "db-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    migrate = " ".join(services["migrate"]["command"])
    assert "lika migrate --no-input" in migrate and services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("app", "scheduler"):
        assert services[name]["depends_on"] == {"db": {"condition": "service_healthy"},
                                                "migrate": {"condition": "service_completed_successfully"}}
    assert "lika jobs run --due" in " ".join(services["scheduler"]["command"])
    # the runtime role: made at PostgreSQL's first start, given its privileges after the migration
    role = re.search(r"db-grant-runtime (\w+)", migrate).group(1)
    init = (ROOT / "deploy" / "postgres-init" / "10-runtime-role.sh").read_text()
    assert f"CREATE ROLE {role} LOGIN" in init and "NOSUPERUSER" in init
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]


def test_compose_app_health_check_and_ports_agree_with_the_image(compose):
    app = compose["services"]["app"]
    assert resolve(_health_path(app["healthcheck"]["test"])).url_name == "readiness"
    (published,) = app["ports"]
    host_port, container_port = published.split(":")
    assert container_port == container_env()["PORT"] and host_port.isdigit()
    assert "lika-files:/var/lib/lika" in app["volumes"]
    hosts = app["environment"]["ALLOWED_HOSTS"].split(",")
    assert all(h and h != "*" for h in hosts)


def test_the_postgresql_version_is_the_one_the_documentation_names(compose):
    image = compose["services"]["db"]["image"]
    major = re.fullmatch(r"postgres:(\d+)(?:\.\d+)?-bookworm", image).group(1)
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = operations.split("## Compose", 1)[1].split("\n## ", 1)[0]
    assert f"PostgreSQL {major}" in section and f"`{image}`" in section
