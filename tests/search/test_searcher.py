"""One searcher per thread, reused while the index is unchanged, replaced when it changes."""

from __future__ import annotations

import gc
import threading

import pytest

from portal.search import services
from portal.search.services import search
from tests.search.support import add_org, index_now, titles

pytestmark = pytest.mark.usefixtures("search_index")


def test_searcher_is_reused_until_the_index_changes(ctx):
    first = services._searcher()
    assert services._searcher() is first
    add_org("Ändring AB", "Ord: andringxyz.")
    index_now()
    second = services._searcher()
    assert second is not first
    assert services._searcher() is second
    assert titles(search("andringxyz")) == ["Ändring AB"]


def test_searching_from_many_threads_while_the_index_changes(app, ctx):
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher_thread():
        try:
            with app.test_request_context():
                while not stop.is_set():
                    search("detaljplan", selected={"kind": ["authority"]})
                    search("trådxyz")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            services.close_searchers()

    threads = [threading.Thread(target=searcher_thread) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        for i in range(8):
            add_org(f"Trådtest {i}", "Ord: trådxyz.")
            index_now()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not any(t.is_alive() for t in threads), "a searcher thread hung"
    assert errors == []
    assert search("trådxyz", per_page=50).page.total == 8


def test_a_threads_searcher_is_closed_when_the_thread_ends(app):
    """A threaded server runs each request in a thread of its own and never calls
    close_searchers: the index files a thread's searcher opened are closed as the thread ends
    (an unclosed file is a ResourceWarning, an error in this suite)."""
    opened: list = []

    def request_thread() -> None:
        with app.test_request_context():
            search("detaljplan")
            opened.append(services._searcher())

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join(30)
    (searcher,) = opened
    del opened[:]
    gc.collect()
    assert searcher.is_closed
