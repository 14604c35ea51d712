"""Language: Swedish by default, English available; a cookie remembers the choice."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel

LANGUAGE_COOKIE = "lang"


API_PATH = "/api/"
# Pages for people under /api/ (the API documentation) choose their language as every page does.
PAGES_UNDER_API = ("/api/v1/docs",)


def is_api_request() -> bool:
    """Tell whether the request is for the JSON API (not one of its pages for people)."""
    path = request.path
    return path.startswith(API_PATH) and not path.startswith(PAGES_UNDER_API)


def select_locale() -> str:
    """Pick the cookie's language, else the best Accept-Language match, else Swedish.

    The JSON API answers in the language of Accept-Language only, English unless asked.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config.get("CLI_LOCALE", "en")
    if is_api_request():
        return request.accept_languages.best_match(languages) or "en"
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Stockholm")
