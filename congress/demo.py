"""Demo data: a believable county with three townships, deputies, terms, sessions and an
account for every role. Idempotent: every object is found by its natural key first.

Later stages extend ``load_demo`` with their own data so every page has something to show.
"""

from __future__ import annotations

import datetime
import random
import zlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from .collation import stroke_sort_key
from .models import (
    Attendance,
    AttendanceStatus,
    County,
    Delegation,
    DelegationMember,
    Deputy,
    Prefecture,
    Role,
    RoleAssignment,
    RuleSet,
    Session,
    SessionStatus,
    Term,
    Township,
    Village,
)

DEMO_PASSWORD = "livelihood2026"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "建国明华丽芳秀英志强伟军红梅玉兰海燕文斌春生晓东金凤永福德新平安国庆桂香立群晨阳雪"

PROFESSIONS = [
    ("农民", ["农业", "种植"]),
    ("村党支部书记", ["基层治理", "农村建设"]),
    ("教师", ["教育"]),
    ("乡村医生", ["医疗卫生"]),
    ("个体工商户", ["商贸"]),
    ("建筑施工员", ["建筑工程", "道路"]),
    ("水利站技术员", ["水利", "供水"]),
    ("企业负责人", ["财务", "企业管理"]),
    ("会计", ["财务", "审计"]),
    ("电工", ["电力", "照明"]),
    ("养殖户", ["畜牧养殖"]),
    ("社区工作者", ["养老服务", "社区治理"]),
    ("律师", ["法律"]),
    ("环保站职员", ["环境保护", "污水处理"]),
]


@dataclass(frozen=True)
class TownshipSpec:
    code: str
    name: str
    deputies: int
    villages: tuple[str, ...]
    centre: tuple[float, float]


COUNTY = ("330999", "青山县")
OTHER_COUNTY = ("330998", "白水县")
TOWNSHIPS = (
    TownshipSpec(
        "330999101",
        "青石镇",
        52,
        (
            "青石社区",
            "东河村",
            "西岭村",
            "南塘村",
            "北山村",
            "杨家村",
            "李庄村",
            "石桥村",
            "枫林村",
            "竹溪村",
            "上坪村",
            "下坪村",
        ),
        (29.8512, 120.1021),
    ),
    TownshipSpec(
        "330999102",
        "柳河乡",
        26,
        ("柳河村", "河湾村", "新塘村", "大坝村", "梅园村", "沙洲村"),
        (29.9103, 120.0544),
    ),
    TownshipSpec(
        "330999103",
        "桃源镇",
        31,
        ("桃源社区", "花溪村", "龙潭村", "白鹭村", "云山村", "茶园村", "黄泥村"),
        (29.7820, 120.1805),
    ),
)
OTHER_TOWNSHIP = TownshipSpec(
    "330998101", "白水镇", 18, ("白水村", "清溪村", "长岭村"), (30.0011, 119.8823)
)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _villages(township: Township, spec: TownshipSpec) -> list[Village]:
    villages = []
    lat0, lng0 = spec.centre
    for i, name in enumerate(spec.villages):
        # Villages laid out in a row of pairs, ~1.5 km apart; neighbours in the row are adjacent.
        lat = round(lat0 + (i // 2) * 0.013, 6)
        lng = round(lng0 + (i % 2) * 0.015, 6)
        village, _created = Village.objects.get_or_create(
            township=township,
            name=name,
            defaults={"code": f"{spec.code}{i + 1:03d}", "latitude": lat, "longitude": lng},
        )
        villages.append(village)
    for i, village in enumerate(villages):
        for j in (i + 1, i + 2):
            if j < len(villages) and abs(j - i) <= 2:
                village.adjacent.add(villages[j])
    return villages


def _deputies(township: Township, spec: TownshipSpec, villages: list[Village], index: int):
    rng = random.Random(f"demo-{spec.code}")
    used: set[str] = set()
    deputies = []
    for i in range(spec.deputies):
        name = _name(rng, used)
        profession, tags = PROFESSIONS[rng.randrange(len(PROFESSIONS))]
        home = villages[rng.randrange(len(villages))]
        work = home if rng.random() < 0.7 else villages[rng.randrange(len(villages))]
        phone = f"139{index:02d}{i + 1:06d}"
        deputy, _created = Deputy.objects.get_or_create(
            township=township,
            name=name,
            phone=phone,
            defaults={
                "gender": "F" if rng.random() < 0.38 else "M",
                "is_township_deputy": True,
                "is_county_deputy": i < max(3, spec.deputies // 10),
                "home_village": home,
                "work_village": work,
                "profession": profession,
                "employer": f"{township.name}建设工程公司" if profession == "企业负责人" else "",
                "expertise": tags,
                "is_party_committee": i < 4,
                "in_office": i < spec.deputies - 1,  # one deputy has left office
            },
        )
        deputies.append(deputy)
    return deputies


def _user(username: str, full_name: str, *, superuser: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _role(user, role: str, *, township=None, county=None, prefecture=None):
    RoleAssignment.objects.get_or_create(
        user=user, role=role, township=township, county=county, prefecture=prefecture
    )


PREFECTURE = ("330900", "青州市")
# The county congress's delegations (代表团): one per township, then the sectors. Sizes add up
# to 240 with the townships' own county deputies; new county-only deputies live in 柳河乡 and
# 桃源镇 (青石镇's roster keeps the size of the town in mission.md).
SECTOR_DELEGATIONS = (
    ("县直机关代表团", 36),
    ("教育卫生代表团", 35),
    ("工商企业代表团", 35),
    ("农业农村代表团", 35),
    ("驻县部队代表团", 20),
)
TOWNSHIP_DELEGATION_SIZE = 30


def _county_deputies(township: Township, count: int, tag: str, used: set[str]) -> list[Deputy]:
    """``count`` county-only deputies living in ``township`` (bulk, with the stroke key)."""
    rng = random.Random(f"county-{tag}")
    rows = []
    for i in range(count):
        name = _name(rng, used)
        profession, tags = rng.choice(PROFESSIONS)
        rows.append(
            Deputy(
                township=township,
                name=name,
                name_sort_key=stroke_sort_key(name),
                gender="F" if rng.random() < 0.3 else "M",
                is_township_deputy=False,
                is_county_deputy=True,
                profession=profession,
                expertise=tags,
                phone=f"139{zlib.crc32(tag.encode()) % 1000:03d}{i:05d}",
            )
        )
    return Deputy.objects.bulk_create(rows)


def _county_congress(county: County, townships: list[Township]) -> None:
    """青山县第十七届人民代表大会: about 240 county deputies in 8 delegations, and its 4th
    session with the roll taken (by delegation). Built once; a second run finds it."""
    term, _created = Term.objects.get_or_create(
        level="county", county=county, number=17, defaults={"start_year": 2022, "end_year": 2026}
    )
    if not Delegation.objects.filter(term=term).exists():
        used = set(Deputy.objects.filter(township__county=county).values_list("name", flat=True))
        homes = [t for t in townships if t.code != "330999101"]  # not 青石镇 (see above)
        members: list[DelegationMember] = []
        order = 0
        for township in townships:
            order += 1
            delegation = Delegation.objects.create(
                term=term, name=f"{township.name}代表团", order=order, township=township
            )
            own = list(
                Deputy.objects.filter(township=township, is_county_deputy=True, in_office=True)
            )
            if township in homes:
                own += _county_deputies(
                    township, TOWNSHIP_DELEGATION_SIZE - len(own), township.code, used
                )
            members += [DelegationMember(delegation=delegation, term=term, deputy=d) for d in own]
            delegation.head = own[0]
            delegation.save(update_fields=["head"])
        for index, (name, size) in enumerate(SECTOR_DELEGATIONS):
            order += 1
            delegation = Delegation.objects.create(term=term, name=name, order=order)
            own = _county_deputies(homes[index % len(homes)], size, f"sector{index}", used)
            members += [DelegationMember(delegation=delegation, term=term, deputy=d) for d in own]
            delegation.head = own[0]
            delegation.save(update_fields=["head"])
        DelegationMember.objects.bulk_create(members)
    session, created = Session.objects.get_or_create(
        term=term,
        number=4,
        defaults={
            "date": datetime.date(2026, 1, 8),
            "place": "青山县人民会堂",
            "status": SessionStatus.IN_PROGRESS,
        },
    )
    if created:
        rng = random.Random("county-roll")
        rows = []
        for deputy_id in (
            Deputy.objects.filter(township__county=county, is_county_deputy=True, in_office=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            roll = rng.random()
            state = (
                AttendanceStatus.PRESENT
                if roll < 0.92
                else AttendanceStatus.LEAVE
                if roll < 0.98
                else AttendanceStatus.ABSENT
            )
            rows.append(Attendance(session=session, deputy_id=deputy_id, status=state))
        Attendance.objects.bulk_create(rows)


def _sessions(township: Township, deputies: list[Deputy]) -> None:
    term, _created = Term.objects.get_or_create(
        level="township",
        county=township.county,
        township=township,
        number=19,
        defaults={"start_year": 2021, "end_year": 2026},
    )
    # The next term (换届 at the turn of 2027): no session yet, for staff to schedule.
    Term.objects.get_or_create(
        level="township",
        county=township.county,
        township=township,
        number=20,
        defaults={"start_year": 2027, "end_year": 2031},
    )
    rng = random.Random(f"attendance-{township.code}")
    plan = [
        (4, datetime.date(2025, 1, 15), SessionStatus.CLOSED),
        (5, datetime.date(2026, 1, 14), SessionStatus.CLOSED),
        (6, datetime.date(2026, 12, 20), SessionStatus.PLANNED),
    ]
    for number, date, status in plan:
        session, created = Session.objects.get_or_create(
            term=term,
            number=number,
            defaults={"date": date, "place": f"{township.name}人民政府大会议室", "status": status},
        )
        if created and status == SessionStatus.CLOSED:
            rows = []
            for deputy in deputies:
                if not deputy.in_office:
                    continue
                roll = rng.random()
                state = (
                    AttendanceStatus.PRESENT
                    if roll < 0.9
                    else AttendanceStatus.LEAVE
                    if roll < 0.97
                    else AttendanceStatus.ABSENT
                )
                rows.append(Attendance(session=session, deputy=deputy, status=state))
            Attendance.objects.bulk_create(rows)


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Build (or complete) the demo county. Returns (username, description) pairs."""
    county, _created = County.objects.get_or_create(code=COUNTY[0], defaults={"name": COUNTY[1]})
    other, _created = County.objects.get_or_create(
        code=OTHER_COUNTY[0], defaults={"name": OTHER_COUNTY[1]}
    )
    RuleSet.objects.get_or_create(county=county)
    townships = {}
    for index, spec in enumerate((*TOWNSHIPS, OTHER_TOWNSHIP), start=1):
        township, _created = Township.objects.get_or_create(
            code=spec.code,
            defaults={"name": spec.name, "county": other if spec is OTHER_TOWNSHIP else county},
        )
        RuleSet.objects.get_or_create(township=township)
        villages = _villages(township, spec)
        deputies = _deputies(township, spec, villages, index)
        _sessions(township, deputies)
        townships[spec.code] = (township, deputies)

    prefecture, _created = Prefecture.objects.get_or_create(
        code=PREFECTURE[0], defaults={"name": PREFECTURE[1]}
    )
    County.objects.filter(pk__in=[county.pk, other.pk], prefecture__isnull=True).update(
        prefecture=prefecture
    )
    _county_congress(
        county, [t for code, (t, _d) in townships.items() if code != OTHER_TOWNSHIP.code]
    )

    qingshi, qingshi_deputies = townships["330999101"]
    liuhe, _liuhe_deputies = townships["330999102"]
    baishui, _bs = townships[OTHER_TOWNSHIP.code]

    accounts: list[tuple[str, str]] = []
    _user("admin", "系统管理员", superuser=True)
    accounts.append(("admin", "superuser"))
    for username, full_name, role, township in [
        ("staff_qingshi", "青石镇人大办 陈敏", Role.STAFF, qingshi),
        ("teller_qingshi", "计票人 周涛", Role.TELLER, qingshi),
        ("scrutineer_qingshi", "总监票人 吴静", Role.SCRUTINEER, qingshi),
        ("gov_qingshi", "青石镇政府 联络员 郑伟", Role.GOVERNMENT, qingshi),
        ("staff_liuhe", "柳河乡人大办 林芳", Role.STAFF, liuhe),
        ("staff_baishui", "白水镇人大办 何平", Role.STAFF, baishui),
    ]:
        _role(_user(username, full_name), role, township=township)
        accounts.append((username, f"{role.label} · {township.name}"))
    _role(_user("reviewer_qingshan", "青山县人大常委会联工委 罗兰"), Role.REVIEWER, county=county)
    accounts.append(("reviewer_qingshan", f"{Role.REVIEWER.label} · {county.name}"))
    _role(_user("reviewer_baishui", "白水县人大常委会联工委 高远"), Role.REVIEWER, county=other)
    accounts.append(("reviewer_baishui", f"{Role.REVIEWER.label} · {other.name}"))
    _role(_user("staff_qingshan", "青山县人大常委会办公室 许宁"), Role.STAFF, county=county)
    accounts.append(("staff_qingshan", f"{_('County congress staff')} · {county.name}"))
    _role(
        _user("reviewer_qingzhou", "青州市人大常委会选联工委 方正"),
        Role.REVIEWER,
        prefecture=prefecture,
    )
    accounts.append(("reviewer_qingzhou", f"{_('Prefecture reviewer')} · {prefecture.name}"))
    for i, deputy in enumerate(qingshi_deputies[:3], start=1):
        username = f"deputy{i}"
        user = _user(username, deputy.name)
        if deputy.user_id is None:
            deputy.user = user
            deputy.save(update_fields=["user"])
        accounts.append((username, f"{deputy.name} · {qingshi.name}"))
    # A county deputy (县人大代表) holding no township seat, who enters the suggestions they
    # collect at the county congress's form on the phone.
    county_deputy = Deputy.objects.filter(user__username="deputy_qingshan").first() or (
        Deputy.objects.filter(
            township=liuhe,
            is_county_deputy=True,
            is_township_deputy=False,
            in_office=True,
            user__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if county_deputy is not None:
        user = _user("deputy_qingshan", county_deputy.name)
        if county_deputy.user_id is None:
            county_deputy.user = user
            county_deputy.save(update_fields=["user"])
        accounts.append(
            ("deputy_qingshan", f"{county_deputy.name} · {_('county deputy')} · {county.name}")
        )
    return accounts
