"""The portal's open-data catalogue in DCAT-AP-SE, the profile Sveriges dataportal harvests.

One `dcat:Catalog` for the portal and one `dcat:Dataset` per public collection, each with a
distribution for its JSON API list and one for its CSV download. The properties DCAT-AP-SE
makes mandatory (Catalog: title, description, publisher, licence, dataset; Dataset: title,
description, publisher; Distribution: accessURL, format; Agent: name; contact point: fn,
hasEmail) are always written; `dct:modified` comes from the newest public content, so a draft
never moves it.

Every resource has a hash URI inside the catalogue document (`.../dcat/catalog#dataset-plans`),
so each identifier dereferences to the document that describes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from portal.experiences import services as experiences
from portal.needs import services as needs
from portal.orgs import services as orgs
from portal.plans import services as plans
from portal.standards import services as standards
from portal.tokens.models import as_utc

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
MEDIA_TYPE = Namespace("https://www.iana.org/assignments/media-types/")

# Sveriges dataportal requires the catalogue's own metadata to be CC0 1.0, whatever licence
# the content has (DCAT-AP-SE, dcat:Catalog dcterms:license).
METADATA_LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"
CC0 = METADATA_LICENSE
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAMES = {CC0: "CC0 1.0", CC_BY: "CC BY 4.0"}

Texts = dict[str, str]  # language code -> text


@dataclass(frozen=True)
class Collection:
    """A public collection of the portal, published as one dcat:Dataset."""

    key: str
    title: Texts
    description: Texts
    themes: tuple[str, ...]
    keywords: Texts
    landing_page: str  # endpoint of the HTML list
    api_list: str  # endpoint of the JSON API list
    csv_download: str | None  # endpoint of the CSV download, if there is one
    last_change: Callable[[], datetime | None]


# Whose newest public change dates each collection's dct:modified.
LAST_CHANGE: dict[str, Callable[[], datetime | None]] = {
    "plans": plans.last_public_change,
    "experiences": experiences.last_public_change,
    "needs": needs.last_public_change,
    "organizations": orgs.last_public_change,
    "standards": standards.last_public_change,
}


def _load_collections() -> tuple[Collection, ...]:
    """The collections as described in portal/data/dcat_collections.json (texts in sv and en)."""
    text = resources.files("portal.data").joinpath("dcat_collections.json").read_text("utf-8")
    return tuple(
        Collection(**{**row, "themes": tuple(row["themes"])}, last_change=LAST_CHANGE[row["key"]])
        for row in json.loads(text)
    )


COLLECTIONS = _load_collections()

CATALOG_TITLE = {"sv": "Samhällsbyggnadsportalen", "en": "Planning and building portal"}
CATALOG_DESCRIPTION = {
    "sv": "Öppna data från portalen för digitaliseringen av samhällsbyggnadsprocessen: "
    "handlingsplaner, erfarenheter, anpassningsbehov med leverantörssvar, organisationer och "
    "standarder.",
    "en": "Open data from the portal for digitalising the Swedish planning and building "
    "process: action plans, experiences, adaptation needs with supplier answers, "
    "organisations and standards.",
}
DISTRIBUTION_TITLES = {
    "json": {"sv": "JSON-API (sidindelad lista)", "en": "JSON API (paginated list)"},
    "csv": {"sv": "CSV-fil", "en": "CSV file"},
}


@dataclass(frozen=True)
class CatalogSettings:
    """What an operator sets about the catalogue (DCAT_* in the configuration)."""

    license_url: str
    contact_email: str
    publisher_name: Texts


def license_name(url: str) -> str:
    """A short name for a licence URL (the URL itself for a licence not known here)."""
    return LICENSE_NAMES.get(url, url)


def _texts(graph: Graph, subject: URIRef | BNode, predicate: URIRef, texts: Texts) -> None:
    for language, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=language)))


def _modified(graph: Graph, subject: URIRef, moment: datetime | None) -> None:
    if moment is not None:
        value = as_utc(moment).replace(microsecond=0)
        graph.add((subject, DCTERMS.modified, Literal(value, datatype=XSD.dateTime)))


def build_catalog(url_for: Callable[[str], str], settings: CatalogSettings) -> Graph:
    """Build the catalogue; `url_for(endpoint)` answers an endpoint's absolute URL."""
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    document = url_for("dcat.catalog")
    catalog = URIRef(document)
    publisher = URIRef(f"{document}#publisher")
    contact = URIRef(f"{document}#contact-point")
    license_ = URIRef(settings.license_url)

    graph.add((publisher, RDF.type, FOAF.Agent))
    _texts(graph, publisher, FOAF.name, settings.publisher_name)
    graph.add((publisher, FOAF.homepage, URIRef(url_for("core.home"))))

    graph.add((contact, RDF.type, VCARD.Organization))
    _texts(graph, contact, VCARD.fn, settings.publisher_name)
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, CATALOG_TITLE)
    _texts(graph, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, URIRef(METADATA_LICENSE)))
    graph.add((catalog, FOAF.homepage, URIRef(url_for("core.home"))))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(str(DATA_THEME).rstrip("/"))))
    for language in ("SWE", "ENG"):
        graph.add((catalog, DCTERMS.language, LANGUAGE[language]))

    changes = []
    for collection in COLLECTIONS:
        dataset = URIRef(f"{document}#dataset-{collection.key}")
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        _texts(graph, dataset, DCTERMS.title, collection.title)
        _texts(graph, dataset, DCTERMS.description, collection.description)
        _texts(graph, dataset, DCAT.keyword, collection.keywords)
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((dataset, DCTERMS.license, license_))
        graph.add((dataset, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
        graph.add((dataset, DCAT.landingPage, URIRef(url_for(collection.landing_page))))
        for theme in collection.themes:
            graph.add((dataset, DCAT.theme, DATA_THEME[theme]))
        changed = collection.last_change()
        _modified(graph, dataset, changed)
        if changed is not None:
            changes.append(as_utc(changed))

        json_url = URIRef(url_for(collection.api_list))
        _distribution(graph, dataset, f"{document}#{collection.key}-json", "json", json_url)
        if collection.csv_download:
            csv_url = URIRef(url_for(collection.csv_download))
            csv = _distribution(graph, dataset, f"{document}#{collection.key}-csv", "csv", csv_url)
            graph.add((csv, DCAT.downloadURL, csv_url))
        for distribution in graph.objects(dataset, DCAT.distribution):
            graph.add((distribution, DCTERMS.license, license_))
    _modified(graph, catalog, max(changes, default=None))
    return graph


_MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}


def _distribution(graph: Graph, dataset: URIRef, uri: str, kind: str, access: URIRef) -> URIRef:
    distribution = URIRef(uri)
    media_type = _MEDIA_TYPES[kind]
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    _texts(graph, distribution, DCTERMS.title, DISTRIBUTION_TITLES[kind])
    graph.add((distribution, DCAT.accessURL, access))
    graph.add((distribution, DCAT.mediaType, MEDIA_TYPE[media_type]))
    graph.add((distribution, DCTERMS.format, Literal(media_type)))
    return distribution
