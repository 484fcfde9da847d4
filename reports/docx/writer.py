"""The body of the Word copy: blocks to paragraphs, tables to tables, inline tags to runs."""

import copy
import re
from dataclasses import dataclass, field

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell, _Row

from reports.docx.css import Stylesheet, border_width, font_size, points
from reports.docx.page import ALIGN

CHART_PLACEHOLDER = "(Biểu đồ: xem bản PDF)"
BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p",
    "section", "table", "ul", "hr", "pre",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED = {"head", "script", "style", "title", "meta", "link", "img", "input", "button"}
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
# The properties (w:rPr) of each kind of run written so far, by size, weight, style, decoration.
RUN_PROPERTIES: dict = {}
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass
class Box:
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


class Writer:
    """Lays the body of the HTML out in the Word document, block by block."""

    def __init__(self, sheet: Stylesheet, word):
        self.sheet = sheet
        self.word = word
        self.page_break = False
        # A margin waiting for the next paragraph (after a table or at the top of a wrapper).
        self.pending_space = 0.0

    def container(self, element, box: Box, style: dict) -> None:
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

    def block(self, element, box: Box, style: dict) -> None:
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
                if border_width(child_style.get("border-bottom")):
                    # The rule under the motto is as long as the slogan: an underline is that.
                    child_style["text-decoration"] = "underline"
                if not self._hidden(child, child_style):
                    self.inline(child, inline, child_style)
            if child.tail:
                inline.text(child.tail, style)

    # A paragraph per block.

    def _paragraph(self, box: Box, style: dict, *, keep: bool = False):
        paragraph = box.paragraph()
        fmt = paragraph.paragraph_format
        size = font_size(style)
        align = style.get("text-align")
        if align in ALIGN:
            paragraph.alignment = ALIGN[align]
        elif style.get("position") in ("fixed", "absolute") and style.get("right"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        indent = points(style.get("text-indent"), size, box.width)
        if indent:
            fmt.first_line_indent = Pt(indent)
        before = points(style.get("margin-top"), size, box.width) or 0
        after = points(style.get("margin-bottom"), size, box.width) or 0
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

    def _space_before(self, box: Box, style: dict) -> None:
        """A wrapper's top margin goes to the first paragraph inside it."""
        before = points(style.get("margin-top"), font_size(style), box.width) or 0
        self.pending_space = max(self.pending_space, before)

    def _flush(self, inline: _Inline, box: Box, style: dict, *, keep: bool = False) -> None:
        if inline.empty():
            return
        paragraph = self._paragraph(box, style, keep=keep)
        for kind, text, run_style in inline.trimmed():
            if kind == "break":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif text:
                self._run(paragraph, text, run_style)
        if style.get("position") in ("fixed", "absolute") and border_width(style.get("border-top")):
            # A positioned box shrinks to its text: a border around the runs, not the line.
            for run in paragraph.runs:
                self._run_border(run)

    def _empty_block(self, element, box: Box, style: dict) -> None:
        """An empty block still shows: a rule (a border of it or of an empty span in it), or
        blank space of its height (the room left for a signature and seal)."""
        height = points(style.get("height"), font_size(style))
        rule = None
        styles = [style] + [
            self.sheet.style(node)
            for node in element.iterdescendants()
            if isinstance(node.tag, str)
        ]
        for node_style in styles:
            for side in ("top", "bottom"):
                width = border_width(node_style.get(f"border-{side}"))
                if width and rule is None:
                    length = points(node_style.get("width"), font_size(node_style), box.width)
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
        weight = style.get("font-weight", "normal")
        key = (
            font_size(style),
            weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600),
            style.get("font-style") == "italic",
            "underline" in style.get("text-decoration", ""),
            style.get("vertical-align") if style.get("vertical-align") in ("super", "sub") else "",
        )
        # A table repeats a few kinds of runs: each kind's properties are built once and copied.
        found = RUN_PROPERTIES.get(key)
        if found is not None:
            run._r.insert(0, copy.deepcopy(found))
            return
        size, bold, italic, underline, vertical = key
        font = run.font
        font.size = Pt(size)
        if bold:
            font.bold = True
        if italic:
            font.italic = True
        if underline:
            font.underline = True
        if vertical:
            setattr(font, "superscript" if vertical == "super" else "subscript", 1)
        RUN_PROPERTIES[key] = copy.deepcopy(run._r.rPr)

    # Lists and tables.

    def list(self, element, box: Box, style: dict) -> None:
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
            if marked and not points(item_style.get("text-indent")):
                item_style = {**item_style, "text-indent": "1cm"}
            self._flush(inline, box, item_style)

    def table(self, element, box: Box, style: dict) -> None:
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
        bordered = first_cell is not None and border_width(first_cell[1].get("border-top"))
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
            points(style.get("margin-top"), font_size(style), box.width) or 0, self.pending_space
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
                self.container(td, Box(cell, width), cell_style)
                c += span
        self.pending_space = points(style.get("margin-bottom"), font_size(style), box.width) or 0


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
            width = points(cell_style.get("width"), font_size(cell_style), total)
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
        value = points(style.get(f"padding-{side}"), font_size(style), width) or 0
        edge = OxmlElement(f"w:{word_side}")
        edge.set(qn("w:w"), str(round(value * 20)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.insert_element_before(margins, *TBLPR_AFTER_BORDERS[2:])
