"""Language: Swedish by default, English available; a cookie remembers the choice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept

LANGUAGE_COOKIE = "lang"


API_PATH = "/api/"
# Pages for people under /api/ (the API documentation) choose their language as every page does.
PAGES_UNDER_API = ("/api/v1/docs",)


def is_api_request() -> bool:
    """Tell whether the request is for the JSON API (not one of its pages for people)."""
    return is_api_path(request.path)


def is_api_path(path: str) -> bool:
    """Tell whether `path` belongs to the JSON API (not one of its pages for people)."""
    return path.startswith(API_PATH) and not path.startswith(PAGES_UNDER_API)


def select_locale() -> str:
    """Pick the cookie's language, else the best Accept-Language match, else Swedish.

    The JSON API answers in the language of Accept-Language only, English unless asked.
    """
    if not has_request_context():
        return current_app.config.get("CLI_LOCALE", "en")
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    return negotiate_locale(request.path, cookie, request.accept_languages, current_app.config)


def negotiate_locale(
    path: str, cookie: str | None, accept_languages: LanguageAccept, config: Mapping[str, Any]
) -> str:
    """The language of an answer to `path`, from the language cookie and Accept-Language.

    Pure, so that the shared cache (portal/cache/shared.py) keys an answer by the same choice
    before any request context exists.
    """
    languages = config["LANGUAGES"]
    if is_api_path(path):
        return accept_languages.best_match(languages) or "en"
    if cookie in languages:
        return cookie
    return accept_languages.best_match(languages) or config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Stockholm")
