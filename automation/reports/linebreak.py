"""Thai line breaking a reader can trust: break only between words.

Thai is written without spaces between words, so Word and LibreOffice guess where a line may
end. LibreOffice's guess (ICU's dictionary) is finer than a word: in a narrow table column it
prints "ผู้รับผิด|ชอบ" or "หอกระ|จายข่าว". So the text of a table cell is marked up before it is
saved: a zero-width space (U+200B) at each word boundary pythainlp finds, where a line may
end, and a word joiner (U+2060) between the letters of a word, where it may not. Both are
invisible, take no width and do not reach the PDF's text; a word wider than its whole column
still breaks (nothing else could), which is why the columns are sized for their longest word.

Only text with Thai letters is touched; Thai vowel and tone marks stay on their letter (a
joiner goes between letter clusters, never before a combining mark).
"""

from __future__ import annotations

import re
from functools import lru_cache

ZWSP, WJ = "\u200b", "\u2060"
_THAI_LETTER = re.compile("[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]")
# Marks that combine with the letter before them: a joiner before one would detach it.
_COMBINING = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
# After an opening bracket or before a closing one a line must not end.
_NO_BREAK_AFTER, _NO_BREAK_BEFORE = frozenset("([{“‘\"'"), frozenset(")]}”’\"',.;:!?%…/")
_BREAK_AFTER = frozenset("/")


# Before every character but the first that is not a mark (nor a break mark already there).
_GLUE_AT = re.compile("(?!^)(?=[^" + "".join(sorted(_COMBINING)) + ZWSP + WJ + "])")
_WIDTHLESS = dict.fromkeys(map(ord, _COMBINING))  # str.translate drops these


def _glued(word: str) -> str:
    """The word with a joiner between its letter clusters (and nothing before a mark)."""
    return _GLUE_AT.sub(WJ, word)


def _tokens(text: str) -> list[str]:
    from automation.thaiwords import segment  # imported on first Thai cell: it loads a dictionary

    return segment(text, keep_whitespace=True)


def _letters(word: str) -> int:
    """How many letters take width (marks sit on their letter)."""
    return len(word.translate(_WIDTHLESS))


@lru_cache(maxsize=8192)
def thai_breaks(text: str, fits: int | None = None) -> str:
    """`text` with line breaks allowed only between the words pythainlp finds.

    `fits`: about how many letters fit a line of the column. A word longer than that (a long
    compound such as สิ่งอำนวยความสะดวก in a narrow column) is not glued: it has to break
    somewhere, and the office program's own syllable breaks beat a cut after any letter."""
    if not text or not _THAI_LETTER.search(text) or ZWSP in text or WJ in text:
        return text  # nothing Thai, or marked already
    out: list[str] = []
    previous = ""
    for token in _tokens(text):
        if token.isspace() or not token:
            out.append(token)
            previous = token
            continue
        if previous and not previous.isspace() and token[0] not in _COMBINING:
            # Between two words: a break opportunity when both sides are words, not brackets,
            # digits glued to their unit, or punctuation.
            # A slash between alternatives ("คำติชม/แสดงความคิดเห็น") may end a line after it.
            wordish = _THAI_LETTER.search(previous) and _THAI_LETTER.search(token)
            bracket = previous[-1] in _NO_BREAK_AFTER or token[0] in _NO_BREAK_BEFORE
            out.append(ZWSP if (wordish or previous[-1] in _BREAK_AFTER) and not bracket else WJ)
        out.append(token if fits is not None and _letters(token) > fits else _glued(token))
        previous = token
    return "".join(out)


def plain(text: str) -> str:
    """The text without the break marks (what a reader sees and searches for)."""
    return text.replace(ZWSP, "").replace(WJ, "")
