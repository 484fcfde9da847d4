"""The year's scoring parameters (DESIGN.md "Rules as data"): bands, tie-break chain, score step.

A term without a row of its own scores under the rules of the bloc's previous year, or under the
defaults of ``campaigns.ranking`` when there is none: opening a year carries the rules over.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import BlocTerm
from campaigns import ranking

__all__ = ["APPEAL_DAYS_MAX", "ScoringRules", "rules_for", "rules_for_terms"]

# The longest appeal window a year may set, in days.
APPEAL_DAYS_MAX = 60


class ScoringRules(models.Model):
    """How a term's scorecards are stepped, classified and ranked."""

    term = models.OneToOneField(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="scoring_rules",
        verbose_name=_("năm thi đua"),
    )
    bands = models.JSONField(_("ngưỡng xếp loại"), default=ranking.default_bands)
    tie_breaks = models.JSONField(
        _("tiêu chí phân định khi bằng điểm"), default=ranking.default_tie_breaks
    )
    score_step = models.DecimalField(
        _("bước điểm"), max_digits=4, decimal_places=2, default=Decimal("0.25")
    )
    # The days members have to appeal a published provisional ranking (awards.Appeal).
    appeal_days = models.PositiveSmallIntegerField(
        _("số ngày nhận kiến nghị sau khi công bố"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(APPEAL_DAYS_MAX)],
    )
    changed_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sửa"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("quy tắc chấm điểm của năm")
        verbose_name_plural = _("quy tắc chấm điểm của năm")
        constraints = [
            models.CheckConstraint(
                condition=Q(score_step__gte=0), name="campaigns_scoringrules_step_nonnegative"
            ),
        ]

    def __str__(self):
        return _("Quy tắc chấm điểm %(term)s") % {"term": self.term}

    def clean(self):
        try:
            ranking.parse_bands(self.bands or [])
        except (KeyError, TypeError, ArithmeticError):
            raise ValidationError({"bands": _("Ngưỡng xếp loại không hợp lệ.")}) from None
        unknown = [r for r in (self.tie_breaks or []) if r not in ranking.RULE_LABELS]
        if unknown:
            raise ValidationError(
                {"tie_breaks": _("Không có tiêu chí phân định: %(r)s.") % {"r": ", ".join(unknown)}}
            )

    @property
    def parsed_bands(self) -> list:
        return ranking.parse_bands(self.bands or [])

    @property
    def tie_break_labels(self) -> list:
        return [ranking.RULE_LABELS[r] for r in self.tie_breaks or [] if r in ranking.RULE_LABELS]


def rules_for(term: BlocTerm) -> ScoringRules:
    """The rules ``term`` scores under: its own, else its bloc's latest earlier year's, else the
    defaults; an inherited row is returned unsaved, as a copy for this term."""
    rows = list(
        ScoringRules.objects.filter(term__bloc_id=term.bloc_id, term__year__lte=term.year)
        .order_by("-term__year")
        .only("term_id", "bands", "tie_breaks", "score_step", "appeal_days")[:1]
    )
    return _rules_from(term, rows[0] if rows else None)


def rules_for_terms(terms) -> dict:
    """``rules_for`` of each of ``terms``, by term id, in one query."""
    terms = list(terms)
    if not terms:
        return {}
    found = {}
    for row in (
        ScoringRules.objects.filter(
            term__bloc_id__in={t.bloc_id for t in terms},
            term__year__lte=max(t.year for t in terms),
        )
        .annotate(bloc_id=models.F("term__bloc_id"), year=models.F("term__year"))
        .only("term_id", "bands", "tie_breaks", "score_step", "appeal_days")
    ):
        found.setdefault(row.bloc_id, []).append(row)
    result = {}
    for term in terms:
        earlier = [r for r in found.get(term.bloc_id, []) if r.year <= term.year]
        result[term.pk] = _rules_from(term, max(earlier, key=lambda r: r.year, default=None))
    return result


def _rules_from(term: BlocTerm, found: ScoringRules | None) -> ScoringRules:
    if found is not None and found.term_id == term.pk:
        found.term = term
        return found
    if found is not None:
        return ScoringRules(
            term=term,
            bands=found.bands,
            tie_breaks=found.tie_breaks,
            score_step=found.score_step,
            appeal_days=found.appeal_days,
        )
    return ScoringRules(term=term)
