"""The run's drafts and the public outputs: the page for the website and the --public report
never show a complainant's name or contact, and the page works on a phone in a real browser."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from automation import reports
from automation.cli import main
from automation.pipeline import run_once
from automation.reports.context import build_context, gather_figures
from automation.reports.linebreak import plain
from automation.satisfaction import compute_scores
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.tables import load_tables
from automation.thaidate import FiscalRound, to_arabic_digits, to_thai_digits
from automation.workbook.xlsx import XlsxWorkbook
from tests.conftest import TEST_ARTIFACTS

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 4, 20)
ARTIFACTS = TEST_ARTIFACTS  # page images a person can look at; never in the user's output/
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Published:
    settings: Settings
    outputs: list[Path]
    public_docx: Path
    private_values: list[str]

    @property
    def page(self) -> Path:
        return self.settings.output_dir / "public" / "index.html"


def plant_private_data(path: Path, settings: Settings) -> list[str]:
    """Put every complainant's name and phone into their complaint's subject too, as staff
    sometimes do, and return every name and contact in the sheet."""
    layout = build_schema(settings)["complaints"]
    book = openpyxl.load_workbook(path)
    sheet = book[layout.title]
    header = [c.value for c in sheet[1]]
    name, contact, subject = (header.index(layout.column(k).th) + 1 for k in ("complainant", "contact", "subject"))
    found = []
    for row in range(2, sheet.max_row + 1):
        who, phone = sheet.cell(row, name).value, sheet.cell(row, contact).value
        if who and phone:
            found += [str(who), str(phone)]
            sheet.cell(row, subject).value = f"{who} โทร {phone} {sheet.cell(row, subject).value or ''}"
    book.save(path)
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Published:
    root = tmp_path_factory.mktemp("public")
    config = root / "config" / "settings.toml"
    config.parent.mkdir()
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    settings = load_settings(config, run__today=TODAY)
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_demo_template, settings.workbook_path)
    private = plant_private_data(settings.workbook_path, settings)
    summary = run_once(settings, stages=[reports.stage], write=False)
    assert not summary.stages[0].error, summary.stages[0].error
    assert main(["report", "--config", str(config), "--today", TODAY.isoformat(), "--public"]) == 0
    return Published(settings, [Path(p) for p in summary.outputs],
                     settings.output_dir / "ita-report-2567-h1-public.docx", private)


def docx_text(path: Path) -> str:
    """Every XML part of a .docx (body, tables, headers, footers, properties, link targets)."""
    with zipfile.ZipFile(path) as archive:
        text = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                         if n.endswith((".xml", ".rels")))
    return plain(text)  # without the invisible Thai line-break marks, which would hide a name


def test_the_run_drafts_the_report_due_the_one_before_and_the_public_page(published: Published) -> None:
    out = published.settings.output_dir
    assert published.outputs == [out / "ita-report-2567-h1.docx", out / "ita-report-2566-annual.docx",
                                 out / "public" / "index.html"]
    assert all(p.is_file() for p in published.outputs)


def test_running_again_overwrites_the_same_files(published: Published) -> None:
    out = published.settings.output_dir
    before = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    page = published.page.read_bytes()
    summary = run_once(published.settings, stages=[reports.stage], write=False)
    assert [Path(p) for p in summary.outputs] == published.outputs
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == before
    assert published.page.read_bytes() == page


def test_no_public_output_shows_a_complainants_name_or_contact(published: Published) -> None:
    assert len(published.private_values) > 20
    folder = published.page.parent
    outputs = {published.public_docx: docx_text(published.public_docx)}
    for path in folder.iterdir():
        if path.suffix in (".html", ".json", ".txt", ".csv"):
            outputs[path] = path.read_text(encoding="utf-8")
    assert published.page in outputs
    for path, text in outputs.items():
        for value in published.private_values:
            for form in {value, to_thai_digits(value), to_arabic_digits(value)}:
                assert form not in text, f"{path.name} shows {form!r}"
    # Built from counts: the public edition quotes no free text, so nothing in it needed masking.
    assert "[ปกปิด]" not in outputs[published.public_docx]
    assert "[หมายเลขโทรศัพท์]" not in outputs[published.public_docx]


def test_the_internal_draft_quotes_subjects_with_the_complainants_withheld(published: Published) -> None:
    internal = docx_text(published.outputs[0])
    assert "[ปกปิด] โทร [หมายเลขโทรศัพท์]" in internal  # the planted "<name> โทร <phone>" subjects
    assert not [v for v in published.private_values if v in internal]


def test_a_phone_number_in_a_comment_is_masked_inside_and_absent_outside(published: Published) -> None:
    internal, public = docx_text(published.outputs[0]), docx_text(published.public_docx)
    for text in (internal, public):
        assert "081-234-5678" not in text and "๐๘๑-๒๓๔-๕๖๗๘" not in text
    assert "[หมายเลขโทรศัพท์]" in internal and "[หมายเลขโทรศัพท์]" not in public


def test_the_page_is_self_contained_thai_and_made_for_phones(published: Published) -> None:
    html = published.page.read_text(encoding="utf-8")
    assert '<html lang="th">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", html)
    assert "<script" not in html
    pictures = re.findall(r'<img src="([^"]+)"', html)
    assert len(pictures) >= 4
    for name in pictures:
        assert (published.page.parent / name).read_bytes().startswith(b"\x89PNG")
    assert "ผลการประเมินความพึงพอใจ" in html and "สถิติเรื่องร้องเรียน" in html
    assert "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" in html


def test_the_page_and_its_pictures_can_be_served_by_a_web_server_running_as_another_user(
    published: Published,
) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    files = [published.page, *published.page.parent.glob("*.png")]
    assert len(files) >= 5
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name  # not mkstemp's 0600


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_page_loads_in_a_phone_sized_browser_without_console_errors(
    published: Published, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "public-page-390x844.png"
    shot.unlink(missing_ok=True)
    url = published.page.as_uri()
    done = _chromium([f"--screenshot={shot}", "--window-size=390,844", "--hide-scrollbars", url], tmp_path / "a")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    with Image.open(shot) as image:  # kept in the test artifacts folder (tests.conftest.TEST_ARTIFACTS) for a person to look at
        assert image.size == (390, 844)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50  # not a blank page
    dom = _chromium(["--dump-dom", "--window-size=390,844", url], tmp_path / "b")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert [line for line in dom.stderr.splitlines() if ":CONSOLE" in line] == []
    assert 'lang="th"' in dom.stdout
    assert "ผลการประเมินความพึงพอใจของผู้รับบริการ" in dom.stdout
    assert published.settings.office.name in dom.stdout


def test_the_page_command_writes_the_page_where_asked(published: Published, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = str(published.settings.source)
    assert main(["page", "--config", config, "--today", TODAY.isoformat(), "--round", "annual",
                 "--fiscal-year", "2566", "--out", str(tmp_path / "site")]) == 0
    index = tmp_path / "site" / "index.html"
    assert capsys.readouterr().out.strip() == str(index)
    assert "ระหว่างวันที่ ๑ ตุลาคม ๒๕๖๕ ถึงวันที่ ๓๐ กันยายน ๒๕๖๖" in index.read_text(encoding="utf-8")


def test_comments_are_left_out_when_the_office_marks_them_private(published: Published) -> None:
    settings = published.settings.model_copy(update={"privacy": published.settings.privacy.model_copy(
        update={"private_columns": ["complainant", "contact", "comment"]})})
    tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
    figures = gather_figures(settings, tables, FiscalRound(2567, "h1"), TODAY)
    assert figures.satisfaction.comments  # there are comments to leave out
    assert build_context(settings, tables, figures, TODAY, public=True)["sat"]["comments"] == []
    assert build_context(settings, tables, figures, TODAY, public=False)["sat"]["comments"]


class _TableRows(HTMLParser):
    """The cell texts, row by row, of the table with a given id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(plain("".join(self.cell)).split()))  # as read, without break marks
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_the_page_shows_the_trend_against_earlier_rounds(published: Published) -> None:
    settings = published.settings
    tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
    rnd = FiscalRound(2567, "h1")
    report = compute_scores(settings, tables["responses"], rnd, today=TODAY)
    html = published.page.read_text(encoding="utf-8")
    parser = _TableRows("trend")
    parser.feed(html)
    head, under, *rows = parser.rows
    # Two heading rows: each comparison's group over its change and test result (short words
    # that fit a phone's columns); the other rounds' means have their own columns.
    assert head == ["ด้าน", "ค่าเฉลี่ยรอบนี้", "ค่าเฉลี่ยรอบก่อน", "รอบก่อน", "ค่าเฉลี่ยรอบเดียวกันของปีก่อน",
                    "รอบเดียวกันของปีก่อน"]
    assert under == ["ผลต่าง", "ผลการทดสอบ", "ผลต่าง", "ผลการทดสอบ"]
    for label in (rnd.previous().label("th", "thai"), rnd.same_round_last_year().label("th", "thai")):
        assert label in html  # which rounds the columns compare with

    def side(change: object) -> list[str]:
        if change is None:
            return ["–", "–", "ไม่มีข้อมูล"]
        delta = f"{round(change.this_mean, 2) - round(change.other_mean, 2):+.2f}"  # of the printed means
        verdict = {True: "แตกต่าง", False: "ไม่แตกต่าง", None: "ผู้ตอบน้อยเกินกว่าจะบอกได้"}[change.significant]
        mark = " *" if change.other_respondents < settings.survey.min_n else ""
        return [to_thai_digits(f"{change.other_mean:.2f}") + mark,
                to_thai_digits("0.00" if float(delta) == 0 else delta), verdict]

    expected = [
        [to_thai_digits(group.label), to_thai_digits(f"{group.mean:.2f}") + (" *" if group.small_n else ""),
         *side(trend.previous), *side(trend.last_year)]
        for trend, group in [*zip(report.trend.aspects, report.aspects, strict=True),
                             (report.trend.overall, report.overall)]
    ]
    assert rows == expected
    assert report.trend.previous is not None and report.trend.last_year is not None  # real figures shown


# ---------------------------------------------------------------- every reader, every screen


class _Page(HTMLParser):
    """The page's tables (each a list of rows of (tag, attributes, text) cells) and pictures."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, object]] = []
        self.images: list[dict[str, str | None]] = []
        self.sources: list[dict[str, str | None]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("id"), "head": [], "body": [], "part": "body"})
        elif tag == "thead" and self.tables:
            self.tables[-1]["part"] = "head"
        elif tag == "tbody" and self.tables:
            self.tables[-1]["part"] = "body"
        elif tag == "tr" and self.tables:
            self.tables[-1][self.tables[-1]["part"]].append([])  # type: ignore[union-attr]
        elif tag in ("td", "th") and self.tables:
            self.cell = []
            self.tables[-1][self.tables[-1]["part"]][-1].append((tag, dict(attrs), self.cell))  # type: ignore[index]
        elif tag == "img":
            self.images.append(dict(attrs))
        elif tag == "source":
            self.sources.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def parsed(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_table_on_the_page_has_header_cells_for_its_columns_and_rows(published: Published) -> None:
    page = parsed(published.page)
    assert len(page.tables) >= 7
    for table in page.tables:
        assert table["head"] and all(tag == "th" for row in table["head"] for tag, _a, _t in row), table["id"]
        for row in table["body"]:
            headers = [cell for cell in row if cell[0] == "th"]
            # Each row names itself (th scope=row); a grouped row sits under its group's header cell,
            # which spans it (rowspan), so no first cell is left blank.
            assert headers and all("".join(text).strip() for _tag, _a, text in headers), (table["id"], row)
            assert all(attrs.get("scope") in ("row", "rowgroup") for _tag, attrs, _t in headers)
    grouped = [t for t in page.tables if any(a.get("scope") == "rowgroup" for r in t["body"] for _g, a, _t in r)]
    spans = [int(a["rowspan"]) for t in grouped for r in t["body"] for _g, a, _t in r if a.get("rowspan")]
    assert grouped and sum(spans) == sum(len(t["body"]) for t in grouped)  # every grouped row is covered


def test_every_chart_has_its_figures_in_a_table_and_in_its_alt_text(published: Published) -> None:
    settings = published.settings
    tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
    report = compute_scores(settings, tables["responses"], FiscalRound(2567, "h1"), today=FiscalRound(2567, "h1").end)
    page = parsed(published.page)
    assert len(page.images) >= 5 and len(page.sources) == len(page.images)  # a phone drawing for each
    alts = {img["src"]: img["alt"] or "" for img in page.images}
    for group in report.aspects:
        assert f"{group.label} {to_thai_digits(f'{group.mean:.2f}')}" in alts["satisfaction-aspects.png"]
    monthly = next(t for t in page.tables if t["id"] == "monthly")
    rows = [["".join(text).strip() for _tag, _a, text in row] for row in monthly["body"]]
    assert [r[1] for r in rows] == [to_thai_digits(str(count)) for _m, count in report.monthly]
    assert all(f"{to_thai_digits(str(count))} ราย" in alts["satisfaction-monthly.png"] for _m, count in report.monthly)
    assert all(alt.startswith("แผนภูมิแท่ง") and len(alt) > 40 for alt in alts.values())


def test_a_round_still_running_is_marked_with_the_day_its_figures_reach(published: Published, tmp_path: Path) -> None:
    settings = published.settings
    tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
    running = reports.build_public_page(settings, tables, FiscalRound(2567, "annual"), TODAY, out_dir=tmp_path)
    assert "ข้อมูลถึงวันที่ ๒๐ เมษายน ๒๕๖๗ (ยังไม่ครบรอบ)" in running.read_text(encoding="utf-8")
    closed = published.page.read_text(encoding="utf-8")  # round 1, closed on 31 March
    assert "ยังไม่ครบรอบ" not in closed and "ข้อมูล ณ วันที่ ๓๑ มีนาคม ๒๕๖๗" in closed


METRICS = """<script>
window.addEventListener('load', () => {
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; };
  parent.postMessage(JSON.stringify({
    viewport: innerWidth, width: document.documentElement.scrollWidth,
    images: [...document.images].map(i => [i.currentSrc.split('/').pop(), i.naturalWidth, i.clientWidth]),
    scrolled: [...document.querySelectorAll('.scroll')].filter(d => d.scrollWidth > d.clientWidth + 1)
      .map(d => d.querySelector('table').id || d.querySelector('th').textContent),
    trend: [...document.querySelectorAll('#trend thead th')].filter(th => th.offsetParent).map(th => [th.textContent, lines(th)]),
  }), '*');
});
</script></body>"""
# Headless Chromium's window is at least 500 px wide: the page is measured in a frame of the
# phone's width (its media queries and <picture> sources follow the frame), and posts back.
FRAME = """<!doctype html><html><body style="margin:0"><pre id="metrics"></pre>
<iframe src="{src}" style="border:0;width:{width}px;height:{height}px"></iframe>
<script>addEventListener('message', e => {{ document.getElementById('metrics').textContent = e.data; }});</script>
</body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_charts_and_tables_are_readable_on_a_phone_and_a_desktop(
    published: Published, tmp_path: Path, width: int, height: int,
) -> None:
    import json

    from automation.reports.charts import DPI, label_pt

    measured = published.page.with_name(f"measured-{width}.html")
    measured.write_text(published.page.read_text(encoding="utf-8").replace("</body>", METRICS), encoding="utf-8")
    frame = published.page.with_name(f"frame-{width}.html")
    frame.write_text(FRAME.format(src=measured.name, width=width, height=height), encoding="utf-8")
    done = _chromium(["--dump-dom", "--virtual-time-budget=8000", f"--window-size={max(width, 800)},{height}",
                      frame.as_uri()], tmp_path / "m")
    measured.unlink()
    frame.unlink()
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads(re.search(r'<pre id="metrics">(.*?)</pre>', done.stdout, re.S).group(1)
                         .replace("&quot;", '"').replace("&amp;", "&"))
    assert metrics["viewport"] == width and metrics["width"] <= width  # nothing wider than the screen
    assert metrics["scrolled"] == []  # every table fits: no sideways scrolling to read one
    assert len(metrics["images"]) >= 5
    for src, natural, shown in metrics["images"]:
        assert src.endswith("-phone.png") == (width < 600), src
        label_px = label_pt(True, width < 600) / 72 * DPI * shown / natural  # a chart label's size on screen
        assert label_px >= 12, (src, round(label_px, 1))
    # The trend table's headings wrap by words into at most three lines, not a syllable a line.
    assert metrics["trend"] and [(text, n) for text, n in metrics["trend"] if n > 3] == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"public-page-{width}-full.png"
    _chromium([f"--screenshot={shot}", f"--window-size={width},{height * 6}", "--hide-scrollbars",
               published.page.as_uri()], tmp_path / "s")
    assert shot.stat().st_size > 20_000  # kept for a person to look at


def test_channel_names_keep_the_numbers_people_dial(published: Published) -> None:
    """Thai digits are for the figures the service writes; a channel's name is a name: the
    Damrongdhama centre is dialled as 1567, on the page as in the report (its chart's alt text
    and table), never ๑๕๖๗."""
    html = published.page.read_text(encoding="utf-8")
    channels = [label for label in ("ศูนย์ดำรงธรรม 1567", "สายด่วน 1111") if label in html]
    assert channels, "the demo's complaints come through a hotline"
    assert "๑๕๖๗" not in html and "๑๑๑๑" not in html
    alt = " ".join(re.findall(r'alt="([^"]*)"', html))
    assert any(label in alt for label in channels) and "แผนภูมิแท่ง" in alt


def test_a_phone_chart_gives_every_wrapped_label_room_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """At phone width the category names wrap to several lines: each label keeps to its own bar's
    slot and none runs into the next label or into the title (the drawing is measured with
    matplotlib's own renderer, as it is saved)."""
    from automation.reports import charts

    if charts.thai_font() is None:
        pytest.skip("no Thai font installed: charts use short English labels that do not wrap")
    kept: list = []
    save = charts._png
    monkeypatch.setattr(charts, "_png", lambda fig: kept.append(fig) or save(fig))
    monkeypatch.setattr(charts, "_DRAWN", {})  # drawn now, not found drawn by an earlier test
    names = ["การให้บริการไม่เป็นธรรม/พฤติกรรมเจ้าหน้าที่", "การทุจริตและประพฤติมิชอบ", "การจัดซื้อจัดจ้าง",
             "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "ตู้รับความคิดเห็น", "ศูนย์ดำรงธรรม 1567"]
    chart = charts.Chart("probe-phone", "เรื่องร้องเรียนจำแนกตามประเภท", names, [0, 1, 1, 4, 0, 2],
                         value_format="{:.0f}", unit="เรื่อง")
    charts.render_png(chart, "thai", compact=True)
    fig = kept[-1]
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = sorted((t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()),
                   key=lambda b: -b.y1)
    assert len(boxes) == len(names) and any("\n" in t.get_text() for t in ax.get_yticklabels())
    for upper, lower in itertools.pairwise(boxes):
        assert lower.y1 <= upper.y0, "two labels run into each other"
    title = fig._suptitle.get_window_extent(renderer)
    assert boxes[0].y1 <= title.y0, "the first label runs into the title"
    assert 0 <= title.x0 and title.x1 <= fig.bbox.width, "the title is cut at the edge"


def test_the_run_reads_the_private_values_once_and_masks_each_text_once(
    tmp_path: Path, _demo_template: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The two drafts and the page share one masking: the private columns are read once per
    run, and a text quoted again and again (a unit, a step, a comment in both rounds' themes)
    is masked once by each masker (counted)."""
    import automation.reports.figures as figures
    from automation.privacy import PeopleMasker

    config = tmp_path / "config" / "settings.toml"
    config.parent.mkdir()
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    settings = load_settings(config, run__today=TODAY)
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_demo_template, settings.workbook_path)
    read: list[str] = []
    masked: list[tuple[int, str, int | None]] = []  # (the masker, the text, its length limit)
    real_values, real_mask = figures._private_values, PeopleMasker._mask
    monkeypatch.setattr(figures, "_private_values",
                        lambda table, keys: read.append(table.layout.key) or real_values(table, keys))
    monkeypatch.setattr(PeopleMasker, "_mask", lambda self, text, limit: masked.append((id(self), text, limit))
                        or real_mask(self, text, limit))
    summary = run_once(settings, stages=[reports.stage], write=False)
    assert not summary.stages[0].error, summary.stages[0].error
    assert len(summary.outputs) == 3
    assert "complaints" in read and len(read) == len(set(read))  # each sheet with private columns
    assert masked and len(masked) == len(set(masked))


def test_a_part_missing_from_the_drafts_is_one_thai_warning(
    published: Published, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import automation.complaints

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(automation.complaints, "complaint_statistics", broken)
    with caplog.at_level("WARNING", logger="automation.reports"):
        summary = run_once(published.settings, stages=[reports.stage], write=False)
    assert not summary.stages[0].error  # the drafts were made without that part
    (line,) = [r.getMessage() for r in caplog.records if r.name == "automation.reports"]
    assert line == ("ร่างรายงานแล้วแต่ขาดบางส่วน: complaints (RuntimeError: boom) — ส่วนเหล่านี้คำนวณไม่ได้ในรอบนี้ "
                    "(สาเหตุในวงเล็บ) ส่วนอื่นของรายงานครบ ถ้าเกิดซ้ำให้ส่งบันทึกนี้ให้ผู้ดูแลระบบ "
                    "(report drafted without some parts)")


def test_a_broken_page_template_is_one_thai_line(published: Published, tmp_path: Path) -> None:
    from automation.reports.page import render_page
    from automation.settings import ConfigError

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "public.html").write_text("<p>{% if x %}</p>\n{{ y", encoding="utf-8")
    settings = published.settings.model_copy(
        update={"report": published.settings.report.model_copy(update={"template_dir": tmp_path / "t"})})
    with pytest.raises(ConfigError) as thai:
        render_page(settings, {"public": True, "lang": "th"}, tmp_path / "out")
    said = str(thai.value)
    assert said.startswith(f"{tmp_path / 't' / 'public.html'}: แม่แบบหน้าเผยแพร่บรรทัด 2 อ่านไม่ได้ (")
    assert said.endswith("— แก้แท็ก {{ }} หรือ {% %} ในบรรทัดนั้นให้ครบ หรือคัดลอกไฟล์เดิมจากโฟลเดอร์ templates "
                         "ของโปรแกรม (the page template cannot be read)") and "\n" not in said
    with pytest.raises(ConfigError, match=r"public\.html: line 2: "):
        render_page(settings, {"public": True, "lang": "en"}, tmp_path / "out")
