"""Benchmark harness: `python -m bench` (see bench/RESULTS.md and the README)."""
