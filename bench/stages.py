"""`python -m bench.stages --workdir DIR [--size N] [--profile]`: where a search's time goes.

Opens the database and index that `python -m bench --workdir DIR` built for a size (no
generation, no rebuild), then times each query class of the bench through
`portal.search.services.search`: cold (the searcher just opened and the segment cache empty,
as the first search after a worker starts) and warm (repeated), wall-clock and CPU time
(the CPU time of this process is steadier on a shared machine), with `--profile` a cProfile
of the warm runs of each class.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

from bench.__main__ import QUERIES, pct, update_until_searchable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--keep-cache",
        action="store_true",
        help="do not empty the segment cache before each class (to see what all of them cost)",
    )
    parser.add_argument("--classes", help="comma-separated query classes (default: all)")
    parser.add_argument(
        "--update",
        action="store_true",
        help="instead: time one update until searchable (as the bench does; it changes the "
        "kept database and index), then the first search of each class on the new generation",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="instead: profile a full rebuild of the kept database into a scratch index, in "
        "one process (SEARCH_REBUILD_PROCS=1, so that cProfile sees the analysis)",
    )
    args = parser.parse_args(argv)
    kept = Path(args.workdir).resolve() / f"{args.size}-{args.seed}"
    if not (kept / "built.json").exists():
        parser.error(f"nothing built in {kept}: run python -m bench --workdir first")

    from bench import content
    from portal import create_app
    from portal.search import docsets, services

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{kept / 'bench.sqlite3'}",
            "SEARCH_INDEX_DIR": str(kept / "index"),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "CACHE_TYPE": "NullCache",
        }
    )
    content.register_standin_sources()
    if args.rebuild:
        return _profile_rebuild(app)
    if args.update:
        return _time_update(app)
    wanted = set(args.classes.split(",")) if args.classes else None
    with app.test_request_context("/"):
        t0 = time.perf_counter()
        services.search("fjärranalys")
        first = (time.perf_counter() - t0) * 1000
        print(f"first search of the process (opens the index): {first:.1f} ms")
        for name, text, selected, _ in QUERIES:
            if wanted and name not in wanted:
                continue
            clear = getattr(docsets, "clear_segment_cache", None)
            if clear and not args.keep_cache:
                clear()
            services.close_searchers()
            services.search("fjärranalys")  # a fresh searcher: bitmaps of facets, lengths
            t0, c0 = time.perf_counter(), time.process_time()
            res = services.search(text, selected=selected)
            cold = (time.perf_counter() - t0) * 1000
            cold_cpu = (time.process_time() - c0) * 1000
            times, cpu = [], []
            profiler = cProfile.Profile() if args.profile else None
            for _ in range(args.reps):
                t0, c0 = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                services.search(text, selected=selected)
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            print(
                f"{name:15} cold {cold:7.1f} ms (CPU {cold_cpu:6.1f}) · warm p50 "
                f"{pct(times, 0.5):7.1f} / p95 {pct(times, 0.95):7.1f} ms (CPU p50 "
                f"{pct(cpu, 0.5):6.1f} / p95 {pct(cpu, 0.95):6.1f}) · hits {res.page.total}",
                flush=True,
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
                print(out.getvalue())
    cache = getattr(docsets, "segment_cache", None)
    if cache is not None:
        print(
            f"segment cache: {cache.bytes / 2**20:.1f} MB in {len(cache)} entries "
            f"(bound {cache.max_bytes / 2**20:.0f} MB; the last class's only: cold runs clear it)"
        )
    status = Path("/proc/self/status").read_text().splitlines()
    print("this process:", "; ".join(x for x in status if x.split(":")[0] in MEMORY_LINES))
    return 0


MEMORY_LINES = ("VmHWM", "RssAnon", "RssFile")


def _time_update(app) -> int:
    from portal.search import services

    with app.test_request_context("/"):
        for _, text, selected, _ in QUERIES:  # a worker that has served searches before
            services.search(text, selected=selected)
        wall, cpu, found = update_until_searchable()
        print(f"one update until searchable: {wall:.1f} ms (CPU {cpu:.1f}) · found {found}")
        for name, text, selected, _ in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            services.search(text, selected=selected)
            wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
            print(f"  first {name} on the new generation: {wall:.1f} ms (CPU {cpu:.1f})")
    return 0


def _profile_rebuild(app) -> int:
    import tempfile

    from portal.search import indexing

    with tempfile.TemporaryDirectory(prefix="rebuild-profile-") as scratch:
        app.config.update(SEARCH_INDEX_DIR=scratch, SEARCH_REBUILD_PROCS=1)
        with app.app_context():
            profiler = cProfile.Profile()
            t0, c0 = time.perf_counter(), time.process_time()
            profiler.enable()
            docs = indexing.rebuild(wait=60.0)
            profiler.disable()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"rebuild of {docs} documents in one process: {wall:.1f} s wall, {cpu:.1f} s CPU")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
