"""Configuration read from the environment (twelve-factor style)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent

# templates/ and migrations/ sit at the top of a checkout; the wheel carries them inside the
# package (pyproject.toml maps them there). This is the one place that tells the two apart.
IN_CHECKOUT = not (PACKAGE_DIR / "templates").is_dir()
RESOURCE_DIR = BASE_DIR if IN_CHECKOUT else PACKAGE_DIR
TEMPLATES_DIR = RESOURCE_DIR / "templates"
MIGRATIONS_DIR = RESOURCE_DIR / "migrations"


def instance_path() -> Path:
    """Where the portal keeps its local files: `INSTANCE_PATH`, else a place outside the code.

    In a checkout that is `instance/` at its top; once installed it is `var/portal-instance`
    under the virtual environment (Flask's own rule for installed apps), never site-packages.
    """
    configured = os.environ.get("INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    if IN_CHECKOUT:
        return BASE_DIR / "instance"
    return Path(sys.prefix) / "var" / "portal-instance"


def _default_search_index_dir() -> Path:
    return BASE_DIR / "search_index" if IN_CHECKOUT else instance_path() / "search_index"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for the portal; every value can be overridden from the environment."""

    def __init__(self) -> None:
        self.DEBUG = _bool("FLASK_DEBUG")
        self.TESTING = False
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path() / 'portal.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(_default_search_index_dir()))
        # Apply the search change log after each committed request (and before searching).
        self.SEARCH_INDEX_ON_COMMIT = _bool("SEARCH_INDEX_ON_COMMIT", default=True)
        # Seconds to wait for this host's index writer lock inside a request.
        self.SEARCH_LOCK_TIMEOUT = float(os.environ.get("SEARCH_LOCK_TIMEOUT", "5"))
        # How long a change-log id that is missing (a transaction not yet committed) is awaited.
        self.SEARCH_GAP_SECONDS = float(os.environ.get("SEARCH_GAP_SECONDS", "600"))
        # Sort buffer of `flask search rebuild` (more memory, much faster large rebuilds).
        self.SEARCH_REBUILD_MEMORY_MB = int(os.environ.get("SEARCH_REBUILD_MEMORY_MB", "512"))
        # Worker processes for a full rebuild (0: one per CPU; 1: index in this process).
        self.SEARCH_REBUILD_PROCS = int(os.environ.get("SEARCH_REBUILD_PROCS", "0"))
        # Memory per worker process for postings, bitmaps and field lengths decoded from index
        # segments, kept across index generations (portal/search/docsets.py).
        self.SEARCH_CACHE_MB = int(os.environ.get("SEARCH_CACHE_MB", "128"))
        # Cookies: HttpOnly and SameSite always; Secure unless explicitly running over plain HTTP.
        secure = _bool("SESSION_COOKIE_SECURE", default=not self.DEBUG)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = secure
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        # Largest attached file in megabytes; the upload routes alone take bodies this large.
        self.ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "20"))
        self.BABEL_DEFAULT_LOCALE = "sv"
        self.BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
        self.LANGUAGES = ("sv", "en")
        self.WTF_CSRF_TIME_LIMIT = None
        self.PER_PAGE = 20
        # Number of trusted reverse proxies in front of the portal (0: none, trust no
        # X-Forwarded-* header); see the README's deployment section.
        self.PROXY_FIX = int(os.environ.get("PROXY_FIX", "0") or 0)
        # Abuse limits (Flask-Limiter): memory storage per process unless a shared one is named.
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", default=True)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # The shared cache of anonymous GETs (portal/cache, README "Caching"): Redis when a URL
        # is given, so that every worker and host shares it; else each worker's own memory,
        # with the content generation in a file of the host. CACHE_TYPE=NullCache turns it off.
        redis_url = os.environ.get("CACHE_REDIS_URL") or os.environ.get("REDIS_URL")
        self.CACHE_REDIS_URL = redis_url
        self.CACHE_TYPE = os.environ.get("CACHE_TYPE") or (
            "RedisCache" if redis_url else "SimpleCache"
        )
        self.CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "portal:")
        # Seconds an entry is kept at most (it is invalid as soon as content changes anyway).
        self.CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "300"))
        # Entries a worker keeps in its own memory (SimpleCache only).
        self.CACHE_THRESHOLD = int(os.environ.get("CACHE_THRESHOLD", "500"))
        # Cache-Control max-age of anonymous answers: what browsers and proxies may reuse.
        self.CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", "60"))
        self.CACHE_GENERATION_FILE = os.environ.get(
            "CACHE_GENERATION_FILE", str(instance_path() / "content-generation")
        )
        # Open data (DCAT-AP-SE catalogue at /dcat/catalog.rdf): the licence of the public
        # content (CC0 1.0 unless set), the address for questions about the data and the
        # publisher's name (the portal's own name unless set).
        self.DCAT_LICENSE_URL = os.environ.get(
            "DCAT_LICENSE_URL", "http://creativecommons.org/publicdomain/zero/1.0/"
        )
        self.DCAT_CONTACT_EMAIL = os.environ.get("DCAT_CONTACT_EMAIL", "")
        self.DCAT_PUBLISHER_NAME = os.environ.get("DCAT_PUBLISHER_NAME", "")
        # Notification mail (`flask notify send|digest`, never inside a request): through this
        # SMTP server; with no MAIL_SERVER every mail is written to the log instead.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_USE_SSL = _bool("MAIL_USE_SSL")
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS")
        self.MAIL_PORT = int(
            os.environ.get("MAIL_PORT", "")
            or (465 if self.MAIL_USE_SSL else 587 if self.MAIL_USE_TLS else 25)
        )
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_DEFAULT_SENDER = os.environ.get(
            "MAIL_DEFAULT_SENDER", "Samhällsbyggnadsportalen <noreply@localhost>"
        )
        self.MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))
        # The portal's public address, for links in mails (written outside any request).
        self.PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k.isupper()}
