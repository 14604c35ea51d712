"""/feeds/*.atom: Atom feeds of the whole site, each organisation, each standard and the needs.

Every id and link is an absolute URL built from the host the request reaches (behind a proxy
set `PROXY_FIX`, as for the DCAT catalogue): an entry's id is its page's address (an answer's
is the need's page with the answer's anchor), which never changes once published. Feeds answer
`Last-Modified` (the newest entry) and an `ETag`, so a reader that polls gets 304 until
something changed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.feeds.services import FeedEntry, Scope, feed_entries
from portal.orgs.models import Organisation
from portal.orgs.services import get_organisation
from portal.standards.services import get_standard
from portal.tokens.models import as_utc

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "application/atom+xml; charset=utf-8"
# The `updated` of a feed with no entry yet: a fixed moment, so its ETag stays the same.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# Feed readers poll; a shared cache (nginx) may keep a feed for this many seconds.
MAX_AGE = 300
NEED_KINDS = frozenset({"need", "answer"})


def _author(feed_or_entry, organisation: Organisation) -> None:
    feed_or_entry.author(
        name=organisation.name, uri=url_for("orgs.show", slug=organisation.slug, _external=True)
    )


def _add(fg: FeedGenerator, entry: FeedEntry) -> None:
    url = url_for(entry.endpoint, **entry.params, _external=True)
    if entry.anchor:
        url = f"{url}#{entry.anchor}"
    fe = fg.add_entry(order="append")
    fe.id(url)
    fe.title(entry.title)
    fe.link(href=url, rel="alternate", type="text/html")
    fe.updated(entry.updated)
    fe.published(entry.published)
    _author(fe, entry.organisation)
    fe.category(term=entry.kind)
    if entry.summary:
        fe.summary(entry.summary)


def _atom(
    title: str,
    page: tuple[str, dict[str, object]],
    scope: Scope,
    since: datetime | None = None,
    owner: Organisation | None = None,
) -> Response:
    """Answer the feed of `scope`, titled `title`, about the page `page` (endpoint and its
    arguments); `since` dates a feed with no entry yet, `owner` is its author if one."""
    entries = feed_entries(scope)
    self_url = request.base_url
    home = url_for("core.home", _external=True)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.subtitle(_("Planning and building portal"))
    fg.language(str(get_locale() or "sv"))
    fg.link(href=url_for(page[0], **page[1], _external=True), rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.generator(_("Planning and building portal"), uri=home)
    if owner is not None:
        _author(fg, owner)
    else:
        fg.author(name=_("Planning and building portal"), uri=home)
    updated = max((e.updated for e in entries), default=as_utc(since) or EPOCH)
    fg.updated(updated)
    for entry in entries:
        _add(fg, entry)
    response = Response(fg.atom_str(pretty=True), content_type=ATOM)
    response.last_modified = updated
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.update(("Accept-Language", "Cookie"))
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/all.atom")
def site():
    """Answer the feed of everything public: plans, experiences, needs and supplier answers."""
    return _atom(_("News from the portal"), ("core.home", {}), Scope())


@bp.get("/needs.atom")
def needs():
    """Answer the feed of adaptation needs and the suppliers' answers to them."""
    return _atom(_("Adaptation needs"), ("needs.index", {}), Scope(kinds=NEED_KINDS))


@bp.get("/organizations/<slug>.atom")
def organisation(slug: str):
    """Answer the feed of what one organisation published (slug or municipality code)."""
    org = get_organisation(slug)
    page = ("orgs.show", {"slug": org.slug})
    return _atom(org.name, page, Scope(organisation_id=org.id), org.created_at, owner=org)


@bp.get("/standards/<slug>.atom")
def standard(slug: str):
    """Answer the feed of plans, experiences, needs and answers about one standard."""
    entry = get_standard(slug)
    page = ("standards.show", {"slug": entry.slug})
    return _atom(entry.name, page, Scope(standard_id=entry.id), entry.created_at)
