"""Security headers on every response, and trusting a TLS-terminating proxy when told to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline scripts or styles anywhere: JavaScript and CSS come from /static only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


LINK_SCHEMES = {"http", "https"}


def safe_href(url: str | None) -> str | None:
    """Return a user-supplied URL if it may be a link target (http or https), else None.

    Use it for every link whose address a user typed: ``{% set href = x.url | safe_href %}``.
    Forms validate URLs too, but the JSON API and imports do not go through the forms.
    """
    if not url:
        return None
    # Browsers drop ASCII whitespace and control characters inside the scheme.
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return url.strip()


def init_security(app: Flask) -> None:
    """Add the security headers to every response; trust X-Forwarded-* if PROXY_FIX is set."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops > 0:
        # Behind a TLS-terminating proxy: take scheme, host and client address from the
        # X-Forwarded-* headers set by that many proxies (and no more, so clients cannot lie).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    app.jinja_env.filters["safe_href"] = safe_href

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # HSTS only means something over HTTPS; over plain HTTP browsers ignore it anyway,
        # and sending it from a development server would pin localhost to HTTPS.
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
