"""No cache keeps what one person saw: answers that depend on who asks are private, no-store.

A response depends on who asks exactly when the request looked up its user and found one (a
session or an API token): every page that shows an account, a draft, an edit form or a members
list does, and so does the layout of every page a logged-in person sees. Anonymous answers
(public pages, static files, public API reads) keep the headers their views give them.
"""

from __future__ import annotations

from flask import Flask, Response, g

PRIVATE = "private, no-store"


def answered_for_someone() -> bool:
    """Whether this request was answered for a logged-in user or a token's owner.

    Flask-Login keeps the user it loaded in `g._login_user` (the API's token check puts the
    token's user there too); a request that never asked has no user to depend on.
    """
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def init_cache_control(app: Flask) -> None:
    """Mark every answer given to someone logged in (or by token) private, no-store."""

    @app.after_request
    def keep_personal_answers_private(response: Response) -> Response:
        if answered_for_someone():
            response.headers["Cache-Control"] = PRIVATE
        return response
