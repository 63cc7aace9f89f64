"""QR posters for the service counters: one printable A4 (or A5) page per service point.

Each poster's QR code opens the satisfaction form with the service point already filled in
(`[survey] form_url_template`, `{service_point}` replaced by the point's form value,
URL-encoded), so every answer records where the citizen was served. The poster carries the
office's name, "สแกนเพื่อประเมินความพึงพอใจ" and the service point's name, drawn with a Thai
TrueType font found on the system (Sarabun/Laksaman first). Without one, Thai text would
print as empty boxes: the poster then leaves the Thai lines out, says so in a warning, and
prints the QR code with English/Latin labels only.

Output: `poster-<key>.png` (300 dpi) and `poster-<key>.pdf` (one A4 page) per service point;
with size "a5", `poster-<key>-a5.png` / `.pdf`, the same drawing on an A5 page.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import qrcode
from PIL import Image, ImageDraw, ImageFont, features

from automation.settings import ConfigError, ServicePoint, Settings

log = logging.getLogger(__name__)

DPI = 300
A4_PX = (2480, 3508)  # 210 × 297 mm at 300 dpi
# A5 is A4 scaled by 1/√2: the same pixels printed at 300·√2 dpi make a 148 × 210 mm page, so the
# QR modules stay whole pixels (a resized image would blur their edges for phone cameras).
PAGE_DPI = {"a4": DPI, "a5": DPI * math.sqrt(2)}
PaperSize = Literal["a4", "a5"]
PLACEHOLDER = "{service_point}"
# Formal families first (Laksaman is TH Sarabun New under another name), then clear sans.
PREFERRED = ("TH Sarabun New", "Sarabun", "Laksaman", "Noto Sans Thai", "Noto Serif Thai",
             "Garuda", "Loma", "Waree", "Tlwg Typo", "Kinnari", "Norasi", "Umpush", "Sawasdee")
THAI_PROBE = "สแกนประเมิน"  # characters a font must draw to be of use here
HEADLINE = {"th": "สแกนเพื่อประเมินความพึงพอใจ", "en": "Scan to rate our service"}
SUBLINE = {"th": "แบบประเมินความพึงพอใจต่อการให้บริการ", "en": "Satisfaction survey"}
THANKS = {"th": "ขอบคุณที่ใช้บริการ", "en": "Thank you"}
# The shipped settings' form: posters made with it open nobody's form.
DEMO_FORM_MARK = "DEMO-FORM-ID"
_DEMO_LINK = re.compile(r"/(DEMO-[A-Z0-9-]+)")  # the shipped forms' ids, complaint forms' too
NO_SCAN = {"th": "สแกนไม่ได้? เปิด {link} แล้วเลือก «{point}»", "en": "Cannot scan? Open {link} and choose «{point}»"}
NO_SCAN_FORM = {"th": "สแกนไม่ได้? เปิด {link}", "en": "Cannot scan? Open {link}"}
INK, BAND, PAPER = (20, 20, 20), (18, 62, 120), (255, 255, 255)


@dataclass(frozen=True)
class PosterWords:
    headline: str
    subline: str
    footer: str
    latin: str  # the headline when no Thai font is found
    no_scan: str = ""  # the line under the QR code for people who cannot scan ("" = the survey's)


# The complaint posters (`[complaint_form] form_url`, `corruption_form_url`): key -> name and words.
COMPLAINT_POSTERS = {
    "complaint": {
        "th": ("ร้องเรียน/ร้องทุกข์ออนไลน์", PosterWords(
            "สแกนเพื่อแจ้งเรื่องร้องเรียน", "ได้รับเลขที่รับเรื่องทางอีเมล และติดตามสถานะได้ทางเว็บไซต์",
            "ไม่เปิดเผยชื่อและข้อมูลติดต่อของผู้ร้องเรียน", "Scan to file a complaint")),
        "en": ("Complaints online", PosterWords(
            "Scan to file a complaint", "You get a complaint number by e-mail and can follow it online",
            "Complainants' names and contacts are never published", "Scan to file a complaint")),
    },
    "corruption": {
        "th": ("แจ้งเบาะแสการทุจริตและประพฤติมิชอบ", PosterWords(
            "สแกนเพื่อร้องเรียนการทุจริต", "เรื่องส่งถึงผู้ประสานงานโดยตรง ไม่ผ่านหน่วยงานที่ถูกร้องเรียน",
            "ข้อมูลของผู้ร้องเรียนเป็นความลับ", "Scan to report corruption")),
        "en": ("Report corruption or misconduct", PosterWords(
            "Scan to report corruption", "It goes straight to the coordinator, never through the unit concerned",
            "Your details are kept confidential", "Scan to report corruption")),
    },
}


@dataclass(frozen=True)
class ThaiFont:
    regular: Path
    bold: Path


@dataclass(frozen=True)
class Poster:
    key: str
    name: str
    url: str
    png: Path
    pdf: Path
    thai_text: bool  # False when no Thai font was found and the Thai lines were left out


def form_link(settings: Settings, point: ServicePoint) -> str:
    """The pre-filled form link for one service point."""
    template = settings.survey.form_url_template.strip()
    en = settings.run.language == "en"
    example = ("เช่น form_url_template = \"https://docs.google.com/forms/d/e/…/viewform?usp=pp_url"
               "&entry.1000001={service_point}\"")
    if not template:
        raise ConfigError("[survey] form_url_template is empty; paste the form's pre-filled link with "
                          "{service_point} where the answer goes" if en else
                          f"{settings.source}: [survey] form_url_template ว่างอยู่ — วางลิงก์แบบฟอร์มที่กรอกคำตอบไว้ล่วงหน้า "
                          f"(pre-filled link) แล้วแทนชื่อจุดบริการในลิงก์ด้วย {{service_point}} {example} "
                          "(form_url_template is empty)")
    if PLACEHOLDER not in template:
        raise ConfigError("[survey] form_url_template has no {service_point}; without it answers would "
                          "not record their service point" if en else
                          f"{settings.source}: [survey] form_url_template ไม่มี {{service_point}} — แทนชื่อจุดบริการ"
                          f"ในลิงก์ด้วย {{service_point}} {example} มิฉะนั้นคำตอบจะไม่บอกว่ามาจากจุดบริการใด "
                          "(no {service_point} in form_url_template)")
    # replace, not format: a URL may hold other braces.
    return template.replace(PLACEHOLDER, quote(point.form_value or point.name, safe=""))


def is_demo_form(settings: Settings) -> bool:
    """Still the shipped placeholder form (DEMO-FORM-ID): its posters lead nowhere."""
    return DEMO_FORM_MARK in settings.survey.form_url_template


def demo_forms(settings: Settings, *, complaint_forms: bool = True) -> dict[str, str]:
    """Each form link still the shipped placeholder (DEMO-FORM-ID, DEMO-COMPLAINT-FORM,
    DEMO-CORRUPTION-FORM), by its setting: a poster made from it leads nowhere. The complaint
    forms count only when their posters are made (`complaint_forms`)."""
    found = {}
    if is_demo_form(settings):
        found["[survey] form_url_template"] = DEMO_FORM_MARK
    if complaint_forms:
        keys = {"complaint": "[complaint_form] form_url", "corruption": "[complaint_form] corruption_form_url"}
        for kind, url in complaint_form_links(settings).items():
            mark = _DEMO_LINK.search(url)
            if mark:
                found[keys[kind]] = mark.group(1)
    return found


def short_link(settings: Settings) -> str:
    """What people who cannot scan type: the form's short link, else its address without the
    pre-filled answer (they then choose their service point themselves)."""
    short = settings.survey.form_short_url.strip()
    if short:
        return short.removeprefix("https://").removeprefix("http://")
    return settings.survey.form_url_template.split("?", 1)[0].removeprefix("https://")


def _covers_thai(path: Path) -> bool:
    try:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font file is simply not a candidate
        return False
    return all(ord(ch) in cmap for ch in THAI_PROBE)


def _installed_fonts() -> list[tuple[Path, str, str]]:
    """(file, family, style) of fonts that declare Thai: fontconfig, else matplotlib's scan."""
    found: list[tuple[Path, str, str]] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", "-f", "%{file}|%{family}|%{style}\n", ":lang=th"],
                                 capture_output=True, text=True, timeout=20, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[0].lower().endswith((".ttf", ".otf")):
                found.append((Path(parts[0]), parts[1].split(",")[0], parts[2].split(",")[0]))
    if not found:
        from matplotlib import font_manager

        for name in font_manager.findSystemFonts():
            path = Path(name)
            family = font_manager.FontProperties(fname=name).get_name() if path.exists() else ""
            bold = "bold" in path.stem.lower()
            found.append((path, family, "Bold" if bold else "Regular"))
    return found


@lru_cache(maxsize=1)
def find_thai_font() -> ThaiFont | None:
    """A Thai-capable TrueType font (regular and bold files), preferring formal faces."""
    fonts = [f for f in _installed_fonts() if not any(w in f[2].lower() for w in ("italic", "oblique"))]
    rank = {name.lower(): i for i, name in enumerate(PREFERRED)}
    fonts.sort(key=lambda f: (rank.get(f[1].lower(), len(rank)), f[1], "bold" in f[2].lower()))
    for path, family, style in fonts:
        if "bold" in style.lower() or not _covers_thai(path):
            continue
        bold = next((p for p, fam, st in fonts if fam == family and "bold" in st.lower()), path)
        return ThaiFont(path, bold)
    return None


def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size)
    # Raqm shapes Thai properly (vowels and tone marks stacked, not overlapping).
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


def _fitted(path: Path | None, text: str, size: int, width: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font at `size`, or smaller until `text` fits in `width` pixels."""
    while True:
        font = _font(path, size)
        if size <= 24 or font.getlength(text) <= width:
            return font
        size = int(size * 0.92)


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, path: Path | None, size: int,
              fill: tuple[int, int, int]) -> int:
    """Draw `text` centred at height `y`; returns the y below it."""
    width = A4_PX[0] - 2 * 180
    font = _fitted(path, text, size, width)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((A4_PX[0] - (right - left)) // 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def _qr_image(url: str, size: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    modules = code.modules_count + 2 * code.border
    img = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    # Whole pixels per module keep the edges sharp for phone cameras.
    return img.resize((modules * (size // modules),) * 2, Image.Resampling.NEAREST)


def draw_poster(settings: Settings, point: ServicePoint, url: str, font: ThaiFont | None,
                lang: str = "th", words: PosterWords | None = None) -> Image.Image:
    page = Image.new("RGB", A4_PX, PAPER)
    draw = ImageDraw.Draw(page)
    thai = font is not None
    key = "en" if lang == "en" else "th"
    words = words or PosterWords(HEADLINE[key], SUBLINE[key], THANKS[key], HEADLINE["en"])
    regular, bold = (font.regular, font.bold) if font else (None, None)
    office = settings.office
    # A band with the office's name across the top.
    draw.rectangle((0, 0, A4_PX[0], 430), fill=BAND)
    if thai:
        _centered(draw, 140, office.name, bold, 120, PAPER)
    elif office.name_en:
        _centered(draw, 150, office.name_en, None, 96, PAPER)
    y = 560
    if thai:
        y = _centered(draw, y, words.headline, bold, 150, INK) + 70
        y = _centered(draw, y, words.subline, regular, 90, INK) + 60
    else:
        y = _centered(draw, y, words.latin, None, 130, INK) + 100
    qr = _qr_image(url, 1700)
    page.paste(qr, ((A4_PX[0] - qr.width) // 2, y))
    y += qr.height + 10
    link = short_link(settings) if not words.no_scan else url.removeprefix("https://")
    if thai:
        no_scan = words.no_scan or NO_SCAN["en" if lang == "en" else "th"].format(link=link, point=point.name)
        y = _centered(draw, y, no_scan, regular, 64, INK) + 60
    else:
        y = _centered(draw, y, link, None, 56, INK) + 60
    if thai:
        y = _centered(draw, y, point.name, bold, 160, BAND) + 50
    else:
        y = _centered(draw, y, point.key, None, 130, BAND) + 50
    draw.line((400, y + 40, A4_PX[0] - 400, y + 40), fill=BAND, width=6)
    if thai:
        _centered(draw, y + 140, words.footer, regular, 90, INK)
    return page


def make_posters(settings: Settings, out_dir: Path | None = None, *,
                 font: ThaiFont | Literal["auto"] | None = "auto", lang: str | None = None,
                 only: list[str] | None = None, size: PaperSize = "a4") -> list[Poster]:
    """One PNG and one PDF poster per service point in `[survey] service_points` (or the
    points whose keys are in `only`), on A4 paper or, for a small counter, A5."""
    points = settings.survey.service_points
    en = settings.run.language == "en"
    if not points:
        raise ConfigError("[survey] has no service_points; add one [[survey.service_points]] per counter" if en else
                          f"{settings.source}: ยังไม่มี [[survey.service_points]] — เพิ่มหนึ่งชุดต่อหนึ่งจุดบริการ "
                          "ซึ่งต้องมี key และ name (no service points)")
    if only:
        unknown = sorted(set(only) - {p.key for p in points})
        if unknown:
            keys = [p.key for p in points]
            either = keys[0] if len(keys) < 2 else f"{', '.join(keys[:-1])} หรือ {keys[-1]}"
            raise ConfigError(f"no service point with key {', '.join(unknown)}; keys: {', '.join(keys)}" if en else
                              f"--point {', '.join(unknown)}: ไม่มีจุดบริการนี้ — ใช้ได้เฉพาะ {either} "
                              f"(key ใน [[survey.service_points]]) เช่น --point {keys[0]} "
                              f"(no service point with key {', '.join(unknown)})")
        points = [p for p in points if p.key in only]
    out = out_dir or settings.output_dir / "posters"
    out.mkdir(parents=True, exist_ok=True)
    chosen = find_thai_font() if font == "auto" else font
    if chosen is None:
        log.warning("no Thai font found (run `bash scripts/install-thai-font.sh` or install fonts-thai-tlwg): "
                    "posters are printed without their Thai lines" if en else
                    "ไม่พบฟอนต์ภาษาไทย โปสเตอร์จึงไม่มีข้อความภาษาไทย — ติดตั้งฟอนต์ด้วย bash scripts/install-thai-font.sh "
                    "(หรือ sudo apt-get install fonts-thai-tlwg) แล้วสั่ง ./ita qr อีกครั้ง (no Thai font found)")
    posters = []
    for point in points:
        url = form_link(settings, point)
        page = draw_poster(settings, point, url, chosen, lang or settings.run.language)
        stem = f"poster-{point.key}" + ("" if size == "a4" else f"-{size}")
        png, pdf = out / f"{stem}.png", out / f"{stem}.pdf"
        dpi = PAGE_DPI[size]
        page.save(png, dpi=(dpi, dpi))
        page.save(pdf, "PDF", resolution=dpi, title=f"{settings.office.name} – {point.name}")
        posters.append(Poster(point.key, point.name, url, png, pdf, chosen is not None))
    return posters


def complaint_form_links(settings: Settings) -> dict[str, str]:
    """The complaint forms that get a poster: each link set whose form sheet the office has."""
    form = settings.complaint_form
    links = {"complaint": form.form_url.strip() if settings.sheets.complaint_form else "",
             "corruption": form.corruption_form_url.strip() if settings.sheets.corruption_form else ""}
    return {k: v for k, v in links.items() if v}


def make_complaint_posters(settings: Settings, out_dir: Path | None = None, *,
                           font: ThaiFont | Literal["auto"] | None = "auto", lang: str | None = None,
                           size: PaperSize = "a4") -> list[Poster]:
    """The complaint form's poster (`[complaint_form] form_url`), and the corruption form's
    where the office has that form (`[sheets] corruption_form` and `corruption_form_url`):
    `poster-complaint.*`, `poster-corruption.*`. None when no complaint form link is set."""
    links = complaint_form_links(settings)
    if not links:
        return []
    out = out_dir or settings.output_dir / "posters"
    out.mkdir(parents=True, exist_ok=True)
    chosen = find_thai_font() if font == "auto" else font
    lang = lang or settings.run.language
    posters = []
    for key, url in links.items():
        name, words = COMPLAINT_POSTERS[key]["en" if lang == "en" else "th"]
        words = replace(words, no_scan=NO_SCAN_FORM["en" if lang == "en" else "th"].format(
            link=url.removeprefix("https://")))
        page = draw_poster(settings, ServicePoint(key=key, name=name), url, chosen, lang, words)
        stem = f"poster-{key}" + ("" if size == "a4" else f"-{size}")
        png, pdf = out / f"{stem}.png", out / f"{stem}.pdf"
        dpi = PAGE_DPI[size]
        page.save(png, dpi=(dpi, dpi))
        page.save(pdf, "PDF", resolution=dpi, title=f"{settings.office.name} – {name}")
        posters.append(Poster(key, name, url, png, pdf, chosen is not None))
    return posters
