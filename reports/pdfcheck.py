"""Check a generated PDF against the official format, reading the PDF itself (never the HTML).

A document can look right in its template and still come out wrong on paper: a child template's
``@page`` rule, a long word pushing past the margin, a header that wraps. So the rules of
Nghị định 30/2020/NĐ-CP, Phụ lục I (state layout) and Hướng dẫn 36-HD/VPTW (Party layout) are
measured here from the characters and graphics actually placed on each page (pdfplumber), as a
reader with a ruler would. See /DOCUMENTS.md of the design notes for the table of rules.

``check_pdf`` returns one ``Finding`` per rule, passed or failed, each with the measured values,
so that a test (or ``make bench``, or a management command) can print or assert on them.

Marginal notes: three things may sit in the margins and are not counted as body text there —
the page number (pages 2 onwards, top margin, as the decree asks), the 9 pt "Mã xác thực" line of
the page foot (a marginal reference note like the typist's mark; it must stay small, ≤ 10 pt,
and wholly inside the bottom 20 mm, and it is not the body) and a draft's "DỰ THẢO" mark and
watermark (a draft is not an issued document). Everything else must keep the margins.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

MM = 72 / 25.4  # points per millimetre

A4 = (595.28, 841.89)
PAPER_TOLERANCE = 1.0  # pt
# Measured positions carry rounding: a border drawn on the margin line is centred on it, and
# the glyph advances read back from a justified line end up to 1.3 pt past the line's edge.
# Half a millimetre is below anything a reader with a ruler could see.
TOLERANCE = 0.5 * MM  # pt

MARGIN_TOP = (20, 25)  # mm
MARGIN_BOTTOM = (20, 25)
MARGIN_LEFT = (30, 35)
MARGIN_RIGHT = (15, 20)
# The first line's glyphs start a little below the top of its line box (half the leading).
TOP_SLACK = 4.0  # pt

BODY_SIZE = (13, 14)
NATION_SIZE = (12, 13)
SLOGAN_SIZE = (13, 14)
PAGE_NUMBER_SIZE = (13, 14)
DATE_SIZE = (13, 14)
RECIPIENTS_LABEL_SIZE = (12, 12)
RECIPIENTS_SIZE = (11, 11)
# The slogan's rule: as long as the slogan (± this) and no further below it than this.
RULE_LENGTH_TOLERANCE = 2.0  # pt
RULE_GAP = 6.0  # pt
# The page number is centred over the text block, within this.
PAGE_NUMBER_CENTRE = 15 * MM
FOOT_NOTE_MAX_SIZE = 10.0

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
DRAFT = "DỰ THẢO"
FOOT_NOTE = "Mã xác thực"
RECIPIENTS = "Nơi nhận:"
KEEP_COPY = "- Lưu: VT,"

# Capitals of a type code or an issuer's abbreviation (GƯ, KTĐCQĐ…).
_CAPS = "A-ZĐĂÂÊÔƠƯ"
# A type code starts with a capital and may go on in small letters: TTr (tờ trình), BC, BB.
_TYPE = rf"[{_CAPS}][{_CAPS}a-z]*"
_ISSUER = rf"[{_CAPS}0-9]+"
STATE_NUMBER = re.compile(rf"^Số: \d{{2,}}/{_TYPE}-{_ISSUER}$")
PARTY_NUMBER = re.compile(rf"^Số \d{{2,}}-{_TYPE}/{_ISSUER}$")
STATE_DRAFT_NUMBER = re.compile(rf"^Số:\s*/{_TYPE}-{_ISSUER}$")
PARTY_DRAFT_NUMBER = re.compile(rf"^Số\s*-{_TYPE}/{_ISSUER}$")
# Days under 10 and months 1 and 2 padded, other months not (Nghị định 30, Phụ lục I).
DATE_LINE = re.compile(
    r"^[^\W\d_][^,]*, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$"
)

RULES = (
    "paper",
    "margins",
    "font",
    "body_size",
    "header",
    "number",
    "date",
    "page_numbers",
    "recipients",
    "draft",
)


@dataclass(frozen=True)
class Finding:
    """One rule's verdict: ``detail`` names the measured values either way."""

    rule: str
    ok: bool
    detail: str

    def __str__(self):
        return f"[{'ok' if self.ok else 'FAIL'}] {self.rule}: {self.detail}"


@dataclass
class Segment:
    """Characters on one baseline without a wide gap: a line of one column."""

    page: int  # 0-based
    chars: list = field(default_factory=list)

    @property
    def text(self) -> str:
        out = []
        previous = None
        for c in self.chars:
            if previous is not None and c["x0"] - previous["x1"] > 0.15 * c["size"]:
                if out and out[-1] != " " and c["text"] != " ":
                    out.append(" ")
            out.append(c["text"])
            previous = c
        return unicodedata.normalize("NFC", "".join(out)).strip()

    @property
    def x0(self):
        return min(c["x0"] for c in self.chars)

    @property
    def x1(self):
        return max(c["x1"] for c in self.chars)

    @property
    def top(self):
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self):
        return max(c["bottom"] for c in self.chars)

    @property
    def size(self) -> float:
        """The most common size among the visible characters."""
        sizes = Counter(round(c["size"], 2) for c in self.chars if c["text"].strip())
        return sizes.most_common(1)[0][0] if sizes else 0.0

    def visible(self):
        return [c for c in self.chars if c["text"].strip()]

    def all_fonts(self, word: str) -> bool:
        return all(word in c["fontname"] for c in self.visible())


def _font(c) -> str:
    """The font's name without the subset prefix (``ABCDEF+Tinos-Bold`` → ``Tinos-Bold``)."""
    return c["fontname"].split("+", 1)[-1]


def _is_bold(c) -> bool:
    return "Bold" in _font(c)


def _is_italic(c) -> bool:
    name = _font(c)
    return "Italic" in name or "Oblique" in name


def _in(value: float, bounds) -> bool:
    low, high = bounds
    return low - 0.01 <= value <= high + 0.01


def _mm(points: float) -> str:
    return f"{points / MM:.1f} mm"


def _baseline(c) -> float:
    return c["bottom"] - (c["bottom"] - c["top"]) * 0.2


def _segments(page, index: int) -> list[Segment]:
    """Group the upright characters into lines by baseline, then split lines at wide gaps."""
    chars = sorted(
        (c for c in page.chars if c.get("upright", True)),
        key=lambda c: (round(c["bottom"], 0), c["x0"]),
    )
    rows: list[list] = []
    for c in sorted(chars, key=lambda c: _baseline(c)):
        if rows and abs(_baseline(rows[-1][-1]) - _baseline(c)) <= 1.5:
            rows[-1].append(c)
        else:
            rows.append([c])
    segments = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        current = Segment(index)
        for c in row:
            if current.chars:
                gap = c["x0"] - current.chars[-1]["x1"]
                if gap > 1.5 * max(c["size"], current.chars[-1]["size"]):
                    segments.append(current)
                    current = Segment(index)
            current.chars.append(c)
        if current.chars:
            segments.append(current)
    segments = [s for s in segments if s.visible()]
    segments.sort(key=lambda s: (round(s.top, 0), s.x0))
    return segments


@dataclass
class _Page:
    index: int
    width: float
    height: float
    segments: list
    rotated_chars: list
    graphics: list  # bboxes (x0, top, x1, bottom) of lines, rects and curves
    edges: list  # horizontal edges (x0, x1, top)
    tables: list  # bboxes of tables with ruled cells
    marginal: list = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def _read(source) -> list[_Page]:
    if isinstance(source, bytes | bytearray):
        handle = pdfplumber.open(io.BytesIO(source))
    else:
        handle = pdfplumber.open(Path(source))
    pages = []
    with handle as pdf:
        for i, page in enumerate(pdf.pages):
            graphics = [
                (o["x0"], o["top"], o["x1"], o["bottom"])
                for o in (*page.lines, *page.rects, *page.curves)
            ]
            edges = [
                (e["x0"], e["x1"], e["top"])
                for e in page.edges
                if e.get("orientation") == "h" or abs(e["top"] - e["bottom"]) < 0.01
            ]
            tables = [t.bbox for t in page.find_tables()]
            pages.append(
                _Page(
                    index=i,
                    width=float(page.width),
                    height=float(page.height),
                    segments=_segments(page, i),
                    rotated_chars=[c for c in page.chars if not c.get("upright", True)],
                    graphics=graphics,
                    edges=edges,
                    tables=tables,
                )
            )
    return pages


def _is_page_number(segment: Segment, page: _Page) -> bool:
    return segment.text.isdigit() and segment.bottom <= MARGIN_TOP[0] * MM + TOLERANCE


def _is_foot_note(segment: Segment, page: _Page) -> bool:
    return (
        segment.text.startswith(FOOT_NOTE)
        and segment.size <= FOOT_NOTE_MAX_SIZE
        and segment.top >= page.height - MARGIN_BOTTOM[0] * MM - TOLERANCE
    )


def _is_draft_mark(segment: Segment, page: _Page) -> bool:
    return segment.text == DRAFT and segment.bottom <= MARGIN_TOP[0] * MM + TOLERANCE


def _split_marginal(pages: list[_Page]) -> None:
    """Set aside the marginal notes the rules allow (see the module's docstring)."""
    for page in pages:
        body, marginal = [], []
        for s in page.segments:
            allowed = _is_page_number(s, page) or _is_foot_note(s, page) or _is_draft_mark(s, page)
            (marginal if allowed else body).append(s)
        page.segments, page.marginal = body, marginal


def _near_marginal(box, page: _Page) -> bool:
    """A graphic drawn around a marginal note (the draft mark's frame)."""
    x0, top, x1, bottom = box
    for s in page.marginal:
        if x0 >= s.x0 - 10 and x1 <= s.x1 + 10 and top >= s.top - 10 and bottom <= s.bottom + 10:
            return True
    return False


def _check_paper(pages) -> Finding:
    problems = []
    for p in pages:
        portrait = abs(p.width - A4[0]) <= PAPER_TOLERANCE and abs(p.height - A4[1]) <= 1
        landscape = abs(p.width - A4[1]) <= PAPER_TOLERANCE and abs(p.height - A4[0]) <= 1
        if not (portrait or landscape):
            problems.append(f"page {p.index + 1}: {p.width:.1f} × {p.height:.1f} pt is not A4")
    sizes = sorted({f"{p.width:.1f} × {p.height:.1f} pt" for p in pages})
    return Finding("paper", not problems, "; ".join(problems) or "A4: " + ", ".join(sizes))


def _check_margins(pages) -> Finding:
    problems, measured = [], []
    for p in pages:
        boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for s in p.segments for c in s.visible()]
        boxes += [g for g in p.graphics if not _near_marginal(g, p)]
        if not boxes:
            continue
        n = p.index + 1
        left = min(b[0] for b in boxes)
        top = min(b[1] for b in boxes)
        right = p.width - max(b[2] for b in boxes)
        bottom = p.height - max(b[3] for b in boxes)
        measured.append(
            f"p{n}: top {_mm(top)}, left {_mm(left)}, right {_mm(right)}, bottom {_mm(bottom)}"
        )
        if left < MARGIN_LEFT[0] * MM - TOLERANCE:
            problems.append(f"page {n}: left margin {_mm(left)} < {MARGIN_LEFT[0]} mm")
        if right < MARGIN_RIGHT[0] * MM - TOLERANCE:
            problems.append(f"page {n}: right margin {_mm(right)} < {MARGIN_RIGHT[0]} mm")
        if top < MARGIN_TOP[0] * MM - TOLERANCE:
            problems.append(f"page {n}: top margin {_mm(top)} < {MARGIN_TOP[0]} mm")
        if bottom < MARGIN_BOTTOM[0] * MM - TOLERANCE:
            problems.append(f"page {n}: bottom margin {_mm(bottom)} < {MARGIN_BOTTOM[0]} mm")
        if p.index == 0 and top > MARGIN_TOP[1] * MM + TOP_SLACK:
            problems.append(f"page 1: the text starts {_mm(top)} from the top > {MARGIN_TOP[1]} mm")
        # The text block's own edges, on a page of full lines (a short last page proves nothing).
        full = [s for s in p.segments if s.x1 - s.x0 >= 0.6 * p.width]
        if len(full) >= 3:
            if left > MARGIN_LEFT[1] * MM + TOLERANCE:
                problems.append(f"page {n}: left margin {_mm(left)} > {MARGIN_LEFT[1]} mm")
            if right > MARGIN_RIGHT[1] * MM + TOLERANCE:
                problems.append(f"page {n}: right margin {_mm(right)} > {MARGIN_RIGHT[1]} mm")
    return Finding("margins", not problems, "; ".join(problems or measured))


def _times(name: str) -> bool:
    return "tinos" in name.lower() or "times" in name.lower()


def _is_symbol(c) -> bool:
    """A sign rather than text (✓, ✗, →): the decree sets the typeface of the words."""
    return all(unicodedata.category(ch).startswith("S") for ch in c["text"])


def _check_fonts(pages) -> Finding:
    chars = [c for p in pages for s in p.segments + p.marginal for c in s.visible()]
    names = Counter(_font(c) for c in chars if not _is_symbol(c))
    wrong = {n: k for n, k in names.items() if not _times(n)}
    if wrong:
        listed = ", ".join(f"{n} ({k} characters)" for n, k in wrong.items())
        return Finding("font", False, f"text not in a Times-compatible font: {listed}")
    detail = ", ".join(sorted(names))
    signs = Counter((c["text"], _font(c)) for c in chars if _is_symbol(c) and not _times(_font(c)))
    if signs:
        detail += "; signs in another font: " + ", ".join(
            f"{t} {n} × {k}" for (t, n), k in signs.items()
        )
    return Finding("font", True, detail)


def _find(pages, predicate, *, first_page_only=False):
    for p in pages[:1] if first_page_only else pages:
        for s in p.segments:
            if predicate(s):
                return s
    return None


def _header_end(pages) -> float:
    """Where the header ends on page 1: under the number or the place and date, lower of the two."""
    ends = [
        s.bottom
        for s in pages[0].segments
        if s.text.startswith("Số") or DATE_LINE.match(s.text)
        if s.top < pages[0].height / 3
    ]
    return max(ends) if ends else 0.0


def _closing_start(pages):
    """(page, top) where the closing starts: 'Nơi nhận:' or the verification block."""
    for p in pages:
        for s in p.segments:
            if s.text.startswith(RECIPIENTS) or s.text.startswith(FOOT_NOTE):
                return p.index, s.top
    return len(pages), 0.0


def _in_table(c, page: _Page) -> bool:
    for x0, top, x1, bottom in page.tables:
        if (
            x0 - 1 <= c["x0"]
            and c["x1"] <= x1 + 1
            and top - 1 <= c["top"]
            and c["bottom"] <= bottom + 1
        ):
            return True
    return False


def _body_chars(pages) -> list:
    header_end = _header_end(pages)
    closing_page, closing_top = _closing_start(pages)
    chars = []
    for p in pages:
        if p.index > closing_page:
            break
        for s in p.segments:
            if p.index == 0 and s.top < header_end:
                continue
            if p.index == closing_page and s.top >= closing_top - 0.5:
                continue
            chars.extend(c for c in s.visible() if not _in_table(c, p))
    return chars


def _check_body_size(pages) -> Finding:
    chars = _body_chars(pages)
    if not chars:
        return Finding(
            "body_size", False, "no body text found outside the header, tables and closing"
        )
    sizes = Counter(round(c["size"], 1) for c in chars)
    inside = sum(k for size, k in sizes.items() if _in(size, BODY_SIZE))
    share = inside / len(chars)
    common = ", ".join(f"{s:g} pt × {k}" for s, k in sizes.most_common(4))
    detail = f"{share:.0%} of {len(chars)} body characters at 13–14 pt ({common})"
    return Finding("body_size", share > 0.5, detail)


def _sizes(segment: Segment) -> str:
    sizes = sorted({round(c["size"], 1) for c in segment.visible()})
    return "/".join(f"{s:g}" for s in sizes) + " pt"


def _all_in(segment: Segment, bounds) -> bool:
    return all(_in(c["size"], bounds) for c in segment.visible())


def _rule_under(segment: Segment, page: _Page):
    """The horizontal edge under a segment, as long as it (± tolerance), if any."""
    width = segment.x1 - segment.x0
    best = None
    for x0, x1, top in page.edges:
        if not (segment.bottom - 1 <= top <= segment.bottom + RULE_GAP):
            continue
        if x1 < segment.x0 or x0 > segment.x1:
            continue
        miss = abs((x1 - x0) - width) + abs(x0 - segment.x0)
        if best is None or miss < best[0]:
            best = (miss, x0, x1, top)
    return best


def _check_header(pages, layout: str) -> Finding:
    first = pages[0]
    problems, measured = [], []
    everything = [s for p in pages for s in p.segments]
    texts = [s.text for s in everything]
    nation = next((s for s in first.segments if s.text == NATION), None)
    party = next((s for s in first.segments if s.text == PARTY), None)
    if layout == "state":
        if nation is None:
            problems.append(f'no line "{NATION}" on page 1')
        else:
            measured.append(f"motto {_sizes(nation)}")
            if not _all_in(nation, NATION_SIZE):
                problems.append(f"the motto is {_sizes(nation)}, not 12–13 pt")
            if not all(_is_bold(c) for c in nation.visible()):
                problems.append("the motto is not bold")
        slogan = next((s for s in first.segments if s.text == SLOGAN), None)
        if slogan is None:
            near = [t for t in texts if "Độc lập" in t or "Hạnh phúc" in t]
            problems.append(
                f'no line "{SLOGAN}" on page 1' + (f" (found {near[0]!r})" if near else "")
            )
        else:
            measured.append(f"slogan {_sizes(slogan)}")
            if not _all_in(slogan, SLOGAN_SIZE):
                problems.append(f"the slogan is {_sizes(slogan)}, not 13–14 pt")
            if not all(_is_bold(c) for c in slogan.visible()):
                problems.append("the slogan is not bold")
            if nation is not None and slogan.top < nation.bottom - 1:
                problems.append("the slogan is not under the motto")
            width = slogan.x1 - slogan.x0
            rule = _rule_under(slogan, first)
            if rule is None:
                problems.append(f"no rule under the slogan (within {RULE_GAP:g} pt)")
            else:
                _, x0, x1, top = rule
                measured.append(f"rule {x1 - x0:.1f} pt under a slogan of {width:.1f} pt")
                if abs((x1 - x0) - width) > RULE_LENGTH_TOLERANCE:
                    problems.append(
                        f"the rule under the slogan is {x1 - x0:.1f} pt, the slogan {width:.1f} pt"
                    )
        if party is not None:
            problems.append(f'the Party header "{PARTY}" in a state document')
    else:
        if party is None:
            problems.append(f'no line "{PARTY}" on page 1')
        else:
            measured.append(f"Party header {_sizes(party)}")
            if not all(_is_bold(c) for c in party.visible()):
                problems.append("the Party header is not bold")
        for motto in (NATION, SLOGAN):
            if any(motto.lower() in t.lower() for t in texts):
                problems.append(f'the national motto "{motto}" in a Party document')
        number = next((s for s in first.segments if s.text.startswith("Số")), None)
        star = next((s for s in first.segments if s.text == "*"), None)
        if star is None:
            problems.append('no "*" under the issuing body')
        elif number is not None and not star.bottom <= number.top + 1:
            problems.append('the "*" is not between the issuing body and the number')
        elif party is not None and star.x1 > party.x0:
            problems.append('the "*" is not in the issuing body\'s column')
    return Finding("header", not problems, "; ".join(problems or measured))


def _check_number(pages, layout: str, provisional: bool) -> Finding:
    first = pages[0]
    number = next(
        (s for s in first.segments if re.match(r"^Số\b", s.text) and s.top < first.height / 3),
        None,
    )
    if number is None:
        return Finding("number", False, "no number line (Số …) in the header of page 1")
    text = number.text
    if provisional:
        pattern = STATE_DRAFT_NUMBER if layout == "state" else PARTY_DRAFT_NUMBER
    else:
        pattern = STATE_NUMBER if layout == "state" else PARTY_NUMBER
    if not pattern.match(text):
        expected = {
            ("state", False): "Số: 07/BC-KTĐ…",
            ("party", False): "Số 07-BC/KTĐ…",
            ("state", True): "Số:    /BC-KTĐ… (no digits)",
            ("party", True): "Số    -BC/KTĐ… (no digits)",
        }[(layout, provisional)]
        return Finding("number", False, f"{text!r} is not in the form {expected}")
    return Finding("number", True, repr(text))


def _check_date(pages) -> Finding:
    first = pages[0]
    line = next(
        (s for s in first.segments if ", ngày " in s.text and s.top < first.height / 3), None
    )
    if line is None:
        return Finding("date", False, "no place and date line on page 1")
    problems = []
    if not DATE_LINE.match(line.text):
        problems.append(f"{line.text!r} does not pad the day (and months 1–2) or is malformed")
    if not all(_is_italic(c) for c in line.visible()):
        problems.append(f"{line.text!r} is not italic")
    if not _all_in(line, DATE_SIZE):
        problems.append(f"the place and date are {_sizes(line)}, not 13–14 pt")
    return Finding("date", not problems, "; ".join(problems) or f"{line.text!r}, {_sizes(line)}")


def _check_page_numbers(pages) -> Finding:
    problems, measured = [], []
    # The text block's centre, from the body of every page of the same width: a short last
    # page's lines say nothing of where the block is.
    extents: dict[int, list] = {}
    for p in pages:
        for s in p.segments:
            extents.setdefault(round(p.width), []).append((s.x0, s.x1))
    blocks = {w: (min(e[0] for e in xs) + max(e[1] for e in xs)) / 2 for w, xs in extents.items()}
    for p in pages:
        numbers = [s for s in p.marginal if s.text.isdigit()]
        n = p.index + 1
        if p.index == 0:
            if numbers:
                problems.append(f"page 1 carries a page number ({numbers[0].text})")
            continue
        if not numbers:
            problems.append(f"page {n} has no page number in the top margin")
            continue
        number = numbers[0]
        if number.text != str(n):
            problems.append(f"page {n} is numbered {number.text}")
        if not _all_in(number, PAGE_NUMBER_SIZE):
            problems.append(f"the page number on page {n} is {_sizes(number)}, not 13–14 pt")
        centre = blocks.get(
            round(p.width), (MARGIN_LEFT[0] * MM + p.width - MARGIN_RIGHT[0] * MM) / 2
        )
        offset = (number.x0 + number.x1) / 2 - centre
        if abs(offset) > PAGE_NUMBER_CENTRE:
            problems.append(f"the page number on page {n} is {_mm(abs(offset))} off centre")
        measured.append(f"p{n}: {number.text} at {_sizes(number)}, {offset / MM:+.1f} mm")
    return Finding("page_numbers", not problems, "; ".join(problems or measured) or "one page")


def _check_recipients(pages, provisional: bool) -> Finding:
    label = _find(pages, lambda s: s.text.startswith(RECIPIENTS))
    if provisional:
        if label is not None:
            return Finding("recipients", False, "a draft lists recipients")
        return Finding("recipients", True, "a draft has no recipients")
    if label is None:
        return Finding("recipients", False, f'no "{RECIPIENTS}"')
    problems = []
    head = [c for c in label.visible()][: len(RECIPIENTS.replace(" ", ""))]
    if not all(_is_bold(c) and _is_italic(c) for c in head):
        problems.append(f'"{RECIPIENTS}" is not bold italic')
    if not all(_in(c["size"], RECIPIENTS_LABEL_SIZE) for c in head):
        problems.append(f'"{RECIPIENTS}" is {_sizes(label)}, not 12 pt')
    page = pages[label.page]
    lines, last_bottom = [], label.bottom
    for s in page.segments:
        if s.top <= label.top or abs(s.x0 - label.x0) > 2 or s.top - last_bottom > s.size:
            continue
        lines.append(s)
        last_bottom = s.bottom
    items: list[str] = []
    for s in lines:
        if s.text.startswith("-") or not items:
            items.append(s.text)
        else:
            items[-1] += " " + s.text
    if not items:
        problems.append(f'no recipients under "{RECIPIENTS}"')
    else:
        if not items[-1].startswith(KEEP_COPY):
            problems.append(f'the last recipient is {items[-1]!r}, not "{KEEP_COPY} …"')
        elif not items[-1].endswith("."):
            problems.append(f"{items[-1]!r} does not end with a full stop")
        for item in items[:-1]:
            if not item.startswith("- ") or not item.endswith(";"):
                problems.append(f'{item!r} is not a line "- …;"')
        wrong = [s for s in lines if not _all_in(s, RECIPIENTS_SIZE)]
        if wrong:
            problems.append(f"recipients at {_sizes(wrong[0])}, not 11 pt")
    detail = "; ".join(problems) or f"{len(items)} recipients, last {items[-1]!r}"
    return Finding("recipients", not problems, detail)


def _check_draft(pages, provisional: bool) -> Finding:
    texts = [s.text for p in pages for s in p.segments + p.marginal]
    says_draft = any(DRAFT in t for t in texts) or any(
        DRAFT.replace(" ", "") in "".join(c["text"] for c in p.rotated_chars) for p in pages
    )
    if provisional:
        marked = [p.index + 1 for p in pages if any(s.text == DRAFT for s in p.marginal)]
        if not says_draft:
            return Finding("draft", False, f'a draft that does not say "{DRAFT}"')
        unmarked = [p.index + 1 for p in pages if p.index + 1 not in marked]
        if unmarked:
            pages_list = ", ".join(map(str, unmarked))
            return Finding("draft", False, f'no "{DRAFT}" mark on page(s) {pages_list}')
        return Finding("draft", True, f'"{DRAFT}" on every page')
    if says_draft:
        return Finding("draft", False, f'an issued document says "{DRAFT}"')
    return Finding("draft", True, "issued, not a draft")


def check_pdf(source, *, layout: str, provisional: bool = False) -> list[Finding]:
    """Measure a PDF (bytes or a path) against the official format of ``layout``.

    ``layout`` is "state" (Nghị định 30/2020) or "party" (Hướng dẫn 36-HD/VPTW); a
    ``provisional`` document is a draft: no number digits, "DỰ THẢO", no recipients.
    Returns one Finding per rule of ``RULES``, in that order; the failed ones have ``ok`` False.
    """
    if layout not in ("state", "party"):
        raise ValueError(f"unknown layout {layout!r}")
    pages = _read(source)
    if not pages:
        return [Finding("paper", False, "the PDF has no pages")]
    _split_marginal(pages)
    return [
        _check_paper(pages),
        _check_margins(pages),
        _check_fonts(pages),
        _check_body_size(pages),
        _check_header(pages, layout),
        _check_number(pages, layout, provisional),
        _check_date(pages),
        _check_page_numbers(pages),
        _check_recipients(pages, provisional),
        _check_draft(pages, provisional),
    ]


def failures(findings: list[Finding]) -> list[Finding]:
    """The failed findings only."""
    return [f for f in findings if not f.ok]
