"""A county plenary's vote (issue 17) from set-up to publication: the county's staff run it
from the county plan's locked list; slips and paper ballots are issued and returned per
delegation (代表团); two teller pairs each enter their own delegations' paper ballots and
the count merges both batches. Refusals: township staff, a teller outside the pair."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from congress import services as congress_services
from congress.models import AttendanceStatus, Delegation, Role, Session, Term
from projects.models import AnnualPlan, Candidate, CandidateList, Project
from tests.factories import DeputyFactory, TownshipFactory, user_with_county_role
from voting import services
from voting.models import OfficerRole, PaperBatch, VoteStatus
from voting.services.delegations import (
    paper_batch_assign,
    paper_batch_finish,
    vote_record_delegation_counts,
)

from .ceremony import open_box_and_count, open_with_ceremony

COUNTY_TITLES = ["县城污水管网改造", "县人民医院门诊楼", "城乡公交一体化", "县图书馆新馆"]


class CountyWorld:
    pass


def county_world(world, *, per_delegation=5, present_each=4) -> CountyWorld:
    """County A's 17th congress, 4th session: four delegations of ``per_delegation`` county
    deputies, ``present_each`` present in each; the county's staff, two teller pairs and a
    chief scrutineer; the county's 2026 plan with 4 candidates for 3 slots, locked."""
    cw = CountyWorld()
    cw.county = world.county
    cw.term = Term.objects.create(
        level="county", county=world.county, number=17, start_year=2022, end_year=2026
    )
    cw.session = Session.objects.create(term=cw.term, number=4, date=datetime.date(2026, 1, 8))
    cw.staff = user_with_county_role(Role.STAFF, county=world.county, username="county_staff")
    townships = []
    for _ in range(4):
        township = TownshipFactory(county=world.county)
        townships.append(township)
        DeputyFactory.create_batch(
            per_delegation, township=township, is_county_deputy=True, is_township_deputy=False
        )
    congress_services.delegations_by_township(actor=cw.staff, term=cw.term)
    cw.delegations = list(
        Delegation.objects.filter(term=cw.term, township__in=townships).order_by("order")
    )
    congress_services.session_open_roll(actor=cw.staff, session=cw.session)
    from congress.models import DelegationMember

    for delegation in cw.delegations:
        seated = list(
            DelegationMember.objects.filter(delegation=delegation).values_list(
                "deputy_id", flat=True
            )
        )
        for deputy_id in sorted(seated)[:present_each]:
            congress_services.attendance_set(
                actor=cw.staff,
                session=cw.session,
                deputy_id=deputy_id,
                status=AttendanceStatus.PRESENT,
            )
    plan = AnnualPlan.objects.create(county=world.county, year=2026, slots=3)
    cw.clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    for i, title in enumerate(COUNTY_TITLES, start=1):
        project = Project.objects.create(
            county=world.county,
            title=title,
            content=f"{title}的主要内容",
            location="青山县",
            estimated_investment=1000 * i,
            deadline=datetime.date(2026, 12, 31),
            status="candidate",
        )
        Candidate.objects.create(candidate_list=cw.clist, project=project, position=i)
    cw.tellers = [
        user_with_county_role(Role.TELLER, county=world.county, username=f"county_teller{i}")
        for i in range(1, 5)
    ]
    cw.chief = user_with_county_role(Role.SCRUTINEER, county=world.county, username="county_chief")
    return cw


def set_up_vote(cw):
    vote = services.vote_create(actor=cw.staff, session=cw.session, candidate_list=cw.clist)
    services.vote_officer_add(
        actor=cw.staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="方正", user=cw.chief
    )
    for i, teller in enumerate(cw.tellers):
        services.vote_officer_add(
            actor=cw.staff, vote=vote, role=OfficerRole.TELLER, name=f"计票{i}", user=teller
        )
    return vote


@pytest.fixture
def cw(world):
    return county_world(world)


def test_county_vote_from_setup_to_publication_with_two_teller_pairs(cw):
    """Electronic ballots from three codes per delegation, one paper ballot each from the
    four delegations entered by two pairs (two delegations each), merged in one count; the
    reconciliation per delegation is on the vote; the elected county projects are marked."""
    vote = set_up_vote(cw)
    assert vote.is_county_vote and vote.slots == 3
    d1, d2, d3, d4 = cw.delegations
    t1, t2, t3, t4 = cw.tellers
    paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=1,
        first_teller=t1,
        second_teller=t2,
        delegation_ids=[d1.pk, d2.pk],
    )
    paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=2,
        first_teller=t3,
        second_teller=t4,
        delegation_ids=[d3.pk, d4.pk],
    )
    codes = services.vote_generate_codes(actor=cw.staff, vote=vote, spares=2)
    assert len(codes) == 22  # 20 on the roll + 2 spares
    counts = {d.pk: (3, 1, 1) for d in cw.delegations}
    vote_record_delegation_counts(actor=cw.staff, vote=vote, counts=counts)
    vote.refresh_from_db()
    assert (vote.slips_issued, vote.paper_issued) == (12, 4)
    open_with_ceremony(cw.staff, vote)
    for code in codes[:12]:
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices="YYNN")
    services.vote_close(actor=cw.staff, vote=vote)
    vote.refresh_from_db()
    # Pair 1 enters delegations 1–2's two paper ballots, pair 2 those of 3–4.
    b1, b2 = PaperBatch.objects.filter(vote=vote).order_by("number")
    for batch, (a, b) in ((b1, (t1, t2)), (b2, (t3, t4))):
        for seq, keys in enumerate(["1211", "1121"], start=1):
            services.paper_entry_save(
                actor=a, vote=vote, slot="A", sequence=seq, keys=keys, batch=batch
            )
            services.paper_entry_save(
                actor=b, vote=vote, slot="B", sequence=seq, keys=keys, batch=batch
            )
    with pytest.raises(ValidationError):  # batch 2 not finished yet
        services.paper_finalize(actor=cw.chief, vote=vote)
    paper_batch_finish(actor=t1, vote=vote, batch=b1)
    paper_batch_finish(actor=t4, vote=vote, batch=b2)
    assert services.paper_finalize(actor=cw.chief, vote=vote) == 4
    vote.refresh_from_db()
    open_box_and_count(cw.staff, vote)
    vote.refresh_from_db()
    result = vote.result
    assert (result.issued, result.returned, result.electronic, result.paper) == (16, 16, 12, 4)
    rec = vote.delegation_reconciliation()
    assert rec.issued == 16 and rec.returned == 16 and rec.valid == 16 and rec.balanced
    assert [line.key for line in rec.lines] == [d.name for d in cw.delegations]
    elected = {c.candidate.title for c in result.candidates.all() if c.elected}
    # 12 × YYNN + 2 × (Y N Y Y) + 2 × (Y Y N Y): 1 → 16, 2 → 14, 3 → 2, 4 → 4 (pass: 11 of 20)
    assert elected == {"县城污水管网改造", "县人民医院门诊楼"}
    services.vote_certify(actor=cw.chief, vote=vote)
    services.vote_publish(actor=cw.staff, vote=vote)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLISHED
    assert set(
        Project.objects.filter(county=cw.county, vote_candidacies__result__elected=True)
        .exclude(status__in=["candidate", "reserve"])
        .values_list("title", flat=True)
    ) == {"县城污水管网改造", "县人民医院门诊楼"}


def test_paper_returned_above_issued_is_refused_per_delegation(cw):
    vote = set_up_vote(cw)
    services.vote_generate_codes(actor=cw.staff, vote=vote, spares=0)
    d1 = cw.delegations[0]
    with pytest.raises(ValidationError) as exc:
        vote_record_delegation_counts(actor=cw.staff, vote=vote, counts={d1.pk: (3, 1, 2)})
    assert d1.name in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):  # more slips than printed
        vote_record_delegation_counts(actor=cw.staff, vote=vote, counts={d1.pk: (21, 0, 0)})


def test_township_staff_cannot_set_up_or_run_a_county_vote(world, cw, client):
    with pytest.raises(PermissionDenied):
        services.vote_create(
            actor=world.users["staff"], session=cw.session, candidate_list=cw.clist
        )
    vote = set_up_vote(cw)
    with pytest.raises(PermissionDenied):
        vote_record_delegation_counts(
            actor=world.users["staff"], vote=vote, counts={cw.delegations[0].pk: (1, 0, 0)}
        )
    client.force_login(world.users["staff"])
    assert client.get(reverse("voting:console", args=[vote.pk])).status_code == 404
    client.force_login(cw.tellers[0])  # the county's teller: in scope, not staff
    assert client.get(reverse("voting:console", args=[vote.pk])).status_code == 403
    client.force_login(cw.staff)
    page = client.get(reverse("voting:console", args=[vote.pk]))
    assert page.status_code == 200
    assert cw.delegations[0].name in page.content.decode()


def test_a_teller_enters_only_their_pairs_batch(cw):
    vote = set_up_vote(cw)
    d1, d2, d3, d4 = cw.delegations
    t1, t2, t3, t4 = cw.tellers
    b1 = paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=1,
        first_teller=t1,
        second_teller=t2,
        delegation_ids=[d1.pk, d2.pk],
    )
    b2 = paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=2,
        first_teller=t3,
        second_teller=t4,
        delegation_ids=[d3.pk, d4.pk],
    )
    with pytest.raises(ValidationError):  # a delegation in two batches
        paper_batch_assign(
            actor=cw.staff,
            vote=vote,
            number=3,
            first_teller=t1,
            second_teller=t3,
            delegation_ids=[d1.pk],
        )
    services.vote_switch_to_paper(actor=cw.staff, vote=vote)
    vote_record_delegation_counts(
        actor=cw.staff, vote=vote, counts={d.pk: (0, 4, 1) for d in cw.delegations}
    )
    services.vote_open(actor=cw.staff, vote=vote)
    services.vote_close(actor=cw.staff, vote=vote)
    vote.refresh_from_db()
    with pytest.raises(PermissionDenied):  # pair 1's teller in pair 2's batch
        services.paper_entry_save(actor=t1, vote=vote, slot="A", sequence=1, keys="1111", batch=b2)
    with pytest.raises(ValidationError):  # a batch must be named once batches exist
        services.paper_entry_save(actor=t1, vote=vote, slot="A", sequence=1, keys="1111")
    services.paper_entry_save(actor=t1, vote=vote, slot="A", sequence=1, keys="1111", batch=b1)
    with pytest.raises(ValidationError):  # the pair's second sequence is not there yet
        paper_batch_finish(actor=t1, vote=vote, batch=b1)
    services.paper_entry_save(actor=t2, vote=vote, slot="B", sequence=1, keys="1111", batch=b1)
    with pytest.raises(ValidationError) as exc:  # the delegations returned two, one entered
        paper_batch_finish(actor=t2, vote=vote, batch=b1)
    refusal = " ".join(exc.value.messages)
    assert "1" in refusal and "2" in refusal and ("收回" in refusal or "returned" in refusal)
    with pytest.raises(PermissionDenied):  # a teller of the other pair cannot finish it
        paper_batch_finish(actor=t3, vote=vote, batch=b1)


def test_certificate_shows_the_delegations_issued_and_returned(cw):
    """The 计票结果报告单 of a county vote lists each delegation's slips and paper ballots."""
    from voting import pdf

    vote = set_up_vote(cw)
    codes = services.vote_generate_codes(actor=cw.staff, vote=vote, spares=0)
    vote_record_delegation_counts(
        actor=cw.staff, vote=vote, counts={d.pk: (2, 0, 0) for d in cw.delegations}
    )
    open_with_ceremony(cw.staff, vote)
    for code in codes[:8]:
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices="YYNN")
    services.vote_close(actor=cw.staff, vote=vote)
    open_box_and_count(cw.staff, vote)
    vote.refresh_from_db()
    services.vote_certify(actor=cw.chief, vote=vote)
    vote.refresh_from_db()
    text = pdf.pdf_text(pdf.render_certificate(vote=vote))
    assert "各代表团表决票发出、收回情况" in text
    for delegation in cw.delegations:
        assert delegation.name in text


@pytest.mark.django_db
def test_county_demo_vote_and_evaluation_are_published():
    """The demo's 青山县 4th session elects 10 of 13 (two teller pairs, paper from each of the
    8 delegations), and its 5th session rates the 10 elected projects; both published."""
    import time

    from django.core.management import call_command

    from voting.county_demo import load_county_demo
    from voting.models import Vote

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    started = time.monotonic()
    load_county_demo()
    took = time.monotonic() - started
    vote = Vote.objects.get(title="青山县2026年民生实事项目票决")
    assert vote.status == VoteStatus.PUBLISHED and vote.certified_at
    assert sum(1 for c in vote.result.candidates.all() if c.elected) == 10
    assert vote.result.paper == 8 and vote.paper_batches.count() == 2
    rec = vote.delegation_reconciliation()
    assert len(rec.lines) == 8 and rec.balanced
    evaluation = Vote.objects.get(title="青山县2026年民生实事项目满意度测评")
    assert evaluation.status == VoteStatus.PUBLISHED
    assert evaluation.candidates.count() == 10
    load_county_demo()  # idempotent
    assert (
        Vote.objects.filter(
            session__term__county__name="青山县", session__term__level="county"
        ).count()
        == 2
    )
    print(f"county demo: {took:.1f} s")


def test_code_slips_are_labelled_by_delegation(cw, client):
    """Each delegation gets as many slips labelled with its name as it has on the roll."""
    from voting import pdf

    vote = set_up_vote(cw)
    client.force_login(cw.staff)
    response = client.post(
        reverse("voting:codes_print", args=[vote.pk]), {"spares": "2", "printings": "0"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf.pdf_text(response.content)
    for delegation in cw.delegations:
        assert text.count(delegation.name) == 5
