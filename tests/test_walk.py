"""Which files a run reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clean_reports.walk import walk


def touch(path: Path, text: str = "正文\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for name in ["b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt", "notes.md", "data.csv"]:
        touch(root / name)
    touch(root / ".git" / "x.txt")
    touch(root / "out" / "old.txt")
    return root


def relatives(root: Path, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(source.relative) for source in walk([root], **kwargs)]


def test_walks_txt_recursively_in_sorted_order_and_skips_vcs(tree: Path) -> None:
    assert relatives(tree) == ["a.txt", "b.txt", "out/old.txt", "sub/c.txt", "sub/deeper/d.txt"]


def test_include_widens(tree: Path) -> None:
    assert "notes.md" in relatives(tree, include=["*.md"])
    assert "data.csv" not in relatives(tree, include=["*.md"])


def test_skip_folder_is_never_walked(tree: Path) -> None:
    assert "out/old.txt" not in relatives(tree, skip=[tree / "out"])
    assert relatives(tree / "out", skip=[tree / "out"]) == []


def test_file_argument_is_taken_whatever_its_name(tree: Path) -> None:
    sources = list(walk([tree / "notes.md"]))
    assert [(s.path, str(s.relative)) for s in sources] == [(tree / "notes.md", "notes.md")]


def test_paths_show_as_given(tree: Path) -> None:
    (first, *_) = walk([tree])
    assert first.path == tree / "a.txt"


def test_symlinks_inside_a_tree_are_not_followed(tree: Path, tmp_path: Path) -> None:
    outside = touch(tmp_path / "outside" / "secret.txt")
    (tree / "link.txt").symlink_to(outside)
    (tree / "linkdir").symlink_to(outside.parent)
    assert not any("link" in name for name in relatives(tree))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder")
def test_unreadable_folder_is_reported(tree: Path) -> None:
    locked = tree / "sub"
    locked.chmod(0)
    try:
        sources = list(walk([tree]))
    finally:
        locked.chmod(0o755)
    errors = [s for s in sources if s.error]
    assert len(errors) == 1 and "cannot list folder" in (errors[0].error or "")
