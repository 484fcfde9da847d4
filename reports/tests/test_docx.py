"""The editable Word copy: the same layout as the PDF, read back with python-docx."""

import io
import shutil
import subprocess

import lxml.html
import pytest
from django.template.loader import render_to_string
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from campaigns.models import Period
from campaigns.tests import review_helpers as h
from campaigns.tests.test_pledge_support import make_open
from reports import services
from reports.docx import CHART_PLACEHOLDER, html_to_docx
from reports.kinds import get_kind

pytestmark = pytest.mark.django_db


def rendered_html(document) -> str:
    """The HTML WeasyPrint turns into the document's PDF."""
    kind = get_kind(document.kind)
    context = services.document_context(document)
    context.update(kind.build_context(document))
    return render_to_string(kind.template, context)


def convert(html: str):
    return WordDocument(io.BytesIO(html_to_docx(html)))


def header_texts(word) -> tuple[str, str]:
    cells = word.tables[0].rows[0].cells
    return cells[0].text, cells[1].text


def grid_tables(word):
    return [t for t in word.tables if t.style is not None and t.style.name == "Table Grid"]


def all_paragraphs(word):
    yield from word.paragraphs
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def near(length, expected) -> bool:
    return abs(length - expected) < Mm(0.1)


@pytest.fixture
def member_list(term):
    return services.request_document(term=term, kind="member_list").document


def test_the_page_is_a4_with_the_margins_of_the_pdf(member_list):
    section = convert(rendered_html(member_list)).sections[0]
    assert near(section.page_width, Mm(210)) and near(section.page_height, Mm(297))
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert near(section.top_margin, Mm(20)) and near(section.right_margin, Mm(15))
    assert near(section.bottom_margin, Mm(22)) and near(section.left_margin, Mm(30))


def test_the_body_is_times_new_roman_14_pt(member_list):
    normal = convert(rendered_html(member_list)).styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14


def test_the_state_header_is_a_borderless_two_column_table(member_list):
    word = convert(rendered_html(member_list))
    header = word.tables[0]
    assert header.style is None or header.style.name != "Table Grid"
    issuer, motto = header_texts(word)
    assert "KHỐI THI ĐUA THỬ" in issuer and "Số: 01/DS-KTĐ" in issuer
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto
    assert "ĐẢNG CỘNG SẢN" not in motto + issuer
    paragraphs = {p.text: p for p in header.rows[0].cells[1].paragraphs}
    nation = paragraphs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].runs[0]
    assert nation.bold and nation.font.size.pt == 12.5
    slogan = paragraphs["Độc lập - Tự do - Hạnh phúc"].runs[0]
    # The rule under the slogan, exactly as long as it.
    assert slogan.bold and slogan.underline and slogan.font.size.pt == 13.5
    place = next(p for text, p in paragraphs.items() if text.startswith("Quảng Trị, ngày"))
    assert place.runs[0].italic
    number = next(p for p in header.rows[0].cells[0].paragraphs if p.text.startswith("Số"))
    assert number.runs[0].font.size.pt == 13 and not number.runs[0].bold


def test_the_party_header_has_the_party_name_the_asterisk_and_the_hyphenated_number(member_list):
    member_list.layout = "party"
    word = convert(rendered_html(member_list))
    issuer, motto = header_texts(word)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in motto
    assert "CỘNG HÒA XÃ HỘI" not in motto + issuer
    assert "*" in issuer.splitlines()
    assert "Số 01-DS/KTĐ" in issuer


def test_the_type_is_a_centred_bold_capital_heading(member_list):
    word = convert(rendered_html(member_list))
    heading = next(p for p in word.paragraphs if p.text == "DANH SÁCH")
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert heading.runs[0].bold
    body = next(p for p in word.paragraphs if "đơn vị thành viên như sau" in p.text)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert near(body.paragraph_format.first_line_indent, Mm(10))


def test_grid_tables_keep_their_rows_and_repeat_their_header(member_list):
    html = rendered_html(member_list)
    expected = [len(t.findall(".//tr")) for t in lxml.html.fromstring(html).find_class("grid")]
    tables = grid_tables(convert(html))
    assert [len(t.rows) for t in tables] == expected == [7]
    first_row = tables[0].rows[0]._tr
    assert first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None
    borders = tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and borders.find(qn("w:insideH")) is not None


def test_the_closing_has_the_recipients_and_the_signature_block(member_list):
    word = convert(rendered_html(member_list))
    closing = next(t for t in word.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    recipients, signature = closing.rows[0].cells
    label = recipients.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size.pt == 12
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert recipients.paragraphs[-1].text == "- Lưu: VT, KTĐ."
    title = signature.paragraphs[0]
    assert title.text == "TM. KHỐI THI ĐUA" and title.runs[0].bold
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "KHỐI TRƯỞNG" in signature.text


def test_page_numbers_are_centred_at_the_top_except_on_the_first_page(member_list):
    section = convert(rendered_html(member_list)).sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert "fldChar" in header_xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "instrText" not in section.first_page_header._element.xml
    # The verification code stays at the foot of every page, the first included.
    code = member_list.verification_code
    assert code in section.footer.paragraphs[0].text
    assert code in section.first_page_footer.paragraphs[0].text


def test_the_verification_line_stays_and_the_qr_code_goes(member_list):
    html = rendered_html(member_list)
    assert "<svg" in html
    word = convert(html)
    line = next(p for p in word.paragraphs if p.text.startswith("Mã xác thực:"))
    assert member_list.verification_code in line.text
    assert member_list.verify_address() in line.text
    assert CHART_PLACEHOLDER not in "\n".join(p.text for p in all_paragraphs(word))


def test_a_draft_says_draft_at_the_top_and_keeps_its_landscape_page(bloc_world):
    term = bloc_world.term
    period = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, h.make_table(term))
    document = services.request_document(term=term, kind="score_table_semiannual").document
    assert document.provisional
    html = rendered_html(document)
    word = convert(html)
    assert word.paragraphs[0].text == "DỰ THẢO"
    assert word.paragraphs[0].runs[0].bold
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert near(section.page_width, Mm(297)) and near(section.left_margin, Mm(30))
    issuer, _motto = header_texts(word)
    assert "/BC-KTĐ" in issuer
    assert "KHỐI TRƯỞNG" not in "\n".join(p.text for p in all_paragraphs(word))
    expected = [len(t.findall(".//tr")) for t in lxml.html.fromstring(html).find_class("grid")]
    assert [len(t.rows) for t in grid_tables(word)] == expected


def test_the_pledge_keeps_its_sections_tables_and_record_page(bloc_world):
    make_open(bloc_world)
    document = services.request_document(term=bloc_world.term, kind="pledge").document
    html = rendered_html(document)
    word = convert(html)
    texts = [p.text for p in word.paragraphs]
    assert "GIAO ƯỚC THI ĐUA NĂM 2026" in texts
    section = next(p for p in word.paragraphs if p.text == "I. Nội dung giao ước")
    assert section.runs[0].bold
    assert "1. Hoàn thành xuất sắc nhiệm vụ chính trị năm 2026." in texts
    basis = next(p for p in word.paragraphs if p.text.startswith("Căn cứ Luật"))
    assert basis.runs[0].italic
    record = next(p for p in word.paragraphs if p.text == "BẢN GHI NHẬN CHỮ KÝ TRỰC TUYẾN")
    assert record.paragraph_format.page_break_before
    expected = [len(t.findall(".//tr")) for t in lxml.html.fromstring(html).find_class("grid")]
    assert [len(t.rows) for t in grid_tables(word)] == expected


def test_charts_unknown_tags_lists_and_spans_degrade_to_text():
    html = """<html><head><style>
      @page { size: A4; margin: 25mm 20mm; }
      html { font-size: 13pt; }
      h2 { font-size: 13pt; }
      table.grid td { border: 1pt solid #000; }
    </style></head><body>
      <h2>II. Kết quả</h2>
      <h3>1. Phát động</h3>
      <div class="chart"><svg width="10" height="10"><rect/></svg></div>
      <ul><li>Một</li><li>Hai <em>nghiêng</em></li></ul>
      <ol><li>Ba</li></ol>
      <khung-la>Chữ vẫn còn</khung-la>
      <table class="grid"><tr><td colspan="2">A</td></tr><tr><td>B</td><td>C</td></tr></table>
      <table class="grid"><tr><td rowspan="2">D</td><td>E</td></tr><tr><td>F</td></tr></table>
    </body></html>"""
    word = convert(html)
    section = word.sections[0]
    assert near(section.top_margin, Mm(25)) and near(section.left_margin, Mm(20))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "II. Kết quả" and word.paragraphs[0].runs[0].bold
    assert word.paragraphs[1].runs[0].bold
    chart = next(p for p in word.paragraphs if p.text == CHART_PLACEHOLDER)
    assert chart.runs[0].italic
    assert "– Một" in texts and "– Hai nghiêng" in texts and "1. Ba" in texts
    assert any("Chữ vẫn còn" in t for t in texts)
    first, second = grid_tables(word)
    assert len(first.rows) == 2 and first.cell(0, 0).text == first.cell(0, 1).text == "A"
    assert len(second.rows) == 2 and second.cell(1, 0).text == "D"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_word_copy(member_list, tmp_path):
    source = tmp_path / "van-ban.docx"
    source.write_bytes(html_to_docx(rendered_html(member_list)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "van-ban.pdf").read_bytes().startswith(b"%PDF-")


def test_a_style_is_cascaded_once_and_each_caller_gets_its_own_copy():
    from reports.docx.css import Stylesheet

    sheet = Stylesheet("td { font-weight: bold; } .wide td { font-style: italic; }")
    wide = lxml.html.fromstring(
        '<div><table class="wide"><tr><td>a</td><td>b</td><td style="font-size: 10pt">c</td>'
        "</tr></table><table><tr><td>d</td></tr></table></div>"
    )
    first, second, third, other = wide.iter("td")
    parent = {"font-size": "12"}

    style = sheet.computed(first, parent)
    style["text-decoration"] = "underline"
    assert sheet.computed(second, parent) == sheet._cascade(second, parent)
    assert "text-decoration" not in sheet.computed(first, parent)
    assert sheet.computed(second, parent)["font-style"] == "italic"
    assert sheet.computed(third, parent)["font-size"] == "10.0"
    assert "font-style" not in sheet.computed(other, parent)
    assert sheet.computed(other, parent)["font-weight"] == "bold"
