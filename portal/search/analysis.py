"""Swedish text analysis shared by indexing and querying, so both see the same terms.

Three views of the same text are indexed:
- ``exact``: lower-cased words as written (diacritics kept), so exact spelling ranks higher;
- ``title``/``body``: stemmed and diacritics-folded words, so inflected forms and ``malmo``
  find each other;
- ``tails``: long words (and their stems) written backwards, so the tail of a compound is
  findable by a prefix lookup (``plattformen`` finds ``geodataplattformen``);
- ``pairs``: every two adjacent words (stemmed and folded, stop words left out), so a phrase
  is a lookup of its word pairs rather than a check of word positions in every document
  that has its words (no field stores positions: reading them made every word costly).

The head of a compound (``geodata`` in ``geodataplattformen``) is found by a prefix lookup
in the stemmed fields' word list, so no field holds every part of every word: that made the
index about fifteen times larger than the text and a full rebuild as many times slower.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language

WORD_PATTERN = r"\w+"
WORD_RE = re.compile(WORD_PATTERN)
# Parts of compounds: only for words long enough to be compounds, parts at least this long.
COMPOUND_MIN_LENGTH = 7
PART_MIN_LENGTH = 4
# A definite-form ending is only removed when this much of the word remains.
DEFINITE_MIN_STEM = 5
VOWELS = set("aeiouyåäö")


def _load_stopwords() -> frozenset[str]:
    text = resources.files("portal.search").joinpath("stopwords_sv.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _load_stopwords()
_snowball = stemmer_for_language("sv")


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Remove diacritics: ``malmö`` -> ``malmo``, ``åtgärd`` -> ``atgard``."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Stem a lower-case Swedish word; also remove the definite ``-et``/``-ets`` endings
    (``bygglovet`` -> ``bygglov``) that the Snowball stemmer leaves alone."""
    result = _snowball(word)
    for ending in ("ets", "et"):
        base = result[: -len(ending)]
        if (
            result.endswith(ending)
            and len(base) >= DEFINITE_MIN_STEM
            and base[-1] not in VOWELS
            and any(c in VOWELS for c in base)
        ):
            return base
    return result


def index_form(word: str) -> str:
    """The term a lower-case word has in the stemmed fields (``title``, ``body``)."""
    return fold(stem(word))


def compound_parts(word: str) -> set[str]:
    """Prefixes and suffixes of a long lower-case word and of its stem, diacritics folded."""
    parts: set[str] = set()
    for form in {fold(word), index_form(word)}:
        if len(form) < COMPOUND_MIN_LENGTH:
            continue
        for n in range(PART_MIN_LENGTH, len(form)):
            parts.add(form[:n])
            parts.add(form[-n:])
    return parts


def words(text: str) -> list[str]:
    """Lower-case words of a text without stop words (the query side of the analyzers)."""
    return [w for w in (m.group().lower() for m in WORD_RE.finditer(text)) if w not in STOPWORDS]


class SwedishStemFilter(Filter):
    """Stem and fold each token (see :func:`index_form`)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = index_form(t.text)
            yield t


def tail_forms(word: str) -> set[str]:
    """A long lower-case word and its stem, diacritics folded, written backwards."""
    forms = {fold(word), index_form(word)}
    return {form[::-1] for form in forms if len(form) >= COMPOUND_MIN_LENGTH}


class TailsFilter(Filter):
    """Replace each long token by its backward forms (see :func:`tail_forms`)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            if t.stopped:
                continue
            for form in sorted(tail_forms(t.text)):
                t.text = form
                yield t


def phrase_pairs(stems: list[str]) -> list[str]:
    """The ``pairs`` terms of a phrase, given its words in index form."""
    return [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


class PairsFilter(Filter):
    """Replace the tokens by the pairs of adjacent ones (see :func:`phrase_pairs`)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens):
        previous = None
        for t in tokens:
            if t.stopped:
                continue
            current = t.text
            if previous is not None:
                t.text = f"{previous} {current}"
                yield t
            previous = current


def _base():
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS, minsize=1, renumber=True)
    )


def exact_analyzer():
    return _base()


def stemming_analyzer():
    return _base() | SwedishStemFilter()


def tails_analyzer():
    return _base() | TailsFilter()


def pairs_analyzer():
    return stemming_analyzer() | PairsFilter()
