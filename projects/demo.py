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
    load_county_demo()
    load_county_intake_demo()


def summary() -> dict[str, int]:
    return {
        "suggestions": Suggestion.objects.count(),
        "projects": Project.objects.count(),
    }


# ---------------------------------------------------------------------------------------------
# 青山县人民代表大会's own projects stage (issue 17): the county government gathers 16
# projects; its executive meeting (政府常务会议) screens them to 15, the standing committee
# meeting (常委会会议) fixes 13, the county party committee's standing committee (县委常委会)
# agrees, and the 13 candidates are locked for the 4th session's 13→10 vote.

COUNTY_CODE = "330999"
COUNTY_PLAN_YEAR = 2026
COUNTY_ROUNDS = ["政府常务会议", "常委会会议", "县委常委会"]
# (title, content, category, investment in 10,000 yuan, implementing body)
COUNTY_PROJECTS = [
    (
        "县城老旧小区改造提升工程",
        "改造县城22个老旧小区的供排水、道路、照明和适老化设施",
        "城乡建设",
        8600,
        "县住建局",
    ),
    (
        "县人民医院急诊综合楼建设",
        "新建急诊综合楼1.2万平方米，提升急危重症救治能力",
        "医疗卫生",
        9800,
        "县卫健局",
    ),
    (
        "城乡供水一体化工程（二期）",
        "新建水厂一座，铺设主管网46公里，覆盖5个乡镇",
        "饮水安全",
        7200,
        "县水利局",
    ),
    (
        "义务教育学校扩容工程",
        "新建城南小学，改扩建两所乡镇初中，新增学位2700个",
        "教育",
        6500,
        "县教育局",
    ),
    ("农村公路提质改造", "改造县乡道及通村公路120公里，完善安防设施", "交通", 5400, "县交通运输局"),
    (
        "县城污水管网雨污分流改造",
        "改造雨污管网38公里，消除城区内涝点9处",
        "生态环境",
        4300,
        "县住建局",
    ),
    (
        "养老服务中心建设",
        "建设县级养老服务指导中心和8个乡镇区域性养老服务中心",
        "养老",
        3100,
        "县民政局",
    ),
    ("农贸市场标准化改造", "改造县城及乡镇农贸市场6个", "民生服务", 1800, "县商务局"),
    ("全民健身中心建设", "建设全民健身中心一座及15个村级健身广场", "文体", 2600, "县文旅广体局"),
    ("公共停车场建设", "在县城新建公共停车场4处，新增车位1200个", "交通", 2200, "县城管局"),
    (
        "乡镇卫生院能力提升",
        "为6个乡镇卫生院配置DR、彩超等设备，改造发热门诊",
        "医疗卫生",
        1500,
        "县卫健局",
    ),
    (
        "农村生活垃圾分类收运体系",
        "配置分类收运车辆和村级收集点，建设转运站2座",
        "生态环境",
        1600,
        "县城管局",
    ),
    ("背街小巷路灯亮化", "为县城背街小巷安装路灯1800盏", "城乡建设", 900, "县城管局"),
    (
        "婴幼儿照护服务中心",
        "建设县级普惠托育服务中心一座，提供托位200个",
        "民生服务",
        1200,
        "县卫健局",
    ),
    ("县城应急避难场所建设", "改造公园绿地为应急避难场所3处", "安全", 800, "县应急管理局"),
    ("智慧停车收费系统", "县城路内停车智慧收费改造", "交通", 600, "县城管局"),
]


def _county_actor(county):
    from congress.models import RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(county=county, township__isnull=True, role="staff")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is not None:
        return assignment.user
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def load_county_demo() -> None:
    """The county congress's 2026 plan: suggestions from county deputies and one referred by
    a township, the reserve, three rounds and the locked 13 candidates. Built once."""
    from congress.models import County, RuleSet

    from .models import AnnualPlan

    county = County.objects.filter(code=COUNTY_CODE).first()
    if county is None or AnnualPlan.objects.filter(county=county).exists():
        return
    actor = _county_actor(county)
    if actor is None:
        return
    # The county's rounds (the congress demo may have saved its rules with the defaults).
    rules, _created = RuleSet.objects.get_or_create(
        county=county, defaults={"shortlisting_rounds": COUNTY_ROUNDS}
    )
    if rules.shortlisting_rounds != COUNTY_ROUNDS:
        rules.shortlisting_rounds = COUNTY_ROUNDS
        rules.save(update_fields=["shortlisting_rounds", "updated_at"])
    rng = random.Random("county-projects")
    deputies = list(
        Deputy.objects.filter(
            township__county=county, is_county_deputy=True, in_office=True
        ).order_by("pk")[:40]
    )
    projects = []
    for index, (title, content, category, investment, body) in enumerate(COUNTY_PROJECTS):
        fields = {
            "content": content,
            "category": category,
            "estimated_investment": Decimal(investment),
            "implementing_body": body,
            "funding_source": "县级财政及上级补助",
            "deadline": datetime.date(COUNTY_PLAN_YEAR, 12, 31),
        }
        if index < 5 and deputies:
            # Raised by county deputies (县人大代表) and entered by the county's staff.
            suggestion = services.suggestion_create(
                actor=actor,
                county=county,
                channel=SuggestionChannel.VILLAGE_MEETING,
                deputy=rng.choice(deputies),
                title=title,
                **{k: v for k, v in fields.items() if k != "category"},
                category=category,
            )
            project = services.suggestions_merge(
                actor=actor, county=county, suggestion_ids=[suggestion.pk]
            )
            services.project_update(
                actor=actor,
                project=project,
                expected_benefit="惠及全县群众",
                necessity="群众反映强烈，县级财力可承担",
            )
        elif index == 5:
            project = _referred_project(county, actor, title, fields)
        else:
            project = services.project_create(
                actor=actor,
                county=county,
                title=title,
                expected_benefit="惠及全县群众",
                necessity="列入县政府民生实事项目征集",
                **fields,
            )
        projects.append(project)
    plan = services.plan_create(
        actor=actor,
        county=county,
        year=COUNTY_PLAN_YEAR,
        slots=10,
        collection_start=datetime.date(COUNTY_PLAN_YEAR - 1, 1, 1),
        collection_end=datetime.date(COUNTY_PLAN_YEAR - 1, 12, 31),
    )
    services.plan_add_projects(actor=actor, plan=plan, projects=projects)
    rounds = list(plan.rounds.order_by("position"))
    pool = list(projects)
    keeps = [15] + [13] * (len(rounds) - 1)
    for rnd, keep in zip(rounds, keeps, strict=True):
        for position, project in enumerate(pool):
            advance = position < keep
            services.round_record_decision(
                actor=actor,
                round=rnd,
                project=project,
                decision="advance" if advance else "hold",
                reason="同意提交下一环节" if advance else "资金来源尚未落实，列入储备",
            )
        pool = pool[:keep]
    services.candidate_list_lock(actor=actor, candidate_list=plan.candidate_list)


COUNTY_STATION = "青山县人大代表联络总站"
COUNTY_STATION_SUGGESTIONS = [
    ("县城至青石镇公交加密班次", "早晚高峰公交间隔太长，学生和务工人员等车困难", "交通"),
    ("县图书馆延长开放时间", "工作日晚上和节假日开放，方便上班族借阅", "文化"),
]


def load_county_intake_demo() -> None:
    """青山县人民代表大会's QR codes: a county-level liaison station (县级联络站) in 青石镇
    with its link, the county's general link and one per county deputy, and two residents'
    suggestions through the station's code waiting in the county's intake. Built once."""
    from congress.models import County

    county = County.objects.filter(code=COUNTY_CODE).first()
    township = Township.objects.filter(county=county, code="330999101").first()
    if county is None or township is None:
        return
    if LiaisonStation.objects.filter(township=township, name=COUNTY_STATION).exists():
        return
    actor = _county_actor(county)
    if actor is None:
        return
    station = services.station_create(
        actor=actor,
        county=county,
        site=township,
        name=COUNTY_STATION,
        address="青山县人民路88号县人大常委会一楼",
    )
    services.intake_links_ensure(actor=actor, county=county)
    for title, content, category in COUNTY_STATION_SUGGESTIONS:
        services.suggestion_submit_public(
            link=station.intake_link, title=title, content=content, category=category
        )


def _referred_project(county, actor, title, fields):
    """青石镇 refers a suggestion too big for it to the county (转县级); the county merges
    it into its reserve."""
    township = Township.objects.filter(county=county, code="330999101").first()
    township_actor = _actor(township) if township is not None else None
    if township is None or township_actor is None:
        return services.project_create(actor=actor, county=county, title=title, **fields)
    original = services.suggestion_create(
        actor=township_actor,
        township=township,
        channel=SuggestionChannel.RECEPTION_DAY,
        title=title,
        content=fields["content"],
        proposer_name="王建国",
        proposer_phone="13800000000",
    )
    referred = services.suggestion_refer(
        actor=township_actor,
        suggestion=original,
        reply="投资规模超出镇级财力，已转县人大常委会纳入县级项目储备库。",
    )
    project = services.suggestions_merge(
        actor=actor, county=county, suggestion_ids=[referred.pk], reply="已纳入县级项目储备库"
    )
    services.project_update(actor=actor, project=project, **fields)
    return project
