"""Which pillar an item label in a survey export names, and how sure that is.

``pillar_wordings`` is the one list of wordings a pillar may be written in (slug, name, customer
wording; translations add theirs there). ``match_pillar`` compares a label with them: equal after
normalising (case, punctuation, ``&``/``and``) is certain; a close variant (abbreviations, a few
words left out or added) is a *probable* match that the user is shown; anything else is no match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assessments.languages import pillar_wordings as wordings_in_every_language


class PillarLike(Protocol):
    pk: int
    slug: str
    name: str
    customer_label: str


CERTAIN = "certain"
PROBABLE = "probable"

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "of",
        "to",
        "for",
        "from",
        "with",
        "by",
        "at",
        "on",
        "in",
        "it",
        "its",
        "they",
        "them",
        "their",
        "we",
        "our",
        "us",
        "you",
        "your",
        "what",
        "who",
        "when",
        "that",
        "this",
        "is",
        "are",
        "be",
        "lack",
    ]
)
# Short forms survey designers use, mapped to the word they stand for.
_ABBREVIATIONS = {
    "ad": "advertising",
    "ads": "advertising",
    "advert": "advertising",
    "adverts": "advertising",
    "advertisement": "advertising",
    "advertisements": "advertising",
    "info": "information",
    "comms": "communications",
    "msgs": "messages",
    "reps": "representatives",
    "rep": "representatives",
    "staff": "people",
    "svc": "service",
    "cust": "customer",
    "cs": "customer service",
    "web": "website",
    "site": "website",
    "apps": "app",
    "mobile": "app",
    "digital": "digital",
    "products": "product",
    "services": "service",
    "reputation": "reputation",
    "brand": "brand",
}
_MIN_PREFIX = 4


def normalise(text: object) -> str:
    """Case-folded text with every non-alphanumeric character removed, for loose matching."""
    if text is None:
        return ""
    return "".join(ch for ch in str(text).strip().casefold() if ch.isalnum())


def _words(text: str) -> list[str]:
    text = text.casefold().replace("&", " and ").replace("+", " and ")
    words = []
    for word in re.findall(r"[^\W_]+", text):
        for expanded in _ABBREVIATIONS.get(word, word).split():
            if expanded.endswith("s") and len(expanded) > 4 and not expanded.endswith("ss"):
                expanded = expanded[:-1]  # plural and singular are one word here
            words.append(expanded)
    return words


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _words(text) if w not in _STOPWORDS)


def _word_key(text: str) -> str:
    """The content words in a fixed order: "Website/app" and "Website and app" share it."""
    words = sorted(_content_words(text.replace("-", " ")))
    return "+".join(words)


def pillar_wordings(pillar: PillarLike) -> list[str]:
    """Every wording a pillar may be written in; the single place to add more (translations)."""
    # Slug, then name and customer wording in each of the six languages (issue 13).
    return [w for w in dict.fromkeys(wordings_in_every_language(pillar)) if w]


@dataclass(frozen=True)
class PillarMatch:
    pillar: PillarLike | None
    certainty: str  # CERTAIN, PROBABLE or "" (no match)


NO_MATCH = PillarMatch(None, "")


def _word_overlap(label: frozenset[str], wording: frozenset[str]) -> float:
    """Share of the label's words found in the wording (a word matches a longer one it starts)."""
    if not label or not wording:
        return 0.0
    found = 0
    for word in label:
        if word in wording or (
            len(word) >= _MIN_PREFIX
            and any(w.startswith(word) or word.startswith(w) for w in wording if len(w) >= 3)
        ):
            found += 1
    return found / len(label)


class PillarMatcher:
    """Matches labels against the round's pillars; build once per file."""

    def __init__(self, pillars: Sequence[PillarLike]):
        self.pillars = list(pillars)
        self._exact: dict[str, list[PillarLike]] = {}
        self._words: list[tuple[PillarLike, frozenset[str]]] = []
        self._cache: dict[str, PillarMatch] = {}
        self._exact_cache: dict[str, PillarLike | None] = {}
        for pillar in self.pillars:
            for wording in pillar_wordings(pillar):
                for key in {normalise(wording), _word_key(wording)}:
                    if key and pillar not in self._exact.setdefault(key, []):
                        self._exact[key].append(pillar)
                words = _content_words(wording.replace("-", " "))
                if words:
                    self._words.append((pillar, words))

    def exact(self, label: object) -> PillarLike | None:
        text = str(label or "")
        if text in self._exact_cache:
            return self._exact_cache[text]
        found = self._exact_uncached(text)
        if len(self._exact_cache) < 10_000:
            self._exact_cache[text] = found
        return found

    def _exact_uncached(self, text: str) -> PillarLike | None:
        for key in (normalise(text), _word_key(text)):
            found = self._exact.get(key)
            if found and len(found) == 1:
                return found[0]
        return None

    def match(self, label: object) -> PillarMatch:
        """The pillar ``label`` names: certain, probable (shown to the user) or none."""
        text = str(label or "").strip()
        if text in self._cache:
            return self._cache[text]
        found = self._match_uncached(text)
        if len(self._cache) < 10_000:
            self._cache[text] = found
        return found

    def ambiguous(self, label: object) -> bool:
        """True when the label is, word for word, the wording of two pillars."""
        text = str(label or "")
        return any(len(self._exact.get(k, ())) > 1 for k in (normalise(text), _word_key(text)))

    def _match_uncached(self, text: str) -> PillarMatch:
        if not text or self.ambiguous(text):
            return NO_MATCH
        pillar = self.exact(text)
        if pillar is not None:
            return PillarMatch(pillar, CERTAIN)
        words = _content_words(text)
        if not words:
            return NO_MATCH
        scores: dict[int, float] = {}
        by_pk = {p.pk: p for p in self.pillars}
        for candidate, wording in self._words:
            forward = _word_overlap(words, wording)
            backward = _word_overlap(wording, words)
            score = forward * 0.7 + backward * 0.3
            if score > scores.get(candidate.pk, 0.0):
                scores[candidate.pk] = score
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < 0.5:
            return NO_MATCH
        if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.15:
            return NO_MATCH  # two pillars fit about as well: ask, do not pick
        return PillarMatch(by_pk[ranked[0][0]], PROBABLE)

    def match_all(self, labels: Iterable[object]) -> list[PillarMatch]:
        """Matches for a question's items; a pillar claimed twice is certain for neither."""
        matches = [self.match(label) for label in labels]
        seen: dict[int, int] = {}
        for match in matches:
            if match.pillar is not None:
                seen[match.pillar.pk] = seen.get(match.pillar.pk, 0) + 1
        return [NO_MATCH if m.pillar is not None and seen[m.pillar.pk] > 1 else m for m in matches]

    def by_slug(self, slug: str) -> PillarLike | None:
        for pillar in self.pillars:
            if pillar.slug == slug.strip():
                return pillar
        return self.exact(slug)
