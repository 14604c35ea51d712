"""A small load generator (run as its own process): `python -m bench.load URL N THREADS`.

Prints one JSON line: requests, seconds, requests/s, p50 and p95 in ms, errors.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def run(url: str, total: int, threads: int, max_seconds: float = 20.0) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    remaining = [total]
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "sv"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        conn.close()

    # Warm-up requests, not counted: enough one after another that every gunicorn worker has
    # answered one (a worker's first answer may be a cache miss or load code).
    for _ in range(max(8, 4 * threads)):
        c = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        c.request("GET", path)
        c.getresponse().read()
        c.close()
    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(n - 1, int(p * n))] * 1000 if n else 0.0

    return {
        "requests": n,
        "seconds": seconds,
        "rps": n / seconds if seconds else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "errors": errors[0],
    }


if __name__ == "__main__":
    url, total, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(run(url, total, threads)))
