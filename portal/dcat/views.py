"""/dcat/catalog: the open-data catalogue (DCAT-AP-SE) that Sveriges dataportal harvests."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from portal.dcat import services

bp = Blueprint("dcat", __name__, url_prefix="/dcat")

# Serialisation -> media type; RDF/XML first, as the national data portal harvests it.
FORMATS = {"xml": "application/rdf+xml", "turtle": "text/turtle"}


@bp.app_template_global()
def open_data_license() -> tuple[str, str]:
    """The licence public content is published under, as (short name, URL)."""
    url = current_app.config["DCAT_LICENSE_URL"]
    return services.license_name(url), url


def _settings() -> services.CatalogSettings:
    config = current_app.config
    publisher = config.get("DCAT_PUBLISHER_NAME")
    return services.CatalogSettings(
        license_url=config["DCAT_LICENSE_URL"],
        # Without a configured address, the portal's own host name (see the README).
        contact_email=config.get("DCAT_CONTACT_EMAIL") or f"info@{request.host.split(':')[0]}",
        publisher_name={"sv": publisher} if publisher else services.CATALOG_TITLE,
    )


def _answer(serialisation: str) -> Response:
    graph = services.build_catalog(lambda e: url_for(e, _external=True), _settings())
    media_type = FORMATS[serialisation]
    response = Response(graph.serialize(format=serialisation), mimetype=media_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/catalog")
def catalog():
    """Answer the catalogue as RDF/XML or, when the client prefers it, Turtle."""
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), FORMATS["xml"])
    return _answer("turtle" if best == FORMATS["turtle"] else "xml")


@bp.get("/catalog.rdf")
def catalog_rdf():
    """Answer the catalogue as RDF/XML."""
    return _answer("xml")


@bp.get("/catalog.ttl")
def catalog_ttl():
    """Answer the catalogue as Turtle."""
    return _answer("turtle")
