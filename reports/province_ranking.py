"""The board's cross-bloc ranking: every agency of every bloc of a council, in its bloc's ranking.

Each bloc's ranking is its own, as its ranking page computes it (``campaigns.selectors``), read
for many blocs at once with ``load_periods``. Totalling every score line of a province costs time
in proportion to the lines, so the rows of each bloc are kept in the cache and only the blocs
whose scores changed are totalled again:

- the latest entry of each audit trail the rankings are made from is read first (one query);
- when only scores, cards or periods moved, the periods touched since the rows were made (less a
  margin, so that a transaction committed late is still seen) are totalled again, the others kept;
- when anything else moved (rules, criteria, agencies, memberships, blocs, a closed ballot whose
  votes break ties), every bloc is totalled again;
- nothing moved: the rows are used as they are, and looked over again every ``RECHECK``.

A write that bypasses the audit trail (a queryset ``update()``) is seen when the entry expires
after ``CACHE_SECONDS``.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from awards.models import AwardRule, Ballot
from blocs.models import Agency, Bloc, BlocTerm, Membership
from blocs.vnsort import fold, vietnamese_sort_key
from campaigns import ranking as ranking_rules
from campaigns import selectors
from campaigns.models import (
    CriteriaTable,
    Criterion,
    Period,
    Scorecard,
    ScoreLine,
    ScoringRules,
)

CACHE_SECONDS = 3600
RECHECK = datetime.timedelta(minutes=5)
MARGIN = datetime.timedelta(minutes=5)

# Trails whose changes touch known periods, then those that may touch any.
FAST_TRAILS = (ScoreLine, Scorecard, Period)
# An award rule decides which award's votes break ties (the leading one).
SLOW_TRAILS = (
    ScoringRules,
    Criterion,
    CriteriaTable,
    Agency,
    Membership,
    Bloc,
    BlocTerm,
    AwardRule,
)


class RankRow(NamedTuple):
    """One agency in one bloc's ranking of a period (``rank`` None: its card is not in)."""

    agency_id: int
    name: str
    abbreviation: str
    sort_key: str
    kind: str
    bloc_id: int
    bloc_code: str
    bloc_name: str
    rank: int | None
    ranked: int  # how many agencies the bloc ranked
    band_code: str
    band_label: str
    total: Decimal | None
    agreed: bool  # the bloc's period is agreed: its ranking is final, not forming
    province_rank: int | None  # by total alone, among every ranked agency of the council

    @property
    def kind_label(self) -> str:
        return str(Agency.Kind(self.kind).label) if self.kind in Agency.Kind.values else ""


@dataclass
class CrossRanking:
    rows: list  # [RankRow], every agency of every bloc with the period
    blocs: list  # [(id, name)] of the blocs with the period, in Vietnamese order
    bands: list  # [(code, label)] met in the rows, highest band first
    thresholds: list  # [(label, min)] when every bloc classifies with the same bands
    orders: dict = field(default_factory=dict)  # a key of SORTS → the rows in that order
    without_period: int = 0  # blocs whose year has no period of this kind


@dataclass
class _Stored:
    marks: tuple
    made_at: datetime.datetime
    # When every bloc was last totalled: past CACHE_SECONDS they all are again, so a write the
    # trails do not record shows within that time even on a page read every few minutes.
    built_at: datetime.datetime
    periods: dict  # period id → (bands, [RankRow]) of its bloc
    result: CrossRanking
    token: str


# The latest rows each process read, by cache key: (token, CrossRanking).
_memo: dict = {}


def _marks() -> tuple:
    """The latest entry of each trail and the latest closed ballot, in one query."""
    parts = []
    for model in FAST_TRAILS + SLOW_TRAILS:
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX(history_id) FROM {table})")
        parts.append(f"(SELECT MAX(history_date) FROM {table})")
    ballots = connection.ops.quote_name(Ballot._meta.db_table)
    closed = connection.ops.quote_name("closed_at")
    parts.append(f"(SELECT MAX({closed}) FROM {ballots})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(str(v) for v in cursor.fetchone())


FAST = 2 * len(FAST_TRAILS)


def _touched_since(since, period_ids) -> set:
    """The periods whose lines, cards or own row changed since ``since`` (three queries)."""
    lines = ScoreLine.history.filter(history_date__gte=since).values("scorecard_id")
    touched = set(
        Scorecard.objects.filter(period_id__in=period_ids, pk__in=lines)
        .order_by()
        .values_list("period_id", flat=True)
        .distinct()
    )
    touched |= set(
        Scorecard.history.filter(history_date__gte=since, period_id__in=period_ids)
        .order_by()
        .values_list("period_id", flat=True)
        .distinct()
    )
    touched |= set(
        Period.history.filter(history_date__gte=since, id__in=period_ids)
        .order_by()
        .values_list("id", flat=True)
        .distinct()
    )
    return touched


def cross_ranking(council, *, year, kind=Period.Kind.ANNUAL) -> CrossRanking:
    """Every agency of every bloc of ``council`` in its bloc's ranking of the year's ``kind``.

    One query when nothing changed; otherwise those of the blocs to total again, the same
    number whatever the number of blocs.
    """
    now = timezone.now()
    marks = _marks()
    key = f"province-ranking:{council.pk}:{year}:{kind}"
    token = cache.get(f"{key}:token")
    if token is not None and token[0] == marks and now - token[1] < RECHECK:
        # The rows of this process are reused as they are; another process's are read once.
        memo = _memo.get(key)
        if memo is not None and memo[0] == token[2]:
            return memo[1]
        stored = cache.get(key)
        if stored is not None and stored.token == token[2]:
            _memo[key] = (stored.token, stored.result)
            return stored.result
    stored = cache.get(key)
    this_year = BlocTerm.objects.filter(bloc__council=council, year=year).order_by()
    # The number of the year's terms is read beside the periods, in the same query.
    periods = list(
        Period.objects.filter(term__bloc__council=council, term__year=year, kind=kind)
        .select_related("term__bloc")
        .annotate(
            terms_this_year=Subquery(
                this_year.values("year").annotate(n=Count("pk")).values("n"), IntegerField()
            )
        )
        .order_by("pk")
    )
    ids = [p.pk for p in periods]
    expired = stored is not None and now - stored.built_at > datetime.timedelta(
        seconds=CACHE_SECONDS
    )
    if stored is None or expired or stored.marks[FAST:] != marks[FAST:]:
        kept, stale = {}, set(ids)
        built_at = now
    else:
        built_at = stored.built_at
        kept = stored.periods
        stale = {pk for pk in ids if pk not in kept}
        stale |= _touched_since(stored.made_at - MARGIN, ids)
    fresh = _period_rows([p for p in periods if p.pk in stale])
    by_period = {pk: fresh[pk] if pk in fresh else kept[pk] for pk in ids}
    result = (
        stored.result
        if stored is not None and not stale and not expired and set(ids) == set(stored.periods)
        else _assemble([by_period[pk] for pk in ids])
    )
    # A bloc has one term a year, so the terms without a period are the others.
    with_period = {p.term.bloc_id for p in periods}
    result.without_period = (
        periods[0].terms_this_year - len(with_period) if periods else this_year.count()
    )
    stored = _Stored(
        marks=marks,
        made_at=now,
        built_at=built_at,
        periods=by_period,
        result=result,
        token=uuid.uuid4().hex,
    )
    cache.set(key, stored, CACHE_SECONDS)
    cache.set(f"{key}:token", (marks, now, stored.token), CACHE_SECONDS)
    _memo[key] = (stored.token, result)
    return result


def _period_rows(periods) -> dict:
    """Each period's bands and rows, by period id (``load_periods`` and one query)."""
    if not periods:
        return {}
    loaded = selectors.load_periods(periods)
    agency_ids = {
        a.id
        for data in loaded.values()
        for a in [c.agency for c in data.cards] + list(data.unsubmitted)
    }
    kinds = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "kind"))
    out = {}
    for period in periods:
        data = loaded[period.pk]
        bloc = period.term.bloc
        agreed = period.status == Period.Status.AGREED
        common = (bloc.pk, bloc.code, bloc.name)
        rows = [
            RankRow(
                r.row.agency_id,
                r.row.name,
                r.row.abbreviation,
                r.row.sort_key,
                kinds.get(r.row.agency_id, ""),
                *common,
                r.rank,
                len(data.ranked),
                r.band.code if r.band else "",
                r.band.label if r.band else "",
                r.row.total,
                agreed,
                None,
            )
            for r in data.ranked
        ]
        rows += [
            RankRow(
                *(a.id, a.name, a.abbreviation, a.sort_key, kinds.get(a.id, "")),
                *common,
                *(None, len(data.ranked), "", "", None, agreed, None),
            )
            for a in data.unsubmitted
        ]
        bands = tuple((b.code, b.label, b.min) for b in data.rules.parsed_bands)
        out[period.pk] = (bands, rows)
    return out


def _assemble(per_period) -> CrossRanking:
    """The council's rows with their province rank, its blocs and its bands."""
    rows = [r for _bands, period_rows in per_period for r in period_rows]
    band_sets = {bands for bands, _rows in per_period}
    labels = {}
    for bands in band_sets:
        for code, label, minimum in bands:
            labels.setdefault(code, (minimum, label))
    blocs = sorted(
        {(r.bloc_id, r.bloc_name) for r in rows}, key=lambda b: (vietnamese_sort_key(b[1]), b[0])
    )
    rows = with_province_rank(rows)
    return CrossRanking(
        rows=rows,
        orders={sort: _ordered(rows, sort) for sort in SORTS},
        blocs=blocs,
        bands=[
            (code, label) for code, (_m, label) in sorted(labels.items(), key=lambda b: -b[1][0])
        ],
        thresholds=(
            [(label, minimum) for _c, label, minimum in next(iter(band_sets))]
            if len(band_sets) == 1
            else []
        ),
    )


def with_province_rank(rows) -> list:
    """Each ranked row with its standard competition rank by total across the council.

    Blocs score against tables of their own and break ties by rules of their own, so across
    blocs the total alone orders: ``campaigns.ranking.rank`` with no tie-break.
    """
    inputs = [
        ranking_rules.RankInput(
            agency_id=index,
            name=r.name,
            sort_key=r.sort_key,
            base=r.total,
            bonus=Decimal(0),
            penalty=Decimal(0),
            total=r.total,
        )
        for index, r in enumerate(rows)
        if r.total is not None
    ]
    ranks = {x.agency_id: x.rank for x in ranking_rules.rank(inputs, tie_breaks=[], bands=[])}
    return [r._replace(province_rank=ranks.get(index)) for index, r in enumerate(rows)]


SORTS = {
    "total": _lazy("Tổng điểm cao đến thấp"),
    "total_asc": _lazy("Tổng điểm thấp đến cao"),
    "bloc": _lazy("Theo khối, rồi thứ hạng trong khối"),
}


def _ordered(rows, sort) -> list:
    """``rows`` in the order ``sort`` names; agencies whose card is not in come last."""
    if sort == "bloc":
        order = {}
        return sorted(
            rows,
            key=lambda r: (
                order.setdefault(r.bloc_id, (vietnamese_sort_key(r.bloc_name), r.bloc_id)),
                r.rank is None,
                r.rank or 0,
                r.sort_key,
                r.agency_id,
            ),
        )
    sign = 1 if sort == "total_asc" else -1
    return sorted(
        rows,
        key=lambda r: (r.total is None, sign * (r.total or 0), r.sort_key, r.bloc_id, r.agency_id),
    )


def filter_ranking(found, *, bloc="", band="", kind="", query="", sort="total") -> list:
    """The rows of ``found`` (a ``CrossRanking``) of the blocs named like ``bloc``, of ``band``
    and agency ``kind``, named like ``query``, in the order of ``sort``."""
    rows = found.orders.get(sort) or found.orders["total"]
    if bloc:
        needle = fold(bloc)
        ids = {pk for pk, name in found.blocs if needle in fold(name)}
        rows = [r for r in rows if r.bloc_id in ids]
    if band:
        rows = [r for r in rows if r.band_code == band]
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if query:
        needle = fold(query)
        rows = [r for r in rows if needle in fold(r.name) or needle in fold(r.abbreviation)]
    return rows


def band_counts(rows, bands) -> list[tuple[str, int]]:
    """How many of ``rows`` fall in each band, and how many are not ranked."""
    counts = {code: 0 for code, _label in bands}
    missing = 0
    for r in rows:
        if r.band_code in counts:
            counts[r.band_code] += 1
        elif r.rank is None:
            missing += 1
    out = [(label, counts[code]) for code, label in bands]
    if missing:
        out.append((_("Chưa nộp phiếu"), missing))
    return out
