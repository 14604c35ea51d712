"""Configuration read from the environment (twelve-factor style)."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


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
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'portal.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
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
        # Open data (DCAT-AP-SE catalogue at /dcat/catalog.rdf): the licence of the public
        # content (CC0 1.0 unless set), the address for questions about the data and the
        # publisher's name (the portal's own name unless set).
        self.DCAT_LICENSE_URL = os.environ.get(
            "DCAT_LICENSE_URL", "http://creativecommons.org/publicdomain/zero/1.0/"
        )
        self.DCAT_CONTACT_EMAIL = os.environ.get("DCAT_CONTACT_EMAIL", "")
        self.DCAT_PUBLISHER_NAME = os.environ.get("DCAT_PUBLISHER_NAME", "")

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k.isupper()}
