"""Sealed ballots (issue 15): what sealing costs a cast, and opening a box of 100,000.

    .venv/bin/python bench/run.py --only sealed
    .venv/bin/python -c "from bench.bench_sealed import main; main([])" [--sealed 100000]

1. Sealing: the server CPU (process time) that ``voting.sealing.seal`` adds to one cast,
   over 20,000 casts of a 20-candidate ballot. Target: at most 0.5 ms.
2. Opening: the box of ``--sealed`` (100,000) sealed ballots opened as ``vote_open_box``
   does it — the key rebuilt from k = 3 of n = 5 typed share slips, each blob opened,
   its marks validated (B1/B2) and its status decided, the opened box sorted by content — in
   memory (the write is one bulk INSERT of the sorted rows, the same as the box rewrite at
   close, measured by bench_vote's tally set-up). Target: at most 10 s.

The 1M-ballot tally is bench_vote's: sealing does not change what is tallied (the opened box
is the same table, in content order), so its "within 2x a bare grouped count" stands there.
No database, no server: CPU only.
"""

from __future__ import annotations

import random
import sys
import time

from bench import harness


def _setup_django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livelihood.settings.local")
    django.setup()


def main(argv: list[str]) -> int:
    parser = harness.common_parser()
    parser.add_argument("--sealed", type=int, default=100_000, help="sealed ballots [100000]")
    parser.add_argument("--casts", type=int, default=20_000, help="casts to time [20000]")
    args, _unknown = parser.parse_known_args(argv)
    _setup_django()
    from voting import domain, sealing

    candidates, slots = 20, 10
    rng = random.Random(15)

    def marks():
        ys = set(rng.sample(range(candidates), rng.randint(0, slots)))
        return "".join("Y" if i in ys else rng.choice("NA") for i in range(candidates))

    ceremony = sealing.key_ceremony(vote_id=4242, threshold=3, holders=5)
    public = ceremony.public_key
    ballots = [marks() for _ in range(args.casts)]
    start = time.process_time()
    for choices in ballots:
        sealing.seal(public, vote_id=4242, choices=choices)
    seal_ms = (time.process_time() - start) / args.casts * 1000

    blobs = [sealing.seal(public, vote_id=4242, choices=marks()) for _ in range(args.sealed)]
    typed = [sealing.encode_share(s) for s in ceremony.shares[1:4]]
    fingerprints = [sealing.share_fingerprint(s) for s in ceremony.shares]
    wall = time.perf_counter()
    cpu = time.process_time()
    key = sealing.rebuild_key(
        typed, vote_id=4242, public_key=public, fingerprints=fingerprints, threshold=3
    )
    open_one = sealing.opener(key)
    del key
    limit = domain.approval_limit(mode="competitive", slots=slots, candidates=candidates)
    rows = []
    for blob in blobs:
        choices = open_one(blob, vote_id=4242)
        domain.validate_marks(choices, candidates=candidates)
        assert choices.count(domain.YES) <= limit
        rows.append(
            (
                choices,
                domain.ballot_status(
                    choices, mode="competitive", slots=slots, blank_policy="valid_abstain"
                ),
            )
        )
    rows.sort()
    open_s = time.perf_counter() - wall
    open_cpu = time.process_time() - cpu
    ok_seal, ok_open = seal_ms <= 0.5, open_s <= 10
    print("## vote: sealed ballots (issue 15)")
    print()
    print("| measure | figure | target | |")
    print("|---|---|---|---|")
    print(
        f"| sealing, CPU per cast ({args.casts:,} casts) | {seal_ms:.3f} ms | ≤ 0.5 ms | "
        f"{'ok' if ok_seal else 'MISSED'} |"
    )
    print(
        f"| opening {args.sealed:,} sealed ballots (k=3 of 5, validate, sort) | "
        f"{open_s:.2f} s wall, {open_cpu:.2f} s CPU | ≤ 10 s | {'ok' if ok_open else 'MISSED'} |"
    )
    sys.stdout.flush()
    return 0 if ok_seal and ok_open else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
