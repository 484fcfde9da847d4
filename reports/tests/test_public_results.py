"""The public results page: nothing of an unpublished year shows; publishing and withdrawing."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import (
    AwardDecision,
    Dossier,
    GrantedAward,
    Nomination,
    NominationList,
    RankingPublication,
)
from awards.services.catalogue import ensure_award_types
from blocs.models import Agency, Bloc
from campaigns.models import Period, ScoringRules, rules_for, rules_for_terms
from campaigns.selectors import load_period, load_periods
from campaigns.tests.review_helpers import make_cards, make_period, make_table
from reports.demo_public import publish_demo
from reports.models import Document, ResultsPublication
from reports.publication import publish_results, withdraw_results
from tests import factories
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

DECISION_NUMBER = "125/QĐ-UBND"
REVOCATION_NUMBER = "310/QĐ-UBND"


def final_annual(term, by, points=None, *, final=True):
    """The term's annual period agreed, its ranking published and (with ``final``) made final."""
    table = make_table(term)
    period = make_period(term, Period.Kind.ANNUAL, Period.Status.AGREED)
    make_cards(period, table, points=points)
    now = timezone.now()
    RankingPublication.objects.create(
        period=period,
        published_at=now - datetime.timedelta(days=6),
        published_by=by,
        appeal_days=5,
        closes_at=now - datetime.timedelta(days=1),
        finalized_at=now if final else None,
        finalized_by=by if final else None,
    )
    return period


def issue(term, kind, number, params=None):
    return Document.objects.create(
        term=term,
        kind=kind,
        number=number,
        type_code="BC",
        title=f"Văn bản {kind}",
        params=params or {},
        status=Document.Status.READY,
        sha256="a" * 64,
    )


def decide(term, by, grants, state=Dossier.State.DECIDED):
    """A decision on ``term``'s dossier: ``grants`` lists (award type, agency, granted, revoked)."""
    dossier = Dossier.objects.create(term=term, state=state, version=1)
    decision = AwardDecision.objects.create(
        dossier=dossier,
        number=DECISION_NUMBER,
        signed_on=datetime.date(2027, 1, 15),
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch UBND tỉnh",
        recorded_by=by,
    )
    for position, (award, agency, granted, revoked) in enumerate(grants, start=1):
        nomination_list, _new = NominationList.objects.get_or_create(
            term=term, award_type=award, defaults={"status": NominationList.Status.CONFIRMED}
        )
        nomination = Nomination.objects.create(
            nomination_list=nomination_list, agency=agency, position=position
        )
        GrantedAward.objects.create(
            decision=decision,
            nomination=nomination,
            agency=agency,
            award_type=award,
            granted=granted,
            revoked_at=timezone.now() if revoked else None,
            revoked_on=datetime.date(2027, 6, 1) if revoked else None,
            revocation_number=REVOCATION_NUMBER if revoked else "",
            revocation_reason="Kết luận thanh tra" if revoked else "",
            revoked_by=by if revoked else None,
        )
    return dossier


def page_url(term):
    return reverse("reports:results_council_year", args=[term.bloc.council_id, term.year])


def same_page(response) -> str:
    """The page without its CSRF tokens (new on every response) and its own address (the
    language switch returns to it)."""
    html = response.content.decode().replace(response.wsgi_request.path, "/results/…/")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


@pytest.fixture
def ranked(bloc_world):
    """The 2026 annual ranking final: D first, then B, the others tied; nothing published."""
    w = bloc_world
    final_annual(w.term, w.secretariat, points={w.d: {"1.1": "25"}, w.b: {"1.1": "24.5"}})
    return w


def test_anonymous_sees_nothing_of_an_unpublished_year(client, ranked):
    w = ranked
    issue(w.term, "score_table_annual", 1)
    decide(w.term, w.board, [(ensure_award_types(council=w.council)[0], w.d, True, False)])
    index = client.get(reverse("reports:results_index"))
    assert index.status_code == 200
    text = index.content.decode()
    for secret in (w.council.name, w.bloc.name, "2026", w.d.name):
        assert secret not in text
    assert "Chưa có kết quả nào được công khai." in text

    unpublished = client.get(page_url(w.term))
    missing = client.get(reverse("reports:results_council_year", args=[999999, 2026]))
    assert unpublished.status_code == missing.status_code == 404
    assert same_page(unpublished) == same_page(missing)
    assert set(unpublished.headers) == set(missing.headers)
    assert w.bloc.name not in unpublished.content.decode()


def test_a_published_year_shows_its_final_ranking_and_nothing_of_another_year(client, ranked):
    w = ranked
    table = issue(w.term, "score_table_annual", 1)
    publish_results(term=w.term, by=w.secretariat)
    # The year before has a final ranking too, but it is not published.
    final_annual(w.previous_term, w.last_year_leader)

    index = client.get(reverse("reports:results_index")).content.decode()
    assert w.council.name in index and page_url(w.term) in index
    assert page_url(w.previous_term) not in index and "2025" not in index

    response = client.get(page_url(w.term))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.bloc.name in html
    # D 97, B 96,5, then the four others on 96: rank, agency, total with a comma, band.
    rows = re.findall(r'<tr><td class="num fw-bold">(\d+)</td><td>([^<]+)</td>', html)
    assert rows[:2] == [("1", w.d.name), ("2", w.b.name)]
    assert [rank for rank, _name in rows[2:]] == ["3"] * 4
    assert "96,5" in html and "Xuất sắc" in html
    assert f'href="/verify/{table.verification_code}"' in html
    assert "Chưa có quyết định khen thưởng." in html

    assert client.get(page_url(w.previous_term)).status_code == 404


def test_withdrawn_results_are_gone_and_republishing_brings_them_back(client, ranked):
    w = ranked
    publish_results(term=w.term, by=w.secretariat)
    assert client.get(page_url(w.term)).status_code == 200

    withdraw_results(term=w.term, by=w.board)
    gone = client.get(page_url(w.term))
    missing = client.get(reverse("reports:results_council_year", args=[999999, 2026]))
    assert gone.status_code == 404
    assert same_page(gone) == same_page(missing)
    assert w.council.name not in client.get(reverse("reports:results_index")).content.decode()

    again = publish_results(term=w.term, by=w.board)
    assert again.withdrawn_at is None and again.published_by == w.board
    assert ResultsPublication.objects.count() == 1
    assert again.history.count() == 3
    assert client.get(page_url(w.term)).status_code == 200


def test_publishing_is_refused_until_the_annual_ranking_is_final(bloc_world):
    w = bloc_world
    with pytest.raises(ValidationError, match="chưa có kỳ tổng kết năm"):
        publish_results(term=w.term, by=w.secretariat)
    final_annual(w.term, w.secretariat, final=False)
    with pytest.raises(ValidationError, match="chưa chính thức"):
        publish_results(term=w.term, by=w.secretariat)
    assert not ResultsPublication.objects.exists()


def test_publishing_twice_or_withdrawing_what_is_not_public_is_refused(ranked):
    w = ranked
    with pytest.raises(ValidationError, match="đang không được công khai"):
        withdraw_results(term=w.term, by=w.secretariat)
    publish_results(term=w.term, by=w.secretariat)
    with pytest.raises(ValidationError, match="đã được công khai"):
        publish_results(term=w.term, by=w.board)


def test_decided_awards_show_with_their_decision_and_codes_and_revoked_ones_say_so(client, ranked):
    w = ranked
    flag, merit = ensure_award_types(council=w.council)[:2]
    report = issue(w.term, "achievement_report", 1, {"agency": w.d.pk, "award": flag.code})
    letter = issue(w.term, "submission_letter", 2)
    decide(
        w.term,
        w.board,
        [
            (flag, w.d, True, False),
            (merit, w.b, True, False),
            (merit, w.c, False, False),
            (merit, w.d, True, False),
        ],
    )
    revoked = decide_revocation(w, merit)
    publish_results(term=w.term, by=w.secretariat)
    html = client.get(page_url(w.term)).content.decode()
    assert flag.name in html and DECISION_NUMBER in html and "15/01/2027" in html
    assert f'href="/verify/{report.verification_code}"' in html
    assert code_of(html, flag, w.d) == report.verification_code
    # B has no achievement report, and D's is written for the flag: the letter stands for both.
    assert code_of(html, merit, w.b) == letter.verification_code
    assert code_of(html, merit, w.d) == letter.verification_code
    # A nominee the council did not grant is not an award.
    awards_part = html.split("Khen thưởng đã quyết định")[1]
    assert w.c.name not in awards_part
    # A revoked award stays listed, struck through, with the decision that revoked it.
    assert f"<del>{merit.name}</del>" in awards_part and REVOCATION_NUMBER in awards_part
    assert revoked.revocation_reason not in html


def code_of(html, award, agency) -> str:
    """The verification code on the awards table's row of ``award`` to ``agency``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if award.name in row and agency.name in row:
            return re.search(r'href="/verify/([^"]+)"', row).group(1)
    raise AssertionError(f"no row for {award} to {agency}")


def decide_revocation(w, merit):
    grant = GrantedAward.objects.get(agency=w.b, award_type=merit)
    grant.revoked_at = timezone.now()
    grant.revoked_on = datetime.date(2027, 6, 1)
    grant.revocation_number = REVOCATION_NUMBER
    grant.revocation_reason = "Kết luận thanh tra số 12"
    grant.revoked_by = w.board
    grant.save()
    return grant


def test_awards_wait_for_the_decision(client, ranked):
    w = ranked
    flag = ensure_award_types(council=w.council)[0]
    decide(w.term, w.board, [(flag, w.d, True, False)], state=Dossier.State.ACCEPTED)
    publish_results(term=w.term, by=w.secretariat)
    html = client.get(page_url(w.term)).content.decode()
    assert "Chưa có quyết định khen thưởng." in html and DECISION_NUMBER not in html


def test_blocs_of_a_council_year_in_vietnamese_order(client, council):
    worlds = []
    for name in ("Khối Kinh tế", "Khối Đảng"):
        w = factories.build_bloc_world(council=council, members=4, years=(2026,))
        Bloc.objects.filter(pk=w.bloc.pk).update(name=name)
        final_annual(w.term, w.secretariat)
        publish_results(term=w.term, by=w.secretariat)
        worlds.append(w)
    html = client.get(page_url(worlds[0].term)).content.decode()
    assert html.index("Khối Đảng") < html.index("Khối Kinh tế")


def test_the_public_pages_are_cached_briefly_and_show_no_signed_in_navigation(client, ranked):
    w = ranked
    publish_results(term=w.term, by=w.secretariat)
    for url in (reverse("reports:results_index"), page_url(w.term)):
        response = client.get(url)
        cache = response.headers["Cache-Control"]
        assert "public" in cache and "max-age=300" in cache
        assert "Cookie" in response.headers["Vary"]
        html = response.content.decode()
        assert "Đăng nhập" in html and "Đăng xuất" not in html and "Thông báo" not in html
    client.force_login(w.member_officer)
    cache = client.get(page_url(w.term)).headers["Cache-Control"]
    assert "private" in cache and "public" not in cache


def published_bloc(council, members):
    """A bloc of ``members`` whose 2026 results are published, with its documents and awards."""
    w = factories.build_bloc_world(council=council, members=members, years=(2026,))
    flag = ensure_award_types(council=council)[0]
    final_annual(w.term, w.secretariat)
    issue(w.term, "score_table_annual", 1)
    issue(w.term, "achievement_report", 2, {"agency": w.d.pk, "award": flag.code})
    decide(w.term, w.board, [(flag, w.d, True, False), (flag, w.c, True, True)])
    publish_results(term=w.term, by=w.secretariat)
    return w


def test_the_page_reads_any_number_of_blocs_in_the_same_queries(
    client, council, django_assert_num_queries
):
    first = published_bloc(council, 4)
    with django_assert_num_queries(QUERIES):
        assert client.get(page_url(first.term)).status_code == 200
    for members in (6, 8, 10, 12):
        published_bloc(council, members)
    with django_assert_num_queries(QUERIES):
        response = client.get(page_url(first.term))
    assert response.content.decode().count('<section class="mb-5"') == 5
    with django_assert_num_queries(1):
        client.get(reverse("reports:results_index"))


# The periods (with their terms, publication and decision), scorecards, lines, criteria, rules,
# members, meeting votes, documents and awards: the same at 1 bloc and at 5.
QUERIES = 9


# --- Publishing: the page and its access ----------------------------------------------------------

ALLOWED = {"secretariat", "secretariat_officer", "board", "admin"}


@pytest.fixture
def users(personas, django_user_model):
    return {**personas, "admin": django_user_model.objects.create_superuser("quantri", "q@x.vn")}


def publish_url(term):
    return reverse("reports:results_publish", args=[term.bloc.code, term.year])


@pytest.mark.parametrize("persona", [*PERSONAS, "admin"])
def test_who_may_open_the_publish_page(client, ranked, users, persona):
    if users[persona] is not None:
        client.force_login(users[persona])
    response = client.get(publish_url(ranked.term))
    expected = 200 if persona in ALLOWED else {"anonymous": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", [*PERSONAS, "admin"])
def test_who_may_publish_and_withdraw(client, ranked, users, persona):
    w = ranked
    if users[persona] is not None:
        client.force_login(users[persona])
    response = client.post(publish_url(w.term), {"action": "publish", "confirm": "1"})
    expected = 302 if persona in ALLOWED else {"anonymous": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected
    published = ResultsPublication.objects.filter(term=w.term).first()
    assert (published is not None) == (persona in ALLOWED)
    if persona not in ALLOWED:
        return
    assert response["Location"] == publish_url(w.term)
    assert published.is_public and published.published_by == users[persona]
    response = client.post(publish_url(w.term), {"action": "withdraw", "confirm": "1"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert not published.is_public


def test_the_publish_page_shows_what_would_be_published_and_asks_to_confirm(client, ranked):
    w = ranked
    client.force_login(w.secretariat)
    page = client.get(publish_url(w.term)).content.decode()
    assert "Nội dung sẽ được công khai" in page and w.d.name in page
    response = client.post(publish_url(w.term), {"action": "publish"})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận" in response.content.decode()
    assert not ResultsPublication.objects.exists()
    response = client.post(publish_url(w.term), {"action": "publish", "confirm": "1"}, follow=True)
    html = response.content.decode()
    assert "Đã công khai kết quả năm 2026." in html and page_url(w.term) in html


def test_the_publish_page_says_why_it_cannot_publish(client, bloc_world):
    w = bloc_world
    client.force_login(w.board)
    page = client.get(publish_url(w.term)).content.decode()
    assert "chưa có kỳ tổng kết năm" in page and 'name="confirm"' not in page
    response = client.post(publish_url(w.term), {"action": "publish", "confirm": "1"})
    assert response.status_code == 400
    assert "chưa có kỳ tổng kết năm" in response.content.decode()


def test_the_ranking_page_links_the_publish_page_for_those_who_may_publish(client, ranked):
    w = ranked
    url = reverse("campaigns:ranking", args=[w.bloc.code, w.term.year, "annual"])
    client.force_login(w.secretariat)
    assert publish_url(w.term) in client.get(url).content.decode()
    client.force_login(w.member_head)
    assert publish_url(w.term) not in client.get(url).content.decode()


def test_every_url_of_the_module_is_in_a_matrix():
    assert url_names_of("reports.views_public") == {
        "reports:results_index",
        "reports:results_council_year",
        "reports:results_publish",
    }


def test_loading_periods_together_ranks_each_as_alone(council):
    first = factories.build_bloc_world(council=council, members=4, years=(2025, 2026))
    second = factories.build_bloc_world(council=council, members=5, years=(2026,))
    # The first bloc's 2026 inherits its 2025 rules: a narrower top band.
    ScoringRules.objects.create(
        term=first.previous_term,
        bands=[
            {"code": "xuat_sac", "label": "Xuất sắc", "min": "97"},
            {"code": "kha", "label": "Khá", "min": "0"},
        ],
    )
    periods = [
        final_annual(first.term, first.secretariat, points={first.d: {"1.1": "25"}}),
        final_annual(second.term, second.secretariat, points={second.c: {"2.1": "10"}}),
    ]
    together = load_periods(periods)
    for period in periods:
        alone = load_period(period)
        assert [(r.rank, r.agency_id, r.row.total, r.band) for r in together[period.pk].ranked] == [
            (r.rank, r.agency_id, r.row.total, r.band) for r in alone.ranked
        ]
    rules = rules_for_terms([first.term, second.term, first.previous_term])
    for term in (first.term, second.term, first.previous_term):
        assert rules[term.pk].bands == rules_for(term).bands
    assert together[periods[0].pk].ranked[0].band.label == "Xuất sắc"
    assert together[periods[0].pk].ranked[1].band.label == "Khá"


def test_the_demo_publishes_the_final_2025_results_once(bloc_world, django_user_model):
    w = bloc_world
    final_annual(w.previous_term, w.last_year_leader)
    other = factories.build_bloc_world(council=w.council, members=4, years=(2025,))
    admin = django_user_model.objects.create_superuser("quantri", "q@x.vn")
    objects = {"party_bloc": w.bloc, "state_bloc": other.bloc, "admin": admin}
    # The other bloc's 2025 has no final ranking: nothing of it is published.
    [published] = publish_demo(objects)
    assert published.term == w.previous_term and published.published_by == w.last_year_leader
    assert Document.objects.filter(term=w.previous_term, kind="score_table_annual").count() == 1
    assert publish_demo(objects) == []
    assert ResultsPublication.objects.count() == 1


def test_an_unpublished_bloc_of_a_published_council_year_shows_nowhere(client, council):
    shown, hidden = (
        factories.build_bloc_world(council=council, members=4, years=(2026,)) for _i in range(2)
    )
    Bloc.objects.filter(pk=hidden.bloc.pk).update(name="Khối chưa công khai")
    Agency.objects.filter(pk=hidden.a.pk).update(name="Sở Chưa Công Khai")
    for w in (shown, hidden):
        final_annual(w.term, w.secretariat)
        issue(w.term, "score_table_annual", 1)
    publish_results(term=shown.term, by=shown.secretariat)
    html = client.get(page_url(shown.term)).content.decode()
    assert shown.bloc.name in html
    assert "Khối chưa công khai" not in html and "Sở Chưa Công Khai" not in html
    assert html.count('<section class="mb-5"') == 1
    assert client.head(page_url(shown.term)).status_code == 200
