"""An editable Word copy of a generated document, made from the HTML its PDF is made from.

Secretariats finish documents in Word; the PDF stays the verifiable version. The converter walks
the restricted HTML of ``templates/reports/pdf/`` by tag and class and applies the CSS of its
``<style>`` (simple selectors: tags, classes, descendants), so that a new template in the same
style converts without changes. What Word cannot show degrades: a chart becomes a note pointing
to the PDF, a QR code is left out (its text stays), an unknown tag keeps its text.
"""

import functools
import io
import re
from dataclasses import dataclass, field

import lxml.html
import tinycss2
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell, _Row

FONT = "Times New Roman"
CHART_PLACEHOLDER = "(Biểu đồ: xem bản PDF)"
# Nghị định 30/2020, Phụ lục I: the margins of base.html, used when its @page rule cannot be read.
A4 = (210.0, 297.0)
DEFAULT_MARGINS = (20.0, 15.0, 22.0, 30.0)
# Word's single line for Times New Roman is about 1.15 times the font size; CSS counts from 1.
WORD_SINGLE_LINE = 1.15

INHERITED = {
    "font-size",
    "font-weight",
    "font-style",
    "text-align",
    "text-transform",
    "text-indent",
    "line-height",
    "white-space",
    # Not inherited in CSS, but it decorates the text of every descendant.
    "text-decoration",
}
# The browser's own defaults that the templates rely on.
UA_STYLE = {
    "h1": {"font-weight": "bold"},
    "h2": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "h3": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "h4": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "th": {"font-weight": "bold", "text-align": "center"},
    "strong": {"font-weight": "bold"},
    "b": {"font-weight": "bold"},
    "em": {"font-style": "italic"},
    "i": {"font-style": "italic"},
    "u": {"text-decoration": "underline"},
}
BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p",
    "section", "table", "ul", "hr", "pre",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED = {"head", "script", "style", "title", "meta", "link", "img", "input", "button"}
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# The elements that come after the ones added here, in the schema's order (ECMA-376, 17.3).
PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
RPR_AFTER_BORDER = (
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
TBLPR_AFTER_BORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def html_to_docx(html: str) -> bytes:
    """Return the .docx bytes of a rendered PDF template, in the same layout."""
    root = lxml.html.document_fromstring(html)
    css = "\n".join(s.text or "" for s in root.iter("style"))
    sheet = _Stylesheet(css)
    word = WordDocument()
    _set_defaults(word, root, sheet)
    page = _setup_page(word.sections[0], sheet)
    body = root.find("body")
    writer = _Writer(sheet, word)
    writer.container(body if body is not None else root, _Box(word, page), sheet.style(body))
    _margin_boxes(word.sections[0], sheet)
    title = root.findtext(".//title")
    if title:
        word.core_properties.title = title.strip()
    word.core_properties.language = root.get("lang", "vi")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- CSS


def _specificity(selector: str) -> tuple[int, int, int] | None:
    """(ids, classes, tags) of a selector made of tags, classes and ids, or None if richer."""
    if re.search(r"[:\[+~]", selector):
        return None
    ids = classes = tags = 0
    for part in selector.replace(">", " ").split():
        ids += part.count("#")
        classes += part.count(".")
        tags += 1 if re.match(r"[a-zA-Z]", part) else 0
    return ids, classes, tags


@functools.cache
def _compound(compound: str) -> tuple[str, frozenset, tuple]:
    """A compound selector's tag ('' for any), classes and ids, parsed once."""
    tag = re.match(r"[a-zA-Z][\w-]*", compound)
    classes = frozenset(re.findall(r"\.([\w-]+)", compound))
    return (tag.group().lower() if tag else ""), classes, tuple(re.findall(r"#([\w-]+)", compound))


@functools.cache
def _parts(selector: str) -> list[str]:
    return selector.replace(">", " > ").split()


def _compound_matches(element, compound: str) -> bool:
    tag, classes, ids = _compound(compound)
    if tag and element.tag != tag:
        return False
    if classes and not classes <= set((element.get("class") or "").split()):
        return False
    return all(element.get("id") == i for i in ids)


def _matches(element, selector: str) -> bool:
    parts = _parts(selector)
    if not _compound_matches(element, parts[-1]):
        return False
    node, index, child = element, len(parts) - 2, False
    while index >= 0:
        if parts[index] == ">":
            child, index = True, index - 1
            continue
        node = node.getparent()
        while node is not None and not _compound_matches(node, parts[index]):
            if child:
                return False
            node = node.getparent()
        if node is None:
            return False
        index, child = index - 1, False
    return True


def _declarations(tokens) -> dict:
    found = {}
    for item in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def _expand(declarations: dict) -> dict:
    """Split the shorthands the templates use (margin, padding, border) into their sides."""
    out = {}
    for name, value in declarations.items():
        if name in ("margin", "padding"):
            for side, part in _sides(value.split()).items():
                out[f"{name}-{side}"] = part
        elif name == "border":
            for side in ("top", "right", "bottom", "left"):
                out[f"border-{side}"] = value
        else:
            out[name] = value
    return out


def _sides(values: list) -> dict:
    """The four sides of a CSS shorthand of one to four values (top, right, bottom, left)."""
    order = {1: [0, 0, 0, 0], 2: [0, 1, 0, 1], 3: [0, 1, 2, 1], 4: [0, 1, 2, 3]}.get(len(values))
    if not order:
        return {}
    return {
        side: values[i] for side, i in zip(("top", "right", "bottom", "left"), order, strict=True)
    }


class _Stylesheet:
    """The rules of the document's CSS and the cascade over them (by specificity, then order)."""

    def __init__(self, css: str):
        self.rules = []
        self.page: dict = {}
        self.page_boxes: dict = {}
        self.first_boxes: dict = {}
        self._cache: dict = {}
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        for order, rule in enumerate(rules):
            if rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content:
                self._page_rule(rule)
            elif rule.type == "qualified-rule":
                declarations = _expand(_declarations(rule.content))
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    selector = selector.strip()
                    specificity = _specificity(selector)
                    if selector and specificity is not None:
                        self.rules.append((specificity, order, selector, declarations))
        self.rules.sort(key=lambda r: (r[0], r[1]))

    def _page_rule(self, rule) -> None:
        first = ":first" in tinycss2.serialize(rule.prelude)
        boxes = self.first_boxes if first else self.page_boxes
        items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
        for item in items:
            if item.type == "declaration" and not first:
                self.page[item.lower_name] = tinycss2.serialize(item.value).strip()
            elif item.type == "at-rule" and item.content:
                boxes[item.lower_at_keyword] = _declarations(item.content).get("content", "")

    def computed(self, element, parent: dict) -> dict:
        """The element's style: inherited values, the browser's defaults, rules, inline style."""
        style = {k: v for k, v in parent.items() if k in INHERITED}
        own = dict(UA_STYLE.get(element.tag, {}))
        for _spec, _order, selector, declarations in self.rules:
            if _matches(element, selector):
                own.update(declarations)
        inline = element.get("style")
        if inline:
            own.update(_declarations(tinycss2.parse_component_value_list(inline)))
        own = _expand(own)
        if "font-size" in own:
            own["font-size"] = str(_length(own["font-size"], _size(parent)) or _size(parent))
        style.update(own)
        return style

    def style(self, element) -> dict:
        if element is None:
            return {"font-size": "12"}
        chain = [element, *element.iterancestors()][::-1]
        style = {"font-size": "12"}
        for node in chain:
            style = self.computed(node, style)
        return style


def _size(style: dict) -> float:
    return float(style.get("font-size", 12))


def _length(value: str | None, font_size: float = 12.0, reference: float | None = None):
    """A CSS length in points (em and % of the font size, or of ``reference`` when given)."""
    if not value:
        return None
    match = re.match(r"(-?[\d.]+)\s*(pt|px|mm|cm|in|em|rem|%)?$", value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    factor = {"pt": 1, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72, "rem": 12}
    if unit == "em":
        return number * font_size
    if unit == "%":
        return number / 100 * (reference if reference is not None else font_size)
    return number * factor[unit]


def _border_width(value: str | None) -> float:
    """The width in points of a solid border declaration, 0 when there is none."""
    if not value or "none" in value or "hidden" in value:
        return 0.0
    for part in value.split():
        width = _length(part)
        if width is not None:
            return width
    return 0.75


# ---------------------------------------------------------------- page


def _setup_page(section, sheet: _Stylesheet) -> float:
    """Paper, orientation and margins from the @page rule; return the text width in points."""
    size = sheet.page.get("size", "A4").lower()
    width, height = A4
    if "landscape" in size:
        width, height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE
    sides = {k: _length(v) for k, v in _sides(sheet.page.get("margin", "").split()).items()}
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


def _margin_boxes(section, sheet: _Stylesheet) -> None:
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


def _set_defaults(word, root, sheet: _Stylesheet) -> None:
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
    normal.font.size = Pt(_size(html_style))
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    line = html_style.get("line-height")
    if line and re.match(r"^[\d.]+$", line):
        fmt.line_spacing = round(float(line) / WORD_SINGLE_LINE, 2)


# ---------------------------------------------------------------- content


@dataclass
class _Box:
    """Where blocks go (the document or a table cell) and how wide it is, in points."""

    target: object
    width: float
    fresh: list = field(default_factory=list)
    last: object = None

    def __post_init__(self):
        # A new cell holds one empty paragraph that Word requires: the first block reuses it.
        paragraphs = getattr(self.target, "paragraphs", [])
        if hasattr(self.target, "_tc") and paragraphs and not paragraphs[0].text:
            self.fresh = [paragraphs[0]]

    def paragraph(self):
        self.last = self.fresh.pop() if self.fresh else self.target.add_paragraph()
        return self.last

    def table(self, rows: int, cols: int, *, gap: float = 0.0):
        """A table ``gap`` points below what comes before it."""
        if self.fresh:
            # The cell's required paragraph stays before the table.
            self.fresh = []
        if self.last is not None and not hasattr(self.last, "paragraph_format"):
            # Two tables in a row merge in Word: keep a paragraph between them.
            spacer = self.target.add_paragraph()
            spacer.paragraph_format.line_spacing = Pt(max(gap, 1))
        elif self.last is not None and gap:
            fmt = self.last.paragraph_format
            fmt.space_after = Pt(max(gap, fmt.space_after.pt if fmt.space_after else 0))
        table = self.target.add_table(rows, cols)
        self.last = table
        return table


class _Inline:
    """The runs of one paragraph being built, with HTML whitespace collapsing."""

    def __init__(self):
        self.items: list = []

    def text(self, text: str, style: dict) -> None:
        if style.get("white-space") not in ("pre", "pre-wrap"):
            text = HTML_SPACE.sub(" ", text)
        if not text:
            return
        if not self.items or self._ends_with_space():
            text = text.lstrip(" ")
        if text:
            self.items.append(("text", text, style))

    def brk(self) -> None:
        self.items.append(("break", "", {}))

    def _ends_with_space(self) -> bool:
        kind, text, _ = self.items[-1]
        return kind == "break" or text.endswith(" ")

    def empty(self) -> bool:
        return not any(kind == "text" and text.strip() for kind, text, _ in self.items)

    def trimmed(self) -> list:
        items = list(self.items)
        while items and items[-1][0] == "text" and not items[-1][1].strip():
            items.pop()
        if items and items[-1][0] == "text":
            kind, text, style = items[-1]
            items[-1] = (kind, text.rstrip(" "), style)
        return items


class _Writer:
    def __init__(self, sheet: _Stylesheet, word):
        self.sheet = sheet
        self.word = word
        self.page_break = False

    def container(self, element, box: _Box, style: dict) -> None:
        """Lay out the children of a block: runs of inline content become paragraphs."""
        inline = _Inline()
        if element.text:
            inline.text(element.text, style)
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                if child.tail:
                    inline.text(child.tail, style)
                continue
            child_style = self.sheet.computed(child, style)
            if self._hidden(child, child_style):
                pass
            elif child.tag in BLOCKS or child.tag == "svg":
                self._flush(inline, box, style)
                inline = _Inline()
                self.block(child, box, child_style)
            else:
                self.inline(child, inline, child_style)
            if child.tail:
                inline.text(child.tail, style)
        self._flush(inline, box, style)

    @staticmethod
    def _hidden(element, style: dict) -> bool:
        """Left out: the QR code (its text stays beside it), hidden boxes and watermarks."""
        if "qr" in (element.get("class") or "").split():
            return True
        if style.get("display") == "none" or style.get("visibility") == "hidden":
            return True
        try:
            if float(style.get("opacity", 1)) < 0.5:
                return True
        except ValueError:
            pass
        return style.get("z-index", "").startswith("-")

    def block(self, element, box: _Box, style: dict) -> None:
        if style.get("page-break-before") == "always" or style.get("break-before") == "page":
            self.page_break = True
        if element.tag == "svg":
            paragraph = self._paragraph(box, style)
            paragraph.add_run(CHART_PLACEHOLDER).italic = True
        elif element.tag == "table":
            self.table(element, box, style)
        elif element.tag in ("ul", "ol"):
            self.list(element, box, style)
        elif element.tag == "hr":
            self._rule(self._paragraph(box, style), "top", 0.75)
        elif any(isinstance(c.tag, str) and c.tag in BLOCKS for c in element):
            self._space_before(box, style)
            self.container(element, box, style)
        else:
            inline = _Inline()
            self.inline(element, inline, style)
            if inline.empty():
                self._empty_block(element, box, style)
            else:
                self._flush(inline, box, style, keep=element.tag in HEADINGS)

    def inline(self, element, inline: _Inline, style: dict) -> None:
        if element.tag == "br":
            inline.brk()
            return
        if element.tag == "svg":
            inline.text(f" {CHART_PLACEHOLDER} ", {**style, "font-style": "italic"})
            return
        if element.text:
            inline.text(element.text, style)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED:
                child_style = self.sheet.computed(child, style)
                if _border_width(child_style.get("border-bottom")):
                    # The rule under the motto is as long as the slogan: an underline is that.
                    child_style["text-decoration"] = "underline"
                if not self._hidden(child, child_style):
                    self.inline(child, inline, child_style)
            if child.tail:
                inline.text(child.tail, style)

    # A paragraph per block ------------------------------------------------------------

    def _paragraph(self, box: _Box, style: dict, *, keep: bool = False):
        paragraph = box.paragraph()
        fmt = paragraph.paragraph_format
        size = _size(style)
        align = style.get("text-align")
        if align in ALIGN:
            paragraph.alignment = ALIGN[align]
        elif style.get("position") in ("fixed", "absolute") and style.get("right"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        indent = _length(style.get("text-indent"), size, box.width)
        if indent:
            fmt.first_line_indent = Pt(indent)
        before = _length(style.get("margin-top"), size, box.width) or 0
        after = _length(style.get("margin-bottom"), size, box.width) or 0
        if self.pending_space:
            before = max(before, self.pending_space)
            self.pending_space = 0
        if before:
            fmt.space_before = Pt(before)
        if after:
            fmt.space_after = Pt(after)
        if self.page_break:
            fmt.page_break_before = True
            self.page_break = False
        if keep or style.get("page-break-after") == "avoid":
            # A heading stays with what follows it.
            fmt.keep_with_next = True
        return paragraph

    pending_space = 0.0

    def _space_before(self, box: _Box, style: dict) -> None:
        """A wrapper's top margin goes to the first paragraph inside it."""
        before = _length(style.get("margin-top"), _size(style), box.width) or 0
        self.pending_space = max(self.pending_space, before)

    def _flush(self, inline: _Inline, box: _Box, style: dict, *, keep: bool = False) -> None:
        if inline.empty():
            return
        paragraph = self._paragraph(box, style, keep=keep)
        for kind, text, run_style in inline.trimmed():
            if kind == "break":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif text:
                self._run(paragraph, text, run_style)
        if style.get("position") in ("fixed", "absolute") and _border_width(
            style.get("border-top")
        ):
            # A positioned box shrinks to its text: a border around the runs, not the line.
            for run in paragraph.runs:
                self._run_border(run)

    def _empty_block(self, element, box: _Box, style: dict) -> None:
        """An empty block still shows: a rule (a border of it or of an empty span in it), or
        blank space of its height (the room left for a signature and seal)."""
        height = _length(style.get("height"), _size(style))
        rule = None
        styles = [style] + [
            self.sheet.style(node)
            for node in element.iterdescendants()
            if isinstance(node.tag, str)
        ]
        for node_style in styles:
            for side in ("top", "bottom"):
                width = _border_width(node_style.get(f"border-{side}"))
                if width and rule is None:
                    length = _length(node_style.get("width"), _size(node_style), box.width)
                    rule = (side, width, length)
        if rule is None and not height:
            return
        paragraph = self._paragraph(box, style)
        fmt = paragraph.paragraph_format
        if rule is not None:
            side, width, length = rule
            self._rule(paragraph, side, width)
            # A short rule is centred under the text above it (Nghị định 30, Phụ lục I).
            if length and length < box.width:
                margin = (box.width - length) / 2
                fmt.left_indent = fmt.right_indent = Pt(margin)
            fmt.line_spacing = Pt(4)
        if height:
            fmt.line_spacing = Pt(height)

    @staticmethod
    def _rule(paragraph, side: str, width: float) -> None:
        borders = OxmlElement("w:pBdr")
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(max(2, round(width * 8))))
        edge.set(qn("w:space"), "1")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
        # Word rejects properties out of the schema's order.
        paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)

    @staticmethod
    def _run_border(run) -> None:
        border = OxmlElement("w:bdr")
        for name, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"),
                            ("w:color", "000000")):  # fmt: skip
            border.set(qn(name), value)
        run._r.get_or_add_rPr().insert_element_before(border, *RPR_AFTER_BORDER)

    @staticmethod
    def _run(paragraph, text: str, style: dict) -> None:
        if style.get("text-transform") == "uppercase":
            text = text.upper()
        run = paragraph.add_run(text)
        font = run.font
        font.size = Pt(_size(style))
        weight = style.get("font-weight", "normal")
        if weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600):
            font.bold = True
        if style.get("font-style") == "italic":
            font.italic = True
        if "underline" in style.get("text-decoration", ""):
            font.underline = True
        if style.get("vertical-align") in ("super", "sub"):
            setattr(font, "superscript" if style["vertical-align"] == "super" else "subscript", 1)

    # Lists and tables -------------------------------------------------------------------

    def list(self, element, box: _Box, style: dict) -> None:
        marked = style.get("list-style", style.get("list-style-type", "")) != "none"
        number = int(element.get("start", 1))
        for item in element:
            if not isinstance(item.tag, str) or item.tag != "li":
                continue
            item_style = self.sheet.computed(item, style)
            inline = _Inline()
            if marked:
                marker = f"{number}. " if element.tag == "ol" else "– "
                inline.text(marker, item_style)
                number += 1
            self.inline(item, inline, item_style)
            if marked and not _length(item_style.get("text-indent")):
                item_style = {**item_style, "text-indent": "1cm"}
            self._flush(inline, box, item_style)

    def table(self, element, box: _Box, style: dict) -> None:
        rows = [
            (tr, tr.getparent().tag == "thead")
            for tr in element.iter("tr")
            if _owner_table(tr) is element
        ]
        grid = []
        for tr, header in rows:
            tr_style = self.sheet.computed(tr, style)
            cells = []
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                cell_style = self.sheet.computed(td, tr_style)
                if not self._hidden(td, cell_style):
                    cells.append((td, cell_style))
            grid.append((tr_style, header, cells))
        if not grid:
            return
        first_cell = next((c for _t, _h, cells in grid for c in cells), None)
        bordered = first_cell is not None and _border_width(first_cell[1].get("border-top"))
        columns = _column_count(grid)
        if not bordered and columns == 1:
            # A layout table of one column (what is left beside a QR code) is plain text.
            self._space_before(box, style)
            for _tr_style, _header, cells in grid:
                for td, cell_style in cells:
                    self.container(td, box, cell_style)
            return
        # Vertical margins collapse to the larger one, as in CSS.
        gap = max(
            _length(style.get("margin-top"), _size(style), box.width) or 0, self.pending_space
        )
        self.pending_space = 0
        table = box.table(len(grid), columns, gap=gap)
        table.autofit = False
        if bordered:
            table.style = self.word.styles["Table Grid"]
            _table_borders(table, bordered)
        _cell_margins(table, first_cell[1] if first_cell else {}, box.width)
        widths = _column_widths(grid, columns, box.width)
        rows = table._tbl.tr_lst
        for i, width in enumerate(widths):
            table.columns[i].width = Pt(width)
        for tr in rows:
            # Word reads each cell's width; a merged cell adds up those it swallows.
            for tc, width in zip(tr.tc_lst, widths, strict=True):
                tc.width = Pt(width)
        # python-docx finds a cell by walking the whole table: only merges need that.
        merges = any(
            int(td.get("colspan", 1) or 1) > 1 or int(td.get("rowspan", 1) or 1) > 1
            for _t, _h, cells in grid
            for td, _s in cells
        )
        avoid_split = style.get("page-break-inside") == "avoid"
        occupied: set = set()
        for r, (tr_style, header, cells) in enumerate(grid):
            row = _Row(rows[r], table)
            if header or (r == 0 and cells and all(td.tag == "th" for td, _s in cells)):
                _row_property(row, "w:tblHeader")
            if avoid_split or tr_style.get("page-break-inside") == "avoid":
                _row_property(row, "w:cantSplit")
            c = 0
            for td, cell_style in cells:
                while (r, c) in occupied:
                    c += 1
                if c >= columns:
                    break
                span = min(int(td.get("colspan", 1) or 1), columns - c)
                down = min(int(td.get("rowspan", 1) or 1), len(grid) - r)
                if merges:
                    cell = table.cell(r, c)
                    if span > 1 or down > 1:
                        cell = cell.merge(table.cell(r + down - 1, c + span - 1))
                else:
                    cell = _Cell(rows[r].tc_lst[c], table)
                for rr in range(r, r + down):
                    for cc in range(c, c + span):
                        occupied.add((rr, cc))
                valign = cell_style.get("vertical-align", "top")
                cell.vertical_alignment = {
                    "middle": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
                    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
                }.get(valign, WD_CELL_VERTICAL_ALIGNMENT.TOP)
                width = sum(widths[c : c + span])
                self.container(td, _Box(cell, width), cell_style)
                c += span
        self.pending_space = _length(style.get("margin-bottom"), _size(style), box.width) or 0


def _owner_table(tr):
    node = tr.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _column_count(grid) -> int:
    counts = []
    for _tr_style, _header, cells in grid:
        counts.append(sum(int(td.get("colspan", 1) or 1) for td, _s in cells))
    return max(counts + [1])


def _column_widths(grid, columns: int, total: float) -> list[float]:
    """Widths from the first row that names them; the rest share what is left."""
    widths: list = [None] * columns
    for _tr_style, _header, cells in grid:
        c = 0
        for td, cell_style in cells:
            span = int(td.get("colspan", 1) or 1)
            width = _length(cell_style.get("width"), _size(cell_style), total)
            if span == 1 and c < columns and widths[c] is None and width:
                widths[c] = width
            c += span
    known = sum(w for w in widths if w)
    free = [i for i, w in enumerate(widths) if not w]
    rest = max(total - known, 0)
    if free:
        share = rest / len(free) if rest else total / columns
        for i in free:
            widths[i] = share
    # The tables are 100 % wide: columns named in percent grow or shrink to fill the width.
    scale = total / sum(widths)
    return [w * scale for w in widths]


def _row_property(row, name: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _table_borders(table, width: float) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(max(2, round(width * 8))))
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    tbl_pr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)


def _cell_margins(table, style: dict, width: float) -> None:
    """The cells' padding, as the CSS gives it (none for the header's layout table)."""
    margins = OxmlElement("w:tblCellMar")
    for side, word_side in (("top", "top"), ("left", "left"), ("bottom", "bottom"),
                            ("right", "right")):  # fmt: skip
        value = _length(style.get(f"padding-{side}"), _size(style), width) or 0
        edge = OxmlElement(f"w:{word_side}")
        edge.set(qn("w:w"), str(round(value * 20)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.insert_element_before(margins, *TBLPR_AFTER_BORDERS[2:])
