"""What the vote's service tests share: a vote opened the way officers open it."""

from voting import services

from ..ceremony import open_box_and_count, open_with_ceremony
from ..conftest import check_in, make_candidate_list


def open_vote(world, spares=2):
    staff = world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=world.vote, spares=spares)
    services.vote_record_issued(actor=staff, vote=world.vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, world.vote)
    return codes


def voted(world, ballots):
    check_in(world, 10, total=10)
    staff = world.users["staff"]
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=10, paper_issued=0)
    open_with_ceremony(staff, vote)
    for code, choices in zip(codes, ballots, strict=True):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=choices)
    services.vote_close(actor=staff, vote=vote)
    return vote, open_box_and_count(staff, vote)
