"""Per-request plumbing: the one place that commits, and the user loader."""

from __future__ import annotations

from blinker import Namespace
from flask import Flask, Response, current_app, g, session

from portal.extensions import db, login_manager

# The session cookie's key for the secret of the login session (portal/accounts/services.py).
LOGIN_SESSION_KEY = "_login_session"

# Sent after the request's transaction is committed (e.g. search applies its change log).
request_committed = Namespace().signal("request-committed")


def init_request_handling(app: Flask) -> None:
    """Commit once at the end of a successful state-changing request; roll back otherwise."""

    @app.after_request
    def commit_on_success(response: Response) -> Response:
        if response.status_code < 400 and not g.get("rollback_only"):
            db.session.commit()
            request_committed.send(current_app._get_current_object())
        else:
            db.session.rollback()
        return response

    @app.after_request
    def close_unsent_file(response: Response) -> Response:
        # A 304 answer to a conditional request for a file never sends the opened file, and
        # Werkzeug does not close it: close it here instead of leaking a file handle.
        if response.status_code == 304:
            response.close()
        return response

    @app.teardown_request
    def rollback_on_error(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()

    from portal.accounts.models import User
    from portal.accounts.services import session_user

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The cookie alone is not enough: its login session must still exist (see
        # portal/accounts/views.py), so that logging out ends copies of the cookie too. A
        # remember-me cookie carries no session secret and so logs nobody in.
        return session_user(user_id, session.get(LOGIN_SESSION_KEY))

    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
