"""The DCAT-AP-SE catalogue (/dcat/catalog.rdf and .ttl), read as the national data portal
and any RDF client would: parsed with rdflib, checked against the profile's mandatory
properties, every portal URL in it followed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urldefrag

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF

from portal.experiences.models import Experience
from portal.extensions import db
from portal.plans.models import Plan

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
BASE = "http://localhost/"
CATALOG = URIRef(f"{BASE}dcat/catalog")

# DCAT-AP-SE's mandatory properties per class (min cardinality 1 in the profile,
# github.com/diggsweden/DCAT-AP-SE bundle.json), then what the portal promises on top of them.
MANDATORY = {
    DCAT.Catalog: [
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.license,
        DCAT.dataset,
    ],
    DCAT.Dataset: [DCTERMS.title, DCTERMS.description, DCTERMS.publisher],
    DCAT.Distribution: [DCAT.accessURL, DCTERMS.format],
    FOAF.Agent: [FOAF.name],
    VCARD.Organization: [VCARD.fn, VCARD.hasEmail],
}
PROMISED = {
    DCAT.Catalog: [DCTERMS.modified, FOAF.homepage],
    DCAT.Dataset: [
        DCTERMS.license,
        DCAT.contactPoint,
        DCAT.theme,
        DCAT.distribution,
        DCTERMS.modified,
        DCAT.landingPage,
    ],
    DCAT.Distribution: [DCAT.mediaType, DCTERMS.license],
}
# Where a property points to another resource, the class that resource must have.
RANGES = {
    DCTERMS.publisher: FOAF.Agent,
    DCAT.contactPoint: VCARD.Organization,
    DCAT.dataset: DCAT.Dataset,
    DCAT.distribution: DCAT.Distribution,
}
BILINGUAL = [
    (DCAT.Catalog, DCTERMS.title),
    (DCAT.Catalog, DCTERMS.description),
    (DCAT.Dataset, DCTERMS.title),
    (DCAT.Dataset, DCTERMS.description),
]
FORMATS = {"rdf": ("xml", "application/rdf+xml"), "ttl": ("turtle", "text/turtle")}
COLLECTIONS = ["plans", "experiences", "needs", "organizations", "standards"]


def fetch(client, suffix: str = "rdf") -> Graph:
    syntax, media_type = FORMATS[suffix]
    response = client.get(f"/dcat/catalog.{suffix}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    return Graph().parse(data=response.data, format=syntax)


@pytest.fixture(scope="module")
def _built() -> dict[str, Graph]:
    return {}


@pytest.fixture
def catalog(request, client, _built) -> Graph:
    """The catalogue of a portal with a published plan, experience and need (besides the
    reference organisations and standards), built once for the tests that only read it."""
    if "graph" not in _built:
        request.getfixturevalue("make_plan")("vallentuna")
        request.getfixturevalue("make_experience")("gotland")
        request.getfixturevalue("make_need")("vallentuna")
        _built["graph"] = fetch(client)
    return _built["graph"]


def dataset(key: str) -> URIRef:
    return URIRef(f"{CATALOG}#dataset-{key}")


def modified(graph: Graph, subject: URIRef) -> datetime | None:
    value = graph.value(subject, DCTERMS.modified)
    return value.toPython() if value is not None else None


def test_both_serialisations_describe_the_same_graph(client):
    xml, turtle = fetch(client, "rdf"), fetch(client, "ttl")
    assert len(xml) > 100
    assert isomorphic(xml, turtle)


def test_catalog_answers_turtle_to_clients_that_ask_for_it(client):
    assert client.get("/dcat/catalog").mimetype == "application/rdf+xml"
    asked = client.get("/dcat/catalog", headers={"Accept": "text/turtle"})
    assert asked.mimetype == "text/turtle"
    Graph().parse(data=asked.data, format="turtle")


def test_one_catalog_with_a_dataset_per_public_collection(catalog):
    assert list(catalog.subjects(RDF.type, DCAT.Catalog)) == [CATALOG]
    assert set(catalog.objects(CATALOG, DCAT.dataset)) == {dataset(k) for k in COLLECTIONS}
    assert set(catalog.subjects(RDF.type, DCAT.Dataset)) == {dataset(k) for k in COLLECTIONS}


@pytest.mark.parametrize(
    ("cls", "prop"),
    [(c, p) for table in (MANDATORY, PROMISED) for c, props in table.items() for p in props],
    ids=lambda v: v.n3().rsplit("/", 1)[-1].rsplit("#", 1)[-1].strip(">"),
)
def test_every_resource_of_a_class_has_its_mandatory_property(catalog, cls, prop):
    resources = list(catalog.subjects(RDF.type, cls))
    assert resources, f"no {cls} in the catalogue"
    for resource in resources:
        values = list(catalog.objects(resource, prop))
        assert values, f"{resource} has no {prop}"
        if prop in RANGES:
            for value in values:
                assert (value, RDF.type, RANGES[prop]) in catalog, f"{value} is no {RANGES[prop]}"


@pytest.mark.parametrize(("cls", "prop"), BILINGUAL)
def test_titles_and_descriptions_are_in_swedish_and_english(catalog, cls, prop):
    for resource in catalog.subjects(RDF.type, cls):
        languages = {v.language for v in catalog.objects(resource, prop)}
        assert languages == {"sv", "en"}, resource


def test_distributions_give_the_json_api_and_the_csv_downloads(client, catalog):
    for key in COLLECTIONS:
        distributions = list(catalog.objects(dataset(key), DCAT.distribution))
        media = {catalog.value(d, DCAT.mediaType): d for d in distributions}
        json = media[URIRef("https://www.iana.org/assignments/media-types/application/json")]
        assert catalog.value(json, DCTERMS.format) == Literal("application/json")
        api = str(catalog.value(json, DCAT.accessURL))
        assert client.get(api).is_json
        csv_type = URIRef("https://www.iana.org/assignments/media-types/text/csv")
        if key == "standards":  # the standards have no CSV download
            assert csv_type not in media
            continue
        csv = media[csv_type]
        download = catalog.value(csv, DCAT.downloadURL)
        assert download == catalog.value(csv, DCAT.accessURL)
        assert client.get(str(download)).mimetype == "text/csv"


def test_themes_come_from_the_eu_data_theme_vocabulary(catalog):
    themes = set(catalog.objects(None, DCAT.theme))
    assert themes
    assert all(
        str(t).startswith("http://publications.europa.eu/resource/authority/data-theme/")
        for t in themes
    )


def test_every_url_into_the_portal_answers_200(client, catalog):
    urls = {
        urldefrag(str(term)).url
        for triple in catalog
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(BASE)
    }
    assert len(urls) > 10
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url


def test_licence_and_contact_come_from_the_configuration(app, client):
    cc_by = "https://creativecommons.org/licenses/by/4.0/"
    app.config.update(DCAT_LICENSE_URL=cc_by, DCAT_CONTACT_EMAIL="oppnadata@example.se")
    try:
        graph = fetch(client)
        page = client.get("/api/v1/docs").get_data(as_text=True)
    finally:
        app.config.update(
            DCAT_LICENSE_URL="http://creativecommons.org/publicdomain/zero/1.0/",
            DCAT_CONTACT_EMAIL="",
        )
    for key in COLLECTIONS:
        assert graph.value(dataset(key), DCTERMS.license) == URIRef(cc_by)
    assert set(graph.objects(None, VCARD.hasEmail)) == {URIRef("mailto:oppnadata@example.se")}
    # The catalogue's own metadata stays CC0, as Sveriges dataportal requires.
    assert graph.value(CATALOG, DCTERMS.license) == URIRef(
        "http://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert "CC BY 4.0" in page and cc_by in page


def test_api_page_links_the_catalogue_for_discovery(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert '<link rel="alternate" type="application/rdf+xml" href="/dcat/catalog.rdf"' in page
    assert "CC0 1.0" in page
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/api/v1/docs#open-data">' in home


def _later(model, object_id: int, days: int) -> datetime:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    db.session.get(model, object_id).updated_at = moment
    db.session.commit()
    return moment


@pytest.mark.parametrize(("key", "model"), [("plans", Plan), ("experiences", Experience)])
def test_modified_follows_public_content_and_never_drafts(
    app, client, make_plan, make_experience, key, model
):
    make = {
        "plans": lambda **kw: make_plan(status="draft" if kw["draft"] else "published"),
        "experiences": lambda **kw: make_experience(publish=not kw["draft"]),
    }[key]
    public_id, draft_id = make(draft=False), make(draft=True)
    with app.app_context():
        published_at = _later(model, public_id, 1)
        _later(model, draft_id, 30)  # a draft edited long after
    graph = fetch(client)
    assert modified(graph, dataset(key)) == published_at
    assert modified(graph, CATALOG) == published_at
    with app.app_context():
        edited_at = _later(model, public_id, 2)  # the public one edited: the date moves
    graph = fetch(client)
    assert modified(graph, dataset(key)) == edited_at
    assert modified(graph, CATALOG) == edited_at


def test_catalog_issues_a_fixed_number_of_queries(client, count_queries, catalog):
    with count_queries() as log:
        assert client.get("/dcat/catalog.rdf").status_code == 200
    assert log.count <= 8
