"""Turn whatever a person types into a Whoosh query: never a syntax error.

Supported: words (all must match, in any inflection or as part of a compound), "quoted
phrases" (adjacent words, in any inflection), ``word*`` for words that begin so (at least
three letters before the star), ``OR`` between two items, ``-word`` or ``NOT word`` to
exclude. Everything else (brackets, other stars, ``field:`` prefixes, stray quotes) is read
as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as q

from portal.search.analysis import PART_MIN_LENGTH, fold, index_form, phrase_pairs, words

MAX_QUERY_LENGTH = 500
MAX_ITEMS = 16
MIN_PREFIX_LENGTH = 3

# Boosts: exact spelling > whole word in the title > whole word in the text > part of a word.
EXACT_BOOST = 3.0
TITLE_BOOST = 3.0
BODY_BOOST = 1.5
PARTS_BOOST = 0.3
PHRASE_BOOST = 3.0

_ITEM_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_FIELD_RE = re.compile(r"^-?\w+:(.+)$")


@dataclass
class Item:
    words: list[str]
    phrase: bool = False
    negated: bool = False
    prefix: bool = False  # `word*`: any word that begins with the word


@dataclass
class ParsedQuery:
    groups: list[list[Item]] = field(default_factory=list)  # AND of ORs of items
    negated: list[Item] = field(default_factory=list)

    @property
    def positive_items(self) -> list[Item]:
        return [i for g in self.groups for i in g]

    @property
    def empty(self) -> bool:
        return not self.groups


def parse(text: str) -> ParsedQuery:
    """Read a person's query; unknown syntax is plain text."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        # An unbalanced quote: the last one opens nothing.
        head, _, tail = text.rpartition('"')
        text = f"{head} {tail}"
    parsed = ParsedQuery()
    pending_or = False
    pending_not = False
    count = 0
    for match in _ITEM_RE.finditer(text):
        if count >= MAX_ITEMS:
            break
        minus, phrase_text, raw = match.groups()
        if raw is not None:
            if raw == "OR":
                pending_or = bool(parsed.groups)
                continue
            if raw == "AND":
                continue
            if raw == "NOT":
                pending_not = True
                continue
            negated = raw.startswith("-") and len(raw) > 1
            # `field:value` (search-engine syntax): search for the value.
            field_syntax = _FIELD_RE.match(raw)
            if field_syntax:
                raw = field_syntax.group(1)
            item_words = words(raw)
            item = Item(item_words, phrase=len(item_words) > 1, negated=negated)
            item.prefix = (
                raw.endswith("*")
                and len(item_words) == 1
                and len(item_words[0]) >= MIN_PREFIX_LENGTH
            )
        else:
            item_words = words(phrase_text)
            item = Item(item_words, phrase=len(item_words) > 1, negated=bool(minus))
        if not item.words:
            continue
        count += 1
        if pending_not:
            item.negated, pending_not = True, False
        if item.negated:
            parsed.negated.append(item)
        elif pending_or and parsed.groups:
            parsed.groups[-1].append(item)
        else:
            parsed.groups.append([item])
        pending_or = False
    return parsed


class LongerWords(q.Prefix):
    """Words that begin with `text`, where the word `text` itself is already found by another
    part of the same query. Whoosh reads it as a plain prefix (the same documents);
    :class:`~portal.search.docsets.DocSets` skips reading the postings of `text` again.

    Used for the stem of a query word written backwards in ``tails``: a document with that
    very term has the stem as a whole word in ``title`` or ``body`` too.
    """


def _heads(forms: set[str]) -> list[str]:
    """The shortest forms: a prefix lookup for ``geodat`` already covers ``geodata``."""
    return sorted(f for f in forms if not any(o != f and f.startswith(o) for o in forms))


def word_query(word: str, *, parts: bool = True) -> q.Query:
    """One lower-case word against every view of the text, best views boosted.

    As part of a compound the word is looked up as the head of longer words in the stemmed
    fields (``geodata`` -> ``geodataplattform``) and as the tail of long words in ``tails``
    (``plattformen`` -> ``geodataplattformen``); such matches score a constant below whole
    words. With ``parts=False`` only whole words match.
    """
    stemmed = index_form(word)
    subqueries: list[q.Query] = [
        q.Term("exact", word, boost=EXACT_BOOST),
        q.Term("title", stemmed, boost=TITLE_BOOST),
        q.Term("body", stemmed, boost=BODY_BOOST),
    ]
    if not parts:
        return q.Or(subqueries)
    forms = {f for f in (fold(word), stemmed) if len(f) >= PART_MIN_LENGTH}
    for head in _heads(forms):
        for name in ("title", "body"):
            subqueries.append(q.Prefix(name, head, boost=PARTS_BOOST, constantscore=True))
    for tail in sorted(forms):
        kind = LongerWords if tail == stemmed else q.Prefix
        subqueries.append(kind("tails", tail[::-1], boost=PARTS_BOOST, constantscore=True))
    return q.Or(subqueries)


def prefix_query(word: str) -> q.Query:
    """Words that begin with `word`, as written or in their folded form."""
    folded = fold(word)
    return q.Or(
        [
            q.Prefix("exact", word, boost=EXACT_BOOST, constantscore=True),
            q.Prefix("title", folded, boost=TITLE_BOOST, constantscore=True),
            q.Prefix("body", folded, boost=BODY_BOOST, constantscore=True),
        ]
    )


def item_query(item: Item, *, parts: bool = True) -> q.Query:
    if item.prefix:
        return prefix_query(item.words[0])
    if not item.phrase:
        return word_query(item.words[0], parts=parts)
    # Every pair of adjacent words (in any inflection): exactly the phrase for two words; for
    # longer ones, each of its pairs somewhere in the text.
    pairs = [q.Term("pairs", pair) for pair in phrase_pairs([index_form(w) for w in item.words])]
    return q.And(pairs, boost=PHRASE_BOOST) if len(pairs) > 1 else pairs[0].with_boost(PHRASE_BOOST)


def title_query(parsed: ParsedQuery) -> q.Query | None:
    """Documents whose title holds any of the query's words (in any inflection)."""
    terms = [q.Term("title", index_form(w)) for i in parsed.positive_items for w in i.words]
    if not terms:
        return None
    return q.Or(terms) if len(terms) > 1 else terms[0]


def build(parsed: ParsedQuery, *, any_word: bool = False, parts: bool = True) -> q.Query | None:
    """The Whoosh query for a parsed query (None when nothing is left to search for).

    With ``parts=False`` the words must match as whole words (in any inflection): the
    documents ranked first. Excluded words are excluded in every form either way.
    """
    if parsed.empty:
        return None
    groups = [
        q.Or([item_query(i, parts=parts) for i in group])
        if len(group) > 1
        else item_query(group[0], parts=parts)
        for group in parsed.groups
    ]
    positive: q.Query = q.Or(groups) if any_word else q.And(groups)
    if parsed.negated:
        positive = q.AndNot(positive, q.Or([item_query(i) for i in parsed.negated]))
    return positive
