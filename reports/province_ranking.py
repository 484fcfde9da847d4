"""The board's cross-bloc ranking: every agency of every bloc of a council, in its bloc's ranking.

Each bloc's ranking is its own, as its ranking page computes it (``campaigns.selectors``), read
for many blocs at once with ``load_periods``. Totalling every score line of a province costs time
in proportion to the lines, so the rows of each bloc are kept in the cache and only the blocs
whose scores changed are totalled again:

- the latest entry of each audit trail the rankings are made from is read first (one query);
- when only scores, cards or periods moved, the periods touched since the rows were made (less a
  margin, so that a transaction committed late is still seen) are totalled again, the others kept;
- when rules, criteria, agencies, memberships, blocs or terms moved, the periods whose bloc
  ranking the changed rows can alter are totalled again too (``_narrow_touched``, one query);
- when an award rule or a closed ballot moved (the votes that break ties), every bloc is;
- nothing moved: the rows are used as they are, and looked over again every ``RECHECK``.

A write that bypasses the audit trails (a queryset ``update()``) is seen once every bloc is
totalled again, ``CACHE_SECONDS`` after the last time: a worker does it
(``refresh_cross_rankings_task``, run by beat more often than that), and a request that finds
the rows older serves them while it asks a worker to. A request totals every bloc itself only
when nothing at all is stored.
"""

import datetime
import functools
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, IntegerField, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from awards.models import AwardRule, Ballot
from blocs.models import Agency, Bloc, BlocTerm, Membership
from blocs.vnsort import fold, vietnamese_sort_key
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
# How long an entry stays stored at all: past CACHE_SECONDS it is still served while a worker
# totals every bloc again, so that only a ranking nobody asked for in a day is built in a request.
KEEP_SECONDS = 24 * 3600
# How long a queued or running full build keeps another from starting for the same entry.
BUILD_LOCK_SECONDS = 10 * 60
RECHECK = datetime.timedelta(minutes=5)
MARGIN = datetime.timedelta(minutes=5)

logger = logging.getLogger(__name__)

# Trails whose changes touch known periods, then those whose rows lead to the periods they
# touch, then those that may touch any.
FAST_TRAILS = (ScoreLine, Scorecard, Period)
NARROW_TRAILS = (ScoringRules, Criterion, CriteriaTable, Agency, Membership, Bloc, BlocTerm)
# An award rule decides which award's votes break ties (the leading one).
SLOW_TRAILS = NARROW_TRAILS + (AwardRule,)


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


# The latest entry each process read or made, by cache key (a ``_Stored``).
_memo: dict = {}


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    """A bloc name's Vietnamese sort key, worked out once per process."""
    return vietnamese_sort_key(name)


def _marks() -> tuple:
    """The latest entry of each trail and the latest closed ballot, in one query."""
    marks = selectors.trail_marks(FAST_TRAILS + SLOW_TRAILS, latest=((Ballot, "closed_at"),))
    return tuple(str(v) for v in marks)


FAST = 2 * len(FAST_TRAILS)
NARROW = FAST + 2 * len(NARROW_TRAILS)


def _touched_since(since, period_ids) -> set:
    """The periods whose lines, cards or own row changed since ``since`` (one query)."""
    lines = ScoreLine.history.filter(history_date__gte=since).values("scorecard_id")
    by_lines = (
        Scorecard.objects.filter(period_id__in=period_ids, pk__in=lines)
        .order_by()
        .values_list("period_id", flat=True)
    )
    by_cards = (
        Scorecard.history.filter(history_date__gte=since, period_id__in=period_ids)
        .order_by()
        .values_list("period_id", flat=True)
    )
    by_periods = (
        Period.history.filter(history_date__gte=since, id__in=period_ids)
        .order_by()
        .values_list("id", flat=True)
    )
    return set(by_lines.union(by_cards, by_periods))


def _narrow_touched(since, scope) -> set:
    """The periods of ``scope`` whose bloc ranking a change since ``since`` to an agency, a
    membership, a bloc, a term, its rules or its criteria can alter (one query).

    A membership or a term touches its term's periods; an agency, the periods of the terms it
    is a member of and those it has a card in; a bloc, its terms' periods; rules, the periods of
    their bloc (a year without rules of its own follows the latest before it); a criterion or a
    table, the periods of the table's term and those with a card on it.
    """

    def recent(model):
        return model.history.filter(history_date__gte=since).order_by()

    agencies = recent(Agency).values("id")
    tables = (
        CriteriaTable.objects.filter(
            Q(pk__in=recent(CriteriaTable).values("id"))
            | Q(pk__in=recent(Criterion).values("table_id"))
        )
        .order_by()
        .values("pk")
    )
    rules_blocs = (
        BlocTerm.objects.filter(pk__in=recent(ScoringRules).values("term_id"))
        .order_by()
        .values("bloc_id")
    )
    touched = scope.filter(
        Q(term_id__in=recent(Membership).values("term_id"))
        | Q(term_id__in=Membership.objects.filter(agency_id__in=agencies).values("term_id"))
        | Q(term_id__in=recent(BlocTerm).values("id"))
        | Q(term_id__in=CriteriaTable.objects.filter(pk__in=tables).values("term_id"))
        | Q(term__bloc_id__in=recent(Bloc).values("id"))
        | Q(term__bloc_id__in=recent(BlocTerm).values("bloc_id"))
        | Q(term__bloc_id__in=rules_blocs)
        | Q(
            pk__in=Scorecard.objects.filter(Q(agency_id__in=agencies) | Q(table_id__in=tables))
            .order_by()
            .values("period_id")
        )
    )
    return set(touched.order_by().values_list("pk", flat=True))


def _key(council_id, year, kind) -> str:
    return f"province-ranking:{council_id}:{year}:{kind}"


def cross_ranking(council, *, year, kind=Period.Kind.ANNUAL, rebuild=False) -> CrossRanking:
    """Every agency of every bloc of ``council`` in its bloc's ranking of the year's ``kind``.

    One query when nothing changed; otherwise those of the blocs to total again, the same
    number whatever the number of blocs. ``rebuild`` totals every bloc again (a worker's job).
    """
    now = timezone.now()
    marks = _marks()
    key = _key(council.pk, year, kind)
    token = None if rebuild else cache.get(f"{key}:token")
    if token is not None and token[0] == marks and now - token[1] < RECHECK:
        # The rows of this process are reused as they are; another process's are read once.
        memo = _memo.get(key)
        if memo is not None and memo.token == token[2]:
            return memo.result
        stored = cache.get(key)
        if stored is not None and stored.token == token[2]:
            _memo[key] = stored
            return stored.result
    # The entry this process made or read last is the one stored unless another wrote since.
    memo = _memo.get(key)
    if rebuild:
        stored = None
    elif token is not None and memo is not None and memo.token == token[2]:
        stored = memo
    else:
        stored = cache.get(key)
    this_year = BlocTerm.objects.filter(bloc__council=council, year=year).order_by()
    scope = Period.objects.filter(term__bloc__council=council, term__year=year, kind=kind)
    # The number of the year's terms is read beside the periods, in the same query.
    periods = list(
        scope.select_related("term__bloc")
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
    if stored is None or stored.marks[NARROW:] != marks[NARROW:]:
        kept, stale = {}, set(ids)
        built_at = now
    else:
        built_at = stored.built_at
        kept = stored.periods
        since = stored.made_at - MARGIN
        stale = {pk for pk in ids if pk not in kept}
        stale |= _touched_since(since, ids)
        if stored.marks[FAST:NARROW] != marks[FAST:NARROW]:
            stale |= _narrow_touched(since, scope)
    fresh = _period_rows([p for p in periods if p.pk in stale])
    by_period = {pk: fresh[pk] if pk in fresh else kept[pk] for pk in ids}
    result = (
        stored.result
        if stored is not None and not stale and set(ids) == set(stored.periods)
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
    cache.set(key, stored, KEEP_SECONDS)
    cache.set(f"{key}:token", (marks, now, stored.token), KEEP_SECONDS)
    _memo[key] = stored
    if expired and built_at != now:
        # Served as it stands while a worker totals every bloc again (after it is stored, so
        # that a rebuild run at once, without a broker, is not written over).
        queue_rebuild(council.pk, year, kind)
    return result


def queue_rebuild(council_id, year, kind) -> bool:
    """Ask a worker to total every bloc of this ranking again, unless one was already asked.

    The flag set with ``cache.add`` (shared by every process when the cache is Redis) is taken
    back when the broker refuses, so the next request asks again.
    """
    from reports.tasks import refresh_cross_rankings_task

    flag = f"{_key(council_id, year, kind)}:queued"
    if not cache.add(flag, True, BUILD_LOCK_SECONDS):
        return False
    try:
        refresh_cross_rankings_task.delay(council_id=council_id, year=year, kind=kind)
    except Exception:
        cache.delete(flag)
        logger.warning("the broker did not take the rebuild of %s", flag)
        return False
    return True


def rebuild(council, *, year, kind) -> bool:
    """Total every bloc of the ranking again into the cache; False when another process is at it.

    A lock taken with ``cache.add`` keeps two workers from totalling the same ranking at once.
    """
    key = _key(council.pk, year, kind)
    lock = f"{key}:building"
    if not cache.add(lock, True, BUILD_LOCK_SECONDS):
        return False
    try:
        cross_ranking(council, year=year, kind=kind, rebuild=True)
    finally:
        cache.delete(lock)
        cache.delete(f"{key}:queued")
    return True


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
    blocs = sorted({(r.bloc_id, r.bloc_name) for r in rows}, key=lambda b: (_name_key(b[1]), b[0]))
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
    blocs the total alone orders, as ``campaigns.ranking.rank`` with no tie-break would: one more
    than the number of greater totals (counted once per total, not per pair of equal rows).
    """
    totals = sorted((r.total for r in rows if r.total is not None), reverse=True)
    ranks = {}
    for position, total in enumerate(totals, start=1):
        ranks.setdefault(total, position)
    return [r._replace(province_rank=ranks.get(r.total)) for r in rows]


SORTS = {
    "total": _lazy("Tổng điểm cao đến thấp"),
    "total_asc": _lazy("Tổng điểm thấp đến cao"),
    "bloc": _lazy("Theo khối, rồi thứ hạng trong khối"),
}


def _ordered(rows, sort) -> list:
    """``rows`` in the order ``sort`` names; agencies whose card is not in come last."""
    if sort == "bloc":
        order = {}
        for r in rows:
            if r.bloc_id not in order:
                order[r.bloc_id] = (_name_key(r.bloc_name), r.bloc_id)
        return sorted(
            rows,
            key=lambda r: (
                order[r.bloc_id],
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
