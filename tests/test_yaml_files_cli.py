"""Bad facts files through `duban score --facts` (issue 15): every one a short message and exit status 2,
never a traceback, never a hang, and never more than a screenful of errors."""

from __future__ import annotations

import pytest

from bot.cli import main

BOUND = 4000  # characters of error output at most, whatever the file


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(capsys, path, *expected):
    code, out, err = run(capsys, "score", "--facts", str(path), "--json")
    assert code == 2 and out == ""
    assert "Traceback" not in err and len(err) < BOUND, err[:500]
    for words in expected:
        assert words in err, err
    return err


def alias_bomb() -> str:
    """Under 500 bytes that expand to 10^9 leaves: each anchor lists the one before it ten times."""
    names = "abcdefghij"
    lines = ["a: &a [lol]"] + [
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]" for p, n in zip(names, names[1:], strict=False)
    ]
    return "\n".join(lines) + '\n"3.1.1": *j\n'


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("empty.yaml", b"", ["文件是空的", "不按满分计算"]),
        ("comment-only.yaml", "# 导出于 2022-09-05\n".encode(), ["文件是空的"]),
        ("truncated.yaml", b"facts:\n", ["文件是空的"]),
        ("gbk.yaml", '"3.1.1": {actual: 900}  # 盘活\n'.encode("gbk"), ["不是 UTF-8 编码", ":1:"]),
        ("deep.yaml", ("[" * 5000 + "]" * 5000).encode(), ["嵌套超过"]),
        ("deep-block.yaml", ("- " * 5000 + "x\n").encode(), ["嵌套超过"]),
        ("bomb.yaml", alias_bomb().encode(), ["不支持 YAML 锚点和别名", ":1:"]),
        ("dupes.yaml", b'"3.1.1": {actual: 900, target: 958}\n"3.1.1": {actual: 958}\n', ["重复的键", ":2:", "第1行"]),
        ("sexagesimal.yaml", b'"3.1.1": {actual: 1:30, target: 958}\n', ["3.1.1.actual='1:30'", "取值无效"]),
        ("yes.yaml", b'"14.1.1": {done: yes}\n', ["14.1.1.done='yes'"]),
        ("tag.yaml", b'"3.1.1": !!python/object/apply:os.system ["true"]\n', ["不支持的标签"]),
        ("syntax.yaml", b"facts: {a: [\n", ["YAML 语法错误"]),
    ],
)
def test_a_bad_facts_file_is_refused_with_exit_2(capsys, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    refused(capsys, path, *expected)
    assert len(alias_bomb()) < 500


def test_a_5_mb_file_is_refused_for_its_size(capsys, tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("".join(f'"99.{n}.1": {{done: true}}\n' for n in range(250_000)), encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    refused(capsys, path, "文件过大", "上限 1 MB")


def test_thousands_of_unknown_ids_list_twenty_and_count_the_rest(capsys, tmp_path):
    path = tmp_path / "unknown.yaml"
    path.write_text("".join(f'"99.{n}.1": {{done: true}}\n' for n in range(20_000)), encoding="utf-8")
    assert path.stat().st_size > 400_000
    err = refused(capsys, path, "事实数据有20000处问题", "另有19980处问题未列出")
    assert err.count("\n- ") == 20


def test_long_values_are_cut_in_the_message(capsys, tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text('"3.1.1": {actual: "' + "九" * 100_000 + '"}\n? "' + "x" * 5000 + '"\n: 1\n', encoding="utf-8")
    err = refused(capsys, path, "3.1.1.actual='九九九", "…", "评分细则中没有这个子项")
    assert max(len(line) for line in err.splitlines()) <= 250


def test_a_missing_facts_file_and_a_directory(capsys, tmp_path):
    refused(capsys, tmp_path / "nope.yaml", "nope.yaml", "文件不存在")
    refused(capsys, tmp_path, "不是文件")


def test_a_broken_rubric_file_is_a_message_too(capsys, tmp_path):
    path = tmp_path / "rubric.yaml"
    for text in ("a: &x 1\nb: *x\n", "rubric: 1\nsections: 2\nindicators: 3\nexcellence: 4\n", "[1, 2]\n"):
        path.write_text(text, encoding="utf-8")
        code, out, err = run(capsys, "score", "--rubric", str(path))
        assert code == 2 and out == "" and "Traceback" not in err and len(err) < BOUND
        assert "duban:" in err
