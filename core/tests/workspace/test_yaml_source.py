from __future__ import annotations

from pathlib import Path

from stable_harness.workspace.yaml_source import read_file


def read(tmp_path: Path, text: str):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return read_file(path, "f.yaml")


def test_lines_of_keys_and_items(tmp_path: Path) -> None:
    [doc], diags = read(tmp_path, "a: 1\nb:\n  c:\n    - x\n    - y\n")
    assert diags == []
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"]}}
    assert doc.line_of(("b", "c")) == 3
    assert doc.line_of(("b", "c", 1)) == 5
    assert doc.line_of(("b", "missing", 0)) == 2  # nearest ancestor


def test_multi_document_lines(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, "a: 1\n---\n# comment\nb: 2\n---\n")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].line_of(("b",)) == 4


def test_dates_stay_strings(tmp_path: Path) -> None:
    [doc], _ = read(tmp_path, "name: 2024-01-01\n")
    assert doc.data == {"name": "2024-01-01"}


def test_merge_keys_and_aliases(tmp_path: Path) -> None:
    [doc], _ = read(tmp_path, "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert doc.data["other"] == {"x": 1, "y": 3}


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(10)) + "]")
    docs, diags = read(tmp_path, "\n".join(lines) + "\n")
    assert docs == []
    assert diags[0].code == "too-large"


def test_duplicate_key_reported_with_both_lines(tmp_path: Path) -> None:
    [doc], diags = read(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}
    assert (diags[0].code, diags[0].line) == ("duplicate-key", 3)
    assert "first at line 1" in diags[0].message
