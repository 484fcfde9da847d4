"""The page of the Word copy: paper, margins, page numbers and the default font."""

import re

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.docx.css import Stylesheet, box_sides, font_size, points

FONT = "Times New Roman"
# Nghị định 30/2020, Phụ lục I: the margins of base.html, used when its @page rule cannot be read.
A4 = (210.0, 297.0)
DEFAULT_MARGINS = (20.0, 15.0, 22.0, 30.0)
# Word's single line for Times New Roman is about 1.15 times the font size; CSS counts from 1.
WORD_SINGLE_LINE = 1.15
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def setup_page(section, sheet: Stylesheet) -> float:
    """Paper, orientation and margins from the @page rule; return the text width in points."""
    size = sheet.page.get("size", "A4").lower()
    width, height = A4
    if "landscape" in size:
        width, height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE
    sides = {k: points(v) for k, v in box_sides(sheet.page.get("margin", "").split()).items()}
    if not sides or None in sides.values():
        top, right, bottom, left = (Mm(v) for v in DEFAULT_MARGINS)
    else:
        top, right, bottom, left = (Pt(sides[k]) for k in ("top", "right", "bottom", "left"))
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.right_margin = top, right
    section.bottom_margin, section.left_margin = bottom, left
    # Page numbers and the footer line sit in the margins, as in the PDF.
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    return Mm(width).pt - right.pt - left.pt


def margin_boxes(section, sheet: Stylesheet) -> None:
    """Page numbers and margin texts of @page; a different first page where :first says so."""
    boxes = sheet.page_boxes
    first = {**boxes, **sheet.first_boxes}
    first = {k: v for k, v in first.items() if v and v != "none"}
    boxes = {k: v for k, v in boxes.items() if v and v != "none"}
    if first != boxes:
        section.different_first_page_header_footer = True
        _fill_margin(section.first_page_header, section.first_page_footer, first)
    _fill_margin(section.header, section.footer, boxes)


def _fill_margin(header, footer, boxes: dict) -> None:
    for part, area in (("top", header), ("bottom", footer)):
        paragraph = area.paragraphs[0]
        for position in ("left", "center", "right"):
            content = boxes.get(f"{part}-{position}")
            if not content:
                continue
            if paragraph.text or paragraph.runs:
                paragraph = area.add_paragraph()
            paragraph.alignment = ALIGN[position]
            size = 13 if part == "top" else 9
            for token in re.findall(r'"[^"]*"|\'[^\']*\'|counter\(\s*pages?\s*\)', content):
                if token.startswith("counter"):
                    _field(paragraph, "NUMPAGES" if "pages" in token else "PAGE", size)
                else:
                    paragraph.add_run(token[1:-1]).font.size = Pt(size)


def _field(paragraph, instruction: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in on every page."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None),
                       (None, "1"), ("end", None)):  # fmt: skip
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "1":
            run.text = text
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def set_defaults(word, root, sheet: Stylesheet) -> None:
    """Times New Roman at the body size, Vietnamese proofing, no spacing unless the CSS asks."""
    html_style = sheet.style(root)
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run_defaults.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = run_defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(font_size(html_style))
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    line = html_style.get("line-height")
    if line and re.match(r"^[\d.]+$", line):
        fmt.line_spacing = round(float(line) / WORD_SINGLE_LINE, 2)
