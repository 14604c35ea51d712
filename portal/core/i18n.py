"""Language: Swedish by default, English available; a cookie remembers the choice."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """Pick the cookie's language, else the best Accept-Language match, else Swedish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config.get("CLI_LOCALE", "en")
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Stockholm")
