"""Demo data for stages 1–2: liaison stations, QR links, suggestions from every channel, the
project reserve, an annual plan with its shortlisting rounds and a locked candidate list.

青石镇 gets ~450 suggestions merged into 21 projects; the presidium proposes 7; the
party–government joint meeting fixes 4 candidates for 3 slots (差额), locked for the next
session's vote. 柳河乡, 桃源镇 and 白水镇 get smaller sets. Idempotent: a township that already
has suggestions is left as it is.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from congress.models import Deputy, Township

from . import domain, services
from .models import (
    IntakeLink,
    LiaisonStation,
    Project,
    Suggestion,
    SuggestionChannel,
)


@dataclass(frozen=True)
class Topic:
    title: str
    category: str
    phrases: tuple[str, ...]  # how residents put it
    detail: str
    investment: int  # 10,000 yuan
    body: str
    benefit: str


TOPICS = (
    Topic(
        "村道路灯亮化工程",
        "道路照明",
        ("道路安装路灯", "修建村道路灯", "村道装路灯", "晚上道路太黑装路灯"),
        "沿主干村道安装太阳能路灯",
        85,
        "镇建设办",
        "解决夜间出行安全问题，惠及群众约6000人",
    ),
    Topic(
        "东河村至石桥村道路拓宽",
        "道路交通",
        ("道路拓宽", "村道太窄要拓宽", "拓宽进村道路", "会车困难道路加宽"),
        "将3.5米村道拓宽至6米，全长2.4公里",
        460,
        "镇交通办",
        "改善两村群众出行和农产品运输条件",
    ),
    Topic(
        "南塘村饮用水管网改造",
        "供水",
        ("自来水管网改造", "自来水水压不够", "饮用水管道老化", "更换自来水管"),
        "更换老化供水主管5公里，新建加压泵站1座",
        320,
        "镇水利站",
        "保障1200户群众饮水安全",
    ),
    Topic(
        "镇区污水管网延伸工程",
        "污水处理",
        ("污水管网", "生活污水直排", "建污水处理设施", "污水乱排治理"),
        "新建污水管网3.2公里，接入镇污水处理厂",
        680,
        "镇生态办",
        "消除生活污水直排，改善河道水质",
    ),
    Topic(
        "西岭村农村公厕改造",
        "人居环境",
        ("公厕改造", "建公共厕所", "村里旱厕改造", "公共厕所太脏"),
        "新建改建农村公厕8座",
        96,
        "镇农业农村办",
        "改善农村人居环境",
    ),
    Topic(
        "青石社区居家养老服务中心",
        "养老服务",
        ("养老服务中心", "老年食堂", "老人吃饭难", "居家养老服务"),
        "改造闲置用房建设养老服务中心和老年食堂",
        210,
        "镇社会事务办",
        "为300余名老人提供助餐和日间照料",
    ),
    Topic(
        "北山村山塘水库除险加固",
        "水利",
        ("山塘加固", "水库除险加固", "山塘漏水", "水库大坝维修"),
        "对3座山塘实施除险加固",
        380,
        "镇水利站",
        "保障下游群众生命财产安全和农田灌溉",
    ),
    Topic(
        "中心小学周边交通安全设施",
        "道路交通",
        ("学校门口红绿灯", "小学门口减速带", "学生上学过马路危险", "学校周边交通安全"),
        "设置信号灯、减速带和护栏",
        45,
        "镇交通办",
        "保障1600名师生上下学安全",
    ),
    Topic(
        "杨家村农贸市场提升改造",
        "商贸",
        ("菜市场改造", "农贸市场太乱", "菜场地面积水", "市场顶棚漏雨"),
        "改造市场顶棚、地面和排水",
        260,
        "镇市场监管所",
        "改善群众买菜环境",
    ),
    Topic(
        "李庄村文化礼堂建设",
        "文化",
        ("文化礼堂", "村里没有活动场所", "建设文化活动中心", "村民活动室"),
        "新建文化礼堂一座",
        180,
        "镇宣传办",
        "丰富群众文化生活",
    ),
    Topic(
        "石桥村危桥改造",
        "道路交通",
        ("危桥改造", "石桥年久失修", "桥梁加固", "桥面开裂"),
        "拆除重建危桥一座",
        150,
        "镇交通办",
        "消除安全隐患",
    ),
    Topic(
        "枫林村垃圾分类收集点建设",
        "人居环境",
        ("垃圾分类", "垃圾桶不够", "垃圾清运不及时", "建垃圾收集房"),
        "建设垃圾分类收集点20处",
        60,
        "镇生态办",
        "提升农村生活垃圾分类处理水平",
    ),
    Topic(
        "竹溪村河道综合治理",
        "水利",
        ("河道清淤", "河道整治", "溪沟淤塞", "河岸坍塌"),
        "清淤疏浚2公里并修复护岸",
        290,
        "镇水利站",
        "提高防洪能力，改善河道生态",
    ),
    Topic(
        "上坪村农田灌溉渠系改造",
        "农业",
        ("灌溉水渠", "农田灌溉", "水渠破损漏水", "修建灌溉渠"),
        "改造灌溉渠道6公里",
        175,
        "镇农业农村办",
        "改善800亩农田灌溉条件",
    ),
    Topic(
        "下坪村停车场建设",
        "道路交通",
        ("停车场", "停车难", "村口乱停车", "建设停车位"),
        "新建停车位80个",
        120,
        "镇建设办",
        "缓解停车难问题",
    ),
    Topic(
        "镇卫生院发热门诊改造",
        "医疗卫生",
        ("卫生院改造", "看病排队", "卫生院设备陈旧", "村卫生室"),
        "改造发热门诊并更新设备",
        230,
        "镇卫生院",
        "提升基层医疗服务能力",
    ),
    Topic(
        "东河村健身广场",
        "文化体育",
        ("健身广场", "健身器材", "建篮球场", "广场舞场地"),
        "建设健身广场和篮球场各一处",
        90,
        "镇文体站",
        "满足群众健身需求",
    ),
    Topic(
        "青石社区老旧小区加装电梯试点",
        "住房",
        ("加装电梯", "老小区爬楼难", "老旧小区改造", "楼道改造"),
        "选取2幢试点加装电梯",
        160,
        "镇建设办",
        "方便老人出行",
    ),
    Topic(
        "北山村通组公路硬化",
        "道路交通",
        ("道路硬化", "泥巴路硬化", "组里道路硬化", "下雨路难走"),
        "硬化通组公路3.6公里",
        270,
        "镇交通办",
        "解决400余户群众出行难",
    ),
    Topic(
        "镇区雨污分流改造",
        "污水处理",
        ("雨污分流", "下雨积水", "排水沟堵塞", "街道内涝"),
        "改造雨污管网2.1公里",
        520,
        "镇建设办",
        "解决镇区内涝问题",
    ),
    Topic(
        "西岭村便民服务站",
        "便民服务",
        ("便民服务站", "办事跑远路", "代办服务点", "村里办事不方便"),
        "建设便民服务站并配备自助终端",
        40,
        "镇党政办",
        "群众办事不出村",
    ),
)
REJECTED = (
    ("建设镇政府办公楼", "楼堂馆所建设"),
    ("修建村委会办公大楼", "楼堂馆所建设"),
    ("每户集资修路", "增加群众负担或形成债务风险"),
    ("向群众摊派建设资金", "增加群众负担或形成债务风险"),
    ("上级下达的高速公路项目", "上级指令性项目"),
    ("续建停工的工业园区", "停建缓建项目"),
)
REASONS = (
    "晚上出行很不方便",
    "老人和孩子很不安全",
    "群众反映强烈",
    "影响生产生活",
    "已经多年没有解决",
)
CHANNELS = [c.value for c in SuggestionChannel]
STATIONS = ("代表联络站", "代表之家")


@dataclass(frozen=True)
class Spec:
    code: str
    projects: int  # how many topics become projects
    per_project: tuple[int, int]  # suggestions per project (min, max)
    rejected: int
    pending: int
    lock: bool


SPECS = {
    "330999101": Spec("330999101", 21, (15, 23), 30, 20, True),  # 青石镇
    "330999102": Spec("330999102", 6, (6, 10), 6, 8, False),  # 柳河乡
    "330999103": Spec("330999103", 4, (5, 8), 3, 5, False),  # 桃源镇
    "330998101": Spec("330998101", 3, (4, 6), 2, 3, False),  # 白水镇
}
PLAN_YEAR = 2027


def _actor(township: Township):
    from congress.models import RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(township=township, role="staff")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is not None:
        return assignment.user
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def _received_at(rng: random.Random) -> datetime.datetime:
    # Collection for next year runs in Q3–Q4 (July to mid-October 2026 in the demo).
    day = datetime.date(2026, 7, 1) + datetime.timedelta(days=rng.randrange(105))
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(8 + rng.randrange(10), rng.randrange(60)))
    )


def _suggestion(rng, township, villages, deputies, stations, title, content, category, home=None):
    channel = rng.choice(CHANNELS)
    deputy = station = None
    if channel == SuggestionChannel.STATION:
        station = rng.choice(stations)
    elif channel in (SuggestionChannel.DEPUTY_QR, SuggestionChannel.DOOR_TO_DOOR):
        deputy = rng.choice(deputies)
    elif rng.random() < 0.4:
        deputy = rng.choice(deputies)
    # Most suggestions about a place come from that place; the rest from anywhere.
    village = home if home is not None and rng.random() < 0.6 else rng.choice(villages)
    title = title.format(village=village.name)[:100]
    content = content.format(village=village.name)
    has_contact = rng.random() < 0.5
    return Suggestion(
        township=township,
        # Real random codes (not from the seeded generator): receipt codes must not be
        # predictable from this source file.
        receipt_code=domain.receipt_code_from_int(secrets.randbits(domain.RECEIPT_BITS)),
        title=title,
        content=content,
        category=category,
        village=village,
        channel=channel,
        deputy=deputy,
        station=station,
        proposer_name=("村民" + rng.choice("王李张刘陈杨黄赵") + "某") if has_contact else "",
        proposer_phone=f"137{rng.randrange(10**8):08d}" if has_contact else "",
        tokens=domain.tokenize(f"{title} {content}"),
    )


# Village names the topics mention (the model town's); elsewhere they are replaced by a
# village of the township.
TOPIC_PLACES = (
    "青石社区",
    "东河村",
    "石桥村",
    "南塘村",
    "西岭村",
    "北山村",
    "杨家村",
    "李庄村",
    "枫林村",
    "竹溪村",
    "上坪村",
    "下坪村",
)


def _home_village(topic: Topic, villages, rng):
    by_name = {v.name: v for v in villages}
    for name in TOPIC_PLACES:
        if name in topic.title:
            return by_name.get(name) or villages[TOPIC_PLACES.index(name) % len(villages)]
    return None


def _place(topic: Topic, township: Township, group: list[Suggestion], home):
    """(title, location, villages) of the project a topic becomes in this township."""
    title = topic.title
    if home is not None:
        names = set(township.villages.values_list("name", flat=True))
        spare = [n for n in sorted(names) if n not in title and n != home.name]
        for name in TOPIC_PLACES:
            if name in title and name not in names:
                title = title.replace(name, home.name if home.name not in title else spare.pop())
        return title, home.name, [home]
    counts = Counter(s.village for s in group if s.village_id)
    common = [v for v, _n in counts.most_common(3)]
    if title.startswith("镇"):
        return title, f"{township.name}集镇", []
    return title, "、".join(v.name for v in common), common


def _township_demo(township: Township, spec: Spec) -> None:
    if Suggestion.objects.filter(township=township).exists():
        return
    actor = _actor(township)
    rng = random.Random(f"projects-demo-{township.code}")
    villages = list(township.villages.order_by("pk"))
    deputies = list(Deputy.objects.filter(township=township, in_office=True).order_by("pk"))
    stations = []
    for i, suffix in enumerate(STATIONS[: 1 + (len(villages) > 6)]):
        village = villages[i * 3 % len(villages)]
        station, _created = LiaisonStation.objects.get_or_create(
            township=township,
            name=f"{village.name}{suffix}",
            defaults={"village": village, "address": f"{village.name}村委会一楼"},
        )
        stations.append(station)
    services.intake_links_ensure(actor=actor, township=township)

    topics = TOPICS[: spec.projects]
    groups: list[tuple[Topic, list[Suggestion], object]] = []
    rows: list[Suggestion] = []
    for topic in topics:
        group = []
        home = _home_village(topic, villages, rng)
        for _ in range(rng.randint(*spec.per_project)):
            phrase = rng.choice(topic.phrases)
            group.append(
                _suggestion(
                    rng,
                    township,
                    villages,
                    deputies,
                    stations,
                    "{village}" + phrase,
                    f"{{village}}{phrase}，{rng.choice(REASONS)}。建议{topic.detail}。",
                    topic.category,
                    home=home,
                )
            )
        groups.append((topic, group, home))
        rows.extend(group)
    rejected = []
    for _ in range(spec.rejected):
        title, reason = rng.choice(REJECTED)
        rejected.append(
            (
                _suggestion(
                    rng, township, villages, deputies, stations, title, f"{title}。", "其他"
                ),
                reason,
            )
        )
    rows.extend(s for s, _reason in rejected)
    pending_topics = TOPICS[spec.projects :] or TOPICS
    for _ in range(spec.pending):
        topic = rng.choice(pending_topics)
        phrase = rng.choice(topic.phrases)
        rows.append(
            _suggestion(
                rng,
                township,
                villages,
                deputies,
                stations,
                "{village}" + phrase,
                f"{{village}}{phrase}，{rng.choice(REASONS)}。",
                topic.category,
            )
        )
    Suggestion.objects.bulk_create(rows, batch_size=500)
    for suggestion in rows:
        suggestion.created_at = _received_at(rng)
    Suggestion.objects.bulk_update(rows, ["created_at"], batch_size=500)

    projects = []
    for topic, group, home in groups:
        project = services.suggestions_merge(
            actor=actor,
            township=township,
            suggestion_ids=[s.pk for s in group],
            reply="您的建议已纳入项目储备库，将按程序提交审议。",
        )
        title, location, places = _place(topic, township, group, home)
        services.project_update(
            actor=actor,
            project=project,
            villages=places,
            title=title,
            content=f"{topic.detail}。",
            location=location,
            estimated_investment=Decimal(topic.investment),
            funding_source=rng.choice(("镇财政", "县级补助资金和镇财政", "上级专项资金")),
            implementing_body=topic.body,
            deadline=datetime.date(PLAN_YEAR, rng.choice((6, 9, 10, 12)), 30),
            expected_benefit=topic.benefit,
            necessity=f"群众反映集中（{len(group)}条建议），项目前期条件基本具备。",
        )
        projects.append(project)
    by_reason: dict[str, list[int]] = {}
    for suggestion, reason in rejected:
        by_reason.setdefault(reason, []).append(suggestion.pk)
    for reason, ids in by_reason.items():
        services.suggestions_reject(
            actor=actor,
            township=township,
            suggestion_ids=ids,
            reason=reason,
            reply="经审查，该建议不符合民生实事项目征集范围。",
        )
    _plan(township, spec, projects, actor, rng)


def _plan(township, spec, projects, actor, rng) -> None:
    if township.code == "330999101":
        slots, funnel = 3, (14, 11, 7, 4)  # advanced by each round
    elif township.code == "330999102":
        slots, funnel = 2, (5, 4)  # under way: two rounds decided
    else:
        return
    plan = services.plan_create(actor=actor, township=township, year=PLAN_YEAR, slots=slots)
    services.plan_add_projects(actor=actor, plan=plan, projects=projects)
    pool = list(projects)
    reasons = {
        "advance": ("符合民生实事项目条件，同意提交下一环节", "群众需求迫切，资金可落实"),
        "hold": ("资金来源尚未落实，暂缓", "前期工作不足，列入储备"),
        "reject": ("不属于本级事权", "与已有规划重复"),
    }
    for rnd, advance_count in zip(plan.rounds.order_by("position"), funnel, strict=False):
        rng.shuffle(pool)
        advanced = pool[:advance_count]
        for project in pool:
            if project in advanced:
                decision = "advance"
            else:
                decision = "reject" if rng.random() < 0.4 else "hold"
            services.round_record_decision(
                actor=actor,
                round=rnd,
                project=project,
                decision=decision,
                reason=rng.choice(reasons[decision]),
            )
        pool = sorted(advanced, key=lambda p: p.pk)
    if spec.lock:
        services.candidate_list_lock(actor=actor, candidate_list=plan.candidate_list)


@transaction.atomic
def load_demo() -> None:
    """Build (or leave as it is) the projects demo for every demo township."""
    for code, spec in SPECS.items():
        township = Township.objects.filter(code=code).first()
        if township is not None:
            _township_demo(township, spec)
    # QR links for deputies added to the roster later.
    for township in Township.objects.filter(code__in=SPECS):
        if (
            IntakeLink.objects.filter(township=township).count()
            < township.deputies.filter(in_office=True).count()
        ):
            services.intake_links_ensure(actor=_actor(township), township=township)


def summary() -> dict[str, int]:
    return {
        "suggestions": Suggestion.objects.count(),
        "projects": Project.objects.count(),
    }
