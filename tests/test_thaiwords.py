"""The set-based dictionary segments exactly as pythainlp's own trie does, and is built once."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from automation import thaiwords
from automation.thaiwords import WordSet, segment


@lru_cache(maxsize=1)
def _tries() -> tuple[Trie, Trie, list[str]]:
    words, names = thaiwords.word_lists()
    return Trie(words), Trie(words | names), sorted(words | names)


def _texts() -> st.SearchStrategy[str]:
    """Runs of dictionary words and names, loose Thai letters, marks, digits and spaces."""
    _plain, _named, vocabulary = _tries()
    pieces = st.one_of(
        st.sampled_from(vocabulary),
        st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), min_size=1, max_size=4),
        st.sampled_from([" ", "  ", "1", "๒๕๖๗", "ABC", ".", "/", "(", ")"]),
    )
    return st.lists(pieces, min_size=1, max_size=12).map("".join)


@hsettings(max_examples=300, deadline=None)
@given(_texts(), st.integers(0, 40))
def test_the_words_starting_at_a_position_are_the_tries(text: str, start: int) -> None:
    plain, named, _vocabulary = _tries()
    start = min(start, len(text))
    assert thaiwords.plain_words().prefixes(text, start) == plain.prefixes(text, start)
    assert thaiwords.with_names().prefixes(text, start) == named.prefixes(text, start)


@hsettings(max_examples=150, deadline=None)
@given(_texts())
def test_segmenting_gives_pythainlps_own_words(text: str) -> None:
    _plain, named, _vocabulary = _tries()
    assert segment(text) == word_tokenize(text, engine="newmm", keep_whitespace=True)
    assert segment(text, keep_whitespace=False) == word_tokenize(text, engine="newmm", keep_whitespace=False)
    assert segment(text, names=True, keep_whitespace=False) == word_tokenize(
        text, engine="newmm", custom_dict=named, keep_whitespace=False)


def test_a_word_set_reads_like_a_trie() -> None:
    words = WordSet([" สวัสดี", "สวัส", "ดี", "ครับ", "  "])
    assert words.prefixes("สวัสดีครับ") == ["สวัส", "สวัสดี"]
    assert words.prefixes("สวัสดีครับ", 6) == ["ครับ"]
    assert "สวัสดี" in words and "สวัสด" not in words and "" not in words
    assert len(words) == 4 and sorted(words) == sorted(["สวัสดี", "สวัส", "ดี", "ครับ"])


def test_the_dictionaries_are_built_once_and_pythainlps_trie_never() -> None:
    """Both dictionaries share one set of stems, and newmm's default trie is not built."""
    import pythainlp.tokenize as tokenize

    assert thaiwords.plain_words().stems is thaiwords.with_names().stems
    before = tokenize.word_dict_trie.cache_info().misses
    segment("ผู้รับผิดชอบหอกระจายข่าว")
    segment("คุณสมชายบอกว่า", names=True)
    assert tokenize.word_dict_trie.cache_info().misses == before
    assert thaiwords.with_names.cache_info().misses <= 1


def test_the_cache_file_gives_back_what_the_build_makes(tmp_path, monkeypatch) -> None:
    """A cold run builds and writes the sets; a warm one reads the same sets without building."""
    from automation import thaiwords_cache

    monkeypatch.setenv("ITA_CACHE_DIR", str(tmp_path))
    built = thaiwords._build_dictionary()
    thaiwords.dictionary.cache_clear()
    thaiwords.frequent_words.cache_clear()
    try:
        assert thaiwords.dictionary() == built
        assert thaiwords.frequent_words(2000) == thaiwords._build_frequent(2000)
        assert sorted(p.name.split("-")[1] for p in tmp_path.glob("thaiwords-*.marshal")) == ["dictionary", "tnc"]
        thaiwords.dictionary.cache_clear()
        thaiwords.frequent_words.cache_clear()
        monkeypatch.setattr(thaiwords, "_build_dictionary", lambda: (_ for _ in ()).throw(AssertionError("built")))
        monkeypatch.setattr(thaiwords, "_build_frequent", lambda n: (_ for _ in ()).throw(AssertionError("built")))
        assert thaiwords.dictionary() == built
        assert thaiwords.frequent_words(2000) == frozenset(
            w for w, n in __import__("pythainlp.corpus.tnc", fromlist=["x"]).word_freqs() if n >= 2000)
        assert thaiwords_cache.load("nothing-stored") is None
        thaiwords_cache.store("odd", (frozenset({"a", "", "b"}), frozenset(), frozenset({"ข"})))
        assert thaiwords_cache.load("odd") == (frozenset({"a", "", "b"}), frozenset(), frozenset({"ข"}))
        thaiwords_cache.store("unkept", (frozenset({"a\nb"}),))
        thaiwords_cache.store("only-empty", (frozenset({""}),))
        assert thaiwords_cache.load("unkept") is None and thaiwords_cache.load("only-empty") is None
    finally:
        thaiwords.dictionary.cache_clear()
        thaiwords.frequent_words.cache_clear()


def test_a_damaged_or_unwritable_cache_is_only_a_slower_run(tmp_path, monkeypatch) -> None:
    from automation import thaiwords_cache

    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("ITA_CACHE_DIR", str(blocked))
    thaiwords.frequent_words.cache_clear()
    try:
        assert thaiwords.frequent_words(5000) == thaiwords._build_frequent(5000)  # cannot write: still right
        monkeypatch.setenv("ITA_CACHE_DIR", str(tmp_path))
        thaiwords_cache.store("tnc-5000", (frozenset({"x"}),))
        next(tmp_path.glob("thaiwords-tnc-5000-*.marshal")).write_bytes(b"\x00garbage")
        thaiwords.frequent_words.cache_clear()
        assert thaiwords.frequent_words(5000) == thaiwords._build_frequent(5000)  # damaged: built again
    finally:
        thaiwords.frequent_words.cache_clear()
