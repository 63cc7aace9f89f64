"""Thai word segmentation (pythainlp's newmm) over pythainlp's bundled word lists, built cheaply.

newmm asks its dictionary one question: which words start at this position of the text
(`prefixes`). pythainlp answers it with a trie of per-letter nodes, built one Python call per
word: 0.4-0.8 s for its 62,000 words, and again for the 81,000 words and Thai names people are
masked with. A run needed both. Here the same question is answered from two sets built in
one pass: the words, and every proper beginning of a word ("stems"); reading a text at a
position stops where no word goes on, exactly where a trie's walk stops, and returns the same
words in the same order (shortest first), so the segmentation is pythainlp's own.

Building the sets still costs ~0.15 s a process (236,000 stems), and the Thai National Corpus's
frequent words another ~0.17 s (106,000 lines parsed to keep 1,914 words); both are kept in a
cache file (`thaiwords_cache`) keyed by pythainlp's version and its word files, ~0.05 s to load.

    segment(text, names=False, keep_whitespace=True) -> list[str]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from automation import thaiwords_cache

_EMPTY = frozenset([""])


class WordSet:
    """A dictionary newmm can segment with (it reads it the way it reads a pythainlp Trie)."""

    def __init__(self, words: Iterable[str], stems: frozenset[str] | None = None) -> None:
        self.words = frozenset(map(str.strip, words)) - _EMPTY  # as Trie.add strips (and drops "")
        # Stems of a larger word set serve too: a reading only goes on a little further.
        self.stems = stems if stems is not None else stems_of(self.words)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words of the set that begin at `start` in `text`, shortest first (Trie.prefixes)."""
        found = []
        words, stems = self.words, self.stems
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if piece in words:
                found.append(piece)
            if piece not in stems:
                break
        return found

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


def stems_of(words: Iterable[str]) -> frozenset[str]:
    """Every proper beginning of every word ("ผู้ใหญ่" gives ผ, ผู, ผู้, ผู้ใ, ผู้ให, ผู้ใหญ)."""
    return frozenset(word[:k] for word in words for k in range(1, len(word)))


@dataclass(frozen=True)
class Dictionary:
    """pythainlp's word list and Thai names as read, and the stems of both together."""

    words: frozenset[str]
    names: frozenset[str]
    stems: frozenset[str]


def _build_dictionary() -> Dictionary:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names, thai_words

    words = frozenset(thai_words())
    names = frozenset(thai_family_names() | thai_male_names() | thai_female_names())
    return Dictionary(words, names, WordSet(words | names).stems)


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The word lists and their stems: from the cache file when pythainlp's files are unchanged."""
    stored = thaiwords_cache.load("dictionary")
    if stored is not None and len(stored) == 3:
        return Dictionary(*stored)
    built = _build_dictionary()
    thaiwords_cache.store("dictionary", (built.words, built.names, built.stems))
    return built


def word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(pythainlp's word list, its Thai given and family names)."""
    built = dictionary()
    return built.words, built.names


@lru_cache(maxsize=1)
def with_names() -> WordSet:
    """The words and the Thai names: "คุณสมชายบอกว่า" reads คุณ|สมชาย|บอก|ว่า."""
    built = dictionary()
    return WordSet(built.words | built.names, stems=built.stems)


@lru_cache(maxsize=1)
def plain_words() -> WordSet:
    """pythainlp's default dictionary (newmm's own when given none), as a WordSet."""
    return WordSet(dictionary().words, stems=dictionary().stems)


def _build_frequent(threshold: int) -> frozenset[str]:
    from pythainlp.corpus import tnc

    return frozenset(w for w, n in tnc.word_freqs() if n >= threshold)


@lru_cache(maxsize=4)
def frequent_words(threshold: int) -> frozenset[str]:
    """Words seen at least `threshold` times in the Thai National Corpus (pythainlp's TNC
    frequencies), from the cache file when pythainlp's files are unchanged."""
    name = f"tnc-{threshold}"
    stored = thaiwords_cache.load(name)
    if stored is not None and len(stored) == 1:
        return stored[0]
    built = _build_frequent(threshold)
    thaiwords_cache.store(name, (built,))
    return built


def segment(text: str, names: bool = False, keep_whitespace: bool = True) -> list[str]:
    """pythainlp's `word_tokenize(text, engine="newmm")`: with `names`, over the words and Thai
    names; without, over pythainlp's default dictionary (the same words newmm uses by default)."""
    return list(_segmented(text, names, keep_whitespace))


@lru_cache(maxsize=16_384)
def _segmented(text: str, names: bool, keep_whitespace: bool) -> tuple[str, ...]:
    # Once per text: a cell's text is segmented for each column width it is set in, and the
    # reports, the page and the comment themes meet the same texts (~11% of calls at 100k).
    from pythainlp.tokenize import word_tokenize

    words = with_names() if names else plain_words()
    return tuple(word_tokenize(text, engine="newmm", custom_dict=words,  # type: ignore[arg-type]
                               keep_whitespace=keep_whitespace))
