"""Points read the Vietnamese way on every page and document: "4,75", "90", "—" for none."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from campaigns.models import Period, ScoreLineChange
from campaigns.services.points import LocalisedNumbers, points_label
from campaigns.templatetags.points import points
from campaigns.tests.review_helpers import line, make_cards, make_period, make_table

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
POINT_WORDS = r"(points|total|base|bonus|penalty|max|cap|group_sum|group_max|value)"


@pytest.mark.parametrize(
    "value, vi, en",
    [
        (Decimal("4.75"), "4,75", "4.75"),
        (Decimal("90.00"), "90", "90"),
        (Decimal("0"), "0", "0"),
        (None, "—", "—"),
        ("", "—", "—"),
        ("91", "91", "91"),
        ("4.5", "4,5", "4.5"),
        (3, "3", "3"),
        (2.5, "2,5", "2.5"),
        ("giải trình", "giải trình", "giải trình"),
    ],
)
def test_points_filter_writes_points_as_people_read_them(value, vi, en):
    with translation.override("vi"):
        assert points(value) == vi
    with translation.override("en"):
        assert points(value) == en


def test_filter_and_grid_share_the_one_formatter():
    with translation.override("vi"):
        rendered = Template("{% load points %}{{ v|points }}").render(
            Context({"v": Decimal("97.50")})
        )
        assert rendered == points_label(Decimal("97.50")) == "97,5"
        assert LocalisedNumbers()(Decimal("4.75")) == "4,75"


def _scored(bloc_world):
    term = bloc_world.term
    table = make_table(term)
    period = make_period(term, Period.Kind.ANNUAL, Period.Status.AGREED)
    cards = make_cards(period, table, points={bloc_world.d: {"1.1": "4.75"}})
    return term, period, cards


def test_score_history_shows_points_with_a_decimal_comma(client, bloc_world):
    term, period, cards = _scored(bloc_world)
    card = cards[bloc_world.d]
    ScoreLineChange.objects.create(
        line=line(card, "1.1"),
        layer=ScoreLineChange.Layer.SELF,
        old_value="91",
        new_value="4.75",
        changed_by=bloc_world.member_head,
    )
    client.force_login(bloc_world.member_head)
    url = reverse(
        "campaigns:scorecard_history", args=[term.bloc.code, term.year, period.kind, card.pk]
    )
    page = client.get(url).content.decode()
    assert ">91<" in page
    assert ">4,75<" in page
    assert "4.75" not in page


def test_periods_table_and_ranking_show_points_with_a_decimal_comma(client, bloc_world):
    term, period, cards = _scored(bloc_world)
    client.force_login(bloc_world.secretariat)
    # 4,75 for 1.1 and 24 for 1.2, 2.1 and 2.2: 76,75 in all.
    periods = client.get(reverse("campaigns:period_list", args=[term.bloc.code, term.year]))
    assert "76,75" in periods.content.decode()
    ranking = client.get(
        reverse("campaigns:ranking", args=[term.bloc.code, term.year, period.kind])
    ).content.decode()
    assert ">76,75<" in ranking
    assert "76.75" not in ranking and "76,75<" in ranking
    # Whole points lose their decimals: 96 for every other agency.
    assert ">96<" in ranking and "96,00" not in ranking


def test_ranking_shows_points_with_a_dot_in_english(client, bloc_world):
    term, period, cards = _scored(bloc_world)
    client.force_login(bloc_world.secretariat)
    client.cookies["django_language"] = "en"
    url = reverse("campaigns:ranking", args=[term.bloc.code, term.year, period.kind])
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert ">76.75<" in page and "76,75" not in page


# Values a view has already passed through ``points_label`` (the grid formats each distinct
# number once, ``LocalisedNumbers``), and the grid's placeholder for a missing layer.
PREFORMATTED = re.compile(r"cell\.values\.\w+|cell\.one|row\.total|t\.text")
# Inside an HTML attribute a value is for the page's script, not for reading.
IN_ATTRIBUTE = re.compile(r"[\w-]+=[\"']\{\{[^}]*\}\}")


# What a template prints: its ``{{ … }}`` and the values given to ``{% blocktranslate with %}``.
PRINTED = re.compile(r"\{\{.*?\}\}|\{%\s*blocktranslate.*?%\}")


def _shown(text):
    return " ".join(PRINTED.findall(IN_ATTRIBUTE.sub("", text)))


def _lines():
    for path in TEMPLATES.rglob("*.html"):
        if "admin" in path.parts:
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(TEMPLATES)}:{number}", _shown(text)


def test_no_template_formats_points_itself():
    """Every point shown goes through ``|points``; no template formats one by hand."""
    by_hand = re.compile(
        r"\b([\w.]*" + POINT_WORDS + r"[\w.]*)\|(floatformat|stringformat|default_if_none)"
    )
    offences = [
        f"{where}: {match.group(0)}"
        for where, text in _lines()
        for match in by_hand.finditer(text)
        if not PREFORMATTED.fullmatch(match.group(1)) and "form." not in match.group(1)
    ]
    offences += [f"{where}: floatformat" for where, text in _lines() if "floatformat" in text]
    assert offences == []


def test_the_check_sees_points_formatted_by_hand():
    assert "floatformat" in _shown('<td>{{ r.total|floatformat:"-2" }}</td>')
    assert "stringformat" not in _shown('{% if a|stringformat:"s" == b %}')
    assert _shown('<i data-max="{{ c.max_points }}">') == ""


def test_no_template_shows_raw_points():
    """Plain ``{{ line.self_points }}`` (Django's "90,00") is shown by no template."""
    raw = re.compile(
        r"\{\{\s*([\w.]*(_points|\.total|\.base|\.bonus|\.penalty|\.min|_step|_max|_cap))\s*\}\}"
    )
    offences = [
        f"{where}: {match.group(0)}"
        for where, text in _lines()
        for match in raw.finditer(text)
        if not PREFORMATTED.fullmatch(match.group(1))
    ]
    assert offences == []
