import re
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

import pdfplumber
import pytest

from reports.charts import (
    PT,
    ChangeRow,
    ChartRow,
    change_chart,
    group_chart,
    totals_chart,
)
from reports.rendering import html_to_pdf

SVG = "{http://www.w3.org/2000/svg}"

AGENCIES = [
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Đảng ủy các cơ quan Đảng tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Trị",
    "Báo và Phát thanh, Truyền hình Quảng Trị",
    "Trường Chính trị Lê Duẩn",
    "Đảng ủy Ủy ban nhân dân tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn Quảng Trị",
    "Liên đoàn Lao động tỉnh",
    "Hội Cựu chiến binh tỉnh và các tổ chức chính trị - xã hội trực thuộc Tỉnh ủy Quảng Trị",
]
BANDS = [("Xuất sắc", Decimal("95")), ("Tốt", Decimal("85")), ("Khá", Decimal("70"))]
GROUPS = ["Nhiệm vụ chính trị", "Xây dựng Đảng, đoàn thể", "Cải cách hành chính", "Điểm thưởng"]


def parse(svg):
    return ElementTree.fromstring(str(svg))


BAR = re.compile(r"M([-\d.]+) ([-\d.]+)H([-\d.]+)V([-\d.]+)H([-\d.]+)z")


def rects(root, cls):
    """The rectangles of a class: ``<rect>``s, and the bars of a series drawn as one path."""
    found = []
    for node in root.iter():
        if node.get("class") != cls:
            continue
        if node.tag == f"{SVG}rect":
            found.append(node)
        elif node.tag == f"{SVG}path":
            for x, y, right, bottom, back in BAR.findall(node.get("d")):
                assert back == x
                width, height = float(right) - float(x), float(bottom) - float(y)
                found.append(
                    {
                        "x": x,
                        "y": y,
                        "width": f"{width:g}",
                        "height": f"{height:g}",
                        "fill": node.get("fill"),
                    }
                )
    return found


def texts(root, cls=None):
    return [
        "".join(node.itertext())
        for node in root.iter(f"{SVG}text")
        if cls is None or node.get("class") == cls
    ]


def fourteen_totals():
    rows = [
        ChartRow(name, Decimal("99.5") - Decimal(index) * Decimal("2.25"))
        for index, name in enumerate(AGENCIES)
    ]
    rows[12] = ChartRow(AGENCIES[12], None)
    return totals_chart(rows, maximum=Decimal("100"), thresholds=BANDS, title="Tổng điểm năm 2025")


def fourteen_groups():
    values = [
        [Decimal(55 - index), Decimal("18.5"), Decimal(15), Decimal(3) if index % 2 else None]
        for index in range(len(AGENCIES))
    ]
    return group_chart(AGENCIES, GROUPS, values, title="Điểm theo nhóm tiêu chí")


def fourteen_changes():
    rows = [
        ChangeRow(
            name,
            None if index == 3 else Decimal(90) - index,
            Decimal(90) - index + Decimal(index % 3) - 1,
            None if index == 3 else (index + 1) % 14 + 1,
            index + 1,
        )
        for index, name in enumerate(AGENCIES)
    ]
    return change_chart(rows, title="Thay đổi so với năm 2024")


def test_totals_chart_is_an_svg_as_wide_as_the_a4_body_and_says_what_it_shows():
    root = parse(totals_chart([ChartRow("Văn phòng Tỉnh ủy", Decimal("96.5"))], maximum=100))

    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "160mm"
    assert root.get("height").endswith("mm")
    assert root.get("viewBox").startswith("0 0 160 ")
    assert root.get("role") == "img"
    assert root.get("font-family") == "Tinos"
    summary = root.find(f"{SVG}title").text
    assert root.get("aria-label") == summary
    assert "Văn phòng Tỉnh ủy" in summary and "96,5" in summary


def test_the_chart_grows_with_its_rows():
    one = parse(totals_chart([ChartRow("A", Decimal(1))], maximum=10))
    many = parse(totals_chart([ChartRow(str(n), Decimal(n)) for n in range(10)], maximum=10))

    assert float(many.get("height")[:-2]) > float(one.get("height")[:-2])
    assert many.get("viewBox").split()[3] == many.get("height")[:-2]


def test_totals_bars_are_proportional_to_the_points():
    rows = [ChartRow("A", Decimal(100)), ChartRow("B", Decimal(50)), ChartRow("C", Decimal(25))]
    bars = rects(parse(totals_chart(rows, maximum=Decimal(100))), "chart-bar")

    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.02)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.02)
    assert len({bar.get("x") for bar in bars}) == 1


def test_totals_bars_stop_at_the_maximum_and_at_zero():
    rows = [ChartRow("A", Decimal(50)), ChartRow("B", Decimal(120)), ChartRow("C", Decimal(-5))]
    widths = [
        float(bar.get("width"))
        for bar in rects(parse(totals_chart(rows, maximum=100)), "chart-bar")
    ]

    assert widths[1] == pytest.approx(widths[0] * 2, abs=0.02)
    assert widths[2] == 0


def test_points_are_printed_with_the_decimal_comma():
    root = parse(totals_chart([ChartRow("A", Decimal("98.75"), note="Xuất sắc")], maximum=100))

    assert texts(root, "chart-value") == ["98,75"]
    assert texts(root, "chart-note") == ["Xuất sắc"]


def test_thresholds_are_dashed_lines_at_their_points():
    rows = [ChartRow("A", Decimal(100)), ChartRow("B", Decimal(95))]
    root = parse(totals_chart(rows, maximum=Decimal(100), thresholds=BANDS))
    full, at_band = rects(root, "chart-bar")
    x0, width = float(full.get("x")), float(full.get("width"))
    lines = [line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-threshold"]

    assert [float(line.get("x1")) for line in lines] == [
        pytest.approx(x0 + width * share, abs=0.02) for share in (0.95, 0.85, 0.70)
    ]
    assert float(lines[0].get("x1")) == pytest.approx(x0 + float(at_band.get("width")), abs=0.02)
    assert all(line.get("stroke-dasharray") for line in lines)
    assert texts(root, "chart-threshold-label") == ["Xuất sắc (95)", "Tốt (85)", "Khá (70)"]


def test_thresholds_beyond_the_maximum_are_left_out():
    root = parse(totals_chart([ChartRow("A", Decimal(8))], maximum=10, thresholds=[("Cao", 95)]))

    assert texts(root, "chart-threshold-label") == []


def test_labels_are_escaped_everywhere():
    hostile = 'Ban <b>"Tổ chức"</b> & Tỉnh ủy'
    charts = [
        totals_chart([ChartRow(hostile, Decimal(5), note="<&>")], maximum=10, title="<&>"),
        group_chart([hostile], ["<nhóm & 1>"], [[Decimal(3)]], title="<&>"),
        change_chart([ChangeRow(hostile, Decimal(1), Decimal(2), 1, 1)], title="<&>"),
    ]
    for chart in charts:
        root = parse(chart)
        assert "<b>" not in str(chart)
        assert "&lt;b&gt;" in str(chart)
        assert hostile in texts(root, "chart-label")
        assert hostile in root.get("aria-label")
        assert root.find(f"{SVG}b") is None and not list(root.iter("b"))


def test_a_row_without_points_says_so_and_draws_no_bar():
    rows = [ChartRow("A", Decimal(7)), ChartRow("B", None)]
    root = parse(totals_chart(rows, maximum=10))

    assert len(rects(root, "chart-bar")) == 1
    assert texts(root, "chart-value") == ["7", "chưa có điểm"]


@pytest.mark.parametrize("maximum", [0, None, Decimal(0)])
def test_all_rows_without_points_and_no_maximum_still_draw(maximum):
    root = parse(
        totals_chart([ChartRow("A", None), ChartRow("B", None)], maximum=maximum, thresholds=BANDS)
    )

    assert texts(root, "chart-value") == ["chưa có điểm", "chưa có điểm"]
    assert "chưa có điểm" in root.get("aria-label")


def test_a_zero_maximum_falls_back_to_the_highest_points():
    rows = [ChartRow("A", Decimal(0)), ChartRow("B", Decimal(0))]
    assert [
        bar.get("width") for bar in rects(parse(totals_chart(rows, maximum=0)), "chart-bar")
    ] == ["0", "0"]

    rows = [ChartRow("A", Decimal(4)), ChartRow("B", Decimal(2))]
    bars = rects(parse(totals_chart(rows, maximum=0)), "chart-bar")
    assert float(bars[1].get("width")) == pytest.approx(float(bars[0].get("width")) / 2, abs=0.02)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: totals_chart([], maximum=100, title="Tổng điểm"),
        lambda: group_chart([], GROUPS, []),
        lambda: group_chart(["A"], [], [[]]),
        lambda: change_chart([]),
    ],
)
def test_no_data_gives_a_small_chart_that_says_so(chart):
    root = parse(chart())

    assert "Chưa có số liệu" in texts(root)
    assert root.get("width") == "160mm"
    assert float(root.get("height")[:-2]) < 25
    assert "Chưa có số liệu" in root.get("aria-label")


def test_long_names_wrap_onto_two_lines_or_are_shortened_with_the_full_name_kept():
    root = parse(totals_chart([ChartRow(name, Decimal(90)) for name in AGENCIES], maximum=100))
    lines = texts(root, "chart-label")

    assert "Văn phòng Tỉnh ủy" in lines
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Trị" not in lines
    assert any(line.startswith("Ủy ban Mặt trận") for line in lines)
    assert any(line.endswith("…") for line in lines)
    tooltips = [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]
    assert AGENCIES[-1] in tooltips


def test_text_is_printed_no_smaller_than_eight_points():
    for chart in (fourteen_totals(), fourteen_groups(), fourteen_changes()):
        root = parse(chart)
        sizes = [float(node.get("font-size")) for node in root.iter() if node.get("font-size")]
        assert min(sizes) >= 8 * PT - 0.01


def test_the_same_input_draws_the_same_chart():
    assert str(fourteen_totals()) == str(fourteen_totals())
    assert str(fourteen_groups()) == str(fourteen_groups())
    assert str(fourteen_changes()) == str(fourteen_changes())


def test_group_chart_stacks_each_agency_s_groups_to_scale():
    values = [[Decimal(40), Decimal(20)], [Decimal(20), None]]
    root = parse(group_chart(["A", "B"], ["Nhóm 1", "Nhóm 2"], values))
    first, second, third = (float(rect.get("width")) for rect in rects(root, "chart-segment"))

    assert second == pytest.approx(first / 2, abs=0.02)
    assert third == pytest.approx(first / 2, abs=0.02)
    assert texts(root, "chart-value") == ["60", "20"]
    assert texts(root, "chart-legend") == ["Nhóm 1", "Nhóm 2"]


def test_groups_are_told_apart_without_colour():
    root = parse(group_chart(["A"], [f"Nhóm {n}" for n in range(8)], [[Decimal(1)] * 8]))
    fills = [rect.get("fill") for rect in rects(root, "chart-swatch")]

    assert len(set(fills)) == 8
    for fill in fills:
        grey = fill.startswith("#") and fill[1:3] == fill[3:5] == fill[5:7]
        assert grey or fill.startswith("url(#")
    patterns = {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")}
    assert {fill[5:-1] for fill in fills if fill.startswith("url(")} <= patterns


def test_two_group_charts_use_their_own_pattern_ids():
    one = parse(group_chart(["A"], ["X", "Y"], [[Decimal(1), Decimal(2)]]))
    two = parse(group_chart(["B"], ["X", "Y"], [[Decimal(1), Decimal(2)]]))

    ids = lambda root: {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")}  # noqa: E731
    assert ids(one) and not ids(one) & ids(two)


def test_group_chart_with_no_points_at_all():
    root = parse(group_chart(["A", "B"], ["X", "Y"], [[None, None], [None]]))

    assert rects(root, "chart-segment") == []
    assert texts(root).count("chưa có điểm") == 2


def test_change_chart_prints_the_signed_difference_and_the_rank_move():
    rows = [
        ChangeRow("Tăng", Decimal("90"), Decimal("92.50"), 3, 1),
        ChangeRow("Giảm", Decimal("91.25"), Decimal("90"), 1, 2),
        ChangeRow("Giữ", Decimal("88"), Decimal("88"), 3, 3),
        ChangeRow("Mới", None, Decimal("80"), None, 4),
        ChangeRow("Chưa chấm", Decimal("70"), None, 5, None),
    ]
    root = parse(change_chart(rows))

    assert texts(root, "chart-change") == ["+2,5", "\u22121,25", "0", "", "chưa có điểm"]
    assert texts(root, "chart-rank-move") == ["↑2", "↓1", "=", "mới", "—"]
    assert texts(root, "chart-rank") == ["1", "2", "3", "4", "—"]
    assert texts(root, "chart-scores")[3] == "— → 80"


def test_change_chart_puts_gains_right_and_losses_left_of_zero():
    rows = [
        ChangeRow("A", Decimal(90), Decimal(94), 2, 1),
        ChangeRow("B", Decimal(90), Decimal(88), 1, 2),
    ]
    root = parse(change_chart(rows))
    axis = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-axis")
    zero = float(axis.get("x1"))
    (gain,), (loss,) = rects(root, "chart-gain"), rects(root, "chart-loss")

    assert float(gain.get("x")) == pytest.approx(zero)
    assert float(loss.get("x")) + float(loss.get("width")) == pytest.approx(zero, abs=0.02)
    assert float(loss.get("width")) == pytest.approx(float(gain.get("width")) / 2, abs=0.02)


def test_change_chart_without_any_last_year():
    rows = [ChangeRow("A", None, Decimal(5), None, 1), ChangeRow("B", None, None, None, None)]
    root = parse(change_chart(rows))

    assert rects(root, "chart-gain") == rects(root, "chart-loss") == []
    assert texts(root, "chart-rank-move") == ["mới", "mới"]


# WeasyPrint loads only /static/ files under its local origin: the fonts as the documents do.
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Tinos"; src: url("/static/fonts/Tinos-Regular.ttf"); }}
@font-face {{ font-family: "Tinos"; src: url("/static/fonts/Tinos-Bold.ttf"); font-weight: bold; }}
@font-face {{ font-family: "Tinos"; src: url("/static/fonts/Tinos-Italic.ttf"); font-style: italic; }}
@page {{ size: A4; margin: 20mm 15mm 22mm 30mm; }}
html {{ font-family: "Tinos"; font-size: 14pt; }} svg {{ display: block; }}
</style></head><body><p>Kết quả chấm điểm</p>{chart}</body></html>"""


@pytest.mark.parametrize("chart", [fourteen_totals, fourteen_groups, fourteen_changes])
def test_fourteen_agencies_print_on_one_page_with_their_names_as_text(chart):
    pdf, pages = html_to_pdf(PAGE.format(chart=chart()))

    assert pages == 1
    with pdfplumber.open(BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        # SVG text carries no space glyphs: words are told apart by their gaps alone.
        text = document.pages[0].extract_text(x_tolerance=1.5)
    assert "Văn phòng Tỉnh ủy" in text
    assert "Ban Tổ chức Tỉnh ủy" in text
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in text


def test_each_series_is_one_shape_however_many_agencies_it_has():
    # The PDF renderer builds a fill pattern again for every shape that uses it.
    root = parse(fourteen_groups())
    shapes = [node for node in root.iter() if node.get("class") == "chart-segment"]
    hatched = [node for node in root.iter() if (node.get("fill") or "").startswith("url(#")]

    assert len(shapes) == len(GROUPS)
    assert len(rects(root, "chart-segment")) == 14 * 3 + 7
    # One shape per hatched group and one legend swatch each.
    assert len(hatched) == 2 * sum(1 for node in shapes if node.get("fill").startswith("url(#"))
    totals = parse(fourteen_totals())
    assert len([node for node in totals.iter() if node.get("class") == "chart-bar"]) == 1
    assert len(rects(totals, "chart-bar")) == 13  # one agency has no points yet
    changes = parse(fourteen_changes())
    # Four agencies lose a point, four gain one, five hold theirs and one is new.
    assert len(rects(changes, "chart-loss")) == len(rects(changes, "chart-gain")) == 4
    assert all(
        len([node for node in changes.iter() if node.get("class") == cls]) <= 1
        for cls in ("chart-loss", "chart-gain")
    )
