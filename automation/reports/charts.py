"""Charts for the reports and the public page, drawn with matplotlib in a Thai font.

matplotlib's bundled font has no Thai glyphs: Thai text drawn in it comes out as boxes. So a
chart is described first (`Chart`: title, labels, values, each label also in ASCII), and only
drawn in Thai when a Thai-capable font is installed; without one, a warning is logged once and
the ASCII labels are used, never glyph boxes.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.ticker import MaxNLocator
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from automation.thaidate import Digits, digits

log = logging.getLogger(__name__)

# Best first: the official font, its free twins, then any Thai face Debian ships.
THAI_FONTS = (
    "TH Sarabun New", "TH SarabunPSK", "Sarabun", "Laksaman", "Noto Sans Thai", "Noto Serif Thai",
    "Garuda", "Loma", "Kinnari", "Norasi", "Waree", "Umpush", "Sawasdee",
)  # fmt: skip
_FILE_HINT = re.compile(r"sarabun|laksaman|notosansthai|notoserifthai|garuda|loma|kinnari|norasi|waree", re.I)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

Kind = Literal["barh", "bar"]


@dataclass
class Chart:
    """What a chart shows, independent of the font it will be drawn in."""

    name: str  # file stem, e.g. "satisfaction-aspects"
    title: str
    labels: list[str]
    values: list[float]
    kind: Kind = "barh"
    value_format: str = "{:.2f}"
    xmax: float | None = None  # fixed scale (5 for Likert means)
    ascii_title: str = ""
    ascii_labels: list[str] = field(default_factory=list)
    lang: str = "th"  # of the title and labels: the alt text is written in it
    unit: str = ""  # after each figure in the alt text ("เรื่อง", "ราย"); "" for means

    def describe(self, digit_style: Digits = "thai") -> str:
        """Alt text that says what the picture shows, with its figures: "แผนภูมิแท่ง
        ค่าเฉลี่ยความพึงพอใจรายด้าน (คะแนนเต็ม ๕): ด้านกระบวนการ ๔.๑๒, ด้านเจ้าหน้าที่ ๔.๒๐"."""
        style: Digits = "arabic" if self.lang == "en" else digit_style
        unit = f" {self.unit}" if self.unit else ""
        figures = ", ".join(f"{label} {digits(self.value_format.format(value), style)}{unit}"
                            for label, value in zip(self.labels, self.values, strict=False))
        kind = "Bar chart" if self.lang == "en" else "แผนภูมิแท่ง"
        # The title's and the figures' digits are the service's own; a label is a name, kept as
        # named ("ศูนย์ดำรงธรรม 1567" is a number people dial, not a figure).
        title = digits(self.title, style)
        return f"{kind} {title}: {figures}" if figures else f"{kind} {title}"

    def for_font(self, thai: bool) -> tuple[str, list[str]]:
        """The title and labels to draw: Thai when the font can, ASCII otherwise."""
        if thai:
            return self.title, self.labels
        labels = self.ascii_labels or [f"#{i}" for i in range(1, len(self.labels) + 1)]
        safe = [lab if not _NON_ASCII.search(lab) else f"#{i}" for i, lab in enumerate(labels, start=1)]
        title = self.ascii_title if not _NON_ASCII.search(self.ascii_title) else ""
        return title, safe


@lru_cache(maxsize=1)
def thai_font() -> str | None:
    """The name of an installed Thai-capable font, or None (logged once as a warning)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in THAI_FONTS:
        if name in installed:
            return name
    # A font installed after matplotlib built its cache is not in ttflist yet: add it by file.
    for path in font_manager.findSystemFonts():
        if _FILE_HINT.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in THAI_FONTS:
        if name in installed:
            return name
    log.warning(
        "ไม่พบฟอนต์ภาษาไทยสำหรับกราฟ — กราฟรอบนี้ใช้ป้ายภาษาอังกฤษ ติดตั้งฟอนต์ด้วย "
        "bash scripts/install-thai-font.sh (หรือ sudo apt-get install fonts-thai-tlwg) แล้วสั่งใหม่ "
        "(no Thai font found for charts; drawn with English labels)"
    )
    return None


_SOFTWARE = f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"  # as savefig writes it
_DRAWN: dict[tuple, bytes] = {}  # the Word report, its public edition and the page share charts

# Drawn at the size they are used: the Word report places a chart 15 cm wide (the text column),
# so the figure is 15 cm wide and its lettering prints at the size drawn; at 150 dpi that is
# 886 pixels, more than the page shows (720 CSS pixels). One drawing serves both. A phone gets
# its own narrow drawing (compact), so its labels are not shrunk to 5-7 px on a 390 px screen.
WIDTH_IN = 15 / 2.54
PHONE_WIDTH_IN = 4.2
DPI = 150
_SCALE = WIDTH_IN / 7.5  # the proportions were designed on a 7.5-inch figure
FONT_PT = {True: 13, False: 10}  # at the design size: Thai fonts draw small for their size
PHONE_LABEL_CHARS = 16  # a compact chart wraps longer labels between words


def label_pt(thai: bool = True, compact: bool = False) -> float:
    """The size (points at DPI) a chart's labels are drawn at."""
    return round(FONT_PT[thai] * (1.0 if compact else _SCALE), 1)


def render_png(chart: Chart, digit_style: Digits = "thai", font: str | Literal["auto"] | None = "auto",
               compact: bool = False) -> bytes:
    """Draw `chart` as PNG bytes. `font` "auto" finds a Thai font; None forces ASCII labels.
    `compact`: narrow, for a phone screen, so its labels are still large enough to read there."""
    if font == "auto":
        font = thai_font()
    key = (chart.name, chart.title, tuple(chart.labels), tuple(chart.values), chart.kind, chart.value_format,
           chart.xmax, chart.ascii_title, tuple(chart.ascii_labels), digit_style, font, compact)
    if key not in _DRAWN:
        if len(_DRAWN) > 64:
            _DRAWN.clear()
        _DRAWN[key] = _draw(chart, digit_style, font, compact)
    return _DRAWN[key]


def _wrap(label: str, width: int) -> str:
    """A long label on lines of about `width` characters, broken between words."""
    if len(label) <= width:
        return label
    from automation.reports.linebreak import ZWSP, plain, thai_breaks

    words = [plain(w) for w in thai_breaks(label).replace(" ", ZWSP + " ").split(ZWSP)]
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + len(word) > width:
            lines.append(word.lstrip())
        else:
            lines[-1] += word
    return "\n".join(line.strip() for line in lines)


def _draw(chart: Chart, digit_style: Digits, font: str | None, compact: bool = False) -> bytes:
    thai = font is not None
    style: Digits = digit_style if thai else "arabic"
    title, labels = chart.for_font(thai)
    title = digits(title, style)  # labels are names, kept as named (สายด่วน 1111)
    if compact:
        labels = [_wrap(label, PHONE_LABEL_CHARS) for label in labels]
        title = _wrap(title, PHONE_LABEL_CHARS + 6)
    whole = chart.value_format == "{:.0f}"  # counts: whole-number ticks only
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "font.size": label_pt(thai, compact)}
    width, scale = (PHONE_WIDTH_IN, 1.0) if compact else (WIDTH_IN, _SCALE)
    with matplotlib.rc_context(rc), _fonts_found_once():
        count = max(len(labels), 1)
        if chart.kind == "barh":
            # Bars are evenly spaced, so each slot must hold the tallest (wrapped) label: a Thai
            # line with its marks above and below needs about 1.6 times the font size.
            line_in = label_pt(thai, compact) / 72 * 1.6
            tallest = max((label.count("\n") + 1 for label in labels), default=1)
            slot = max(0.55, tallest * line_in + 0.15)
            title_lines = title.count("\n") + 1 if title else 0
            fig, ax = _figure(width, (slot * count + 1.1 + title_lines * line_in) * scale)
            positions = list(range(count))[::-1]  # first item on top, as the table reads
            bars = ax.barh(positions, chart.values, color="#2f6f9f", height=0.6)
            ax.set_yticks(positions, labels)
            top = chart.xmax or (max(chart.values, default=0) * 1.18 or 1)
            ax.set_xlim(0, top)
            if whole:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(lambda v, _pos: digits(f"{v:g}", style))
            for bar, value in zip(bars, chart.values, strict=True):
                ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2,
                        digits(chart.value_format.format(value), style), va="center")
        else:
            fig, ax = _figure(width, 3.6 * scale)
            bars = ax.bar(range(count), chart.values, color="#2f6f9f", width=0.7)
            ax.set_xticks(range(count), labels, rotation=45 if count > 6 else 0,
                          ha="right" if count > 6 else "center")
            top = chart.xmax or (max(chart.values, default=0) * 1.18 or 1)
            ax.set_ylim(0, top)
            if whole:
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_formatter(lambda v, _pos: digits(f"{v:g}", style))
            for bar, value in zip(bars, chart.values, strict=True):
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + top * 0.01,
                        digits(chart.value_format.format(value), style), ha="center", va="bottom")
        if title and compact:
            fig.suptitle(title)  # over the whole narrow figure, not only the axes beside the labels
        elif title:
            # y=1 is where matplotlib's automatic placement puts it (the x axis is at the bottom,
            # nothing above the axes to clear): said outright, so the placement is not worked
            # out again at each measure and draw by measuring every y tick label (3 ms a chart).
            ax.set_title(title, y=1.0)
        ax.spines[["top", "right"]].set_visible(False)
        _tight_layout(fig)
        return _png(fig)


@contextmanager
def _fonts_found_once() -> Iterator[None]:
    """While one chart is drawn, matplotlib's font lookup answered from a memo.

    matplotlib looks a text's font files up each time it measures or draws it (thousands of
    times for 15 charts), and each lookup reads eleven rcParams to key its own cache: a
    twentieth of a chart's time. Within one drawing the rcParams are fixed (the chart's
    rc_context), so a lookup's answer depends on the font properties alone; the memo is keyed
    by a snapshot of their values (a FontProperties is mutable) and dropped when the drawing
    ends, so no answer outlives the rcParams it was found under."""
    manager = font_manager.fontManager
    find = manager._find_fonts_by_props
    found: dict[tuple, Any] = {}

    def lookup(prop: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(prop, font_manager.FontProperties):
            return find(prop, *args, **kwargs)
        key = tuple(prop.__dict__.values())
        if key not in found:
            found[key] = find(prop)
        return found[key]

    manager._find_fonts_by_props = lookup  # an instance attribute: the class's method stays
    try:
        yield
    finally:
        del manager._find_fonts_by_props


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    """A figure and its axes on the Agg canvas, without pyplot: nothing is shown on a server,
    so no figure manager needs to know of it (nor to be told to close it)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _tight_layout(fig: Figure) -> None:
    """`fig.tight_layout()`'s positions in one measuring pass instead of two.

    tight_layout's default rect (0, 0, 1, 1) makes matplotlib measure the whole figure (every
    tick label laid out) a second time only to pass the first pass's margins back in: on a
    one-axes figure the second pass returns them unchanged. So measure once (rect=None) and
    apply the second pass's arithmetic to the margins (`1 - (1 - right)` need not be `right`
    in floating point), which gives the very positions, to the last bit, that two passes give.
    No layout engine is left on the figure: with one there, savefig would lay it out again."""
    TightLayoutEngine(rect=None).execute(fig)
    params = fig.subplotpars
    right, top = 1 - (1 - params.right), 1 - (1 - params.top)  # the rect pass 2 is given
    fig.subplots_adjust(left=0 + params.left, bottom=0 + params.bottom, right=1 - (1 - right),
                        top=1 - (1 - top))


def _png(fig: Figure) -> bytes:
    """The figure drawn once on its Agg canvas and encoded here rather than by savefig: the
    canvas is opaque white, so the PNG is RGB, not RGBA, at zlib level 3 (not 6). The pixels are
    savefig's own; the file is a tenth smaller and encodes in two thirds of the time (a chart's
    258 colours rule out a lossless palette). The dpi and Software chunks are savefig's too."""
    canvas = fig.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    info = PngInfo()
    info.add_text("Software", _SOFTWARE)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=3, pnginfo=info, dpi=(fig.dpi, fig.dpi))
    return buffer.getvalue()
