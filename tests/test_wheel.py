"""The wheel carries everything the portal needs and runs with no checkout present.

Builds the wheel the way `make wheel` does (hatchling from the dev extras, no download; its
build hook compiles the translation catalogues),
installs it without dependencies into a fresh virtual environment that borrows the test
environment's third-party packages through a .pth line, and then, from an empty folder, runs
the operator's commands: db upgrade, seed, search rebuild, and gunicorn serving the home page.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gunicorn_support import stop_server

ROOT = Path(__file__).resolve().parent.parent

# The installed portal runs on its default SQLite database, whatever the suite's database is:
# once per CI run (the SQLite pass) is enough.
pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="independent of the test database; runs in the SQLite pass",
)

# Files the installed portal reads at run time, one of each kind the build must carry.
CARRIED = [
    "portal/templates/base.html",
    "portal/templates/core/home.html",
    "portal/migrations/env.py",
    "portal/migrations/alembic.ini",
    "portal/migrations/versions/0001_foundation.py",
    "portal/static/css/portal.css",
    "portal/data/municipalities.csv",
    "portal/data/standards.json",
    "portal/translations/sv/LC_MESSAGES/messages.mo",
    "portal/search/stopwords_sv.txt",
]

FIND_PORTAL = "import importlib.util; print(importlib.util.find_spec('portal').origin)"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--wheel-dir", str(out), str(ROOT)],
    )
    (built,) = out.glob("portal-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A virtual environment with the wheel installed and the shared dependencies visible."""
    home = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)])
    python = home / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)]
    )
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    # A bare path (not a site dir): the test environment's own .pth files, among them the
    # editable install of the checkout, are not run, and the venv's portal comes first.
    Path(purelib.stdout.strip(), "shared-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    return home


def _env() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FLASK_", "PYTHON", "SEARCH_", "RATELIMIT_"))
        and name not in {"DATABASE_URL", "TEST_DATABASE_URL", "INSTANCE_PATH", "VIRTUAL_ENV"}
    }
    # Only what the README tells an operator to set; everything else at its default.
    env["SECRET_KEY"] = secrets.token_hex(16)
    env["SESSION_COOKIE_SECURE"] = "0"  # plain HTTP on the loopback interface
    env["SEARCH_REBUILD_PROCS"] = "1"
    return env


@pytest.fixture
def server(venv, tmp_path) -> Iterator[tuple[str, Path]]:
    """gunicorn from the wheel, started in an empty folder; yields (base URL, working dir)."""
    work = tmp_path / "empty"
    work.mkdir()
    env = _env()
    python = str(venv / "bin" / "python")
    app = "portal:create_app()"
    # The portal that gets imported is the installed one (located without importing it twice).
    where = _run([python, "-c", FIND_PORTAL], cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    for command in (["db", "upgrade"], ["seed"], ["search", "rebuild"]):
        _run([python, "-m", "flask", "--app", app, *command], cwd=work, env=env)

    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [python, "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0", app],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=work,
            env=env,
            start_new_session=True,  # its own process group: SIGTERM reaches every worker
        )
    try:
        # Port 0: gunicorn binds a free port and names it in its log.
        deadline = time.monotonic() + 20
        while not (found := re.search(r"Listening at: (http://\S+)", log_path.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        yield found.group(1), work
    finally:
        stop_server(process)


def _get(url: str) -> str:
    """The body of a 200 answer from the local gunicorn (urlopen raises on any other)."""
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        return response.read().decode()


def test_wheel_carries_templates_migrations_static_data_and_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in CARRIED if name not in names]
    assert not missing, missing
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_installed_wheel_serves_the_home_page_from_an_empty_folder(server, venv):
    base, work = server
    # The compiled Swedish catalogue is in use: the title is translated.
    assert "<title>Samhällsbyggnadsportalen</title>" in _get(base + "/")
    # The seeded reference data is in the search index (the Swedish word list is loaded).
    assert "Gotlands län" in _get(base + "/search?q=gotland")

    # Nothing was written in the working folder or inside the installed package: the database,
    # instance folder and search index default to var/portal-instance in the environment.
    assert list(work.iterdir()) == []
    instance = venv / "var" / "portal-instance"
    assert (instance / "portal.sqlite3").is_file()
    assert (instance / "search_index").is_dir()
    package = next(venv.glob("lib/python*/site-packages/portal"))
    assert not (package / "instance").exists() and not (package / "search_index").exists()
