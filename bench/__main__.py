"""`python -m bench [--quick] [--sizes 1000,10000] [--postgres URL]`: measure, print, write.

Per size: generate content into a fresh database, rebuild the search index with the portal's
own machinery, time one update until it is searchable, time a fixed mix of queries through
the portal's search service and through SQLite FTS5 over the same text, count SQL queries
per request in-process, then drive the endpoints under gunicorn (2 workers) from a separate
load-generator process next to a bare Flask hello-world. Writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPDATE_WORD = "kvantgeodesi"
START_LOAD = os.getloadavg()
MIN_SEARCH_REPS = 10  # timed runs per query class even when the time budget is spent

# (class, portal query text, facet selection, FTS5 MATCH expression)
QUERIES = [
    ("rare word", "fjärranalys", None, "fjärranalys"),
    ("common word", "detaljplan", None, "detaljplan"),
    ("two words", "bygglov geodata", None, "bygglov AND geodata"),
    (
        "three words",
        "digital översiktsplan handläggare",
        None,
        "digital AND översiktsplan AND handläggare",
    ),
    ("phrase", '"digitala detaljplaner"', None, '"digitala detaljplaner"'),
    ("prefix", "geodata*", None, "geodata*"),
    ("facet-filtered", "bygglov", {"type": ["plan"]}, "bygglov AND doc_type:plan"),
]


def update_until_searchable() -> tuple[float, float, int]:
    """Change the newest experience's title (service, commit, apply the change log) and search
    for the new word: wall and CPU milliseconds, and how many results the search found."""
    from portal.accounts.models import User
    from portal.experiences import services as experience_services
    from portal.experiences.models import Experience
    from portal.extensions import db
    from portal.search import indexing, services

    admin = db.session.scalar(db.select(User).where(User.is_site_admin))
    exp_id = db.session.scalar(db.select(Experience.id).order_by(Experience.id.desc()))
    t0, c0 = time.perf_counter(), time.process_time()
    exp = db.session.get(Experience, exp_id)
    experience_services.update_experience(
        admin, exp, title=f"{exp.title} {UPDATE_WORD}", body=exp.body
    )
    db.session.commit()
    indexing.apply_pending_changes(wait=60.0)
    found = services.search(UPDATE_WORD).page.total
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, found


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("PPid:") and int(line.split()[1]) == pid:
                    out.append(int(entry.name))
    return out


def proc_status_mb(pid: int, key: str) -> float:
    """A memory line of /proc/<pid>/status (``VmHWM``, ``RssAnon``, ``RssFile``) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def vm_hwm_mb(pid: int) -> float:
    return proc_status_mb(pid, "VmHWM")


class Gunicorn:
    """gunicorn with 2 sync workers on a free loopback port (stopped on exit)."""

    def __init__(self, target: str, env: dict[str, str], log: Path, ready_path: str = "/"):
        self.port = free_port()
        self.log = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        try:
            wait_for(self.port, ready_path)
        except RuntimeError:
            self.stop()
            raise

    def peak_rss_mb(self) -> float:
        return max((vm_hwm_mb(p) for p in children(self.proc.pid)), default=float("nan"))

    def rss_split_mb(self) -> tuple[float, float]:
        """(RssAnon, RssFile) of the worker with the most anonymous memory, read now.

        Anonymous memory is the worker's own (Python objects, arrays, caches); file-backed
        memory is mostly the memory-mapped index, shared between workers and dropped by the
        kernel under pressure. /proc gives a peak only for the sum (VmHWM), so this is read
        after the runs, when a worker's heap is at its largest (CPython rarely returns it).
        """
        split = [
            (proc_status_mb(p, "RssAnon"), proc_status_mb(p, "RssFile"))
            for p in children(self.proc.pid)
        ]
        return max(split, default=(float("nan"), float("nan")))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def drive(port: int, path: str, requests: int, threads: int) -> dict:
    out = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "bench.load",
            f"http://127.0.0.1:{port}{path}",
            str(requests),
            str(threads),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_database(url: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def run_size(size: int, args, workdir: Path) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import event

    from bench import content
    from portal import create_app
    from portal.extensions import db
    from portal.plans.models import Plan
    from portal.search import indexing, services
    from portal.seed import SeedReport, seed_demo_organisations, seed_demo_users, seed_reference

    r: dict = {"size": size}
    built_file = workdir / "built.json"
    reuse = args.workdir is not None and built_file.exists()
    if args.workdir is not None and not reuse:  # an unfinished build: start again
        (workdir / "bench.sqlite3").unlink(missing_ok=True)
        shutil.rmtree(workdir / "index", ignore_errors=True)
    db_url = (
        f"sqlite:///{workdir / 'bench.sqlite3'}"
        if reuse
        else fresh_database(args.postgres, workdir)
    )
    index = workdir / "index"
    index.mkdir(exist_ok=reuse)
    config = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SEARCH_INDEX_DIR": str(index),
        "SECRET_KEY": "bench",  # noqa: S106 - a throwaway benchmark instance
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        # SQL per request is counted on the portal itself (a cache hit sends none).
        "CACHE_TYPE": "NullCache",
    }
    app = create_app(config)
    logging.getLogger("portal.requests").setLevel(logging.WARNING)
    r["standin_sources"] = content.register_standin_sources()
    with app.app_context():
        if reuse:
            # Content and index built by an earlier run (--workdir): their timings are the
            # ones measured then; only what follows is measured again.
            built = json.loads(built_file.read_text(encoding="utf-8"))
            r.update(built, reused=True)
            upgrade()  # migrations added since (an index, say) apply to the kept database
            print(f"   reusing {workdir} (built {built['built_at']})", file=sys.stderr)
        else:
            upgrade()  # the directory the factory configured (portal/config.py)
            report = SeedReport()
            seed_reference(report)
            seed_demo_organisations(report)
            seed_demo_users(report)
            db.session.commit()
            started = time.perf_counter()
            r["counts"] = content.generate(size, seed=args.seed)
            r["generate_s"] = time.perf_counter() - started

            # --- indexing: the same calls as `flask search rebuild`
            started = time.perf_counter()
            docs = indexing.rebuild(wait=60.0)
            indexing.apply_pending_changes(wait=60.0)
            r["rebuild_s"] = time.perf_counter() - started
            r["indexed_docs"] = docs
            r["docs_per_s"] = docs / r["rebuild_s"]
            if args.workdir is not None:
                built = {
                    k: r[k]
                    for k in ("counts", "generate_s", "rebuild_s", "indexed_docs", "docs_per_s")
                }
                built["built_at"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
                built_file.write_text(json.dumps(built), encoding="utf-8")
        if args.build_only:
            db.session.remove()
            db.engine.dispose()
            return r

        # --- one update until searchable: service + commit + apply + a search finding it
        with app.test_request_context("/"):
            # The rebuild's hundreds of MB are still being written back to disk; reads timed
            # now would wait behind that writeback (a stage's cost falling into the next).
            os.sync()
            services.search("detaljplan")  # warm the searcher
            r["update_ms"], _cpu, found = update_until_searchable()
            r["update_found"] = found >= 1
            os.sync()

            # --- search latency through the portal's service, warm searcher
            r["search"] = {}
            for name, text, selected, _ in QUERIES:
                services.search(text, selected=selected)
                times, hits = [], 0
                budget = time.perf_counter() + args.search_budget
                for _ in range(args.search_reps):
                    t0 = time.perf_counter()
                    res = services.search(text, selected=selected)
                    times.append((time.perf_counter() - t0) * 1000)
                    hits = res.page.total
                    if len(times) >= MIN_SEARCH_REPS and time.perf_counter() > budget:
                        break
                r["search"][name] = {
                    "p50": pct(times, 0.5),
                    "p95": pct(times, 0.95),
                    "hits": hits,
                    "runs": len(times),
                }

        # --- the same text in SQLite FTS5 (top 20 by bm25 + total + counts per type)
        fts = sqlite3.connect(":memory:")
        fts.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(doc_type, key UNINDEXED, title, body,"
            " tokenize='unicode61')"
        )
        with db.session.no_autoflush:
            fts.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", content.fts_rows(db.session))
        fts.commit()
        for name, _, _, match in QUERIES:

            def one(match=match):
                rows = fts.execute(
                    "SELECT doc_type, key, title, snippet(docs, 3, '[', ']', '…',"
                    " 24) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20",
                    (match,),
                ).fetchall()
                total = fts.execute(
                    "SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)
                ).fetchone()[0]
                fts.execute(
                    "SELECT doc_type, count(*) FROM docs WHERE docs MATCH ? GROUP BY doc_type",
                    (match,),
                ).fetchall()
                return rows, total

            one()
            times = []
            for _ in range(args.search_reps):
                t0 = time.perf_counter()
                _, total = one()
                times.append((time.perf_counter() - t0) * 1000)
            s = r["search"][name]
            s.update(fts_p50=pct(times, 0.5), fts_p95=pct(times, 0.95), fts_hits=total)
            s["ratio"] = s["p95"] / s["fts_p95"] if s["fts_p95"] else float("nan")
        fts.close()

        # --- endpoints that exist on this branch, and SQL queries per request (in-process)
        rules = {rule.rule for rule in app.url_map.iter_rules()}
        plan_ids = list(db.session.scalars(db.select(Plan.id).order_by(Plan.id).limit(5)))
        ids = ",".join(map(str, plan_ids))
        wanted = [
            ("GET /api/v1/plans", "/api/v1/plans", "/api/v1/plans"),
            (
                "GET /api/v1/plans/compare (5 plans)",
                "/api/v1/plans/compare",
                f"/api/v1/plans/compare?ids={ids}",
            ),
            ("GET /api/v1/search?q=…", "/api/v1/search", "/api/v1/search?q=detaljplan"),
            ("GET /search?q=… (page)", "/search", "/search?q=detaljplan"),
            ("GET /plans", "/plans", "/plans"),
            ("GET /plans/<id>", "/plans/<int:plan_id>", f"/plans/{plan_ids[0]}"),
            ("GET /plans/compare (5 plans, page)", "/plans/compare", f"/plans/compare?ids={ids}"),
            ("GET /needs", "/needs", "/needs"),
            ("GET /api/v1/needs", "/api/v1/needs", "/api/v1/needs"),
            ("GET /experiences", "/experiences", "/experiences"),
        ]
        r["endpoints"] = {}
        counter = {"n": 0}

        def count(*_a, **_k):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        client = app.test_client()
        for label, rule, path in wanted:
            if rule not in rules and rule.rstrip("/") not in {x.rstrip("/") for x in rules}:
                r["endpoints"][label] = {"missing": True}
                continue
            client.get(path)
            counter["n"] = 0
            status = client.get(path, headers={"Accept-Language": "sv"}).status_code
            r["endpoints"][label] = {"path": path, "sql": counter["n"], "status": status}
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
        db.engine.dispose()

    # --- under gunicorn, driven from a separate process
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        SEARCH_INDEX_DIR=str(index),
        SECRET_KEY="bench",  # noqa: S106 - a throwaway benchmark instance
        RATELIMIT_ENABLED="0",
        SESSION_COOKIE_SECURE="0",
        FLASK_DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    hello = Gunicorn("bench.hello:app", env, workdir / "gunicorn.log")
    try:
        r["hello"] = drive(hello.port, "/", args.requests, args.threads)
    finally:
        hello.stop()
    # Uncached (the shared cache off), then cached (in-process, or Redis with --redis): the
    # same requests, anonymous, so that every one after the first of a worker is a hit.
    uncached = dict(env, CACHE_TYPE="NullCache")
    cached = dict(env, CACHE_GENERATION_FILE=str(workdir / "content-generation"))
    if args.redis:
        cached.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=args.redis,
            CACHE_KEY_PREFIX=f"bench-{os.getpid()}-{size}:",
        )
    else:
        cached["CACHE_TYPE"] = "SimpleCache"
    for name, server_env in (("uncached", uncached), ("cached", cached)):
        server = Gunicorn("bench.wsgi_bench:app", server_env, workdir / "gunicorn.log", "/healthz")
        try:
            for e in r["endpoints"].values():
                if e.get("missing") or e.get("status") != 200:
                    continue
                measured = drive(server.port, e["path"], args.requests, args.threads)
                if name == "uncached":
                    e.update(measured)
                else:
                    e["cached"] = measured
            r[f"worker_rss_mb_{name}"] = server.peak_rss_mb()
            r[f"worker_anon_mb_{name}"], r[f"worker_file_mb_{name}"] = server.rss_split_mb()
        finally:
            server.stop()
    r["worker_rss_mb"] = r["worker_rss_mb_uncached"]
    r["worker_anon_mb"] = r["worker_anon_mb_uncached"]
    r["worker_file_mb"] = r["worker_file_mb_uncached"]
    return r


# --- the table -------------------------------------------------------------------------------


def fmt(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:,.{digits}f}".replace(",", " ")


def growth(results: list[dict], get) -> tuple[str, float]:
    if len(results) < 2:
        return "– (one size)", float("nan")
    try:
        g = get(results[-1]) / get(results[0])
    except (KeyError, TypeError, ZeroDivisionError):
        return "–", float("nan")
    return f"{g:.2f}×", g


def build_table(results: list[dict]) -> tuple[str, list[list[str]]]:
    sizes = [f"{r['size']:,}".replace(",", " ") + " docs" for r in results]
    largest = results[-1]
    head = [
        "Metric",
        "Target (at 100 000 docs)",
        *sizes,
        f"Growth ({sizes[-1]} / {sizes[0]})",
        "Met at largest size run",
    ]
    rows: list[list[str]] = []

    def verdict(ok: bool | None, note: str = "") -> str:
        base = "–" if ok is None else ("met" if ok else "not met")
        return f"{base} {note}".strip()

    rows.append(
        [
            "Generate content (bulk insert)",
            "–",
            *[
                f"{fmt(r['generate_s'], 2)} s" + (" (built earlier)" if r.get("reused") else "")
                for r in results
            ],
            "–",
            "–",
        ]
    )
    projected = 100_000 / largest["docs_per_s"]
    rows.append(
        [
            "Full `search rebuild`",
            "< 120 s for 100 000",
            *[f"{fmt(r['rebuild_s'], 2)} s · {fmt(r['docs_per_s'], 0)} docs/s" for r in results],
            growth(results, lambda r: r["rebuild_s"])[0],
            verdict(projected < 120, f"(projected {fmt(projected, 0)} s at 100 000)"),
        ]
    )
    g_text, g = growth(results, lambda r: r["update_ms"])
    rows.append(
        [
            "One update until searchable",
            "–",
            *[
                f"{fmt(r['update_ms'])} ms" + ("" if r["update_found"] else " (NOT found)")
                for r in results
            ],
            g_text,
            verdict(all(r["update_found"] for r in results), "(found)"),
        ]
    )
    for name, *_ in QUERIES:
        g_text, g = growth(results, lambda r, n=name: r["search"][n]["p95"])
        s = largest["search"][name]
        ok = s["ratio"] <= 2 and s["p95"] <= 100 and (g != g or g <= 1.5)
        rows.append(
            [
                f"Search: {name}",
                "p95 ≤ 2× FTS5, ≤ 100 ms, growth ≤ 1.5×",
                *[
                    (
                        f"p50 {fmt(r['search'][name]['p50'])} / p95 "
                        f"{fmt(r['search'][name]['p95'])} ms · FTS5 p95 "
                        f"{fmt(r['search'][name]['fts_p95'], 2)} ms · "
                        f"**{fmt(r['search'][name]['ratio'])}×** · hits "
                        f"{r['search'][name]['hits']}/{r['search'][name]['fts_hits']}"
                    )
                    for r in results
                ],
                g_text,
                verdict(ok),
            ]
        )
    rows.append(
        [
            "Hello-world (bare Flask, same gunicorn)",
            "baseline",
            *[
                f"{fmt(r['hello']['rps'], 0)} req/s · p95 {fmt(r['hello']['p95_ms'])} ms"
                for r in results
            ],
            growth(results, lambda r: r["hello"]["p95_ms"])[0],
            "–",
        ]
    )
    for label in results[0]["endpoints"]:
        cells = []
        for r in results:
            e = r["endpoints"][label]
            if e.get("missing"):
                cells.append("not on this branch (skipped)")
            elif "rps" not in e:
                cells.append(f"status {e.get('status')} (skipped) · {e.get('sql')} SQL")
            else:
                hello = r["hello"]["rps"]
                hit = e.get("cached", {})
                cells.append(
                    f"cached {fmt(hit.get('rps', float('nan')), 0)} req/s "
                    f"(**{fmt(hit.get('rps', float('nan')) / hello, 2)}× hello**) · p95 "
                    f"{fmt(hit.get('p95_ms', float('nan')))} ms; uncached {fmt(e['rps'], 0)} "
                    f"req/s ({fmt(e['rps'] / hello, 2)}× hello) · p95 {fmt(e['p95_ms'])} ms · "
                    f"{e['sql']} SQL/req"
                    + (f" · {e['errors'] + hit.get('errors', 0)} errors" if e["errors"] else "")
                )
        e = largest["endpoints"][label]
        if "rps" in e:
            g_text, g = growth(results, lambda r, lb=label: r["endpoints"][lb]["p95_ms"])
            cached_g = growth(results, lambda r, lb=label: r["endpoints"][lb]["cached"]["p95_ms"])
            g_text = f"uncached p95 {g_text}; cached p95 {cached_g[0]}"
            sqls = {r["endpoints"][label]["sql"] for r in results}
            cached_rps = e.get("cached", {}).get("rps", 0.0)
            ok = (
                cached_rps / largest["hello"]["rps"] >= 0.5
                and (g != g or g <= 1.5)
                and len(sqls) == 1
            )
            v = verdict(
                ok,
                "(SQL/req same at every size)" if len(sqls) == 1 else "(SQL/req grows with size)",
            )
        else:
            g_text, v = "–", "– (not measured)"
        rows.append(
            [
                label,
                "cached ≥ 0.5× hello req/s, uncached p95 growth ≤ 1.5×, bounded SQL",
                *cells,
                g_text,
                v,
            ]
        )
    rows.append(
        [
            "Peak RSS of a portal worker (VmHWM)",
            "–",
            *[f"{fmt(r['worker_rss_mb'])} MB" for r in results],
            growth(results, lambda r: r["worker_rss_mb"])[0],
            "–",
        ]
    )
    rows.append(
        [
            "Worker memory after the runs: anonymous (RssAnon) · mapped files (RssFile)",
            "anonymous < 400 MB",
            *[
                f"{fmt(r['worker_anon_mb'])} MB · {fmt(r['worker_file_mb'])} MB mapped"
                for r in results
            ],
            growth(results, lambda r: r["worker_anon_mb"])[0],
            verdict(largest["worker_anon_mb"] < 400) if largest["size"] >= 100_000 else "–",
        ]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines), [head, *rows]


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    pkgs = []
    for name in ("Flask", "SQLAlchemy", "Whoosh-Reloaded", "gunicorn", "flask-smorest", "psycopg"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            pkgs.append(f"{name} {metadata.version(name)}")
    return (
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem}\n"
        f"- Python {platform.python_version()} on {platform.system()} "
        f"{platform.release()}; SQLite {sqlite3.sqlite_version}\n"
        f"- Packages: {', '.join(pkgs)}\n"
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="sizes 1 000 and 10 000")
    parser.add_argument("--sizes", help="comma-separated document counts")
    parser.add_argument("--postgres", help="a PostgreSQL URL to use (its schema is DROPPED)")
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--threads", type=int, default=4, help="load-generator threads")
    parser.add_argument("--search-reps", type=int, default=40, help="timed runs per query")
    parser.add_argument(
        "--search-budget",
        type=float,
        default=60.0,
        help=f"seconds per query class after which timing stops (at least {MIN_SEARCH_REPS} runs)",
    )
    parser.add_argument(
        "--redis", help="a Redis URL for the cached run (default: the in-process cache)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--workdir",
        help="keep each size's SQLite database and index in DIR/<size>-<seed>/ and reuse them "
        "(no generation, no rebuild; the timings of the run that built them are reported) "
        "when a later run finds them there",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="with --workdir: generate and index each size (unless kept already), then stop",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--note", default="", help="text added to the results file (@path: a file's text)"
    )
    args = parser.parse_args(argv)
    if args.note.startswith("@"):
        args.note = Path(args.note[1:]).read_text(encoding="utf-8").strip()
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        sizes = [1000, 10000] if args.quick else [1000, 10000, 100000]
    os.environ.setdefault("SECRET_KEY", "bench")
    if args.workdir and args.postgres:
        parser.error("--workdir keeps SQLite databases; it cannot be used with --postgres")
    if args.build_only and not args.workdir:
        parser.error("--build-only needs --workdir (where to keep what it builds)")
    results = []
    for size in sizes:
        print(f"== {size} documents", file=sys.stderr, flush=True)
        if args.workdir:
            kept = Path(args.workdir).resolve() / f"{size}-{args.seed}"
            kept.mkdir(parents=True, exist_ok=True)
            results.append(run_size(size, args, kept))
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
            results.append(run_size(size, args, Path(tmp)))
    if args.build_only:
        for r in results:
            print(f"{r['size']} documents in {args.workdir}: rebuild {r['rebuild_s']:.1f} s")
        return 0
    table, _ = build_table(results)
    print(table)
    load = os.getloadavg()
    runs = sorted({s["runs"] for r in results for s in r["search"].values()})
    text = (
        "# Benchmark results\n\n"
        f"Written by `python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}`"
        ".\n\n## Machine\n\n" + machine() + "\n"
        f"- Sizes run: {', '.join(str(s) for s in sizes)} documents "
        f"({'SQLite' if not args.postgres else 'PostgreSQL'}); {args.requests} requests per "
        f"endpoint with {args.threads} client threads; up to {args.search_reps} timed runs "
        f"per query class, fewer (at least {MIN_SEARCH_REPS}) once {args.search_budget:g} s "
        f"were spent on it (runs taken: {', '.join(map(str, runs))})\n"
        f"- Load average at the start: {START_LOAD[0]:.2f} {START_LOAD[1]:.2f} "
        f"{START_LOAD[2]:.2f}; at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n\n"
        "**Noise:** the load generator, gunicorn's two workers and everything else share the "
        "same cores, so absolute timings vary from run to run. Ratios measured in the same "
        "run (portal/FTS5, endpoint/hello-world) are more meaningful than absolute "
        "numbers.\n\n"
        "## Results\n\n" + table + "\n\n"
        "Search cells: p50 / p95 through `portal.search.services.search` (warm searcher, "
        "total and facets counted, as the search page does), FTS5 p95 (top 20 by bm25 + "
        "total + counts per type), the ratio portal p95 / FTS5 p95, and hits portal/FTS5 "
        "(the portal also matches inflections and compound parts, FTS5 only exact tokens). "
        "Endpoint cells: requests/s and p95 under gunicorn (2 sync workers) with the shared "
        "cache of anonymous answers on (cached: "
        + (f"Redis at {args.redis}" if args.redis else "each worker's own memory")
        + "; every request after a worker's first is a hit) and off (uncached), SQL "
        "statements per uncached request counted in-process (a hit sends none); the growth "
        "and verdict columns use the uncached p95.\n" + (f"\n{args.note}\n" if args.note else "")
    )
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
