"""The monthly circular (通报): September 2022 of a seeded year counted as services/circular.py says (the numbers
checked by hand below), and the .docx read back: the ranking's order and numbers, every task /overdue lists
with its working days, the score as /score states it, the colours as the workbook's task sheet; the GB/T 9704
layout (A4, the named styles and fonts, page numbers, the issuer and date at the end); a month outside the
letter refused; the office's own template used, and a bare one tolerated."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.documents import circular as document
from reports.documents import wording as W
from reports.documents.official import SHIPPED
from services.circular import CircularRefused, Tally, build, default_month, parse_month, rank
from services.scoring_facts import score_standing
from services.snapshot import take
from services.task_views import overdue_board
from tests.conftest import SHANGHAI
from tests.document_world import TODAY, everything, read, september_world, table_rows, texts
from tests.test_reports_workbook import OFFICE

SIX = ("自然资源局", "农业农村局", "住建局", "综合执法局", "水利局")
# By hand, from the seeded reports and the 2022 calendar (25 September a Sunday; 8 and 9 October make-up workdays):
# 生态环境分局's five nodes: 22.2@9-30 on time; 22.3@9-25 late (reported 9-27: 2 working days); 22.3@9-30
# awaiting review (reported 10-8: 1); 23.4@9-30 on time; 31.1@9-30 unreported (10-8, 10-9, 10-10: 3).
EXPECTED_RANKING = [
    *[["1", name, "1", "1", "0", "0", "0", "100%", "0"] for name in SIX],
    ["6", "生态环境分局", "5", "2", "1", "1", "1", "40%", "6"],
    ["7", "市委组织部", "1", "0", "0", "0", "1", "0%", "3"],
]


@pytest.fixture(scope="module")
def september(tmp_path_factory):
    world = september_world(f"sqlite:///{tmp_path_factory.mktemp('circular') / 'c.db'}")
    c = build(world.db, TODAY, world.calendar, world.policy, SHANGHAI, 2022, 9)
    return world, c, document.render(c)


def test_the_month_counted_as_by_hand(september):
    _, c, _ = september
    assert c.tally == Tally(due=5, on_time=2, late=1, pending=1, overdue=1, upcoming=0, overdue_workdays=6)
    assert [r.department for r in c.ranking] == [row[1] for row in EXPECTED_RANKING]
    assert "发改局" in c.idle and "生态环境分局" not in c.idle
    assert [d.code for d in c.next_month] == ["26.3", "22.2", "23.4"]


def test_ranking_read_back_matches_the_services(september):
    _, c, data = september
    rows = table_rows(read(data), W.RANKING_COLUMNS)
    assert rows == EXPECTED_RANKING
    # ... and the same as the service's figures, row by row
    assert rows == [
        [
            str(r.rank),
            r.department,
            str(r.tally.due_so_far),
            str(r.tally.on_time),
            str(r.tally.late),
            str(r.tally.pending),
            str(r.tally.overdue),
            W.percent(r.tally.rate),
            str(r.tally.overdue_workdays),
        ]
        for r in c.ranking
    ]
    idle = next(t for t in texts(read(data)) if t.startswith("9月份无到期任务节点的部门"))
    assert all(name in idle for name in c.idle)


def test_overdue_score_and_colours_are_those_of_overdue_score_and_workbook(september):
    world, c, data = september
    doc = read(data)
    overdue = overdue_board(world.db, OFFICE, TODAY, world.calendar, world.policy, SHANGHAI).statuses
    assert overdue, "the seeded year has overdue tasks"
    rows = table_rows(doc, W.OVERDUE_COLUMNS)
    assert [r[1].rstrip(W.IN_MONTH_MARK) for r in rows] == [s.code for s in overdue]
    assert [int(r[5]) for r in rows] == [s.overdue_workdays for s in overdue]
    assert [r[4] for r in rows] == [W.month_day(s.due) for s in overdue]
    assert [r[1].endswith(W.IN_MONTH_MARK) for r in rows] == [(s.due.year, s.due.month) == (2022, 9) for s in overdue]

    total = score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy, tz=SHANGHAI).result.total
    body = "\n".join(texts(doc))
    assert f"预计得分{W.number(total.projected)}分" in body
    assert f"经审核确认{W.number(total.secured)}分" in body and f"面临风险的{W.number(total.at_risk)}分" in body

    snapshot = take(world.db, TODAY, world.calendar, world.policy, SHANGHAI)
    sheet = Counter(row.status.colour for row in snapshot.tasks if row.status is not None)
    assert c.colours == {k: sheet.get(k, 0) for k in ("red", "yellow", "green", "done")}
    assert f"红色预警(逾期未完成){sheet['red']}项" in body
    assert {r.view.id for r in snapshot.tasks if r.status and r.status.colour == "red"} == {s.code for s in overdue}


def test_layout_styles_fonts_and_signature(september):
    _, c, data = september
    doc = read(data)
    section = doc.sections[0]
    mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.left_margin)]
    assert mm == [210, 297, 37, 28]  # A4, GB/T 9704's type area
    title = next(p for p in doc.paragraphs if p.style.name == "公文标题")
    assert title.text == "关于2022年9月份工作责任书任务推进情况的通报"

    def east_asian(style_name: str) -> str:
        style = doc.styles[style_name]
        while style.element.rPr is None or style.element.rPr.rFonts is None:
            style = style.base_style
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian("公文标题") == "方正小标宋简体"
    assert east_asian("公文正文") == "仿宋_GB2312" and doc.styles["公文正文"].font.size is not None
    assert east_asian("一级标题") == "黑体" and east_asian("二级标题") == "楷体_GB2312"
    headings = [p.text for p in doc.paragraphs if p.style.name == "一级标题"]
    assert headings == [
        W.HEAD_PROGRESS,
        W.HEAD_RANKING,
        W.HEAD_OVERDUE,
        W.HEAD_SCORE,
        "五、10月份到期任务",
        W.HEAD_REQUIREMENTS,
    ]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer._element.xml and footer.paragraphs[0].text.startswith("— ")
    filled = [t for t in texts(doc) if t.strip()]
    assert filled[-2:] == [c.names.issuer, "2022年10月10日"]
    assert "{{" not in everything(doc) and c.names.issuer in texts(doc)[2]  # the letterhead's issuer line


def test_months_read_and_refused(september):
    world = september[0]
    assert parse_month("2022-09", 2022) == (2022, 9) == parse_month("2022年9月", 2000) == parse_month("9月", 2022)
    assert default_month(date(2022, 10, 10)) == (2022, 9) and default_month(date(2023, 1, 4)) == (2022, 12)
    for bad in ("2022-13", "九月", "next"):
        with pytest.raises(ValueError):
            parse_month(bad, 2022)
    with pytest.raises(CircularRefused) as other:
        build(world.db, TODAY, world.calendar, world.policy, SHANGHAI, 2023, 1)
    assert other.value.reason == "other_year" and other.value.details["year"] == 2022
    with pytest.raises(CircularRefused) as future:
        build(world.db, TODAY, world.calendar, world.policy, SHANGHAI, 2022, 11)
    assert future.value.reason == "future"
    # The current month: what is not due yet is counted apart and ranks nobody.
    october = build(world.db, TODAY, world.calendar, world.policy, SHANGHAI, 2022, 10)
    assert october.tally.upcoming == 2 and october.tally.due_so_far == october.tally.overdue == 1


def test_rank_shares_places_and_leaves_out_what_was_not_due():
    tallies = {
        "甲": Tally(due=2, on_time=1, overdue=1, overdue_workdays=4),
        "乙": Tally(due=2, on_time=1, late=1, overdue_workdays=1),
        "丙": Tally(due=1, on_time=1),
        "丁": Tally(due=1, upcoming=1),
        "戊": Tally(due=2, on_time=1, late=1, overdue_workdays=1),
    }
    rows, idle = rank(tallies, ["甲", "乙", "丙", "丁", "戊", "己"])
    assert [(r.rank, r.department) for r in rows] == [(1, "丙"), (2, "乙"), (2, "戊"), (4, "甲")]
    assert idle == ("丁", "己")


def test_the_offices_own_template_and_a_bare_one(september, tmp_path):
    _, c, _ = september
    own = Document(str(SHIPPED / "circular.docx"))
    own.paragraphs[0].runs[0].text = "{{county}}督查专报"
    own.save(str(tmp_path / "circular.docx"))
    doc = read(document.render(c, tmp_path))
    assert doc.paragraphs[0].text == "嵊州市督查专报"
    assert table_rows(doc, W.RANKING_COLUMNS) == EXPECTED_RANKING

    bare = tmp_path / "bare"
    bare.mkdir()
    plain = Document()
    plain.add_paragraph("{{issuer}} {{nonsense}}")
    plain.save(str(bare / "circular.docx"))
    doc = Document(io.BytesIO(document.render(c, bare)))  # no {{body}}, no styles: the body follows, in Normal
    assert doc.paragraphs[0].text == f"{c.names.issuer} " and table_rows(doc, W.RANKING_COLUMNS) == EXPECTED_RANKING
