"""Publishing a bloc-year's results on the public results page, and withdrawing them.

Only a final annual ranking is published: the one the members could appeal against and that the
secretariat then made final (``awards.RankingPublication.finalized_at``). The decided awards follow
by themselves once the board records its decision; publishing does not wait for it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import RankingPublication
from blocs.history import record_by
from blocs.models import BlocTerm
from campaigns.models import Period
from reports.models import ResultsPublication


def publication_problem(term: BlocTerm) -> str:
    """Why ``term``'s results cannot be published now, or "" when they can (two queries)."""
    annual = Period.objects.filter(term=term, kind=Period.Kind.ANNUAL).first()
    if annual is None:
        return _("Năm %(year)s chưa có kỳ tổng kết năm: chưa có kết quả nào để công khai.") % {
            "year": term.year
        }
    ranking = RankingPublication.objects.filter(period=annual).first()
    if ranking is None or not ranking.is_final:
        return _(
            "Kết quả xếp hạng cả năm %(year)s chưa chính thức: chỉ công khai được khi đã hết thời "
            "hạn kiến nghị và kết quả đã được công bố chính thức."
        ) % {"year": term.year}
    return ""


def _locked(term: BlocTerm) -> ResultsPublication | None:
    # Two people publishing the same year at once: the second waits for the first, then finds
    # the row it made instead of failing on the one-to-one constraint.
    BlocTerm.objects.select_for_update().filter(pk=term.pk).first()
    return ResultsPublication.objects.select_for_update().filter(term=term).first()


@transaction.atomic
def publish_results(*, term: BlocTerm, by, now=None) -> ResultsPublication:
    """Show ``term``'s final annual ranking (and its decided awards) on the public page."""
    publication = _locked(term)
    if publication is not None and publication.is_public:
        raise ValidationError(_("Kết quả năm này đã được công khai."))
    problem = publication_problem(term)
    if problem:
        raise ValidationError(problem)
    now = now or timezone.now()
    if publication is None:
        publication = ResultsPublication(term=term, published_at=now, published_by=by)
        publication.full_clean()
        record_by(publication, by).save()
        return publication
    # Published again after a withdrawal: the same row, its history keeps the earlier rounds.
    publication.published_at = now
    publication.published_by = by
    publication.withdrawn_at = None
    publication.full_clean()
    record_by(publication, by).save(update_fields=["published_at", "published_by", "withdrawn_at"])
    return publication


@transaction.atomic
def withdraw_results(*, term: BlocTerm, by, now=None) -> ResultsPublication:
    """Take ``term``'s results off the public page; the row and its history stay."""
    publication = _locked(term)
    if publication is None or not publication.is_public:
        raise ValidationError(_("Kết quả năm này đang không được công khai."))
    publication.withdrawn_at = now or timezone.now()
    publication.full_clean()
    record_by(publication, by).save(update_fields=["withdrawn_at"])
    return publication
