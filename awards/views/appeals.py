"""The provisional ranking of a period and its appeals: one page, a POST view per action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.access import can_appeal_for, check_kind, sees_every_appeal
from awards.forms.appeals import AnswerAppealForm, AppealForm, PublishRankingForm
from awards.models import Appeal, AppealLine, RankingPublication
from awards.selectors import ranking_state
from awards.services import appeals as services
from blocs.access import get_term_for_user, require
from blocs.models import Agency
from blocs.views import add_service_error
from campaigns.access import get_period_for_term
from campaigns.models import ScoreLine, rules_for


def _load(request, bloc_code, year, kind, *, write=False):
    check_kind(kind)
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    # The ranking's publication, which every action of the page reads, with the period.
    period = get_period_for_term(term, kind, related=["publication"])
    period.term = term
    return term, access, period


def _appeals_for(access, publication):
    if publication is None:
        return []
    rows = Appeal.objects.filter(publication=publication).select_related("agency")
    if not sees_every_appeal(access):
        rows = rows.filter(agency_id__in=access.member_agency_ids)
    return list(
        rows.prefetch_related(
            Prefetch(
                "lines",
                queryset=AppealLine.objects.select_related("line__criterion").order_by(
                    "line__criterion__order", "id"
                ),
            )
        )
    )


def _head_agencies(access, period, cards=None) -> list:
    """(id, name) of the agencies with a card in the period the reader appeals for; ``cards``
    (the period's cards in agency order) when the page has loaded them."""
    ids = [i for i in access.head_agency_ids if can_appeal_for(access, i)]
    if cards is not None:
        return [(c.agency.id, c.agency.name) for c in cards if c.agency.id in ids]
    return list(
        Agency.objects.filter(pk__in=ids, scorecards__period=period)
        .order_by("sort_key", "pk")
        .values_list("pk", "name")
    )


def _own_lines(access, period) -> list:
    return list(
        ScoreLine.objects.filter(
            scorecard__period=period, scorecard__agency_id__in=access.head_agency_ids
        )
        .select_related("criterion")
        .order_by("scorecard__agency__sort_key", "scorecard__agency_id", "criterion__order", "id")
    )


def _appeal_form(access, period, data=None, files=None, *, cards=None):
    agencies = _head_agencies(access, period, cards)
    if not agencies:
        return None
    return AppealForm(
        data,
        files,
        agencies=agencies,
        lines=_own_lines(access, period),
        initial={"agency": agencies[0][0]},
    )


def _render(request, term, access, period, *, publish_form=None, appeal_form=None, answer=None):
    state = ranking_state(period)
    publication = state.publication
    appeal_rows = _appeals_for(access, publication)
    window_open = publication is not None and publication.window_open()
    can_manage = access.can_manage
    if can_manage and publish_form is None and state.state == "agreed":
        publish_form = PublishRankingForm(initial={"appeal_days": rules_for(term).appeal_days})
    if appeal_form is None and window_open and access.head_agency_ids:
        appeal_form = _appeal_form(access, period, cards=state.data.cards)
    answer_forms = {}
    if can_manage and publication is not None:
        for appeal in appeal_rows:
            if appeal.is_answered:
                continue
            if answer is not None and answer.appeal.pk == appeal.pk:
                answer_forms[appeal.pk] = answer
            else:
                answer_forms[appeal.pk] = AnswerAppealForm(appeal=appeal)
    items = [(appeal, answer_forms.get(appeal.pk)) for appeal in appeal_rows]
    board_hides = any(
        row.line.board_points is not None for appeal in appeal_rows for row in appeal.lines.all()
    )
    finalize_problem = ""
    if can_manage and publication is not None and not publication.is_final:
        finalize_problem = services.finalize_problem(
            publication, pending=any(not a.is_answered for a in appeal_rows)
        )
    status = (
        400 if any(f is not None and f.errors for f in (publish_form, appeal_form, answer)) else 200
    )
    return render(
        request,
        "awards/appeal_list.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "state": state,
            "publication": publication,
            "rows": [(r, state.holds.get(r.agency_id)) for r in state.rows],
            "items": items,
            "sees_every_appeal": sees_every_appeal(access),
            "publish_form": publish_form,
            "appeal_form": appeal_form if window_open else None,
            "window_open": window_open,
            "can_manage": can_manage,
            "finalize_problem": finalize_problem,
            "board_hides": board_hides,
        },
        status=status,
    )


def _back(term, period):
    return redirect("awards:appeals", term.bloc.code, term.year, period.kind)


@login_required
@require_GET
def appeal_list(request, bloc_code, year, kind):
    """The period's ranking state, its appeals and the forms of whoever may act on them."""
    term, access, period = _load(request, bloc_code, year, kind)
    return _render(request, term, access, period)


@login_required
@require_POST
def ranking_publish(request, bloc_code, year, kind):
    """The secretariat publishes the agreed ranking as provisional."""
    term, access, period = _load(request, bloc_code, year, kind, write=True)
    form = PublishRankingForm(request.POST)
    if form.is_valid():
        try:
            services.publish_ranking(
                period=period, by=request.user, appeal_days=form.cleaned_data["appeal_days"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Đã công bố kết quả xếp hạng tạm thời."))
            return _back(term, period)
    return _render(request, term, access, period, publish_form=form)


@login_required
@require_POST
def appeal_submit(request, bloc_code, year, kind):
    """A member head appeals lines of its own card while the window is open."""
    term, access, period = _load(request, bloc_code, year, kind)
    require(
        any(can_appeal_for(access, i) for i in access.head_agency_ids),
        _("Chỉ thủ trưởng đơn vị thành viên được gửi kiến nghị."),
    )
    publication = _publication(period)
    form = _appeal_form(access, period, request.POST, request.FILES)
    if form is None:
        raise Http404(_("Đơn vị của bạn không có phiếu trong kỳ này."))
    if form.is_valid():
        agency_id = form.cleaned_data["agency"]
        require(can_appeal_for(access, agency_id))
        if publication is None:
            form.add_error(None, _("Kết quả xếp hạng chưa được công bố."))
        else:
            try:
                appeal = services.submit_appeal(
                    publication=publication,
                    agency=Agency.objects.get(pk=agency_id),
                    lines=form.chosen_lines(),
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data.get("evidence"),
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Đã gửi kiến nghị số %(n)s.") % {"n": appeal.number})
                return _back(term, period)
    return _render(request, term, access, period, appeal_form=form)


def _publication(period):
    return RankingPublication.objects.filter(period=period).first()


def _get_appeal(period, appeal_id) -> Appeal:
    try:
        return Appeal.objects.select_related("agency", "publication").get(
            pk=appeal_id, publication__period=period
        )
    except Appeal.DoesNotExist:
        raise Http404(_("Không có kiến nghị này.")) from None


@login_required
@require_POST
def appeal_answer(request, bloc_code, year, kind, appeal_id):
    """The secretariat upholds or rejects a pending appeal, with an answer."""
    term, access, period = _load(request, bloc_code, year, kind, write=True)
    appeal = _get_appeal(period, appeal_id)
    form = AnswerAppealForm(request.POST, appeal=appeal)
    if form.is_valid():
        try:
            services.answer_appeal(
                appeal=appeal,
                upheld=form.upheld,
                answer=form.cleaned_data["answer"],
                new_points=form.new_points(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Đã trả lời kiến nghị số %(n)s.") % {"n": appeal.number})
            return _back(term, period)
    return _render(request, term, access, period, answer=form)


@login_required
@require_POST
def ranking_finalize(request, bloc_code, year, kind):
    """The secretariat makes the ranking final now, when it is due."""
    term, access, period = _load(request, bloc_code, year, kind, write=True)
    publication = _publication(period)
    if publication is None:
        messages.error(request, _("Kết quả xếp hạng chưa được công bố."))
    elif publication.is_final:
        messages.info(request, _("Kết quả xếp hạng đã là kết quả chính thức."))
    elif services.finalize_if_due(publication=publication, by=request.user):
        messages.success(request, _("Kết quả xếp hạng đã là kết quả chính thức."))
    else:
        messages.error(request, services.finalize_problem(publication))
    return _back(term, period)


@login_required
@require_GET
def appeal_evidence(request, bloc_code, year, kind, appeal_id):
    """Stream an appeal's file to a reader who may see the appeal; media is never served."""
    _term, access, period = _load(request, bloc_code, year, kind)
    appeal = _get_appeal(period, appeal_id)
    if not sees_every_appeal(access) and appeal.agency_id not in access.member_agency_ids:
        raise Http404(_("Không có kiến nghị này."))
    if not appeal.evidence:
        raise Http404(_("Kiến nghị này không có tài liệu kèm theo."))
    try:
        handle = appeal.evidence.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=appeal.evidence.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
