"""An editable Word copy of a generated document, made from the HTML its PDF is made from.

Secretariats finish documents in Word; the PDF stays the verifiable version. The converter walks
the restricted HTML of ``templates/reports/pdf/`` by tag and class and applies the CSS of its
``<style>`` (simple selectors: tags, classes, descendants), so that a new template in the same
style converts without changes. What Word cannot show degrades: a chart becomes a note pointing
to the PDF, a QR code is left out (its text stays), an unknown tag keeps its text.
"""

import io

import lxml.html
from docx import Document as WordDocument

from reports.docx.css import stylesheet
from reports.docx.page import margin_boxes, set_defaults, setup_page
from reports.docx.writer import CHART_PLACEHOLDER, Box, Writer

__all__ = ["CHART_PLACEHOLDER", "html_to_docx"]


def html_to_docx(html: str) -> bytes:
    """Return the .docx bytes of a rendered PDF template, in the same layout."""
    root = lxml.html.document_fromstring(html)
    css = "\n".join(s.text or "" for s in root.iter("style"))
    sheet = stylesheet(css)
    word = WordDocument()
    set_defaults(word, root, sheet)
    page = setup_page(word.sections[0], sheet)
    body = root.find("body")
    writer = Writer(sheet, word)
    writer.container(body if body is not None else root, Box(word, page), sheet.style(body))
    margin_boxes(word.sections[0], sheet)
    title = root.findtext(".//title")
    if title:
        word.core_properties.title = title.strip()
    word.core_properties.language = root.get("lang", "vi")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
