"""Results and the rubric as plain data (for JSON) and as readable Chinese text (for the CLI and bot).

All wording comes from `scoring.explain`.
"""

from __future__ import annotations

from typing import TypeAlias

from scoring import explain
from scoring.model import Rubric, SubItem
from scoring.results import IndicatorResult, ScoreResult, SubItemResult, WhatIf

# What json.dumps writes.
Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None


def number(x: float) -> int | float:
    """JSON numbers as people expect them: 6 rather than 6.0."""
    return int(x) if float(x).is_integer() else round(x, 4)


# ---- the rubric ---------------------------------------------------------------------------------


def subitem_dict(s: SubItem) -> dict[str, Json]:
    out: dict[str, Json] = {
        "id": s.id,
        "name": s.name,
        "points": number(s.points),
        "kind": "+".join(s.kinds),
        "kinds": list(s.kinds),
        "text": s.text,
        "clauses": [{"kind": c.kind, "quote": c.quote, "fields": [f.name for f in c.fields()]} for c in s.clauses],
    }
    if s.shared_text:
        out["shared_text"] = s.shared_text
    if s.parts:
        out["parts"] = [{"id": pid, "text": text, "fields": list(fields)} for pid, (text, fields) in s.parts.items()]
    if s.base != s.points or s.cap != s.points:
        out["base"], out["cap"] = number(s.base), number(s.cap)
    if s.decision is not None:
        out["decision"] = s.decision
    if s.cap_quote is not None:
        out["cap_quote"] = s.cap_quote
    if s.exempt:
        out["exempt"] = True
    if s.derived:
        out["derived"] = True
    return out


def rubric_list(rubric: Rubric) -> list[dict[str, Json]]:
    """The 33 scored indicators of sections 一 to 七."""
    return [
        {
            "no": ind.no,
            "name": ind.name,
            "section": ind.section,
            "weight": number(ind.weight),
            "attainable": number(ind.attainable),
            "recognized_by": list(ind.recognized_by),
            "subitems": [subitem_dict(s) for s in ind.subitems],
        }
        for ind in rubric.scored_indicators
    ]


def rubric_text(rubric: Rubric) -> str:
    capped = [(s.id, s.attainable) for s in rubric.capped]
    lines = [
        explain.rubric_header(
            rubric.title,
            len(rubric.scored_indicators),
            sum(i.weight for i in rubric.scored_indicators),
            explain.maximum(rubric.total, rubric.attainable, capped),
        )
    ]
    for sec in rubric.sections:
        lines.append("")
        lines.append(
            explain.section_row(explain.section_title(sec.numeral, sec.title), sec.points, sec.points)
            if sec.points
            else explain.section_title(sec.numeral, sec.title)
        )
        for ind in sec.indicators:
            lines.append(explain.rubric_indicator(ind.no, ind.name, ind.weight, list(ind.recognized_by)))
            for s in ind.subitems:
                mark = " ※" if s.decision else ""
                lines.append(explain.rubric_subitem(s.id, s.name, s.points, list(s.kinds)) + mark)
                if s.attainable < s.points:
                    lines.append("      " + explain.capped(s.id, s.name, s.points, s.attainable, s.cap_quote or ""))
    lines.append("")
    lines.append(f"九、评优基本标准: {rubric.excellence.text}")
    lines.append("※ 含口径决定(decision), 见 data/shengzhou-2022-rubric.yaml")
    return "\n".join(lines)


# ---- a score ------------------------------------------------------------------------------------


def _entry(s: SubItemResult, view: str) -> dict[str, Json]:
    return {
        "id": s.id,
        "name": s.name,
        "points": number(s.points),
        "score": number(s.score(view)),
        "lost": number(s.points - s.score(view)),
        "reasons": list(s.why(view)),
    }


def _indicator_dict(ind: IndicatorResult, view: str) -> dict[str, Json]:
    out: dict[str, Json] = {
        "no": ind.no,
        "name": ind.name,
        "weight": number(ind.weight),
        "attainable": number(ind.attainable),
        "score": number(ind.score(view)),
        "projected": number(ind.projected),
        "secured": number(ind.secured),
        "at_risk": number(ind.at_risk),
    }
    if ind.weight:
        out["lost"] = [_entry(s, view) for s in ind.lost(view)]
    else:  # section 八: what was added or deducted
        out["adjustments"] = [
            {"id": s.id, "name": s.name, "score": number(s.score(view)), "reasons": list(s.why(view))}
            for s in ind.lost(view)
        ]
        if ind.notes:
            out["notes"] = list(ind.notes)
    return out


def score_dict(result: ScoreResult, view: str = "projected") -> dict[str, Json]:
    total = result.total
    return {
        "view": view,
        "total": number(total[view]),
        "projected": number(total.projected),
        "secured": number(total.secured),
        "at_risk": number(total.at_risk),
        "full_marks": number(result.full_marks),
        "attainable": number(result.attainable),
        "attainable_reasons": list(result.attainable_reasons),
        "sections": [
            {
                "no": sec.no,
                "numeral": sec.numeral,
                "title": sec.title,
                "weight": number(sec.weight),
                "attainable": number(sec.attainable),
                "score": number(sec.score(view)),
                "projected": number(sec.projected),
                "secured": number(sec.secured),
                "at_risk": number(sec.at_risk),
                "indicators": [_indicator_dict(i, view) for i in sec.indicators],
            }
            for sec in result.sections
        ],
        "at_risk_items": [
            {
                "id": s.id,
                "name": s.name,
                "at_risk": number(s.at_risk),
                "reason": explain.at_risk(s.id, s.name, s.at_risk),
            }
            for s in _risky(result)
        ],
        "excellent": result.excellent.verdict(view),
        "excellent_reasons": list(result.excellent.why(view)),
    }


def _risky(result: ScoreResult) -> list[SubItemResult]:
    return [s for s in result.subitems.values() if s.at_risk > 0]


def what_if_dict(change: WhatIf, view: str = "projected") -> dict[str, Json]:
    total = change.total(view)
    return {
        "before": number(total.before),
        "after": number(total.after),
        "difference": number(total.diff),
        "subitems": [
            {
                "id": c.id,
                "name": c.name,
                "before": number(c.view(view).before),
                "after": number(c.view(view).after),
                "difference": number(c.view(view).diff),
            }
            for c in change.changes
            if c.view(view).diff
        ],
    }


def score_text(result: ScoreResult, view: str = "projected") -> str:
    total = result.total
    lines = explain.score_header(view, total[view], total.projected, total.secured, total.at_risk, result.maximum_words)
    lines.extend(f"  {r}" for r in result.attainable_reasons)
    for sec in result.sections:
        title = explain.section_title(sec.numeral, sec.title)
        lines.append(explain.section_row(title, sec.score(view), sec.weight, sec.attainable))
        for ind in sec.indicators:
            lost = ind.lost(view)
            if not lost and not ind.notes:
                continue
            lines.append(explain.indicator_row(ind.no, ind.name, ind.score(view), ind.weight, ind.attainable))
            if view == "secured" and lost and all(not s.has_facts for s in lost):
                lines.append(f"    {explain.none_verified(len(lost))}")
                continue
            lines.extend(f"    {r}" for s in lost for r in s.why(view))
            lines.extend(f"    {n}" for n in ind.notes)
    lines.extend(explain.at_risk(s.id, s.name, s.at_risk) for s in _risky(result))
    lines.append(explain.excellence_row(result.excellent.verdict(view), list(result.excellent.why(view))))
    return "\n".join(lines)


def what_if_text(change: WhatIf, view: str = "projected") -> str:
    total = change.total(view)
    lines = [explain.what_if_header(total.before, total.after)]
    moved = [c for c in change.changes if c.view(view).diff]
    lines.extend(explain.what_if_row(c.id, c.name, c.view(view).before, c.view(view).after) for c in moved)
    if not moved:
        lines.append(explain.what_if_none())
    return "\n".join(lines)
