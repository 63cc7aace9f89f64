"""QR posters: each one decodes back to its service point's pre-filled form link."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from automation.cli import main
from automation.posters import A4_PX, Poster, find_thai_font, form_link, make_posters
from automation.settings import ConfigError, ServicePoint, Settings, load_settings

ENTRY = "entry.1000001"  # the shipped template's service-point field
SHIPPED = load_settings()


@pytest.fixture(scope="module")
def posters(tmp_path_factory: pytest.TempPathFactory) -> list[Poster]:
    """The shipped office's posters, made once for the tests that only look at them."""
    return make_posters(SHIPPED, tmp_path_factory.mktemp("posters"))


def decoded(png: Path) -> list[str]:
    """What a phone's QR scanner reads from the printed page."""
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)]


def answer(url: str) -> list[str]:
    """What Google Forms would pre-fill from the link."""
    return parse_qs(urlsplit(url).query)[ENTRY]


def test_each_poster_decodes_back_to_its_own_link(posters: list[Poster]) -> None:
    points = SHIPPED.survey.service_points
    assert [p.key for p in posters] == [p.key for p in points]
    for poster, point in zip(posters, points, strict=True):
        assert decoded(poster.png) == [poster.url]
        assert poster.url == form_link(SHIPPED, point)
        assert answer(poster.url) == [point.form_value or point.name]  # e.g. "งานทะเบียนและบัตร"
    assert len({p.url for p in posters}) == len(points)


def test_posters_are_a4_pages_png_and_pdf(posters: list[Poster]) -> None:
    poster = posters[0]
    image = Image.open(poster.png)
    assert image.size == A4_PX and round(image.info["dpi"][0]) == 300
    pdf = poster.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    (box,) = {tuple(round(float(v)) for v in m) for m in re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)}
    assert box == (595, 842)  # A4 in points


def dark_pixels(png: Path, box: tuple[int, int, int, int]) -> int:
    return Image.open(png).convert("L").crop(box).point(lambda v: 255 if v < 128 else 0).histogram()[255]


def test_the_thai_lines_are_drawn_with_a_thai_font(posters: list[Poster], tmp_path: Path) -> None:
    if find_thai_font() is None:
        pytest.skip("no Thai font installed (bash scripts/install-thai-font.sh)")
    (without,) = make_posters(SHIPPED, tmp_path, font=None, only=[posters[0].key])
    assert posters[0].thai_text and not without.thai_text
    # The Thai headline lines put ink where the Latin-only poster prints one short English line.
    headline = (0, 560, A4_PX[0], 900)
    assert dark_pixels(posters[0].png, headline) > dark_pixels(without.png, headline)


def test_without_a_thai_font_the_poster_warns_and_still_works(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="automation.posters"):
        (poster,) = make_posters(SHIPPED, tmp_path, font=None, only=["tax"])
    assert "ไม่พบฟอนต์ภาษาไทย" in caplog.text and "bash scripts/install-thai-font.sh" in caplog.text
    assert not poster.thai_text
    assert decoded(poster.png) == [poster.url]


@hsettings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .filter(lambda t: t.strip() == t and t.strip()))
def test_any_form_value_survives_the_link(value: str) -> None:
    """Thai, spaces, &, =, #, + and % all reach the form as typed: the value is URL-encoded."""
    url = form_link(SHIPPED, ServicePoint(key="x", name="จุดบริการ", form_value=value))
    assert answer(url) == [value]
    assert url.startswith(SHIPPED.survey.form_url_template.split("{service_point}")[0])


def test_a_template_without_the_placeholder_is_a_one_line_error(settings: Settings) -> None:
    broken = settings.model_copy(update={"survey": settings.survey.model_copy(
        update={"form_url_template": "https://docs.google.com/forms/d/e/X/viewform"})})
    with pytest.raises(ConfigError, match=r"\{service_point\}"):
        form_link(broken, settings.survey.service_points[0])
    empty = settings.model_copy(update={"survey": settings.survey.model_copy(update={"form_url_template": ""})})
    with pytest.raises(ConfigError) as err:
        make_posters(empty)
    assert str(err.value).startswith(f"{settings.source}: [survey] form_url_template ว่างอยู่ — วางลิงก์แบบฟอร์ม")
    assert str(err.value).endswith("&entry.1000001={service_point}\" (form_url_template is empty)")
    english = empty.model_copy(update={"run": empty.run.model_copy(update={"language": "en"})})
    with pytest.raises(ConfigError, match="form_url_template is empty; paste"):
        make_posters(english)


def test_the_qr_command_writes_posters_where_asked(settings: Settings, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "print"
    args = ["qr", "--config", str(settings.source), "--out", str(out), "--point", "water", "--json"]
    assert main(args) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["key"] == "water" and listed["name"] == "งานประปา"
    assert Path(listed["png"]).parent == out and Path(listed["pdf"]).exists()
    assert decoded(Path(listed["png"])) == [listed["url"]]
    assert main(["qr", "--config", str(settings.source), "--point", "nowhere"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: --point nowhere: ไม่มีจุดบริการนี้ — ใช้ได้เฉพาะ registry, tax, welfare, permits หรือ water "
        "(key ใน [[survey.service_points]]) เช่น --point registry (no service point with key nowhere)")


def test_an_a5_poster_is_the_same_drawing_on_an_a5_page_and_still_scans(settings: Settings, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    args = ["qr", "--config", str(settings.source), "--out", str(tmp_path), "--point", "water", "--size", "a5",
            "--json"]
    assert main(args) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    png, pdf = Path(listed["png"]), Path(listed["pdf"])
    assert png.name == "poster-water-a5.png" and pdf.name == "poster-water-a5.pdf"
    image = Image.open(png)
    assert image.size == A4_PX and round(image.info["dpi"][0]) == 424  # 300·√2: sharp QR modules
    (box,) = {tuple(round(float(v)) for v in m)
              for m in re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())}
    assert box == (421, 595)  # A5 in points (148 × 210 mm)
    assert decoded(png) == [listed["url"]]
    with pytest.raises(SystemExit) as refused:  # argparse: usage error
        main(["qr", "--config", str(settings.source), "--size", "a3"])
    assert refused.value.code == 2


def _with_form(settings: Settings, template: str, short: str = "") -> str:
    text = settings.source.read_text(encoding="utf-8")
    text = re.sub(r'^form_url_template = ".*"$', f'form_url_template = "{template}"', text, flags=re.M)
    text = re.sub(r'^#? ?form_short_url = "[^"]*"', f'form_short_url = "{short}"', text, flags=re.M)
    settings.source.write_text(text, encoding="utf-8")
    return str(settings.source)


def test_posters_for_the_demo_form_are_warned_about_and_refused_with_strict(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "DEMO-FORM-ID" in settings.survey.form_url_template  # as shipped
    config = str(settings.source)
    assert main(["qr", "--config", config, "--out", str(tmp_path / "a"), "--point", "water"]) == 0
    err = capsys.readouterr().err
    assert "DEMO-FORM-ID" in err and "form_url_template" in err and "แบบฟอร์มตัวอย่าง" in err
    assert main(["qr", "--config", config, "--out", str(tmp_path / "b"), "--point", "water", "--strict"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: [survey] form_url_template") and "DEMO-FORM-ID" in line
    assert not (tmp_path / "b").exists()  # refused: nothing printed for the counter


def test_a_real_form_is_not_warned_about_and_its_short_link_is_printed_under_the_qr(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = "https://docs.google.com/forms/d/e/1FAIpQLSeReal/viewform?usp=pp_url&entry.1000001={service_point}"
    config = _with_form(settings, form, short="https://forms.gle/Ab12Cd34")
    assert main(["qr", "--config", config, "--out", str(tmp_path), "--point", "water", "--strict"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.rstrip().endswith("forms.gle/Ab12Cd34")
    without = _with_form(settings, form, short="")
    assert main(["qr", "--config", without, "--out", str(tmp_path), "--point", "water"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("docs.google.com/forms/d/e/1FAIpQLSeReal/viewform")


def test_the_short_link_is_on_the_poster_under_the_qr_code(settings: Settings, tmp_path: Path) -> None:
    from automation.posters import draw_poster, short_link

    point = settings.survey.service_points[0]
    url = form_link(settings, point)
    font = find_thai_font()
    with_link = draw_poster(settings, point, url, font)
    blank = settings.model_copy(update={"survey": settings.survey.model_copy(
        update={"form_short_url": "https://forms.gle/X", "form_url_template": settings.survey.form_url_template})})
    other = draw_poster(blank, point, url, font)
    assert short_link(blank) == "forms.gle/X"
    # Same QR, another link: the pages are the same down to the bottom of the code and differ
    # from the line right under it (the lines below follow it down).
    diff = [y for y in range(0, A4_PX[1], 8)
            if with_link.crop((0, y, A4_PX[0], y + 8)).tobytes() != other.crop((0, y, A4_PX[0], y + 8)).tobytes()]
    qr_bottom = 2200
    assert diff and qr_bottom < min(diff) < qr_bottom + 600, min(diff)
    assert decoded_image(with_link) == [url]


def decoded_image(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_a_point_key_that_is_not_configured_is_refused_with_the_list(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "posters"
    assert main(["qr", "--config", str(settings.source), "--out", str(out), "--point", "../../x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "../../x" in err and all(p.key in err for p in settings.survey.service_points)
    assert not out.exists() or not any(out.iterdir())


def test_the_complaint_forms_demo_links_are_warned_about_and_refused_with_strict(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The office has pasted its real satisfaction form, but not yet its complaint forms.
    form = "https://docs.google.com/forms/d/e/1FAIpQLSeReal/viewform?usp=pp_url&entry.1000001={service_point}"
    config = _with_form(settings, form, short="https://forms.gle/Ab12Cd34")
    assert "DEMO-COMPLAINT-FORM" in settings.complaint_form.form_url  # as shipped
    assert main(["qr", "--config", config, "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "[complaint_form] form_url" in err and "DEMO-COMPLAINT-FORM" in err and "แบบฟอร์มตัวอย่าง" in err
    assert "corruption_form_url" in err and "DEMO-CORRUPTION-FORM" in err
    assert "form_url_template" not in err  # the satisfaction form is real
    assert main(["qr", "--config", config, "--out", str(tmp_path / "b"), "--strict"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: [complaint_form] form_url") and "DEMO-COMPLAINT-FORM" in line
    assert not (tmp_path / "b").exists()
    # --point makes no complaint poster: nothing to warn about.
    assert main(["qr", "--config", config, "--out", str(tmp_path / "c"), "--point", "water", "--strict"]) == 0
