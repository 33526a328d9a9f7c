"""Worked examples computed by hand from the letter's own words, across all seven sections and 八.

Each docstring quotes the sentence of the appendix the example follows.
"""

import pytest

import scoring
from tests.test_scoring_support import RUBRIC, facts, projected, sub


def test_1_land_revitalisation_900_of_958():
    """一 3.1①: "未完成年度目标任务的,每少1个百分点,扣1分,扣完5分为止。"

    900/958 = 93.95%, 6.05 points short -> 6 whole points -> 6 > 5, so 0 of 5.
    """
    r = sub("3.1.1", actual=900, target=958)
    assert r.projected == 0 and r.secured == 0
    assert r.reasons == (
        "3.1.1 盘活存量建设用地: 完成900亩/目标958亩=93.95%, 少6.05个百分点, "
        "按'每少1个百分点,扣1分'扣6分, 扣完5分为止, 得0分",
    )


def test_2_inefficient_land_780_of_800():
    """一 3.1②: "未完成年度目标任务的,每少1个百分点,扣1分,扣完5分为止。"

    780/800 = 97.5%, 2.5 points short -> 2 whole points -> 5 - 2 = 3.
    """
    assert projected("3.1.2", actual=780) == 3


def test_3_dispatch_late_and_notified():
    """一 2.1: "未按时调度扣1分/次,扣完为止。如被国家或省级通报,此项不得分。"

    Late twice: 10 - 2 = 8. Notified: 0 whatever else.
    """
    assert projected("2.1", late=2, notified=False) == 8
    assert projected("2.1", late=0, notified=True) == 0


def test_4_cleaner_production():
    """一 3.2: "数量相匹配(1分),数量偏少不得分; ... 每少完成1家扣0.5分,扣完为止。"

    Matched, 3 enterprises unfinished: 5 - 1.5 = 3.5. Too few reported and 9 unfinished: the 4-point part
    is gone (4.5 > 4) and the 1 point too: 0.
    """
    assert projected("3.2", matched=True, unfinished=3) == 3.5
    assert projected("3.2", matched=False, unfinished=9) == 0


def test_5_red_line_escalating():
    """二 7.1②: "违反生态保护红线监管要求的,发生1起扣2分,第2起扣3分,第3起扣5分,扣完为止。"

    One incident: 5 - 2 = 3. Two: 5 - 2 - 3 = 0.
    """
    assert projected("7.1.2", violations=1) == 3
    assert projected("7.1.2", violations=2) == 0


def test_6_greening_2400_of_2450():
    """二 8.1: "完成新增百万亩国土绿化行动年度目标任务得满分,未完成每下降1%扣2分。"

    2400/2450 = 97.96%, 2.04 points down -> 2 whole -> 10 - 4 = 6.
    """
    assert projected("8.1", actual=2400) == 6


def test_7_pine_wilt():
    """二 10.3: "①...有效除治率未达到100%,扣4分。②...每起扣1分,最多扣2分。③...被省级以上主管部门通报的,每起扣2分;
    被省级以上主管部门约谈的,每起扣4分;最多扣4分。"

    98% removal (-4), 3 timber cases (-2, capped), 1 notice + 1 interview (6, capped at 4): 10 - 10 = 0.
    99.9% alone already costs 4: 6.
    """
    assert projected("10.3", removal_rate=98, timber_cases=3, notified=1, interviewed=1) == 0
    assert projected("10.3", removal_rate=99.9, timber_cases=0, notified=0, interviewed=0) == 6


def test_8_polluted_farmland():
    """三 13.1: "未达到的,每低于1个百分点的,扣2分,扣完为止;低于年度目标不足1个百分点的,扣2分。"

    92.5% against 93%: under one point, still 2 -> 8. 90.2%: 2.8 points, every started point counts -> 3
    -> 10 - 6 = 4.
    """
    assert projected("13.1", rate=92.5) == 8
    assert projected("13.1", rate=90.2) == 4
    assert projected("13.1", rate=93) == 10


def test_9_construction_land():
    """三 13.2: "重点建设用地安全利用率100%,得10分;低于100%且达到95%的得8分;低于95%的,每降低1个百分点扣1分,扣完为止。"

    100% -> 10; 97% -> 8; 93.5% -> 8 - 1 (1.5 points, whole points) = 7.
    """
    assert [projected("13.2", rate=r) for r in (100, 97, 95, 93.5)] == [10, 8, 8, 7]


def test_10_groundwater():
    """三 13.3: "完成...年度目标且水质不下降的,得8分;减少1个Ⅴ类水点位或达到水质巩固提升目标的,加2分;
    较年度目标增加1个Ⅴ类水点位的,扣4分,扣完为止。"
    """
    assert projected("13.3", improved=True, added_v=0) == 10
    assert projected("13.3", improved=False, added_v=1) == 4
    assert projected("13.3", improved=False, added_v=2) == 0


def test_11_medical_waste():
    """三 14.5: "...实际填报比例达到100%,每少5%扣1分。发生媒体曝光、投诉举报被查实医疗机构废物失管失控事件的,扣10分。
    扣完10分为止。"

    88%: 12 short, two whole 5% steps -> 8. Any exposure: 0.
    """
    assert projected("14.5", rate=88, exposures=0) == 8
    assert projected("14.5", rate=100, exposures=1) == 0


def test_12_green_malls_between_35_and_50():
    """三 15.4: "辖区内50%以上的大型商场完成绿色商场创建...(5分)。低于35%的,每少1个百分点扣1分,扣完为止。"

    40%: under the 50% aim but not below 35%: no rule deducts -> 5. 32%: 3 points below 35 -> 2.
    """
    assert projected("15.4", rate=40) == 5
    assert projected("15.4", rate=32) == 2


def test_13_future_communities():
    """四 17.2: "当年度新增未来社区创建项目,每个加2分,最高8分;8月底前...完成城镇社区建设专项规划编制得1分...;
    未来社区项目投资完成年度投资计划的,得1分"

    3 projects, planning done, investment not: 6 + 1 = 7.
    """
    assert projected("17.2", projects=3, plan=True, investment=False) == 7


def test_14_townscape_sample_areas():
    """四 17.1: "列入对部门和乡镇(街道)的年度目标责任考核,得3分...成功创建省级风貌样板区,每个得5分...
    优秀等次,得5分;良好等次,得3分。"

    Listed, 1 area, 良好: 3 + 5 + 3 = 11. Listed, 2 areas, 1 named, 优秀: 3 + 10 + 5 + 5 = 23 -> 15.
    """
    assert projected("17.1", listed=True, areas=1, named=0, grade="良好") == 11
    r = sub("17.1", listed=True, areas=2, named=1, grade="优秀")
    assert r.projected == 15 and r.reasons == ()


def test_15_no_illegal_building_index():
    """四 18.4②: "全省排名1-30名的不扣分,31-60名的扣0.5分,60名以后的扣1分。"  ③: "80-85%的扣1.5分" """
    assert projected("18.4.2", rank=45) == 3.5
    assert projected("18.4.3", rate=82) == 0.5


def test_16_health_city_evaluation():
    """四 20.2: "第三方综合评估测评得分在 90%以下,每下降0.1%扣0.1分,扣完为止。"

    89.65%: 0.35 below -> 3 whole steps of 0.1 -> 2 - 0.3 = 1.7.
    """
    assert projected("20.2", rate=89.65) == 1.7


def test_17_network_connectivity():
    """五 21.3②: "连通率100%满分,低于99.0%不得分,得分=(连通率-99%)*200"

    99.6%: (0.996 - 0.99) x 200 = 1.2.
    """
    assert projected("21.3.2", rate=99.6) == 1.2


def test_18_investment_growth():
    """五 24.2: "增速快于17%的,得20分;增速低于17%但大于0的,按增速每下降1个百分点扣1分;增速低于0的,不得分。"

    12.4%: 4.6 points down -> 4 -> 16. -1%: 0.
    """
    assert projected("24.2", growth=12.4) == 16
    assert projected("24.2", growth=-1) == 0
    assert projected("24.2", growth=17) == 20


def test_19_damage_compensation_cases():
    """五 23.4①: "每少完成生态环境损害赔偿案件1件,扣1分,...每办结1件100万元以上损害赔偿案件,加0.4分;最终得分不超过5分。"

    4 cases (one short, -1), 1 resource case, 1 over 100万 (+0.4): 4.4. 5 cases and the bonus: 5.
    """
    assert projected("23.4.1", cases=4, resource_cases=1, cases_50w=0, cases_100w=1) == 4.4
    assert projected("23.4.1", cases=5, resource_cases=1, cases_50w=0, cases_100w=1) == 5


def test_20_environmental_incident_halved():
    """五 26.1①: "发生较大突发环境事件的,每起扣1分,在重大活动或敏感时期发生的,加扣1分。...经省级生态环境部门认定,
    可减半扣分。"

    One major incident in a sensitive period: 1 + 1 = 2 -> 3 - 2 = 1; halved: 3 - 1 = 2.
    """
    base = dict(unreported=0, worsened=0, no_assessment=0, major=1, major_sensitive=1, general_sensitive=0)
    assert projected("26.1.1", **base, halved=False) == 1
    assert projected("26.1.1", **base, halved=True) == 2


def test_21_public_satisfaction():
    """六 27.2④: "嵊州市〉82.87,完成得5分,未完成不得分;柯桥区、嵊州市全省排名优于55名...完成得5分"

    82.87 exactly is not above it (0); 54th is better than 55th (5).
    """
    assert projected("27.2.4", satisfaction=82.87, rank=54) == 5
    assert projected("27.2.4", satisfaction=85.1, rank=55) == 5
    assert projected("27.2.4", satisfaction=85.1, rank=12) == 10


def test_22_briefing_information():
    """六 27.4: "完成省美丽办下达的美丽浙江工作简报信息录用的目标任务,每少1条扣0.5分,扣完为止。"

    7 of 10 used: 3 short -> 5 - 1.5 = 3.5.
    """
    assert projected("27.4", actual=7, target=10) == 3.5


def test_23_quarterly_meetings():
    """七 31.1①: "至少每季度研究1次生态环保工作,每少1次扣3分,少2次的扣7分,少3次的扣10分。"

    Two quarters missed: 10 - 7 = 3.
    """
    assert projected("31.1", missed_quarters=2, other_leaders=0, main_held=0, other_held=0) == 3


def test_24_river_chiefs():
    """七 31.3: "不组织总河长会议的扣3分。... 超过3%,少于4%,扣0.5分;不足3%,扣1分。"

    No meeting, 3.5% registered: 20 - 3 - 0.5 = 16.5.
    """
    assert projected("31.3", meeting=False, order=True, joint_meeting=True, late_updates=0, share=3.5) == 16.5


def test_25_bonus_capped_at_20_and_penalties():
    """八: "每项加5分 ... 每项加2分 ... 加分最高不超过20分。" and "发生一起国控监测站点人为干扰问题扣5分,
    发生省控监测站点人为干扰问题每起扣3分。"

    3 national (15) + 4 provincial (8) = 23 -> 20; one national and one provincial site: -8. 1000 + 20 - 8.
    """
    result = scoring.evaluate(
        RUBRIC,
        facts(
            {
                "bonus.1": {"items": 3},
                "bonus.2": {"items": 4},
                "penalty.3": {"national_sites": 1, "provincial_sites": 1},
            }
        ),
    )
    assert result.indicator("bonus").projected == 20
    assert result.indicator("penalty").projected == -8
    assert result.section(8).projected == 12
    assert result.total.projected == 1011  # Shengzhou's 999 (9.3② 2 of 3) + 12


def test_26_carbon_peaking_conversion():
    """一 1: "完成碳达峰碳中和年度目标任务(80分)。按照2022年度碳达峰碳中和考核评分结果折算。"

    85 of 100 -> 80 x 0.85 = 68.
    """
    assert projected("1.1", score=85) == 68


@pytest.mark.parametrize(
    "sid,fields,expected",
    [
        ("12.1", {"water": 90, "coastal": 80}, 77.4),  # 90 x (0.6 x 90 + 0.4 x 80) / 100
        ("23.1.2", {"rate": 82.5}, 4),  # 结案率不低于85%, 每降低一个百分点扣0.5分: 2.5 -> 2 points -> 1
        ("32.4", {"county_reported": False, "townships": 1}, 1.5),  # 扣2.5分; 每少1个扣1分
    ],
)
def test_27_more_conversions(sid, fields, expected):
    """三 12: "“五水共治”年度任务完成情况(占60%)和全省近岸海域水环境质量年度考核评分结果(占40%)折算总得分";
    五 23.1②: "环境资源案件结案率不低于85%(5分)。未完成的,每降低一个百分点扣0.5分";
    七 32.4: "区、县(市)未报告的扣2.5分;乡镇(街道)未报告的,每少1个扣1分,扣完为止。"
    """
    assert projected(sid, **fields) == pytest.approx(expected)
