"""Which files a run reads: includes, excludes, .gitignore, links, the output folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from clean_reports.walk import WalkOptions, walk


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
    touch(root / "node_modules" / "y.txt")
    touch(root / "out" / "old.txt")
    return root


def relatives(*paths: Path, on_skip=None, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    options = WalkOptions(root=kwargs.pop("root", paths[0]), **kwargs)
    return [str(source.relative) for source in walk(list(paths), options, on_skip)]


def test_walks_txt_recursively_in_sorted_order_and_skips_default_excludes(tree: Path) -> None:
    assert relatives(tree) == ["a.txt", "b.txt", "out/old.txt", "sub/c.txt", "sub/deeper/d.txt"]


def test_include_widens(tree: Path) -> None:
    assert "notes.md" in relatives(tree, include=["*.md"])
    assert "data.csv" not in relatives(tree, include=["*.md"])


def test_skip_folder_is_never_walked(tree: Path) -> None:
    assert "out/old.txt" not in relatives(tree, skip=[tree / "out"])
    assert relatives(tree / "out", skip=[tree / "out"]) == []


def test_exclude_replaces_the_defaults_and_extend_adds(tree: Path) -> None:
    assert "node_modules/y.txt" in relatives(tree, exclude=["sub/"])
    assert "sub/c.txt" not in relatives(tree, exclude=["sub/"])
    assert relatives(tree, exclude=[".git", "node_modules", "deeper", "b.txt"]) == [
        "a.txt",
        "out/old.txt",
        "sub/c.txt",
    ]


def test_exclude_patterns_are_anchored_at_the_project_root(tmp_path: Path, tree: Path) -> None:
    assert "sub/c.txt" not in relatives(tree, root=tmp_path, exclude=["/corpus/sub/"])
    assert "sub/c.txt" in relatives(tree, root=tmp_path, exclude=["/sub/"])


def test_skipped_paths_are_reported_with_the_reason(tree: Path) -> None:
    seen: list[tuple[str, str]] = []
    relatives(tree, on_skip=lambda path, why: seen.append((path.name, why)))
    assert (".git", "excluded by '.git'") in seen
    assert ("node_modules", "excluded by 'node_modules'") in seen


def test_file_argument_is_taken_whatever_its_name_or_excludes(tree: Path) -> None:
    assert relatives(tree / "notes.md") == ["notes.md"]
    assert relatives(tree / "b.txt", exclude=["b.txt"]) == ["b.txt"]


def test_force_exclude_applies_to_named_paths(tree: Path) -> None:
    options = {"exclude": ["b.txt", "sub/"], "force_exclude": True, "root": tree}
    assert relatives(tree / "b.txt", tree / "a.txt", tree / "sub", **options) == ["a.txt"]


def test_paths_show_as_given(tree: Path) -> None:
    (first, *_) = walk([tree])
    assert first.path == str(tree / "a.txt")


def test_symlinks_are_not_followed(tree: Path, tmp_path: Path) -> None:
    outside = touch(tmp_path / "outside" / "secret.txt")
    (tree / "inside.txt").symlink_to(tree / "a.txt")
    (tree / "insidedir").symlink_to(tree / "sub")
    (tree / "link.txt").symlink_to(outside)
    (tree / "linkdir").symlink_to(outside.parent)
    (tree / "sub" / "loop").symlink_to(tree)
    (tree / "gone.txt").symlink_to(tmp_path / "nothing-here.txt")
    skipped: list[str] = []
    sources = list(
        walk([tree], WalkOptions(root=tree), lambda path, why: skipped.append(path.name))
    )
    taken = [str(s.relative) for s in sources if not s.error]
    assert taken == ["a.txt", "b.txt", "out/old.txt", "sub/c.txt", "sub/deeper/d.txt"]
    problems = {str(s.relative): s.error for s in sources if s.error}
    assert problems == {
        "gone.txt": "a dangling symbolic link",
        "link.txt": "a symbolic link that leads out of the input tree; not followed",
        "linkdir": "a symbolic link that leads out of the input tree; not followed",
        "sub/loop": "a symbolic link loop (it points to a folder above it); not followed",
    }
    assert {"inside.txt", "insidedir"} <= set(skipped)


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def test_gitignore_is_respected_nested_and_negated(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    for name in ["keep.txt", "drafts/x.txt", "sub/a.txt", "sub/tmp.txt", "sub/z/tmp.txt"]:
        touch(repo / "corpus" / name)
    touch(repo / "corpus" / "sub" / "important.txt")
    touch(repo / ".gitignore", "drafts/\n")
    touch(repo / "corpus" / "sub" / ".gitignore", "tmp.txt\n*.txt\n!a.txt\n!important.txt\n")
    touch(repo / ".git" / "info" / "exclude", "keep.txt\n")
    found = relatives(repo / "corpus", root=repo)
    assert found == ["sub/a.txt", "sub/important.txt"]
    assert relatives(repo / "corpus", root=repo, gitignore=False) == [
        "keep.txt",
        "drafts/x.txt",
        "sub/a.txt",
        "sub/important.txt",
        "sub/tmp.txt",
        "sub/z/tmp.txt",
    ]


def test_gitignore_above_the_walked_folder_counts(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    touch(repo / ".gitignore", "corpus/private/\n")
    touch(repo / "corpus" / "private" / "p.txt")
    touch(repo / "corpus" / "public" / "q.txt")
    assert relatives(repo / "corpus", root=repo) == ["public/q.txt"]
    assert relatives(repo / "corpus" / "private" / "p.txt", root=repo) == ["p.txt"]
    assert relatives(repo / "corpus" / "private" / "p.txt", root=repo, force_exclude=True) == []


LOOP = "a symbolic link loop (following it leads back to it); not followed"


def test_links_that_cannot_be_followed_fail_alone_and_the_walk_goes_on(tree: Path) -> None:
    (tree / "la.txt").symlink_to("lb.txt")
    (tree / "lb.txt").symlink_to("la.txt")
    (tree / "sub" / "folder-loop").symlink_to("folder-loop")  # named like a folder
    (tree / "sub" / "through-a-file.txt").symlink_to("c.txt/inner.txt")
    sources = list(walk([tree], WalkOptions(root=tree)))
    taken = [s.relative for s in sources if not s.error]
    assert taken == ["a.txt", "b.txt", "out/old.txt", "sub/c.txt", "sub/deeper/d.txt"]
    problems = {s.relative: s.error for s in sources if s.error}
    assert problems == {
        "la.txt": LOOP,
        "lb.txt": LOOP,
        "sub/folder-loop": LOOP,
        "sub/through-a-file.txt": (
            "a symbolic link whose target cannot be looked at (Not a directory); not followed"
        ),
    }


def test_a_named_link_that_loops_is_an_entry_that_failed(tree: Path) -> None:
    (tree / "la.txt").symlink_to("lb.txt")
    (tree / "lb.txt").symlink_to("la.txt")
    (tree / "gone.txt").symlink_to("nothing-here.txt")
    sources = list(walk([tree / "la.txt", tree / "gone.txt", tree / "a.txt"]))
    assert [(s.relative, s.error) for s in sources] == [
        ("la.txt", LOOP),
        ("gone.txt", "a dangling symbolic link"),
        ("a.txt", None),
    ]


def test_a_folder_tagged_as_output_is_not_walked_unless_named(tree: Path) -> None:
    (tree / "out" / "CLEAN-REPORTS.TAG").write_text(
        "Signature: clean-reports output folder\n# a note\n", encoding="utf-8"
    )
    seen: list[tuple[str, str]] = []
    walked = relatives(tree, on_skip=lambda path, why: seen.append((path.name, why)))
    assert walked == ["a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.txt"]
    assert ("out", "an output folder of clean-reports (CLEAN-REPORTS.TAG)") in seen
    assert relatives(tree / "out") == ["old.txt"]  # named on the command line: read


@pytest.mark.parametrize("text", ["Signature: something else\n", "", "signature\n"])
def test_a_tag_file_without_the_signature_changes_nothing(tree: Path, text: str) -> None:
    (tree / "out" / "CLEAN-REPORTS.TAG").write_text(text, encoding="utf-8")
    assert "out/old.txt" in relatives(tree)


def test_a_fifo_named_like_the_tag_does_not_hang_the_walk(tree: Path) -> None:
    os.mkfifo(tree / "out" / "CLEAN-REPORTS.TAG")
    assert "out/old.txt" in relatives(tree)
