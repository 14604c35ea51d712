"""The benchmark harness runs end to end at a tiny size, so it cannot rot (no timings asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_harness_fills_every_row_and_column(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--sizes",
            "150",
            "--requests",
            "10",
            "--threads",
            "2",
            "--search-reps",
            "2",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and "CPU:" in text and "Sizes run: 150" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert header[2] == "150 docs"
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table[2:]]
    names = [row[0] for row in rows]
    for expected in (
        "Full `search rebuild`",
        "One update until searchable",
        "Search: rare word",
        "Search: common word",
        "Search: two words",
        "Search: three words",
        "Search: phrase",
        "Search: prefix",
        "Search: facet-filtered",
        "Hello-world (bare Flask, same gunicorn)",
        "GET /api/v1/plans",
        "GET /api/v1/plans/compare (5 plans)",
        "GET /api/v1/search?q=…",
        "GET /plans",
        "GET /plans/<id>",
        "GET /plans/compare (5 plans, page)",
        "GET /needs",
        "GET /api/v1/needs",
        "GET /experiences",
        "Peak RSS of a portal worker (VmHWM)",
    ):
        assert expected in names
    for row in rows:
        assert len(row) == len(header), row
        assert all(cell for cell in row), row
    by_name = dict(zip(names, rows, strict=True))
    # Measured, not placeholders: the update was found and pages were driven under gunicorn.
    assert "NOT found" not in by_name["One update until searchable"][2]
    for page in ("GET /plans", "GET /plans/<id>", "GET /needs", "GET /api/v1/needs"):
        assert "req/s" in by_name[page][2] and "SQL/req" in by_name[page][2]
        assert "cached" in by_name[page][2] and "uncached" in by_name[page][2]
    assert "MB" in by_name["Peak RSS of a portal worker (VmHWM)"][2]
