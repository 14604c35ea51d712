"""Several OS processes write content and index at once: no LockError, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.extensions import db
from portal.search import indexing
from portal.search.services import search
from tests.search.support import titles

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
PER_WORKER = 6


@pytest.mark.usefixtures("search_index")
def test_concurrent_writers_and_a_watcher_end_with_a_clean_verified_index(app, search_index):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SEARCH_INDEX_DIR": search_index,
        "SECRET_KEY": "process-test",
        "FLASK_DEBUG": "0",
        "PYTHONWARNINGS": "error",
    }
    with app.app_context():
        db.session.remove()
    # The subprocesses write to this database where the suite's write tracking cannot see.
    app.extensions["test_snapshot"].everything_changed()
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "search",
            "update",
            "--watch",
            "--interval",
            "0.05",
            "--stop-after",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.search.process_worker",
                url,
                search_index,
                str(w),
                str(PER_WORKER),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    for process in [*writers, watcher]:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "LockError" not in err and "Traceback" not in err, err

    with app.app_context():
        # Whatever a busy lock left pending, one more run applies; then nothing differs.
        indexing.apply_pending_changes(wait=10)
        drift = indexing.verify()
        assert drift.clean, drift
        assert drift.pending == 0
    with app.test_request_context():
        for w in range(WORKERS):
            for j in range(PER_WORKER):
                assert titles(search(f"procw{w}x{j}q")) == [f"Processorganisation {w}-{j}"]
            for j in range(1, PER_WORKER):
                assert titles(search(f"procu{w}x{j}q")) == [f"Processorganisation {w}-{j - 1}"]
            assert search(f"procdel{w}q").page.total == 0
