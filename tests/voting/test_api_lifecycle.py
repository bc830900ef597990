"""The whole life cycle of a vote and of a satisfaction evaluation through /api/v1/ only —
set-up, officers, key share slips, code slips, issued counts, open, cast, close, paper double
entry by two tellers, the scrutineers' check, the sealed box opened with k shares (refused with
k − 1), count, certify, publish — with the pages' permissions and refusals: a wrong state is
a 400 with the message, a wrong role is 403, another township's staff get 404."""

import re

from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from congress import services as congress_services
from congress.models import AttendanceStatus, Role
from voting import pdf
from voting.models import Ballot, Vote, VoteStatus

from ..factories import SessionFactory, user_with_role
from .conftest import check_in, make_candidate_list

CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")
SLIP = re.compile(r"((?:[0-9A-HJKMNP-TV-Y]{5}\s+){11}[0-9A-HJKMNP-TV-Y]{5})")


def api(user=None) -> APIClient:
    """A caller reading English (the language cookie), so refusals can be read here."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name, vote=None, **kwargs):
    if vote is None:
        return reverse(f"api:vote-{name}", kwargs=kwargs or None)
    return reverse(f"api:vote-{name}", kwargs={"pk": vote, **kwargs})


def post(client, name, vote=None, data=None, **kwargs):
    return client.post(url(name, vote, **kwargs), data or {}, format="json")


def detail(response) -> str:
    body = response.json()
    return " ".join(str(v) for v in (body.values() if isinstance(body, dict) else body))


def _people(world):
    """The chief scrutineer and a second teller, with accounts, for the township."""
    world.users["chief"] = user_with_role(Role.SCRUTINEER, township=world.township, username="c1")
    world.users["teller_b"] = user_with_role(Role.TELLER, township=world.township, username="t2")
    return world


def _name_officers(world, vote_id):
    staff = api(world.users["staff"])
    for role, name, user in (
        ("chief", "吴静", world.users["chief"].pk),
        ("scrutineer", "冯芳", None),
        ("scrutineer", "陈刚", None),
        ("teller", "周涛", world.users["teller"].pk),
        ("teller", "郑伟", world.users["teller_b"].pk),
    ):
        answer = post(staff, "officers", vote_id, {"role": role, "name": name, "user": user})
        assert answer.status_code == 201, answer.content
    rows = staff.get(url("officers", vote_id)).json()
    assert [r["name"] for r in rows] == ["吴静", "冯芳", "陈刚", "周涛", "郑伟"]


def _print_slips(world, vote_id) -> list[str]:
    """The key ceremony: the share slips exist only in the PDF the action answers with."""
    answer = post(api(world.users["staff"]), "key-slips", vote_id, {"printings": 0})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "no-store"
    slips = [re.sub(r"\s+", "", m) for m in SLIP.findall(pdf.pdf_text(answer.content))]
    assert len(slips) == 3
    # A second request with the printing count it read is refused: the slips stay valid.
    again = post(api(world.users["staff"]), "key-slips", vote_id, {"printings": 0})
    assert again.status_code == 400 and "a moment ago" in detail(again)
    return slips


def _print_codes(world, vote_id, *, spares) -> list[str]:
    answer = post(api(world.users["staff"]), "codes", vote_id, {"spares": spares, "printings": 0})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    codes = [c.replace("-", "") for c in CODE.findall(pdf.pdf_text(answer.content))]
    vote = api(world.users["staff"]).get(url("detail", vote_id)).json()
    assert len(codes) == vote["codes_generated"] and vote["codes_printings"] == 1
    return codes


def _cast(vote_id, codes, marks):
    for code, choices in zip(codes, marks, strict=False):
        done = APIClient().post(
            reverse("api:cast-list"),
            {"vote": vote_id, "code": code, "choices": choices},
            format="json",
        )
        assert done.status_code == 201, done.content


def _paper(world, vote_id, keys: list[str]):
    """Two tellers enter every paper ballot, each in their own sequence; the chief scrutineer
    checks and adds them."""
    first, second = api(world.users["teller"]), api(world.users["teller_b"])
    for sequence, typed in enumerate(keys, start=1):
        for client, slot in ((first, "A"), (second, "B")):
            body = {"slot": slot, "sequence": sequence, "keys": typed}
            answer = post(client, "paper-entries", vote_id, body)
            assert answer.status_code == 201, answer.content
    # The first teller cannot enter the second sequence too.
    twice = post(first, "paper-entries", vote_id, {"slot": "B", "sequence": 9, "keys": keys[0]})
    assert twice.status_code == 400 and "different tellers" in detail(twice)
    listed = first.get(url("paper-entries", vote_id), {"slot": "A"}).json()
    assert [row["sequence"] for row in listed] == list(range(1, len(keys) + 1))
    chief = api(world.users["chief"])
    check = chief.get(url("paper-check", vote_id)).json()
    assert check["ready"] and not check["open"] and not any(r["differs"] for r in check["rows"])
    assert api(world.users["teller"]).get(url("paper-check", vote_id)).status_code == 403
    added = post(chief, "paper-finalize", vote_id)
    assert added.status_code == 200 and added.json() == {"added": len(keys)}


def _open_box(world, vote_id, slips):
    chief = api(world.users["chief"])
    few = post(chief, "open-box", vote_id, {"shares": [slips[0], "", ""]})
    assert few.status_code == 400 and "1 more is needed" in detail(few)
    opened = post(chief, "open-box", vote_id, {"shares": ["", slips[2], slips[1]]})
    assert opened.status_code == 200, opened.content
    return opened.json()


def _project_vote_through_the_api(world) -> int:
    """A sealed project vote from set-up to publication; returns its id."""
    w = world
    staff = api(w.users["staff"])
    clist = make_candidate_list(w.township)
    created = post(staff, "list", data={"session": w.session.pk, "candidate_list": clist.pk})
    assert created.status_code == 201, created.content
    vote = created.json()
    assert vote["status"] == VoteStatus.DRAFT and vote["kind"] == "projects"
    assert [c["position"] for c in vote["candidates"]] == [1, 2, 3, 4]
    vote_id = vote["id"]

    _name_officers(w, vote_id)
    slips = _print_slips(w, vote_id)
    codes = _print_codes(w, vote_id, spares=2)
    assert len(codes) == 12  # ten deputies on the roll and two spares
    issued = post(staff, "issued", vote_id, {"slips_issued": 7, "paper_issued": 2})
    assert issued.status_code == 200 and issued.json()["paper_issued"] == 2

    opened = post(staff, "open", vote_id)
    assert opened.status_code == 200 and opened.json()["status"] == VoteStatus.OPEN
    assert opened.json()["is_sealed"] and opened.json()["key_threshold"] == 2
    again = post(staff, "open", vote_id)
    assert again.status_code == 400 and "Open for voting" in detail(again)

    _cast(vote_id, codes, ["YYNA"] * 4 + ["YYYN"] * 3)
    closed = post(staff, "close", vote_id)
    assert closed.status_code == 200 and closed.json()["ballots_received"] == 7  # sealed

    _paper(w, vote_id, ["1122", "1112"])
    # A sealed box is counted only once it is open.
    early = post(staff, "count", vote_id)
    assert early.status_code == 400 and "Open the sealed box first" in detail(early)
    box = _open_box(w, vote_id, slips)
    assert box == {"opened": 7, "failed": [], "counted": True, "detail": ""}
    assert staff.get(url("detail", vote_id)).json()["ballots_received"] == 9  # 7 opened, 2 paper

    result = staff.get(reverse("api:result-detail", args=[vote_id])).json()
    assert (result["issued"], result["returned"], result["valid"]) == (9, 9, 9)
    assert [c["yes"] for c in result["candidates"]] == [9, 9, 4, 0]
    assert Ballot.objects.filter(vote_id=vote_id).count() == 9

    assert post(staff, "certify", vote_id).status_code == 403  # staff are not the chief
    certified = post(api(w.users["chief"]), "certify", vote_id)
    assert certified.status_code == 200 and len(certified.json()["box_digest"]) == 64
    assert post(api(w.users["chief"]), "publish", vote_id).status_code == 403
    published = post(staff, "publish", vote_id)
    assert published.status_code == 200 and published.json()["status"] == VoteStatus.PUBLISHED
    assert APIClient().get(reverse("api:result-detail", args=[vote_id])).status_code == 200
    return vote_id


def test_a_sealed_project_vote_through_the_api_only(world):
    check_in(_people(world), 9, total=10)
    vote_id = _project_vote_through_the_api(world)
    # Two candidates passed for three slots: the further vote for the empty slot (P4).
    further = post(api(world.users["staff"]), "runoff", vote_id)
    assert further.status_code == 201, further.content
    assert further.json()["parent"] == vote_id and further.json()["slots"] == 1
    assert post(api(world.users["staff"]), "runoff", vote_id).status_code == 400  # once


def test_refusals_wrong_state_wrong_role_other_township(world):
    check_in(_people(world), 9, total=10)
    clist = make_candidate_list(world.township)
    body = {"session": world.session.pk, "candidate_list": clist.pk}
    # Setting up: staff of the township only; the session of another township is not there.
    assert post(api(), "list", data=body).status_code == 401
    assert post(api(world.users["deputy"]), "list", data=body).status_code == 403
    assert post(api(world.users["reviewer"]), "list", data=body).status_code == 403
    assert post(api(world.users["staff_other"]), "list", data=body).status_code == 404
    unknown = post(api(world.users["staff"]), "list", data={**body, "candidate_list": 999999})
    assert unknown.status_code == 400 and "candidate_list" in unknown.json()
    clist.locked_at = None
    clist.save(update_fields=["locked_at"])
    unlocked = post(api(world.users["staff"]), "list", data=body)
    assert unlocked.status_code == 400 and "Lock the candidate list" in detail(unlocked)
    assert not Vote.objects.exists()

    vote_id = Vote.objects.create(
        session=world.session,
        title="草稿表决",
        mode="competitive",
        ballot_type="approval",
        slots=1,
        pass_base="in_office",
        quorum_numerator=2,
        quorum_denominator=3,
        tie_rule="revote",
        shortfall_rule="further_vote",
        blank_ballot_policy="valid_abstain",
        trackers_enabled=True,
        code_salt="salt",
    ).pk
    # A wrong state is refused with the message, and nothing changes.
    for name in ("close", "count", "publish"):
        answer = post(api(world.users["staff"]), name, vote_id)
        assert answer.status_code == 400, name
        assert "Being prepared" in detail(answer), name
    assert post(api(world.users["chief"]), "certify", vote_id).status_code == 400
    entry = {"slot": "A", "sequence": 1, "keys": "1"}
    early = post(api(world.users["teller"]), "paper-entries", vote_id, entry)
    assert early.status_code == 400 and "Being prepared" in detail(early)
    # No scrutineer named: the key ceremony says who must be named first.
    no_holders = post(api(world.users["staff"]), "key-slips", vote_id)
    assert no_holders.status_code == 400 and "chief scrutineer" in detail(no_holders)
    # The wrong role: 403 in scope, whatever the body.
    for user, name in (
        ("deputy", "open"),
        ("teller", "open"),
        ("scrutineer", "codes"),
        ("government", "officers"),
        ("reviewer", "issued"),
        ("staff", "paper-entries"),
        ("teller", "paper-decisions"),
        ("staff", "certify"),
        ("teller", "open-box"),
    ):
        answer = post(api(world.users[user]), name, vote_id, {"junk": True})
        assert answer.status_code == 403, (user, name, answer.status_code)
    # Another township's staff and another county's reviewer do not find it.
    for user in ("staff_other", "reviewer_other"):
        assert api(world.users[user]).get(url("detail", vote_id)).status_code == 404
        assert post(api(world.users[user]), "open", vote_id).status_code == 404
    assert Vote.objects.get(pk=vote_id).status == VoteStatus.DRAFT


def _session_with_roll(world, present):
    session = SessionFactory(term=world.term, number=9)
    staff = world.users["staff"]
    congress_services.session_open_roll(actor=staff, session=session)
    for row in list(session.attendance.order_by("deputy_id"))[:present]:
        congress_services.attendance_set(
            actor=staff, session=session, deputy_id=row.deputy_id, status=AttendanceStatus.PRESENT
        )
    return session


def test_a_satisfaction_evaluation_through_the_api_only(world):
    check_in(_people(world), 9, total=10)
    plan_vote = Vote.objects.get(pk=_project_vote_through_the_api(world))
    session = _session_with_roll(world, 9)
    staff = api(world.users["staff"])
    body = {"session": session.pk, "plan": plan_vote.candidate_list.plan_id}
    assert post(api(world.users["teller"]), "evaluations", data=body).status_code == 403
    assert post(api(world.users["staff_other"]), "evaluations", data=body).status_code == 404
    created = post(staff, "evaluations", data=body)
    assert created.status_code == 201, created.content
    evaluation = created.json()
    assert evaluation["kind"] == "evaluation" and evaluation["plan"] == body["plan"]
    assert [c["title"] for c in evaluation["candidates"]] == [
        "东河村道路路灯安装",
        "西岭村饮水工程改造",
    ]
    assert "half_counts" in evaluation["evaluation_rules"]
    vote_id = evaluation["id"]

    _name_officers(world, vote_id)
    slips = _print_slips(world, vote_id)
    codes = _print_codes(world, vote_id, spares=0)
    assert post(staff, "issued", vote_id, {"slips_issued": 7, "paper_issued": 1}).status_code == 200
    assert post(staff, "open", vote_id).status_code == 200
    _cast(vote_id, codes, ["SS"] * 4 + ["SB"] * 2 + ["UU"])
    assert post(staff, "close", vote_id).status_code == 200
    _paper(world, vote_id, ["12"])
    box = _open_box(world, vote_id, slips)
    assert box["opened"] == 7 and box["counted"]

    result = staff.get(reverse("api:result-detail", args=[vote_id])).json()
    assert result["returned"] == 8 and result["candidates"] == []
    rows = result["evaluations"]
    assert [(r["satisfied"], r["basic"], r["unsatisfied"]) for r in rows] == [(7, 0, 1), (4, 3, 1)]
    assert [r["grade"] for r in rows] == ["satisfied", "satisfied"]
    assert post(api(world.users["chief"]), "certify", vote_id).status_code == 200
    published = post(staff, "publish", vote_id)
    assert published.status_code == 200 and published.json()["status"] == VoteStatus.PUBLISHED


def test_switch_to_paper_and_the_paper_revote_when_slips_are_lost(world):
    check_in(_people(world), 9, total=10)
    staff = api(world.users["staff"])
    clist = make_candidate_list(world.township)
    vote_id = post(staff, "list", data={"session": world.session.pk, "candidate_list": clist.pk})
    vote_id = vote_id.json()["id"]
    _name_officers(world, vote_id)
    _print_slips(world, vote_id)
    codes = _print_codes(world, vote_id, spares=0)
    assert post(staff, "issued", vote_id, {"slips_issued": 9, "paper_issued": 0}).status_code == 200
    assert post(staff, "open", vote_id).status_code == 200
    _cast(vote_id, codes[:1], ["YYNA"])
    # Without the reason the presidium recorded, and before the close, no re-vote.
    too_early = post(staff, "paper-revote", vote_id, {"reason": "密钥分片遗失"})
    assert too_early.status_code == 400 and "Open for voting" in detail(too_early)
    assert post(staff, "close", vote_id).status_code == 200
    assert post(staff, "paper-revote", vote_id, {"reason": " "}).status_code == 400
    new = post(staff, "paper-revote", vote_id, {"reason": "主席团决定：密钥分片遗失，改用纸质票"})
    assert new.status_code == 201, new.content
    assert new.json()["paper_mode"] and new.json()["status"] == VoteStatus.DRAFT
    assert staff.get(url("detail", vote_id)).json()["status"] == VoteStatus.VOID
    # A draft can also switch to paper from the console's action.
    other = make_candidate_list(world.township, year=2028)
    draft = post(staff, "list", data={"session": world.session.pk, "candidate_list": other.pk})
    switched = post(staff, "switch-to-paper", draft.json()["id"])
    assert switched.status_code == 200 and switched.json()["paper_mode"]
