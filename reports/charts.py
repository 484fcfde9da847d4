"""Charts of the bloc's review reports, drawn as inline SVG that WeasyPrint prints as vectors.

Every function is pure: plain values in, SVG markup out, the same string for the same input.
Geometry is in millimetres (the viewBox unit), 160 mm wide to fill the A4 body between the
margins of Nghị định 30/2020. Official copies are printed on monochrome printers, so series are
told apart by grey level and hatching, never by colour alone. Text is measured with the metrics of
Tinos, the font the documents embed, so labels wrap and shorten where they really would overflow.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont

from campaigns.services.points import points_label

WIDTH = 160.0
PT = 25.4 / 72
TEXT_SIZE = 9 * PT
SMALL_SIZE = 8.5 * PT
TITLE_SIZE = 10.5 * PT
LINE = TEXT_SIZE * 1.2
SMALL_LINE = SMALL_SIZE * 1.25
LABEL_WIDTH = 50.0
GAP = 2.0
ROW_PAD = 2.6
BAR_HEIGHT = 4.6
STROKE = 0.2
ELLIPSIS = "…"
MINUS = "\u2212"

# Fills that stay distinct when printed in black only: solid greys alternate with hatchings.
GROUP_FILLS = (
    ("solid", "#404040"),
    ("hatch", "45"),
    ("solid", "#c8c8c8"),
    ("dots", ""),
    ("cross", ""),
    ("solid", "#ffffff"),
    ("hatch", "0"),
    ("solid", "#8c8c8c"),
    ("hatch", "90"),
    ("hatch", "-45"),
)
BAR_FILL = "#b4b4b4"
GAIN_FILL = "#8c8c8c"

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ChartRow:
    """One agency's bar in the totals chart; ``note`` is printed after its points."""

    label: str
    value: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class ChangeRow:
    """One agency's points and rank last year and this year."""

    label: str
    before: Decimal | None
    after: Decimal | None
    rank_before: int | None
    rank_after: int | None


# ---------------------------------------------------------------------------------------------
# Text: cleaning, escaping, measuring with the embedded font's metrics


def _clean(text) -> str:
    """One line of NFC text without characters XML cannot hold."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    return " ".join(_INVALID_XML.sub("", text).split())


def _esc(text: str) -> str:
    return escape(text, {'"': "&quot;"})


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, int], int, int]:
    """Advance widths by code point, the font's units per em and a fallback advance."""
    found = finders.find("fonts/Tinos-Bold.ttf" if bold else "fonts/Tinos-Regular.ttf")
    with TTFont(found) as font:
        advances = font["hmtx"].metrics
        widths = {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}
        units = font["head"].unitsPerEm
    return widths, units, widths.get(ord("n"), units // 2)


def _text_width(text: str, size: float, bold: bool = False) -> float:
    widths, units, fallback = _metrics(bold)
    return sum(widths.get(ord(char), fallback) for char in text) * size / units


def _shorten(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` cut at a word (or a character) with an ellipsis so that it fits ``width``."""
    if _text_width(text, size, bold) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:-–") + ELLIPSIS
        if _text_width(candidate, size, bold) <= width:
            return candidate
    cut = text
    while cut and _text_width(cut + ELLIPSIS, size, bold) > width:
        cut = cut[:-1]
    return cut + ELLIPSIS


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` on one line, or on two lines of ``width`` as even as the words allow.

    Where no break gives two lines that fit, the first line takes what fits and the second is
    shortened with an ellipsis.
    """
    if _text_width(text, size, bold) <= width:
        return [text]
    words = text.split(" ")
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        longest = max(_text_width(first, size, bold), _text_width(second, size, bold))
        if longest <= width and (best is None or longest < best[0]):
            best = (longest, [first, second])
    if best:
        return best[1]
    cut = 0
    while cut < len(words) and _text_width(" ".join(words[: cut + 1]), size, bold) <= width:
        cut += 1
    if cut == 0:
        return [_shorten(text, width, size, bold)]
    return [" ".join(words[:cut]), _shorten(" ".join(words[cut:]), width, size, bold)]


# ---------------------------------------------------------------------------------------------
# Markup


def _n(value: float) -> str:
    """A coordinate with two decimals at most, so the output never depends on float noise."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x, y, text, *, size=TEXT_SIZE, anchor="start", style="", weight="", fill="", cls=""):
    attributes = [f'x="{_n(x)}"', f'y="{_n(y)}"']
    if size != TEXT_SIZE:
        attributes.append(f'font-size="{_n(size)}"')
    if anchor != "start":
        attributes.append(f'text-anchor="{anchor}"')
    if style:
        attributes.append(f'font-style="{style}"')
    if weight:
        attributes.append(f'font-weight="{weight}"')
    if fill:
        attributes.append(f'fill="{fill}"')
    if cls:
        attributes.append(f'class="{cls}"')
    return f"<text {' '.join(attributes)}>{_esc(text)}</text>"


def _rect(x, y, width, height, fill, *, cls="", stroke=True):
    outline = f' stroke="#000" stroke-width="{_n(STROKE)}"' if stroke else ""
    extra = f' class="{cls}"' if cls else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{fill}"{outline}{extra}/>'
    )


def _bars(shapes: list[tuple[float, float, float, float]], fill, *, cls="", stroke=True) -> str:
    """Rectangles of one fill as one path, outlined each, or nothing when there are none.

    WeasyPrint draws an SVG fill again for every shape that uses it (a pattern is built anew for
    each), so the bars of one series cost one shape instead of one each.
    """
    if not shapes:
        return ""
    outline = f' stroke="#000" stroke-width="{_n(STROKE)}"' if stroke else ""
    extra = f' class="{cls}"' if cls else ""
    d = "".join(
        f"M{_n(x)} {_n(y)}H{_n(x + width)}V{_n(y + height)}H{_n(x)}z"
        for x, y, width, height in shapes
    )
    return f'<path d="{d}" fill="{fill}"{outline}{extra}/>'


def _line(x1, y1, x2, y2, *, width=0.3, dash="", cls=""):
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    extra += f' class="{cls}"' if cls else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="#000" '
        f'stroke-width="{_n(width)}"{extra}/>'
    )


def _baseline(centre: float, size: float) -> float:
    """The baseline that centres one line of ``size`` on ``centre`` (Tinos cap height ≈ 0.66 em)."""
    return centre + size * 0.33


def _label_block(label: str, lines: list[str], x: float, centre: float, size=TEXT_SIZE) -> str:
    """The lines of a label centred on ``centre``; the full text as a tooltip when shortened."""
    first = centre - (len(lines) - 1) * size * 1.2 / 2
    body = "".join(
        _text(x, _baseline(first + index * size * 1.2, size), line, size=size, cls="chart-label")
        for index, line in enumerate(lines)
    )
    if " ".join(lines) != label:
        return f"<g><title>{_esc(label)}</title>{body}</g>"
    return body


def _title_block(title: str, top: float) -> tuple[str, float]:
    """The chart's caption, centred and bold, and the y where the chart continues."""
    if not title:
        return "", top
    lines = _wrap(title, WIDTH - 4, TITLE_SIZE, bold=True)
    body = "".join(
        _text(
            WIDTH / 2,
            top + TITLE_SIZE + index * TITLE_SIZE * 1.2,
            line,
            size=TITLE_SIZE,
            anchor="middle",
            weight="bold",
            cls="chart-title",
        )
        for index, line in enumerate(lines)
    )
    return body, top + len(lines) * TITLE_SIZE * 1.2 + 2.5


def _svg(height: float, summary: str, body: str, defs: str = "") -> SafeString:
    height = round(height, 1)
    summary = _esc(summary)
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_n(WIDTH)}mm" '
        f'height="{_n(height)}mm" viewBox="0 0 {_n(WIDTH)} {_n(height)}" role="img" '
        f'aria-label="{summary}" font-family="Tinos" font-size="{_n(TEXT_SIZE)}" fill="#000">'
        f"<title>{summary}</title>{f'<defs>{defs}</defs>' if defs else ''}{body}</svg>"
    )
    # Every piece of text above went through ``_esc``; the rest is numbers and fixed names.
    return mark_safe(markup)  # noqa: S308


def _empty(title: str) -> SafeString:
    title = _clean(title)
    heading, top = _title_block(title, 1)
    message = _("Chưa có số liệu")
    body = heading + _text(WIDTH / 2, top + 5, message, anchor="middle", style="italic")
    return _svg(top + 8, f"{title}. {message}" if title else message, body)


def _row_lines(labels: list[str]) -> list[list[str]]:
    return [_wrap(label, LABEL_WIDTH, TEXT_SIZE) for label in labels]


def _row_height(lines: list[str]) -> float:
    return max(BAR_HEIGHT, len(lines) * LINE) + ROW_PAD


def _fraction(value: Decimal | None, scale: Decimal | None) -> float:
    """``value`` as a share of ``scale``, kept within 0..1; 0 when there is no scale."""
    if value is None or not scale or scale <= 0:
        return 0.0
    return float(min(max(value / scale, Decimal(0)), Decimal(1)))


def _prefix(*parts) -> str:
    """Ids for this chart's patterns, stable for its input and distinct between charts."""
    return "c" + hashlib.sha256(repr(parts).encode()).hexdigest()[:8]


def _values_text(value: Decimal | None) -> str:
    return points_label(value) if value is not None else _("chưa có điểm")


# ---------------------------------------------------------------------------------------------
# Totals


def totals_chart(rows, *, maximum, thresholds=(), title="") -> SafeString:
    """Horizontal bars of each agency's points, in the order given, with the bands as lines.

    ``rows`` are ``ChartRow``s; ``maximum`` is the points of a full bar (the highest points when
    it is 0 or None); ``thresholds`` are (label, points) pairs drawn as dashed lines labelled
    "label (points)", those outside 0..maximum left out.
    """
    rows = [ChartRow(_clean(row.label), row.value, _clean(row.note)) for row in rows]
    title = _clean(title)
    if not rows:
        return _empty(title)
    scored = [row.value for row in rows if row.value is not None]
    scale = Decimal(maximum) if maximum and Decimal(maximum) > 0 else max(scored, default=None)
    if scale is not None and scale <= 0:
        scale = None

    heading, top = _title_block(title, 1)
    x0 = LABEL_WIDTH + GAP
    value_texts = [_values_text(row.value) for row in rows]
    reserve = max(
        _text_width(text + (f"  {row.note}" if row.note else ""), TEXT_SIZE)
        for text, row in zip(value_texts, rows, strict=True)
    )
    if scale is not None:
        reserve = max(reserve, _text_width(points_label(scale), SMALL_SIZE) / 2)
    reserve = min(reserve + 1.5, 45.0)
    x1 = WIDTH - reserve
    bar_width = x1 - x0

    marks = []
    if scale is not None:
        for label, value in thresholds:
            value = Decimal(value)
            if 0 <= value <= scale:
                label = _clean(label)
                text = f"{label} ({points_label(value)})" if label else points_label(value)
                marks.append((text, x0 + bar_width * _fraction(value, scale)))
    tiers, placed = _place_marks(marks)
    rows_top = top + len(tiers) * SMALL_LINE + (1 if tiers else 0)

    body = [heading]
    for (label, _x), (tier, anchor, text_x) in zip(marks, placed, strict=True):
        body.append(
            _text(
                text_x,
                top + (tier + 1) * SMALL_LINE - 0.8,
                label,
                size=SMALL_SIZE,
                anchor=anchor,
                cls="chart-threshold-label",
            )
        )

    row_lines = _row_lines([row.label for row in rows])
    rows_bottom = rows_top + sum(_row_height(lines) for lines in row_lines)
    # The bands go under the bars, so that a bar crossing a band stays one clear shape.
    for _label, x in marks:
        body.append(
            _line(
                x, rows_top - 0.5, x, rows_bottom, width=0.3, dash="1.2 0.8", cls="chart-threshold"
            )
        )
    body.append(_line(x0, rows_top, x0, rows_bottom, cls="chart-axis"))

    y = rows_top
    bars, grounds, labels = [], [], []
    for row, lines, value_text in zip(rows, row_lines, value_texts, strict=True):
        height = _row_height(lines)
        centre = y + height / 2
        labels.append(_label_block(row.label, lines, 0, centre))
        end = x0
        if row.value is not None:
            end += bar_width * _fraction(row.value, scale)
            bars.append((x0, centre - BAR_HEIGHT / 2, end - x0, BAR_HEIGHT))
        ground, label = _end_label(end + 1.2, centre, value_text, row.note, row.value is None)
        grounds.append(ground)
        labels.append(label)
        y += height
    # The points' white grounds go over the bands and the bars, the text over everything.
    body.append(_bars(bars, BAR_FILL, cls="chart-bar"))
    body.append(_bars(grounds, "#fff", stroke=False))
    body.extend(labels)

    if scale is not None:
        body.append(_line(x0, rows_bottom, x1, rows_bottom, width=0.2))
        for value, x in ((Decimal(0), x0), (scale, x1)):
            body.append(_line(x, rows_bottom, x, rows_bottom + 1, width=0.2))
            body.append(
                _text(
                    x,
                    rows_bottom + 1 + SMALL_SIZE,
                    points_label(value),
                    size=SMALL_SIZE,
                    anchor="middle",
                )
            )
        rows_bottom += 1 + SMALL_LINE

    return _svg(rows_bottom + 1.5, _totals_summary(title, rows), "".join(body))


def _end_label(x: float, centre: float, text: str, note: str, missing: bool):
    """Points (or "chưa có điểm") and a note after a bar, and the white ground (x, y, width,
    height) to lay under them over the bands."""
    used = _text_width(text, TEXT_SIZE)
    baseline = _baseline(centre, TEXT_SIZE)
    markup = _text(x, baseline, text, style="italic" if missing else "", cls="chart-value")
    if note:
        gap = _text_width("  ", TEXT_SIZE)
        note = _shorten(note, WIDTH - x - used - gap, TEXT_SIZE)
        markup += _text(x + used + gap, baseline, note, style="italic", cls="chart-note")
        used += gap + _text_width(note, TEXT_SIZE)
    return (x - 0.4, centre - TEXT_SIZE / 2, used + 0.8, TEXT_SIZE), markup


def _place_marks(marks: list[tuple[str, float]]):
    """Put each threshold label in the first tier where it overlaps no other label.

    Returns the tiers (each a list of occupied spans) and, per mark, (tier, anchor, text x).
    """
    tiers: list[list[tuple[float, float]]] = []
    placed = []
    for label, x in marks:
        width = _text_width(label, SMALL_SIZE)
        left = x - width / 2
        anchor, text_x = "middle", x
        if left < 0:
            left, anchor, text_x = 0.0, "start", 0.0
        elif left + width > WIDTH:
            left, anchor, text_x = WIDTH - width, "end", WIDTH
        span = (left - 1, left + width + 1)
        for index, spans in enumerate(tiers):
            if all(span[1] <= a or span[0] >= b for a, b in spans):
                spans.append(span)
                placed.append((index, anchor, text_x))
                break
        else:
            tiers.append([span])
            placed.append((len(tiers) - 1, anchor, text_x))
    return tiers, placed


def _totals_summary(title: str, rows: list[ChartRow]) -> str:
    scored = [row for row in rows if row.value is not None]
    name = title or _("Điểm của các cơ quan")
    if not scored:
        return _("%(title)s. %(count)s cơ quan, chưa có điểm.") % {
            "title": name,
            "count": len(rows),
        }
    top = max(scored, key=lambda row: row.value)
    bottom = min(scored, key=lambda row: row.value)
    return _(
        "%(title)s. %(count)s cơ quan; cao nhất %(top)s: %(top_points)s điểm; "
        "thấp nhất %(bottom)s: %(bottom_points)s điểm."
    ) % {
        "title": name,
        "count": len(rows),
        "top": top.label,
        "top_points": points_label(top.value),
        "bottom": bottom.label,
        "bottom_points": points_label(bottom.value),
    }


# ---------------------------------------------------------------------------------------------
# Points per criteria group


def group_chart(agencies, groups, values, *, title="", segment_values=True) -> SafeString:
    """A stacked bar per agency of its points in each criteria group, with a legend.

    ``values[agency_index][group_index]`` is a Decimal or None; bars share one scale, the
    highest total. Negative points (a penalty group) count in the printed total but draw nothing.
    ``segment_values`` prints each segment's points inside it; a document that prints them in a
    table leaves them out, as each label costs the PDF renderer noticeable time.
    """
    agencies = [_clean(agency) for agency in agencies]
    groups = [_clean(group) for group in groups]
    title = _clean(title)
    if not agencies or not groups:
        return _empty(title)
    matrix = [
        [_cell(values, row, column) for column in range(len(groups))]
        for row in range(len(agencies))
    ]
    totals = [
        sum((value for value in row if value is not None), Decimal(0))
        if any(value is not None for value in row)
        else None
        for row in matrix
    ]
    drawn = [
        sum((value for value in row if value is not None and value > 0), Decimal(0))
        for row in matrix
    ]
    scale = max(drawn) if max(drawn) > 0 else None

    prefix = _prefix("group", agencies, groups, matrix, title)
    defs, fills = _group_fills(prefix, len(groups))
    heading, top = _title_block(title, 1)
    legend, top = _legend(groups, fills, top)

    x0 = LABEL_WIDTH + GAP
    total_texts = [_values_text(total) for total in totals]
    reserve = min(max(_text_width(text, TEXT_SIZE) for text in total_texts) + 1.5, 30.0)
    bar_width = WIDTH - reserve - x0

    body = [heading, legend]
    y = top + 1
    rows_top = y
    # The segments of each group are one shape, their points' grounds another, over them.
    segments: list[list] = [[] for _group in groups]
    grounds, labels = [], []
    for agency, lines, row, total_text in zip(
        agencies, _row_lines(agencies), matrix, total_texts, strict=True
    ):
        height = _row_height(lines)
        centre = y + height / 2
        bar_top = centre - BAR_HEIGHT / 2
        labels.append(_label_block(agency, lines, 0, centre))
        x = x0
        if all(value is None for value in row):
            labels.append(_text(x0 + 1.5, _baseline(centre, TEXT_SIZE), total_text, style="italic"))
            y += height
            continue
        for column, value in enumerate(row):
            if value is None or value <= 0:
                continue
            length = bar_width * _fraction(value, scale)
            segments[column].append((x, bar_top, length, BAR_HEIGHT))
            if segment_values:
                shown = _segment_value(x, length, centre, value)
                if shown:
                    grounds.append(shown[0])
                    labels.append(shown[1])
            x += length
        labels.append(_text(x + 1.2, _baseline(centre, TEXT_SIZE), total_text, cls="chart-value"))
        y += height
    body.extend(
        _bars(shapes, fill, cls="chart-segment")
        for shapes, fill in zip(segments, fills, strict=True)
    )
    body.append(_bars(grounds, "#fff", stroke=False))
    body.extend(labels)
    body.append(_line(x0, rows_top, x0, y, cls="chart-axis"))

    summary = _("%(title)s. %(count)s cơ quan; các nhóm tiêu chí: %(groups)s.") % {
        "title": title or _("Điểm theo nhóm tiêu chí"),
        "count": len(agencies),
        "groups": "; ".join(groups),
    }
    scored = [
        (total, agency) for total, agency in zip(totals, agencies, strict=True) if total is not None
    ]
    if scored:
        best, name = max(scored, key=lambda pair: pair[0])
        summary += " " + _("Tổng điểm cao nhất: %(agency)s, %(points)s điểm.") % {
            "agency": name,
            "points": points_label(best),
        }
    return _svg(y + 1.5, summary, "".join(body), defs)


def _cell(values, row: int, column: int) -> Decimal | None:
    """``values[row][column]``, or None where the matrix is shorter than the labels."""
    try:
        value = values[row][column]
    except (IndexError, TypeError):
        return None
    return None if value is None else Decimal(value)


def _group_fills(prefix: str, count: int) -> tuple[str, list[str]]:
    """Pattern definitions and the fill of each group, in ``GROUP_FILLS`` order."""
    defs = []
    fills = []
    cell = 1.4
    for index in range(count):
        kind, argument = GROUP_FILLS[index % len(GROUP_FILLS)]
        if kind == "solid":
            fills.append(argument)
            continue
        ident = f"{prefix}-{index}"
        fills.append(f"url(#{ident})")
        ground = f'<rect width="{cell}" height="{cell}" fill="#fff"/>'
        middle = _n(cell / 2)
        if kind == "hatch":
            marks = f'<line x1="{middle}" y1="0" x2="{middle}" y2="{cell}" stroke="#000" stroke-width="0.3"/>'
            turn = argument
        elif kind == "cross":
            marks = (
                f'<line x1="{middle}" y1="0" x2="{middle}" y2="{cell}" stroke="#000" stroke-width="0.25"/>'
                f'<line x1="0" y1="{middle}" x2="{cell}" y2="{middle}" stroke="#000" stroke-width="0.25"/>'
            )
            turn = "45"
        else:
            marks = f'<circle cx="{middle}" cy="{middle}" r="0.32" fill="#000"/>'
            turn = "0"
        defs.append(
            f'<pattern id="{ident}" patternUnits="userSpaceOnUse" width="{cell}" height="{cell}" '
            f'patternTransform="rotate({turn})">{ground}{marks}</pattern>'
        )
    return "".join(defs), fills


def _legend(groups: list[str], fills: list[str], top: float) -> tuple[str, float]:
    """Swatches and group names flowing in lines across the width; the y below them."""
    swatch_width, swatch_height, spacing = 6.0, 3.4, 4.0
    height = max(swatch_height, SMALL_LINE) + 1.2
    x, y = 0.0, top
    parts = []
    for group, fill in zip(groups, fills, strict=True):
        name = _shorten(group, WIDTH - swatch_width - 1.5, SMALL_SIZE)
        width = swatch_width + 1.5 + _text_width(name, SMALL_SIZE)
        if x > 0 and x + width > WIDTH:
            x, y = 0.0, y + height
        centre = y + height / 2
        item = _rect(
            x, centre - swatch_height / 2, swatch_width, swatch_height, fill, cls="chart-swatch"
        )
        item += _text(
            x + swatch_width + 1.5,
            _baseline(centre, SMALL_SIZE),
            name,
            size=SMALL_SIZE,
            cls="chart-legend",
        )
        parts.append(f"<g><title>{_esc(group)}</title>{item}</g>" if name != group else item)
        x += width + spacing
    return "".join(parts), y + height + 1.5


def _segment_value(x: float, length: float, centre: float, value: Decimal):
    """The points of one segment inside it and the white ground (x, y, width, height) to lay
    under them, so hatching never hides them; None when they do not fit."""
    text = points_label(value)
    width = _text_width(text, SMALL_SIZE)
    if width + 2 > length:
        return None
    middle = x + length / 2
    ground = (middle - width / 2 - 0.6, centre - SMALL_SIZE * 0.5, width + 1.2, SMALL_SIZE)
    return ground, _text(
        middle,
        _baseline(centre, SMALL_SIZE),
        text,
        size=SMALL_SIZE,
        anchor="middle",
        cls="chart-segment-value",
    )


# ---------------------------------------------------------------------------------------------
# Change from last year


def change_chart(rows, *, title="") -> SafeString:
    """Diverging bars of each agency's change in points from last year, with its rank move.

    Gains go right of the zero axis and losses left, both on the scale of the largest change;
    an agency without last year's points shows no bar and "mới" as its rank move.
    """
    rows = [
        ChangeRow(_clean(row.label), row.before, row.after, row.rank_before, row.rank_after)
        for row in rows
    ]
    title = _clean(title)
    if not rows:
        return _empty(title)
    changes = [_change(row) for row in rows]
    largest = max((abs(change) for change in changes if change is not None), default=Decimal(0))
    scale = largest if largest > 0 else None
    prefix = _prefix("change", rows, title)
    loss_fill = f"url(#{prefix}-loss)"
    defs = (
        f'<pattern id="{prefix}-loss" patternUnits="userSpaceOnUse" width="1.4" height="1.4" '
        'patternTransform="rotate(45)"><rect width="1.4" height="1.4" fill="#fff"/>'
        '<line x1="0.7" y1="0" x2="0.7" y2="1.4" stroke="#000" stroke-width="0.3"/></pattern>'
    )

    change_texts = [_change_text(row, change) for row, change in zip(rows, changes, strict=True)]
    score_texts = [f"{_points_or_dash(row.before)} → {_points_or_dash(row.after)}" for row in rows]
    rank_texts = ["—" if row.rank_after is None else str(row.rank_after) for row in rows]
    move_texts = [_rank_move(row) for row in rows]

    score_caption, rank_caption, change_caption = _("Điểm"), _("Hạng"), _("Chênh lệch")
    move_width = max(_text_width(text, TEXT_SIZE) for text in move_texts + ["↑99"])
    rank_width = max(_text_width(text, TEXT_SIZE) for text in rank_texts + ["99"])
    rank_column = max(rank_width + 1.5 + move_width, _text_width(rank_caption, SMALL_SIZE))
    score_column = max(
        max(_text_width(text, TEXT_SIZE) for text in score_texts),
        _text_width(score_caption, SMALL_SIZE),
    )
    rank_right = WIDTH - move_width - 1.5
    rank_left = WIDTH - rank_column
    score_right = rank_left - 4
    score_left = score_right - score_column
    area_left, area_right = LABEL_WIDTH + GAP, score_left - 4
    zero = (area_left + area_right) / 2
    reserve = max(_text_width(text, TEXT_SIZE) for text in change_texts) + 1.5
    half = max((area_right - area_left) / 2 - reserve, 1.0)

    heading, top = _title_block(title, 1)
    caption_y = top + SMALL_SIZE
    body = [
        heading,
        _text(zero, caption_y, change_caption, size=SMALL_SIZE, anchor="middle", style="italic"),
        _text(score_right, caption_y, score_caption, size=SMALL_SIZE, anchor="end", style="italic"),
        _text(WIDTH, caption_y, rank_caption, size=SMALL_SIZE, anchor="end", style="italic"),
    ]
    y = rows_top = caption_y + 1.5
    # Losses are one hatched shape and gains one grey shape, under the text.
    losses, gains, labels = [], [], []
    for row, lines, change, change_text, score_text, rank_text, move_text in zip(
        rows,
        _row_lines([row.label for row in rows]),
        changes,
        change_texts,
        score_texts,
        rank_texts,
        move_texts,
        strict=True,
    ):
        height = _row_height(lines)
        centre = y + height / 2
        baseline = _baseline(centre, TEXT_SIZE)
        labels.append(_label_block(row.label, lines, 0, centre))
        if change is None:
            labels.append(
                _text(zero + 1.2, baseline, change_text, style="italic", cls="chart-change")
            )
        else:
            length = half * _fraction(abs(change), scale)
            if change < 0:
                losses.append((zero - length, centre - BAR_HEIGHT / 2, length, BAR_HEIGHT))
                labels.append(
                    _text(
                        zero - length - 1.2, baseline, change_text, anchor="end", cls="chart-change"
                    )
                )
            else:
                if length:
                    gains.append((zero, centre - BAR_HEIGHT / 2, length, BAR_HEIGHT))
                labels.append(_text(zero + length + 1.2, baseline, change_text, cls="chart-change"))
        labels.append(_text(score_right, baseline, score_text, anchor="end", cls="chart-scores"))
        labels.append(_text(rank_right, baseline, rank_text, anchor="end", cls="chart-rank"))
        labels.append(_text(WIDTH, baseline, move_text, anchor="end", cls="chart-rank-move"))
        y += height
    body.append(_bars(losses, loss_fill, cls="chart-loss"))
    body.append(_bars(gains, GAIN_FILL, cls="chart-gain"))
    body.extend(labels)
    body.append(_line(zero, rows_top, zero, y, cls="chart-axis"))

    summary = _(
        "%(title)s. %(up)s cơ quan tăng điểm, %(down)s cơ quan giảm điểm, %(same)s cơ quan "
        "không đổi, %(new)s cơ quan chưa có điểm năm trước."
    ) % {
        "title": title or _("Thay đổi so với năm trước"),
        "up": sum(1 for change in changes if change is not None and change > 0),
        "down": sum(1 for change in changes if change is not None and change < 0),
        "same": sum(1 for change in changes if change is not None and change == 0),
        "new": sum(1 for row in rows if row.before is None),
    }
    moved = [
        (change, row.label, text)
        for row, change, text in zip(rows, changes, change_texts, strict=True)
        if change
    ]
    if moved and max(moved)[0] > 0:
        summary += " " + _("Tăng nhiều nhất: %(agency)s, %(change)s.") % {
            "agency": max(moved)[1],
            "change": max(moved)[2],
        }
    if moved and min(moved)[0] < 0:
        summary += " " + _("Giảm nhiều nhất: %(agency)s, %(change)s.") % {
            "agency": min(moved)[1],
            "change": min(moved)[2],
        }
    return _svg(y + 1.5, summary, "".join(body), defs)


def _change(row: ChangeRow) -> Decimal | None:
    if row.before is None or row.after is None:
        return None
    return Decimal(row.after) - Decimal(row.before)


def _change_text(row: ChangeRow, change: Decimal | None) -> str:
    """ "+2,5", "−1,25" (a true minus sign), "0"; or why there is no change to show."""
    if change is None:
        return _("chưa có điểm") if row.after is None else ""
    if change > 0:
        return "+" + points_label(change)
    if change < 0:
        return MINUS + points_label(-change)
    return points_label(change)


def _points_or_dash(value: Decimal | None) -> str:
    return "—" if value is None else points_label(value)


def _rank_move(row: ChangeRow) -> str:
    """ "↑2" for two places up, "↓1" down, "=" the same place, "mới" with no rank last year."""
    if row.rank_before is None:
        return _("mới")
    if row.rank_after is None:
        return "—"
    move = row.rank_before - row.rank_after
    if move > 0:
        return f"↑{move}"
    if move < 0:
        return f"↓{-move}"
    return "="
