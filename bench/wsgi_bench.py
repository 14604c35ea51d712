"""gunicorn entry point for the benchmark: the portal plus the stand-in search sources."""

from bench.content import register_standin_sources
from portal import create_app

app = create_app()
register_standin_sources()
