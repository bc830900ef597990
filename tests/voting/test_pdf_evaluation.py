"""The satisfaction evaluation's printed documents: the 满意度测评计票结果报告单 and the presidium
notice (E1–E4), built through the real services and checked through the PDF's text.

Set LIVELIHOOD_PDF_DUMP=/some/dir to keep the rendered files for a look.
"""

import subprocess

from voting import pdf, services
from voting.models import EvaluationResult, OfficerRole

from .ceremony import open_box_and_count, open_with_ceremony
from .test_evaluation import _evaluation, _run
from .test_pdf import keep, pdf_info, squash

# 7 ballots, 2 projects. Project 1: 满意 5, 基本满意 1, 不满意 1 → 71.43%, 85.71%, 满意.
# Project 2: 满意 1, 基本满意 2, 不满意 4 → 14.29%, 42.86%, 不满意 (3 of 7 is under half).
BALLOTS = ["SS", "SB", "SB", "SU", "SU", "BU", "UU"]
ROAD, WATER = "东河村道路路灯安装", "西岭村饮水工程改造"


def layout_lines(data: bytes) -> list[str]:
    """The PDF's text with its layout kept, so that a table row stays on one line."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return out.stdout.decode().splitlines()


def _certified(world, ballots, **rules):
    evaluation = _evaluation(world, **rules)
    staff = world.users["staff"]
    services.vote_officer_add(
        actor=staff, vote=evaluation, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静"
    )
    services.vote_officer_add(actor=staff, vote=evaluation, role=OfficerRole.TELLER, name="周涛")
    _run(world, evaluation, ballots)
    services.vote_close(actor=staff, vote=evaluation)
    open_box_and_count(staff, evaluation)
    services.vote_certify(actor=world.users["scrutineer"], vote=evaluation)
    evaluation.refresh_from_db()
    return evaluation


def test_evaluation_certificate(world):
    evaluation = _certified(world, BALLOTS)
    grades = list(
        EvaluationResult.objects.filter(vote_result__vote=evaluation).values_list(
            "grade", flat=True
        )
    )
    assert grades == ["satisfied", "unsatisfied"]

    data = pdf.render_certificate(vote=evaluation)
    keep("evaluation-certificate.pdf", data)
    assert data[:4] == b"%PDF"
    assert pdf_info(data)["Pages"] == "1"
    text = pdf.pdf_text(data)
    flat = squash(text)
    assert "满意度测评计票结果报告单" in flat
    assert squash(evaluation.title) in flat
    for label in ("应到代表", "实到代表", "请假", "发出测评票", "收回测评票", "其中电子票"):
        assert label in flat
    for label in ("其中纸质票", "有效票", "无效票", "测评有效"):
        assert label in flat
    for label in ("序号", "项目名称", "满意率", "满意+基本满意率", "测评等次", "弃权"):
        assert label in flat
    assert ROAD in flat and WATER in flat
    # counts, rates and grade in the row's order
    assert f"{ROAD}51107" in flat  # 满意 5, 基本满意 1, 不满意 1, 弃权 0
    assert "71.43%85.71%满意" in flat
    assert "14.29%42.86%不满意" in flat
    # overall: 6 满意 and 9 满意+基本满意 over 2 × 7
    assert "总体满意率42.86%，总体满意+基本满意率64.29%" in flat
    # the grade base and the half rule
    assert "等次基数为收回测评票（7张）" in flat
    assert "恰好半数的计入" in flat
    assert "投票箱摘要（SHA-256）" in flat and evaluation.box_digest in flat
    assert "由全部测评票" in flat
    for label in ("总监票人", "监票人", "计票人", "吴静", "周涛"):
        assert label in flat
    assert "2026年12月20日" in flat
    assert "赞成票" not in flat and "票决率" not in flat  # nothing of the project vote


def test_evaluation_certificate_with_sub_items_and_another_base(world):
    # Marks: the 2 projects, then per project its 进度 and 质量.
    ballots = ["SBSBSU", "SBSSBU", "BBBSUU", "SUSSUU"]
    evaluation = _certified(
        world,
        ballots,
        evaluation_sub_items=["进度", "质量"],
        evaluation_grade_base="present",
        evaluation_half_counts=False,
    )
    data = pdf.render_certificate(vote=evaluation)
    keep("evaluation-certificate-sub-items.pdf", data)
    flat = squash(pdf.pdf_text(data))
    assert "测评子项2项" in flat
    assert "并对“进度”、“质量”分项测评" in flat
    # project 1: 满意 3, 基本满意 1 of 9 present: neither over half → 不满意, though its
    # rates over the 4 ballots returned are high. Rows read line by line in the layout.
    rows = {line.split()[0]: line.split()[1:] for line in layout_lines(data) if line.strip()}
    assert rows[ROAD] == ["3", "1", "0", "0", "75.00%", "100.00%", "不满意"]
    assert rows[WATER] == ["0", "3", "1", "0", "0.00%", "75.00%", "不满意"]
    # sub-item rows under each project: counts and rates, no grade
    assert "其中：进度310075.00%100.00%其中：质量310075.00%100.00%" in flat
    assert "其中：进度112025.00%50.00%其中：质量00400.00%0.00%" in flat
    assert flat.count("其中：进度") == 2 and flat.count("其中：质量") == 2
    assert "等次基数为实到代表（9名）" in flat
    assert "恰好半数的不计入" in flat
    assert "超过基数半数" in flat


def test_evaluation_notice(world):
    evaluation = _certified(world, BALLOTS)
    data = pdf.render_notice(vote=evaluation)
    keep("evaluation-notice.pdf", data)
    assert data[:4] == b"%PDF"
    flat = squash(pdf.pdf_text(data))
    heading = pdf.session_heading(evaluation)
    assert f"{heading}主席团公告" in flat
    assert (
        "本次会议于2026年12月20日采用无记名投票方式对2027年民生实事项目进行了满意度测评。"
        "应到代表10名，实到代表9名。共发出测评票7张，收回7张，其中有效票7张，无效票0张。"
        "测评有效。"
    ) in flat
    assert "测评结果如下：" in flat
    assert f"1.{ROAD}——满意，满意率71.43%，满意+基本满意率85.71%；" in flat
    assert f"2.{WATER}——不满意，满意率14.29%，满意+基本满意率42.86%。" in flat
    assert "总体满意率42.86%，总体满意+基本满意率64.29%。" in flat
    assert "对测评等次为基本满意、不满意的项目，责成有关部门限期整改。" in flat
    assert "现予公告。" in flat
    assert flat.endswith(f"{heading}主席团2026年12月20日")
    assert "票决" not in flat


def test_evaluation_notice_without_rectification(world):
    evaluation = _certified(world, ["SS", "SS", "SB", "SS"])
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=evaluation)))
    assert f"{ROAD}——满意，满意率100.00%" in flat
    assert f"{WATER}——满意，满意率75.00%，满意+基本满意率100.00%" in flat
    assert "整改" not in flat
    assert "满意度测评" in flat


def test_evaluation_notice_rectifies_a_basic_grade(world):
    evaluation = _certified(world, ["SB", "SB", "SU", "SB"])
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=evaluation)))
    assert f"{WATER}——基本满意，满意率0.00%，满意+基本满意率75.00%" in flat
    assert "责成有关部门限期整改" in flat


def test_void_evaluation_prints_no_grades(world):
    """More ballots returned than issued voids the evaluation (S2)."""
    evaluation = _evaluation(world)
    staff = world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=evaluation, spares=0)
    services.vote_record_issued(actor=staff, vote=evaluation, slips_issued=1, paper_issued=0)
    open_with_ceremony(staff, evaluation)
    for code in codes[:3]:
        services.ballot_cast(vote_id=evaluation.pk, typed_code=code, choices="SB")
    services.vote_close(actor=staff, vote=evaluation)
    result = open_box_and_count(staff, evaluation)
    assert not result.is_valid
    evaluation.refresh_from_db()

    flat = squash(pdf.pdf_text(pdf.render_certificate(vote=evaluation)))
    assert "测评无效" in flat and "收回测评票多于发出测评票" in flat
    assert "测评有效" not in flat

    flat = squash(pdf.pdf_text(pdf.render_notice(vote=evaluation)))
    assert "因收回测评票多于发出测评票，本次测评无效，将另行组织测评。" in flat
    assert "测评结果如下" not in flat and "整改" not in flat
