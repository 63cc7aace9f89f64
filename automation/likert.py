"""Five-level Likert answers as forms store them, and the bands their means fall in."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from automation.thaidate import to_arabic_digits

LEVELS = (5, 4, 3, 2, 1)
LABELS_TH = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}
LABELS_EN = {5: "Very high", 4: "High", 3: "Moderate", 2: "Low", 1: "Very low"}
_WORDS = {
    "มากที่สุด": 5, "มาก": 4, "ปานกลาง": 3, "น้อย": 2, "น้อยที่สุด": 1,
    "ดีมากที่สุด": 5, "ดีมาก": 4, "พอใช้": 3,
    "very satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very dissatisfied": 1,
    "strongly agree": 5, "agree": 4, "disagree": 2, "strongly disagree": 1,
}  # fmt: skip
# "ดีมาก" is deliberately not a level: forms offering it use a different scale, so it is
# reported rather than guessed.
del _WORDS["ดีมาก"]
# "มาก ที่สุด", "น้อย ที่สุด": a space typed inside a Thai label (a form option typed that way, or
# a PDF wrap). Thai words have no inner spaces, so the label is read without them; validation
# warns (likert-spacing) so that the form's option gets fixed.
_COMPACT = {re.sub(r"\s+", "", word): level for word, level in _WORDS.items() if re.search(r"[\u0e00-\u0e7f]", word)}
_HIDDEN = re.compile(r"[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_PREFIX = re.compile(r"^(?:ความ)?(?:พึงพอใจ|พอใจ)\s*")
_OUT_OF_FIVE = re.compile(r"(?:/|จาก|out\s+of|of)\s*5(?:\s*คะแนน)?", re.IGNORECASE)


class LikertError(ValueError):
    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(f"{value!r} is not a 1-5 answer")


def parse_likert(value: Any) -> int | None:
    """5..1 from a label, a number or Thai digits; None for a blank answer.

    Raises LikertError for anything else, so that it becomes a finding, never a silent drop.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise LikertError(value)
    if isinstance(value, (int, float)):
        # is_integer, not int(value): an infinite or NaN cell is a bad answer, not an OverflowError
        if (isinstance(value, int) or value.is_integer()) and 1 <= value <= 5:
            return int(value)
        raise LikertError(value)
    level = _parse_text(str(value))
    if level is _NOT_A_LEVEL:
        raise LikertError(value)
    return level  # type: ignore[return-value]


_NOT_A_LEVEL = object()


@functools.lru_cache(maxsize=4096)
def _parse_text(value: str) -> int | object | None:
    """A text answer's level; cached, because a form has a handful of distinct answers and a
    large office 100,000s of rows of them. _NOT_A_LEVEL (not raised, so it can be cached)."""
    try:
        return _parse_text_uncached(value)
    except LikertError:
        return _NOT_A_LEVEL


def _parse_text_uncached(value: str) -> int | None:
    text = _HIDDEN.sub("", to_arabic_digits(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"[1-5](?:\.0+)?", text):
        return int(float(text))
    # "5 - มากที่สุด", "(5) มากที่สุด", "มากที่สุด (5)": a number beside a label.
    m = re.fullmatch(r"\(?([1-5])\)?\s*[-–.:)]?\s*(.+)|(.+?)\s*\(([1-5])\)", text)
    if m:
        number = int(m[1] or m[4])
        label = (m[2] or m[3]).strip()
        # A digit in the "label" means the level digit was only the start of something else:
        # "15", "3.5", "10", "15/03/2567" are not levels 1, 3, 1, 1. "4/5", "4 จาก 5" are.
        if re.search(r"\d", label) and not _OUT_OF_FIVE.fullmatch(label):
            raise LikertError(value)
        word = _WORDS.get(_PREFIX.sub("", label).strip().casefold())
        if word is None or word == number:
            return number
        raise LikertError(value)
    word = _WORDS.get(_PREFIX.sub("", re.sub(r"\s+", " ", text)).strip().casefold())
    if word is None:
        word = _COMPACT.get(re.sub(r"\s+", "", _PREFIX.sub("", text)))
    if word is None:
        raise LikertError(value)
    return word


def spaced_label(value: Any) -> str | None:
    """The standard label of an answer that is read only once the spaces inside it are dropped
    ("มาก ที่สุด" -> "มากที่สุด"); None for any other answer, good or bad."""
    if not isinstance(value, str):
        return None
    text = _HIDDEN.sub("", to_arabic_digits(value)).strip()
    label = _PREFIX.sub("", re.sub(r"\s+", " ", text)).strip().casefold()
    if label in _WORDS:
        return None
    level = _COMPACT.get(re.sub(r"\s+", "", _PREFIX.sub("", text)))
    return None if level is None else LABELS_TH[level]


@dataclass(frozen=True)
class Band:
    level: int  # 5..1
    label_th: str
    label_en: str

    def label(self, lang: str = "th") -> str:
        return self.label_en if lang == "en" else self.label_th


def band(mean: float, cuts: list[float] | tuple[float, ...] = (4.21, 3.41, 2.61, 1.81)) -> Band:
    """The interpretation band of a mean: 4.21-5.00 มากที่สุด ... 1.00-1.80 น้อยที่สุด."""
    # Round first, as the published tables do: a mean shown as 4.21 is "มากที่สุด".
    shown = round(mean + 1e-9, 2)
    for level, cut in zip((5, 4, 3, 2), cuts, strict=True):
        if shown >= cut:
            return Band(level, LABELS_TH[level], LABELS_EN[level])
    return Band(1, LABELS_TH[1], LABELS_EN[1])
