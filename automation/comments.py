"""Free-text suggestions from the satisfaction form: cleaned, de-duplicated, masked, themed.

Themes are found by keyword on pythainlp word tokens (the default `newmm` engine uses the
dictionary shipped inside pythainlp, so it works offline). Tokens rather than substrings,
because Thai has no spaces between words: the keyword "รอ" (wait) must not match "รอบ"
(round). Should pythainlp be unusable, matching falls back to plain substrings.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from automation.privacy import mask_people

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThemeRule:
    key: str
    th: str
    en: str
    keywords: tuple[str, ...]

    def label(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th


THEMES = (
    ThemeRule("staff", "เจ้าหน้าที่ผู้ให้บริการ", "Staff",
              ("เจ้าหน้าที่", "พนักงาน", "สุภาพ", "พูดจา", "อัธยาศัย", "ยิ้มแย้ม", "มารยาท", "กิริยา",
               "บริการดี", "ใจดี", "เอาใจใส่", "staff", "polite")),
    ThemeRule("speed", "ความรวดเร็วและการรอคอย", "Speed and waiting",
              ("รวดเร็ว", "เร็ว", "รอนาน", "รอ นาน", "ล่าช้า", "ช้า", "คิว", "ระยะเวลา", "นาน",
               "fast", "slow", "wait", "queue")),
    ThemeRule("place", "สถานที่และสิ่งอำนวยความสะดวก", "Premises and facilities",
              ("ที่จอดรถ", "จอดรถ", "ห้องน้ำ", "สถานที่", "ที่นั่ง", "เก้าอี้", "สะอาด", "แอร์",
               "น้ำดื่ม", "parking", "toilet", "restroom")),
    ThemeRule("online", "บริการออนไลน์", "Online services",
              ("ออนไลน์", "เว็บไซต์", "เว็บ", "อินเทอร์เน็ต", "แอป", "แอปพลิเคชัน", "ไลน์", "เฟซบุ๊ก",
               "online", "website", "internet", "line", "facebook", "app")),
    ThemeRule("signage", "ป้ายและการประชาสัมพันธ์", "Signage and information",
              ("ป้าย", "บอกทาง", "ประชาสัมพันธ์", "sign", "signage")),
)
OTHER = ThemeRule("other", "อื่น ๆ", "Other", ())

# Answers that say "no comment": not suggestions, so not counted.
_NOTHING = re.compile(
    r"(?:ไม่มี(?:ข้อเสนอแนะ|ความคิดเห็น|อะไร)?(?:ครับ|ค่ะ|คะ|จ้า|จ้ะ)?|ไม่|[-–—.]+|no|none|n/?a|nil|-)"
)
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f]")  # tabs and line breaks become spaces
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")  # zero-width: Thai typists leave them mid-word


@dataclass(frozen=True)
class Comment:
    text: str  # cleaned and masked
    count: int = 1  # how many responses said the same thing

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "count": self.count}


@dataclass
class Theme:
    key: str
    label: str
    comments: list[Comment] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Responses whose comment falls in this theme (a comment may touch several themes)."""
        return sum(c.count for c in self.comments)

    @property
    def examples(self) -> list[str]:
        """The comments' texts, most repeated first (what a report quotes)."""
        return [c.text for c in self.comments]

    def as_json(self) -> dict[str, Any]:
        return {
            "theme": self.key,
            "label": self.label,
            "count": self.count,
            "comments": [c.as_json() for c in self.comments],
        }


def clean_comment(value: Any) -> str:
    """One line of plain text: NFC, control and zero-width characters gone, spaces collapsed.

    An empty string means "no comment" (blank, "-", "ไม่มี", "ไม่มีข้อเสนอแนะครับ" ...).
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text)).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if _NOTHING.fullmatch(re.sub(r"\s+", "", text).casefold()):
        return ""
    return text


def _dedup_key(text: str) -> str:
    # The same suggestion typed twice differs in spacing, case and trailing punctuation.
    return re.sub(r"[\s.,!?~\"'()ๆ]+", "", text.casefold())


def _tokenizer() -> Callable[[str], list[str]] | None:
    try:
        from automation.thaiwords import segment

        segment("ทดสอบ")  # the dictionary loads here; fails if the install is broken
    except Exception as exc:  # any failure means: fall back to substrings, never crash
        log.warning("pythainlp unavailable (%s); comment themes use substring keywords", exc)
        return None
    return lambda text: [t.casefold() for t in segment(text, keep_whitespace=False)]


@lru_cache(maxsize=1)
def tokenizer() -> Callable[[str], list[str]] | None:
    """pythainlp's default word tokenizer, or None when it cannot run (then substrings)."""
    return _tokenizer()


def _has_run(tokens: list[str], run: list[str]) -> bool:
    width = len(run)
    return any(tokens[i : i + width] == run for i in range(len(tokens) - width + 1))


def themes_of(text: str) -> list[str]:
    """Keys of the themes a comment touches, in THEMES order; ["other"] when none."""
    tokenize = tokenizer()
    keys = []
    if tokenize is None:
        low = text.casefold()
        keys = [rule.key for rule in THEMES if any(k.casefold() in low for k in rule.keywords)]
    else:
        tokens = tokenize(text)
        for rule in THEMES:
            for keyword in rule.keywords:
                run = _keyword_tokens(keyword)
                # A keyword matches whole tokens ("รอ นาน"), or starts a longer compound token
                # the dictionary knows ("ป้าย" in "ป้ายบอกทาง"); the latter only for keywords of
                # four characters or more, so "ช้า" does not match "ช้าง".
                if _has_run(tokens, run) or (
                    len(keyword) >= 4 and any(t.startswith(keyword.casefold()) for t in tokens)
                ):
                    keys.append(rule.key)
                    break
    return keys or [OTHER.key]


@lru_cache(maxsize=256)
def _keyword_tokens(keyword: str) -> list[str]:
    tokenize = tokenizer()
    return tokenize(keyword) if tokenize else [keyword.casefold()]


@lru_cache(maxsize=4096)
def _masked(text: str, lang: str) -> str:
    """mask_people(text), once per process for each text: every round's report masks the same
    suggestions again (~20 ms a text: the masker segments Thai words)."""
    return mask_people(text, lang=lang, limit=0)


def distinct_counts(values: Iterable[Any]) -> list[tuple[Any, int]]:
    """Each distinct value with how many times it occurs, in order of first occurrence.

    A round's 50,000 answers hold a few hundred distinct comments (most are blank or "-"):
    cleaning, masking and merging go by distinct value, each counted as often as it occurs,
    which gives the themes, texts, counts and order that one value after another gives.
    Counter counts at C speed; values equal as dict keys but not the same cell (1, 1.0, True)
    are told apart by type, as automation.cells.each_distinct does."""
    values = values if isinstance(values, list) else list(values)
    try:
        counts = Counter(values)
        if all(v is None or v.__class__ is str for v in counts):
            return list(counts.items())
    except TypeError:  # an unhashable value: counted the careful way below
        pass
    exact: dict[Any, list[Any]] = {}
    for value in values:
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            hash(key)
        except TypeError:  # unhashable: by identity
            key = ("id", id(value))
        exact.setdefault(key, [value, 0])[1] += 1
    return [(value, times) for value, times in exact.values()]


def theme_comments(values: Iterable[Any], lang: str = "th") -> list[Theme]:
    """The comments grouped by theme: cleaned, personal data masked, duplicates merged.

    Themes come in THEMES order with "other" last; empty themes are left out. Within a theme
    the most repeated comments come first.
    """
    unique: dict[str, Comment] = {}
    masked: dict[str, str] = {}  # the same words are typed again and again: mask each once
    for value, times in distinct_counts(values):
        text = clean_comment(value)
        if not text:
            continue
        # Mask before merging, so two comments that differ only in a phone number or a name merge.
        # Whole: the report that quotes it shortens it (never inside a placeholder).
        if text not in masked:
            masked[text] = _masked(text, lang)
        text = masked[text]
        key = _dedup_key(text)
        seen = unique.get(key)
        unique[key] = Comment(seen.text if seen else text, (seen.count if seen else 0) + times)
    rules = {rule.key: rule for rule in (*THEMES, OTHER)}
    themes = {key: Theme(key, rule.label(lang)) for key, rule in rules.items()}
    for comment in unique.values():
        for key in themes_of(comment.text):
            themes[key].comments.append(comment)
    for theme in themes.values():
        theme.comments.sort(key=lambda c: -c.count)  # stable: first said first among equals
    return [t for t in themes.values() if t.comments]
