"""--engine ray: on a real local Ray instance (2 CPUs), the same results as --engine local.

A Ray cluster is started once for the module (``ray start --head``) and runs join it
with ``--ray-address``; one run starts its own local Ray instance instead. The
comparisons are byte for byte: clean copies, diffs, summary.json, findings, exit codes.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clean_reports.api import load_rules
from clean_reports.engines.serial import Serial
from clean_reports.inputs import Inputs
from clean_reports.model import FileResult, Mode, Status, Task
from clean_reports.rules import Rule
from clean_reports.selection import RuleSelector
from clean_reports.work import Work

from conftest import SEEDS, run_installed

pytestmark = pytest.mark.ray


# Not imported here: Ray reads its settings (RAY_AUTH_MODE) once, when first imported.
if not os.environ.get("CLEAN_REPORTS_REQUIRE_RAY") and importlib.util.find_spec("ray") is None:
    pytest.skip("the Ray engine needs clean-reports[ray]", allow_module_level=True)

CPUS = "2"
# The test cluster authenticates clients with a token, as a shared cluster should, and a
# client that joins by address must present it. The token is made here and passed in the
# environment: `ray start` with token authentication refuses to start when it finds none,
# and a fresh machine has no ~/.ray/auth_token.
AUTH = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **AUTH}


def clean_reports(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_installed(*args, cwd=cwd, env={**ENV, **env}, timeout=600)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a Ray cluster with 2 CPUs, started for these tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ray = str(Path(sys.executable).with_name("ray"))
    start = [ray, "start", "--head", f"--num-cpus={CPUS}", f"--port={port}"]
    started = subprocess.run(
        [*start, "--include-dashboard=false", "--disable-usage-stats"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert started.returncode == 0, f"ray start failed:\n{started.stdout}\n{started.stderr}"
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, env=ENV, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, a generated corpus of some 3,000 files and two that cannot be decoded."""
    from corpus import generate  # bench/corpus.py, the benchmark's generator

    root = tmp_path_factory.mktemp("ray") / "corpus"
    shutil.copytree(SEEDS, root / "seeds")
    files, _ = generate(root / "generated", 13)
    assert files > 2_500
    (root / "generated" / "000" / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "seeds" / "zz-utf16-odd.txt").write_bytes(b"\xff\xfe\x41")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_out_dir_on_a_cluster_matches_local(corpus: Path, cluster: str) -> None:
    work = corpus.parent
    local = clean_reports("corpus", "-o", "local", cwd=work)
    on_ray = clean_reports("corpus", "-o", "ray", "--engine", "ray", cwd=work, RAY_ADDRESS=cluster)
    assert local.returncode == on_ray.returncode == 2, on_ray.stderr  # the two broken files
    assert on_ray.stdout == local.stdout
    local_tree, ray_tree = tree(work / "local"), tree(work / "ray")
    assert len(ray_tree) > 5_000
    assert ray_tree.keys() == local_tree.keys()
    different = [name for name in local_tree if local_tree[name] != ray_tree[name]]
    assert different == []
    summary = json.loads(ray_tree["summary.json"])
    assert summary["totals"]["failed"] == 2
    for line in local.stderr.splitlines():
        if line.startswith("error:"):
            assert line in on_ray.stderr


def test_check_and_diff_on_a_cluster_match_local(corpus: Path, cluster: str) -> None:
    for mode in ("--check", "--diff"):
        local = clean_reports(mode, "corpus", cwd=corpus.parent)
        on_ray = clean_reports(
            mode, "corpus", "--engine", "ray", "--ray-address", cluster, cwd=corpus.parent
        )
        assert local.returncode == on_ray.returncode == 2
        assert on_ray.stdout == local.stdout
        assert len(on_ray.stdout.splitlines()) > 1_000


def test_seeds_on_a_local_ray_instance(tmp_path: Path) -> None:
    """No address: the run starts a Ray instance of its own (-j CPUs) and stops it."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    local = clean_reports("seeds", "-o", "local", cwd=tmp_path)
    on_ray = clean_reports("seeds", "-o", "ray", "--engine", "ray", "-j", CPUS, cwd=tmp_path)
    assert local.returncode == on_ray.returncode == 0, on_ray.stderr
    assert tree(tmp_path / "ray") == tree(tmp_path / "local")
    check = clean_reports("--check", "seeds", "--engine", "ray", "-j", CPUS, cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout.splitlines()[-1] == "Found 17 watermarks in 4 files (5 files checked)."


def test_datasets_and_in_place_on_a_cluster_match_local(tmp_path: Path, cluster: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    texts = [(SEEDS / name).read_text("utf-8") for name in ("000_155c858b691bed45.txt",)]
    records = [json.dumps({"id": i, "text": texts[0]}, ensure_ascii=False) for i in range(50)]
    (data / "a.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (data / "b.jsonl.gz").write_bytes(gzip.compress("\n".join(records).encode(), mtime=0))
    shutil.copy(SEEDS / "001_8ccc2d55e0a5d909.txt", data / "c.txt")
    args = ("--text-field", "text", "data", "-o")
    local = clean_reports(*args, "local", cwd=tmp_path)
    on_ray = clean_reports(*args, "ray", "--engine", "ray", "--ray-address", cluster, cwd=tmp_path)
    assert local.returncode == on_ray.returncode == 0, on_ray.stderr
    assert tree(tmp_path / "ray") == tree(tmp_path / "local")
    summary = json.loads((tmp_path / "ray" / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["files"][0]["records"]) == 50
    shutil.copytree(data, tmp_path / "data-ray")
    fix = ("--in-place", "--text-field", "text")
    local = clean_reports(*fix, "data", cwd=tmp_path)
    on_ray = clean_reports(
        *fix, "data-ray", "--engine", "ray", "--ray-address", cluster, cwd=tmp_path
    )
    assert local.returncode == on_ray.returncode == 1, on_ray.stderr
    assert tree(tmp_path / "data-ray") == tree(data)
    assert on_ray.stderr.replace("data-ray", "data") == local.stderr


def test_object_storage_uris_are_read_through_rays_filesystems(
    tmp_path: Path, cluster: str
) -> None:
    """A PATH given as a URI (here file://, as s3:// or gs:// would be) is listed and read
    through pyarrow's filesystems; findings and clean copies are a local run's."""
    corpus = tmp_path / "bucket" / "corpus"
    shutil.copytree(SEEDS, corpus)
    with gzip.open(corpus / "records.jsonl.gz", "wt", encoding="utf-8") as stream:
        text = (SEEDS / "000_155c858b691bed45.txt").read_text("utf-8")
        stream.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    uri = corpus.as_uri()
    on_ray = ("--engine", "ray", "--ray-address", cluster, "--text-field", "text")
    local = clean_reports("--check", "--text-field", "text", corpus, cwd=tmp_path)
    remote = clean_reports("--check", *on_ray, uri, cwd=tmp_path)
    assert local.returncode == remote.returncode == 1, remote.stderr
    assert remote.stdout.replace(uri, str(corpus)) == local.stdout
    assert (
        clean_reports("--text-field", "text", corpus, "-o", "local", cwd=tmp_path).returncode == 0
    )
    assert clean_reports(*on_ray, uri, "-o", "ray", cwd=tmp_path).returncode == 0
    local_tree, ray_tree = tree(tmp_path / "local"), tree(tmp_path / "ray")
    summary = ray_tree.pop("summary.json").decode().replace(uri, str(corpus))
    assert summary == local_tree.pop("summary.json").decode()
    assert ray_tree == local_tree
    assert ray_tree["records.jsonl.gz"][:2] == b"\x1f\x8b"  # still gzip


def test_a_worker_that_dies_is_retried_and_the_output_is_whole(
    corpus: Path, cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real worker process exits mid-run (the first time it meets one file); Ray runs
    the task again, and the outputs are those of an undisturbed local run."""
    for name, value in AUTH.items():
        monkeypatch.setenv(name, value)
    import ray

    from clean_reports.engines.ray import Ray

    class DiesOnce(Work):
        """The work of a worker process that exits the first time it meets one file
        (defined here, so that Ray sends the class itself to its workers)."""

        def __init__(self, selector: RuleSelector, mode: Mode, marker: str) -> None:
            super().__init__(selector, mode)
            self.marker = marker

        def on_bytes(
            self,
            task: Task,
            data: bytes,
            before: tuple[int, int],
            rules: tuple[Rule, ...] | None = None,
        ) -> FileResult:
            if Path(task.path).name == "000100.txt" and not Path(self.marker).exists():
                Path(self.marker).write_text(str(os.getpid()))
                os._exit(1)
            return super().on_bytes(task, data, before, rules)

    marker = tmp_path / "died-once"
    rules = RuleSelector(load_rules())
    source = (corpus / "generated",)
    local_out, ray_out = tmp_path / "local", tmp_path / "ray"
    local_results = list(
        Serial().map(Inputs(source, out_dir=local_out).tasks(), Work(rules, Mode.OUT_DIR))
    )
    expected = [(r.path, r.status, r.matches) for r in local_results]
    ray.init(address=cluster, logging_level="ERROR", log_to_driver=False)
    try:
        dies_once = DiesOnce(rules, Mode.OUT_DIR, marker=str(marker))
        results = list(Ray(cluster).map(Inputs(source, out_dir=ray_out).tasks(), dies_once))
    finally:
        ray.shutdown()
    assert marker.exists() and int(marker.read_text()) != os.getpid()
    assert [(r.path, r.status, r.matches) for r in results] == expected
    assert sum(r.status is Status.FAILED for r in results) == 1  # broken.txt, as locally
    assert tree(ray_out) == tree(local_out)
