"""The index on this host: schema, the single-writer lock, the cursor, apply/rebuild/verify.

The database is the source of truth; the index is a derived copy. Each host applies the shared
change log to its own index and keeps its position (the cursor) in the index directory.
Applying a change re-loads the document from the database and indexes it if it is visible or
deletes it otherwise, so applying twice, or out of order, gives the same index.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.writing import CLEAR

from portal.core.models import utcnow
from portal.extensions import db
from portal.search import registry
from portal.search.analysis import (
    exact_analyzer,
    pairs_analyzer,
    stemming_analyzer,
    tails_analyzer,
)
from portal.search.docsets import clear_segment_cache
from portal.search.models import SearchChange

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # 2: `tails` replaced `parts` (every part of every long word); 3: `pairs`
CURSOR_FILE = "search_cursor.json"
LOCK_FILE = "indexer.lock"
BATCH_SIZE = 500
MAX_GAPS = 5000
# Below this many documents starting worker processes costs more than it saves.
PARALLEL_REBUILD_MIN_DOCS = 2000


class IndexBusy(Exception):
    """Another process holds the index writer lock longer than we are willing to wait."""


class IndexNeedsRebuild(Exception):
    """The index is missing, from another schema version, or behind a pruned/reset log."""


def make_schema() -> Schema:
    stemmed = stemming_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        doc_type=ID(stored=True, sortable=True),
        doc_key=ID(stored=True),
        # No field keeps word positions (phrase=False): phrases are looked up in `pairs`.
        title=TEXT(analyzer=stemmed, stored=True, phrase=False),
        body=TEXT(analyzer=stemmed, stored=True, phrase=False),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        tails=TEXT(analyzer=tails_analyzer(), phrase=False),
        pairs=TEXT(analyzer=pairs_analyzer(), phrase=False),
        org_name=STORED(),
        org_kind=ID(stored=True, sortable=True),
        county=ID(stored=True, sortable=True),
        standard=KEYWORD(stored=True, commas=True),
        year=ID(stored=True, sortable=True),
        date=DATETIME(stored=True, sortable=True),
        ref=STORED(),
        href=STORED(),
        digest=STORED(),
    )


def index_dir() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


# --- the writer lock ------------------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(directory: Path, timeout: float) -> Iterator[None]:
    """Hold this host's index writer lock, waiting at most `timeout` seconds (IndexBusy)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"the search index in {directory} is busy") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- the cursor -----------------------------------------------------------------------------------


@dataclass
class Cursor:
    """How far this index has applied the change log, and ids that may still appear.

    PostgreSQL hands out ids when a row is inserted but the row becomes visible at commit: a
    transaction that commits late leaves a gap below ids already applied. Such gaps are
    re-checked until they appear or are older than SEARCH_GAP_SECONDS (rolled back).
    """

    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    # What the log's row `last_id` said ("type:key@time"): a restored or replaced database can
    # reuse that id for another change, and its later rows would then be silently skipped.
    last_mark: str = ""

    @classmethod
    def read(cls, directory: Path) -> Cursor | None:
        try:
            data = json.loads((directory / CURSOR_FILE).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return cls(
            last_id=int(data.get("last_id", 0)),
            gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()},
            schema_version=int(data.get("schema_version", 0)),
            last_mark=str(data.get("last_mark", "")),
        )

    def write(self, directory: Path) -> None:
        tmp = directory / f".{CURSOR_FILE}.{os.getpid()}.tmp"
        payload = {
            "last_id": self.last_id,
            "gaps": {str(k): v for k, v in sorted(self.gaps.items())},
            "schema_version": self.schema_version,
            "last_mark": self.last_mark,
        }
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / CURSOR_FILE)

    def note_gaps(self, ids: Sequence[int], upto: int, now: float) -> None:
        seen = set(ids)
        for missing in range(self.last_id + 1, upto):
            if missing not in seen:
                self.gaps.setdefault(missing, now)
        if len(self.gaps) > MAX_GAPS:
            for old in sorted(self.gaps)[: len(self.gaps) - MAX_GAPS]:
                del self.gaps[old]


def _open_index(directory: Path):
    if not whoosh_index.exists_in(str(directory)):
        return None
    return whoosh_index.open_dir(str(directory))


class _FieldLengths:
    """A segment's field lengths for the postings writer, each field's column read once.

    Whoosh asks the per-document reader for a document's field length once per posting it
    writes (to keep each block's shortest and longest document): a file read and an unpack
    per posting, about a tenth of a rebuild's CPU. The answers are the same.
    """

    def __init__(self, lengths):
        self._lengths = lengths
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        table = self._fields.get(fieldname)
        if table is None:
            read = self._lengths.doc_field_length
            table = [read(d, fieldname, 0) for d in range(self._lengths.doc_count_all())]
            self._fields[fieldname] = table
        if 0 <= docnum < len(table) and default == 0:
            return table[docnum]
        return self._lengths.doc_field_length(docnum, fieldname, default)


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        super().add_postings(schema, _FieldLengths(lengths) if lengths else lengths, items)


class _Codec(W3Codec):
    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


def codec() -> W3Codec:
    """Whoosh's codec without zlib on posting blocks: decompressing them took a third of a
    query for common words and compressing them a quarter of a rebuild; the index is about
    twice as large on disk (67 MB instead of 29 MB for the 10 000 documents of the bench).
    Field lengths are read once per field when postings are written (:class:`_FieldLengths`).
    """
    return _Codec(compression=0)


# Segments are written as separate files, never assembled into one compound file: Whoosh
# reads a compound segment's postings through BytesIO(memoryview), which copies the whole
# postings file into each process's own memory for every searcher that opens it (560 MB per
# gunicorn worker at 100 000 documents, copied again on every new index generation). Separate
# files are read from the page cache, shared between workers.
WRITER_OPTIONS = {"compound": False}


def _writer(ix):
    # Our own lock serialises writers; Whoosh's lock is only a second line of defence.
    return ix.writer(timeout=5.0, delay=0.05, codec=codec(), **WRITER_OPTIONS)


def _load(session: Session, doc_type: str, keys: Sequence[str]) -> dict[str, object]:
    source = registry.get_source(doc_type)
    if source is None:
        return dict.fromkeys(keys)
    docs: dict[str, object] = {}
    for start in range(0, len(keys), BATCH_SIZE):
        docs.update(source.load_documents(session, keys[start : start + BATCH_SIZE]))
    return docs


def _write_documents(writer, doc_type: str, docs: dict[str, object]) -> None:
    for key, doc in docs.items():
        doc_id = registry.doc_id(doc_type, key)
        if doc is None:
            writer.delete_by_term("id", doc_id)
        else:
            writer.update_document(**doc.fields())


def _refresh_type(session: Session, writer, reader, doc_type: str) -> None:
    """Re-check every document of one type (after a bulk statement touched its table)."""
    source = registry.get_source(doc_type)
    public = list(source.public_keys(session)) if source else []
    indexed = [
        fields["doc_key"] for _, fields in reader.iter_docs() if fields.get("doc_type") == doc_type
    ]
    keys = list(dict.fromkeys([*public, *indexed]))
    _write_documents(writer, doc_type, _load(session, doc_type, keys))


def _apply_rows(session: Session, ix, rows: Sequence[tuple[int, str, str]]) -> None:
    by_type: dict[str, list[str]] = {}
    for _, doc_type, key in rows:
        by_type.setdefault(doc_type, [])
        if key not in by_type[doc_type]:
            by_type[doc_type].append(key)
    writer = _writer(ix)
    try:
        with ix.reader() as reader:
            for doc_type, keys in by_type.items():
                if "*" in keys:
                    _refresh_type(session, writer, reader, doc_type)
                    continue
                _write_documents(writer, doc_type, _load(session, doc_type, keys))
        _commit(writer)
    except BaseException:
        writer.cancel()
        raise


def _commit(writer, **kwargs) -> None:
    """Commit the Whoosh writer (a seam for tests that simulate a failing disk)."""
    writer.commit(**kwargs)


@dataclass
class ApplyResult:
    applied: int = 0
    rebuilt: bool = False
    # Every committed change in the log was applied (nothing left for a later run).
    caught_up: bool = False


def _gap_seconds() -> float:
    return float(current_app.config.get("SEARCH_GAP_SECONDS", 600))


def apply_pending_changes(
    *,
    wait: float | None = None,
    rebuild_if_needed: bool = False,
    max_batches: int | None = None,
    allow_type_refresh: bool = True,
) -> ApplyResult:
    """Apply the change log to this host's index, from its cursor, in id order.

    Waits at most `wait` seconds for the writer lock (IndexBusy). Raises IndexNeedsRebuild when
    the index cannot be brought up to date incrementally, unless `rebuild_if_needed`.
    `max_batches` and `allow_type_refresh=False` bound the work (the search page uses them).
    """
    directory = index_dir()
    wait = current_app.config.get("SEARCH_LOCK_TIMEOUT", 10.0) if wait is None else wait
    result = ApplyResult()
    with writer_lock(directory, wait), Session(db.engine) as session:
        ix = _open_index(directory)
        cursor = Cursor.read(directory)
        problem = _needs_rebuild(session, ix, cursor)
        if problem:
            if not rebuild_if_needed:
                raise IndexNeedsRebuild(problem)
            log.warning("rebuilding the search index: %s", problem)
            _rebuild_locked(session, directory)
            result.rebuilt = True
            ix = _open_index(directory)
            cursor = Cursor.read(directory)
        batches = 0
        while max_batches is None or batches < max_batches:
            batches += 1
            now = time.time()
            gap_ids = [g for g, seen in cursor.gaps.items() if now - seen < _gap_seconds()]
            condition = SearchChange.id > cursor.last_id
            if gap_ids:
                condition = sa.or_(condition, SearchChange.id.in_(gap_ids))
            rows = session.execute(
                sa.select(
                    SearchChange.id,
                    SearchChange.doc_type,
                    SearchChange.doc_key,
                    SearchChange.created_at,
                )
                .where(condition)
                .order_by(SearchChange.id)
                .limit(BATCH_SIZE)
            ).all()
            session.rollback()  # end the read transaction: loads below see fresh commits
            if not allow_type_refresh and any(r[2] == "*" for r in rows):
                break  # re-checking a whole type is work for a commit hook or the watcher
            if not rows:
                live = {g: s for g, s in cursor.gaps.items() if now - s < _gap_seconds()}
                if live != cursor.gaps:
                    cursor.gaps = live
                    cursor.write(directory)
                result.caught_up = True
                break
            _apply_rows(session, ix, [(r[0], r[1], r[2]) for r in rows])
            session.rollback()
            new_ids = [r[0] for r in rows if r[0] > cursor.last_id]
            for r in rows:
                cursor.gaps.pop(r[0], None)
            if new_ids:
                cursor.note_gaps(new_ids, max(new_ids), now)
                cursor.last_id = max(new_ids)
                cursor.last_mark = _mark(*next(r[1:] for r in rows if r[0] == cursor.last_id))
            cursor.gaps = {g: s for g, s in cursor.gaps.items() if now - s < _gap_seconds()}
            cursor.write(directory)
            result.applied += len(rows)
            if len(rows) < BATCH_SIZE:
                result.caught_up = True
                break
    return result


def _count_pending(session: Session, cursor: Cursor) -> int:
    return session.scalar(sa.select(sa.func.count()).where(SearchChange.id > cursor.last_id)) or 0


def _needs_rebuild(session: Session, ix, cursor: Cursor | None) -> str | None:
    if ix is None:
        return "there is no index yet"
    if cursor is None:
        return "the index has no cursor"
    if cursor.schema_version != SCHEMA_VERSION:
        return "the index was built with another schema version"
    if set(ix.schema.names()) != set(make_schema().names()):
        return "the index schema differs"
    lo, hi = session.execute(
        sa.select(sa.func.min(SearchChange.id), sa.func.max(SearchChange.id))
    ).one()
    session.rollback()
    if hi is not None and hi < cursor.last_id:
        return "the change log is behind the index (database restored or replaced?)"
    if lo is not None and lo > cursor.last_id + 1:
        return "changes this index never applied have been pruned from the log"
    if cursor.last_mark and lo is not None and lo <= cursor.last_id:
        last = session.execute(
            sa.select(SearchChange.doc_type, SearchChange.doc_key, SearchChange.created_at).where(
                SearchChange.id == cursor.last_id
            )
        ).one_or_none()
        session.rollback()
        if last is None or _mark(*last) != cursor.last_mark:
            return "the change log is not the one this index applied (database restored?)"
    return None


def _mark(doc_type: str, doc_key: str, created_at) -> str:
    """What a change log row says, to recognise it again (see Cursor.last_mark)."""
    return f"{doc_type}:{doc_key}@{created_at.isoformat() if created_at else ''}"


def rebuild(*, wait: float | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild this host's index from the database; return the number of documents."""
    directory = index_dir()
    wait = current_app.config.get("SEARCH_LOCK_TIMEOUT", 10.0) if wait is None else wait
    with writer_lock(directory, wait), Session(db.engine) as session:
        return _rebuild_locked(session, directory, progress)


def count_public(session: Session) -> int:
    return sum(len(list(s.public_keys(session))) for s in registry.sources())


def _rebuild_locked(
    session: Session, directory: Path, progress: Callable[[int], None] | None = None
) -> int:
    # Where the log stands before we read the content: later changes are applied afterwards.
    window = timedelta(seconds=_gap_seconds())
    max_id = session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0
    settled = (
        session.scalar(
            sa.select(sa.func.max(SearchChange.id)).where(
                SearchChange.created_at < utcnow() - window
            )
        )
        or 0
    )
    recent = set(
        session.scalars(
            sa.select(SearchChange.id).where(SearchChange.id > settled, SearchChange.id <= max_id)
        )
    )
    session.rollback()
    last = session.execute(
        sa.select(SearchChange.doc_type, SearchChange.doc_key, SearchChange.created_at).where(
            SearchChange.id == max_id
        )
    ).one_or_none()
    session.rollback()
    cursor = Cursor(last_id=settled)
    cursor.note_gaps(sorted(recent), max_id + 1, time.time())
    cursor.last_id = max_id
    cursor.last_mark = _mark(*last) if last is not None else ""

    ix = _open_index(directory)
    if ix is None or set(ix.schema.names()) != set(make_schema().names()):
        ix = whoosh_index.create_in(str(directory), make_schema())
    keys_by_source = [(source, list(source.public_keys(session))) for source in registry.sources()]
    # A bigger sort buffer makes a large rebuild several times faster (fewer runs to merge).
    memory = int(current_app.config.get("SEARCH_REBUILD_MEMORY_MB", 512))
    procs = int(current_app.config.get("SEARCH_REBUILD_PROCS") or os.cpu_count() or 1)
    options: dict[str, object] = {"limitmb": memory, "codec": codec(), **WRITER_OPTIONS}
    if procs > 1 and sum(len(keys) for _, keys in keys_by_source) >= PARALLEL_REBUILD_MIN_DOCS:
        # Analysis runs in `procs` worker processes; each writes its own segment, kept as is.
        options.update(procs=procs, multisegment=True, batchsize=200, limitmb=memory // procs)
    writer = ix.writer(timeout=5.0, delay=0.05, **options)
    total = 0
    try:
        for source, keys in keys_by_source:
            for start in range(0, len(keys), BATCH_SIZE):
                batch = keys[start : start + BATCH_SIZE]
                docs = source.load_documents(session, batch)
                for doc in docs.values():
                    if doc is not None:
                        writer.add_document(**doc.fields())
                        total += 1
                session.expunge_all()
                if progress:
                    progress(len(batch))
        _commit(writer, mergetype=CLEAR)
    except BaseException:
        writer.cancel()
        raise
    # The old segments are gone; what this process decoded from them is of no more use.
    clear_segment_cache()
    session.rollback()
    cursor.write(directory)
    return total


# --- verify ---------------------------------------------------------------------------------------


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)  # public in the database, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not public (leak!)
    stale: list[str] = field(default_factory=list)  # in both, but the content differs
    pending: int = 0  # change-log rows this index has not applied yet
    problem: str | None = None

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.problem)


def verify() -> Drift:
    """Compare the index with the database, document by document."""
    directory = index_dir()
    drift = Drift()
    with Session(db.engine) as session:
        ix = _open_index(directory)
        cursor = Cursor.read(directory)
        drift.problem = _needs_rebuild(session, ix, cursor)
        if ix is None:
            return drift
        if cursor is not None:
            drift.pending = _count_pending(session, cursor)
        with ix.reader() as reader:
            indexed = {f["id"]: f.get("digest") for _, f in reader.iter_docs()}
        expected: dict[str, str] = {}
        for source in registry.sources():
            keys = list(source.public_keys(session))
            for start in range(0, len(keys), BATCH_SIZE):
                for doc in source.load_documents(
                    session, keys[start : start + BATCH_SIZE]
                ).values():
                    if doc is not None:
                        expected[doc.doc_id] = doc.digest()
                session.expunge_all()
    drift.missing = sorted(set(expected) - set(indexed))
    drift.extra = sorted(set(indexed) - set(expected))
    drift.stale = sorted(k for k in set(expected) & set(indexed) if expected[k] != indexed[k])
    return drift


def prune(older_than_days: float) -> int:
    """Delete change-log rows older than the given age, always keeping the newest row (so
    that a host whose cursor is behind a prune notices and rebuilds)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    newest = db.session.scalar(sa.select(sa.func.max(SearchChange.id)))
    if newest is None:
        return 0
    result = db.session.execute(
        sa.delete(SearchChange).where(SearchChange.created_at < cutoff, SearchChange.id < newest)
    )
    return result.rowcount or 0
