"""PDFs print the same on every machine: the vendored WenQuanYi Micro Hei is the only font, embedded; no
character drawn lacks a glyph; long values wrap inside their column (read back from the PDF by poppler)."""
import hashlib
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4

from tests import pdf_checks
from tests.pdf_checks import MM, missing_glyphs, only_the_project_font_embedded, words
from wms import pdf as wms_pdf
from wms.admin.badges import badges_pdf
from wms.handover import pdf as manifest_pdf
from wms.i18n import translate
from wms.picking import picklist
from wms.shipping import label_pdf, labels
from wms.shipping.label_layout import layout_for

needs_poppler = pdf_checks.needs_poppler

LOCALES = ("en", "zh_CN")
ITEM = "不锈钢真空保温杯 500ml 玫瑰金 礼盒装 Stainless Steel Vacuum Flask, gift box of two (2 pcs)"
BUYERS = ("欧阳·娜娜", "Alexandra Konstantinopoulou-Smith", "爱新觉罗·溥仪", "王喆堃")  # 喆, 堃: beyond GB2312
CITY = "新疆维吾尔自治区乌鲁木齐市天山区"
ORDER_REF = "3012345678901234567-SPLIT-2"


@pytest.fixture
def font_cache():
    """cjk_font() is cached per process: start and leave a test that moves the file with a fresh one."""
    wms_pdf.cjk_font.cache_clear()
    yield
    wms_pdf.cjk_font.cache_clear()


# --- the font file ------------------------------------------------------------------------------

def test_the_vendored_font_is_the_file_its_readme_names():
    readme = (wms_pdf.FONT_FILE.parent / "README.md").read_text(encoding="utf-8")
    expected = re.search(r"SHA-256: `([0-9a-f]{64})`", readme).group(1)
    assert hashlib.sha256(wms_pdf.FONT_FILE.read_bytes()).hexdigest() == expected
    assert (wms_pdf.FONT_FILE.parent / "LICENSE-Apache-2.0.txt").read_text().count("Apache License") >= 1


def test_the_font_draws_chinese_beyond_gb2312_latin_and_the_punctuation_we_print():
    needed = "拣货单交接单运单号收件人喆堃溥·…×—¥（）：，。、【】《》“”#-/%ÀéüABCxyz0123456789"
    assert [ch for ch in needed if not wms_pdf.has_glyph(ch)] == []
    assert not wms_pdf.has_glyph("\U00020000")  # CJK extension B is not in it: the checks below can fail


def test_a_missing_font_file_is_a_clear_logged_error_not_a_quiet_substitute(monkeypatch, font_cache, caplog):
    gone = Path("/nonexistent/wqy-microhei.ttc")
    monkeypatch.setattr(wms_pdf, "FONT_FILE", gone)
    # caplog's handler on the logger itself, and the logger on: earlier in the session an app replaces the
    # root's handlers (wms.logs) and the migration test's alembic fileConfig disables the loggers it finds
    logger = logging.getLogger("wms.pdf")
    monkeypatch.setattr(logger, "handlers", [caplog.handler])
    monkeypatch.setattr(logger, "disabled", False)
    with caplog.at_level(logging.ERROR, logger="wms.pdf"), pytest.raises(wms_pdf.FontMissing, match=str(gone)):
        wms_pdf.cjk_font()
    assert str(gone) in caplog.text
    with pytest.raises(wms_pdf.FontMissing):
        picklist.render_pick_list("T-1", "W-1", "WH", 1.0, [], "2026-11-22 10:00")


def test_a_damaged_font_file_is_a_clear_error(monkeypatch, font_cache, tmp_path):
    damaged = tmp_path / "wqy-microhei.ttc"
    damaged.write_bytes(b"version https://git-lfs.github.com/spec/v1\n")  # e.g. a pointer, not the font
    monkeypatch.setattr(wms_pdf, "FONT_FILE", damaged)
    with pytest.raises(wms_pdf.FontMissing, match="unreadable"):
        wms_pdf.cjk_font()


# --- wrapping -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="中文字喆，。（）·abcXYZ019-/ ", max_size=80), st.floats(min_value=20, max_value=200),
       st.sampled_from([7, 9, 12, 14]))
def test_wrapped_lines_never_exceed_the_width_and_lose_nothing_but_spaces(text, width, size):
    lines = wms_pdf.wrap(text, size, width)
    assert all(wms_pdf.text_width(line, size) <= width + 1e-6 or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrapping_breaks_between_words_and_keeps_closing_punctuation_with_its_character():
    assert wms_pdf.wrap("Stainless Steel Vacuum Flask", 10, wms_pdf.text_width("Stainless Steel ", 10)) == [
        "Stainless Steel", "Vacuum Flask"]
    lines = wms_pdf.wrap("请放门口快递柜，勿敲门", 10, wms_pdf.text_width("请放门口快递柜", 10))
    assert lines == ["请放门口快递", "柜，勿敲门"]


def test_past_its_line_limit_a_value_ends_in_an_ellipsis_that_fits():
    lines = wms_pdf.wrap(ITEM * 3, 9, 100, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(wms_pdf.text_width(line, 9) <= 100 for line in lines)
    assert wms_pdf.wrap("", 9, 100) == [""] and wms_pdf.wrap(None, 9, 100) == [""]


# --- the four PDFs ------------------------------------------------------------------------------

def pick_list():
    lines = [picklist.PickListLine(i, f"A-{i:02d}-03-2", f"SKU-{i:05d}-LONG-CODE", ITEM if i % 2 else "毛巾·纯棉",
                                   120 if i % 5 == 0 else 2, str(i % 8 + 1), ORDER_REF if i % 3 else "TB-7")
             for i in range(1, 41)]
    return picklist.render_pick_list("T-000123", "W-0042", "华东仓 Shanghai", 123.4, lines, "2026-11-22 10:00")


def manifest():
    rows = [(f"SF{1_000_000_000_000 + i}", ORDER_REF, f"{BUYERS[i % 4]} {BUYERS[(i + 1) % 4]}", CITY, 1234 + i)
            for i in range(60)]
    return manifest_pdf.render_manifest(SimpleNamespace(code="M-20261122-001", carrier_code="SF"), rows, "顺丰速运",
                                        "2026-11-22 10:00")


def badge_sheet(locale):
    roles = ("picker", "supervisor", "dock_clerk", "admin", "packer") * 2
    names = BUYERS + ("李", "Konstantinopoulou-Smith Alexandra Maria")
    cards = [{"name": name, "username": f"user.{i}.with.a.long.login", "role": translate(role, locale),
              "payload": f"WMS-BADGE|{i}|secret"} for i, (name, role) in enumerate(zip(names, roles))]
    return badges_pdf(cards)


def label(paper):
    return label_pdf.render_pdf(labels.LabelData(
        tracking_number="SF1234567890123", carrier_name="顺丰速运 SF Express International Priority", order_ref=ORDER_REF,
        recipient=labels.Party("欧阳·娜娜 Alexandra Konstantinopoulou-Smith", "+86 138 0013 8000",
                               CITY + "解放北路街道 幸福花园小区 18 幢 2 单元 1203 室（请放门口快递柜，勿敲门） Building 18"),
        sender=labels.Party("华东仓 East China Fulfilment Centre", "021-55550000",
                            "上海市浦东新区张江高科技园区郭守敬路 498 号 浦东软件园 12 号楼 3 楼 东侧 仓库收发室"),
        weight_g=12345, carton="C2-大号加厚五层瓦楞纸箱", cargo=(ITEM + "; ") * 3,
        sort_code="乌鲁木齐 991-A1-天山区转运中心", printed_at="2026-11-22 10:00", paper=paper,
        privacy=False))  # every character of the buyer's name and phone printed (a privacy label masks them)


PRINTS = {"pick list": lambda locale: pick_list(), "manifest": lambda locale: manifest(), "badge sheet": badge_sheet,
          **{f"label {paper}": (lambda locale, paper=paper: label(paper)) for paper in labels.PAPER_SIZES}}


@needs_poppler
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(PRINTS))
def test_every_print_embeds_only_the_project_font_and_draws_every_character(name, locale):
    pdf = PRINTS[name](locale)
    assert only_the_project_font_embedded(pdf), pdf_checks.fonts(pdf)
    drawn = pdf_checks.text(pdf)
    assert "·" in drawn and re.search(r"[\u4e00-\u9fff]", drawn)
    assert missing_glyphs(pdf) == set() and pdf_checks.notdef_drawn(pdf) == 0


@needs_poppler
def test_the_badge_sheet_prints_the_role_in_the_readers_language():
    assert translate("picker", "zh_CN") in pdf_checks.text(badge_sheet("zh_CN"))
    assert "喆堃" in pdf_checks.text(badge_sheet("en"))


@needs_poppler
def test_a_character_the_font_lacks_is_caught():
    line = picklist.PickListLine(1, "A-01", "SKU-1", "ก 𠀀 rare", 1, "1", "X")  # Thai; CJK extension B
    pdf = picklist.render_pick_list("T-1", "W-1", "WH", 1.0, [line], "2026-11-22 10:00")
    assert pdf_checks.notdef_drawn(pdf) == 2
    assert pdf_checks.notdef_drawn(pick_list()) == 0


def column_overflows(found, table, top_mm, stop=None):
    """Words of a table (below `top_mm` from the page top; above a word `stop` on its page) that cross
    their column's right edge: a word belongs to the column its left edge starts in."""
    edges, x = [], table.x_mm
    for column in table.columns:
        edges.append((x * MM, (x + column.width_mm) * MM))
        x += column.width_mm
    stops = {word.page: word.y0 for word in found if word.text == stop}
    bad = []
    for word in found:
        if word.y0 < top_mm * MM or word.y0 >= stops.get(word.page, float("inf")):
            continue
        column = next((right for left, right in edges if left - 0.5 <= word.x0 < right - 0.5), None)
        if column is None or word.x1 > column + 0.01:
            bad.append(word)
    return bad


@needs_poppler
def test_pick_list_values_wrap_inside_their_columns_and_the_margins():
    found, sizes = words(pick_list())
    width, _ = sizes[0]
    assert len(sizes) == 3  # 40 lines, half of them three lines tall: pages break by height
    assert column_overflows(found, picklist.TABLE, picklist.TABLE_TOP_MM) == []
    assert max(word.x1 for word in found) <= width - picklist.MARGIN_MM * MM
    assert any(word.text == "Flask," for word in found)  # the long name is there, wrapped, not cut at 24


@needs_poppler
def test_manifest_values_wrap_inside_their_columns_and_the_totals_follow():
    pdf = manifest()
    found, sizes = words(pdf)
    assert column_overflows(found, manifest_pdf.TABLE, manifest_pdf.TABLE_TOP_MM, stop="合计") == []
    assert max(word.x1 for word in found) <= sizes[0][0] - manifest_pdf.MARGIN_MM * MM
    last = [word.text for word in found if word.page == len(sizes) - 1]
    assert "合计" in last and "60" in last and f"1/{len(sizes)}" in pdf_checks.text(pdf)


@needs_poppler
def test_the_column_check_sees_a_value_that_runs_into_the_next_column():
    import io

    out = io.BytesIO()
    canvas = wms_pdf.new_canvas(out, A4)
    canvas.setFont(wms_pdf.cjk_font(), 9)
    canvas.drawString(picklist.MARGIN_MM * MM + 40 * MM, A4[1] - 60 * MM, ITEM)  # the SKU column, unwrapped
    canvas.save()
    found, _ = words(out.getvalue())
    assert column_overflows(found, picklist.TABLE, picklist.TABLE_TOP_MM) != []


@needs_poppler
@pytest.mark.parametrize("locale", LOCALES)
def test_badge_text_stays_left_of_the_qr_inside_its_card(locale):
    found, sizes = words(badge_sheet(locale))
    width, height = sizes[0]
    card_w, card_h = 85.6 * MM, 54 * MM
    margin_x, margin_y = (width - 2 * card_w) / 3, (height - 4 * card_h) / 5
    qr_left = card_w - (card_h - 10 * MM) - 5 * MM  # from the card's left edge
    for word in found:
        col = int((word.x0 - margin_x / 2) // (card_w + margin_x))
        row = int((word.y0 - margin_y / 2) // (card_h + margin_y))
        left, top = margin_x + col * (card_w + margin_x), margin_y + row * (card_h + margin_y)
        assert left < word.x0 and word.x1 <= left + qr_left, word
        assert top < word.y0 and word.y1 <= top + card_h, word


@needs_poppler
@pytest.mark.parametrize("paper", sorted(labels.PAPER_SIZES))
def test_label_text_wraps_inside_the_label_and_clear_of_the_sort_code_and_qr(paper):
    found, sizes = words(label(paper))
    width, height = sizes[0]
    assert len(sizes) == 1
    margin = 2 * MM - 0.01  # the 76 mm label's boxes start at 2 mm; poppler rounds to 6 decimals
    assert all(margin <= word.x0 and word.x1 <= width - margin and word.y1 <= height - 1 * MM for word in found)
    boxes = {box.field: box for box in layout_for(paper).boxes}

    def within(word, box):
        return (box.x * MM - 1 <= word.x0 and word.x1 <= box.right * MM + 1
                and box.y * MM - 1 <= word.y0 and word.y1 <= box.bottom * MM + 1)

    sort_words = [word for word in found if within(word, boxes["sort_code"])]
    assert "".join(word.text for word in sort_words).replace("-", "") == "乌鲁木齐991A1天山区转运中心"
    clear_of = [boxes["qr"], boxes["barcode"]]
    assert [w for w in found if any(w.x0 < b.right * MM and b.x * MM < w.x1 and w.y0 < b.bottom * MM
                                    and b.y * MM < w.y1 for b in clear_of)] == []
