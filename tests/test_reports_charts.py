"""The charts: each renders to a PNG, and every label is drawn in the shipped CJK font, resolved by
matplotlib's font manager from the family name, with a glyph for each of its characters (never a box)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image

from reports import chart_data, charts, fonts
from tests.test_reports_workbook import office_world, snapshot_of


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    """One office world for the chart tests: the bundled letter with a few reviewed reports."""
    world = office_world(f"sqlite:///{tmp_path_factory.mktemp('charts') / 'charts.db'}")
    snapshot = snapshot_of(world)
    world.db.dispose()
    return snapshot


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_the_shipped_font_is_what_matplotlib_resolves():
    assert fonts.FONT_FILE.is_file() and (fonts.FONT_FILE.parent / "OFL.txt").is_file()
    family = fonts.register()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert path == str(fonts.FONT_FILE)
    face = FT2Font(path)
    assert face.family_name == "Duban Noto Sans SC"
    for ch in "嵊州市美丽办考核评分部门红黄绿已完成燃尽图〓、,():0123456789%≥":
        assert face.get_char_index(ord(ch)) != 0, ch


def test_uncovered_characters_become_the_missing_mark_not_boxes():
    assert fonts.drawable("嵊州生态环境分局") == "嵊州生态环境分局"
    assert fonts.drawable("𠀀局") == "〓局"  # an extension-B ideograph the subset lacks


def _render(text: str) -> np.ndarray:
    import matplotlib

    with matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(1.2, 0.5), dpi=100)
        fig.text(0.05, 0.3, text, fontsize=16)
        buf = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buf)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))


def test_chinese_is_drawn_as_glyphs():
    """Different characters give different pixels (missing glyphs would all be the same box)."""
    a, b, c = _render("部门"), _render("考核"), _render("部门")
    assert (a < 128).sum() > 50 and (b < 128).sum() > 50
    assert not np.array_equal(a, b) and np.array_equal(a, c)


def test_every_chart_renders_with_its_labels_in_the_cjk_font(snap):
    figures = charts.figures(snap)
    assert [data.name for data, _ in figures] == ["scores", "status", "burndown"]
    face = FT2Font(str(fonts.FONT_FILE))
    for data, fig in figures:
        name, texts = data.name, _texts(fig)
        assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text()) for t in texts), name
        for t in texts:
            resolved = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
            assert resolved == str(fonts.FONT_FILE), (name, t.get_text(), resolved)
            missing = [ch for ch in t.get_text() if not ch.isspace() and face.get_char_index(ord(ch)) == 0]
            assert not missing, (name, t.get_text(), missing)
        assert data.title in {t.get_text() for t in texts}, name  # the same title the workbook's chart has
    labels = {t.get_text() for _, fig in figures for t in _texts(fig)}
    assert "一、推动绿色低碳高质量发展" in labels and "自然资源局" in labels and "10月" in labels
    for chart in charts.render_all(snap):
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "PNG" and image.width > 600 and image.height > 300


def test_status_counts_and_burndown_follow_the_reports(snap):
    counts = chart_data.department_counts(snap)
    assert counts["自然资源局"]["done"] == 1  # 3.1; 26.3 stays open: its verified report opened a follow-up
    assert counts["住建局"]["red"] + counts["住建局"]["yellow"] + counts["住建局"]["green"] == sum(
        counts["住建局"].values()
    )
    verified = [(due, done) for due, done in snap.occurrences if done is not None]
    assert {done for _, done in verified} == {date(2022, 9, 14), date(2022, 9, 21)}
    burndown, status = chart_data.burndown(snap), chart_data.status(snap)
    fig = charts.burndown_figure(burndown)
    planned, actual = (line.get_ydata() for line in fig.axes[0].lines)
    assert actual[0] == len(snap.occurrences) and actual[-1] == len(snap.occurrences) - len(verified)
    assert list(planned) == list(burndown.series[0].values) and list(actual) == list(burndown.series[1].values)
    bars = charts.status_figure(status).axes[0].patches  # the stacked bars, colour by colour
    assert [b.get_width() for b in bars] == [v for s in status.series for v in s.values]
    assert Counter(type(x) for x in (charts.status_figure(status), fig)) == Counter({Figure: 2})
