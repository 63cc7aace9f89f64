"""The line-break helpers done by regex and translate are the per-character definitions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.reports import linebreak
from automation.reports.linebreak import WJ, ZWSP


def _glued_by_char(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if i and ch not in linebreak._COMBINING and ch not in (ZWSP, WJ):
            out.append(WJ)
        out.append(ch)
    return "".join(out)


_WORDS = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x0E00, max_codepoint=0x0E5F),
                                    st.sampled_from([ZWSP, WJ, "\n", " ", "a", "1", "(", ")", "^", "-", "]"])),
                 max_size=12)


@hsettings(max_examples=400, deadline=None)
@given(_WORDS)
def test_glued_and_letters_are_the_per_character_definitions(word: str) -> None:
    assert linebreak._glued(word) == _glued_by_char(word)
    assert linebreak._letters(word) == sum(1 for ch in word if ch not in linebreak._COMBINING)
