"""Never destroy what isn't ours, one writer per world, verified reuse, no tracebacks (issue 13).

Each numbered finding of the issue is a test here, named after it (item1 ... item10), beside the
ownership, lock and exit-code rules that fix them (docs/outputs.md, "Ownership, locks and hashes";
README, "Exit codes"). Tests run as root in CI: permission bits do not protect anything, so every
refusal is checked by the files surviving byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsocial import generate
from synthsocial.cli import main
from synthsocial.errors import OutputError
from synthsocial.io.lock import lock_path
from synthsocial.io.ownership import MARKER, check_output, digest, record

from .fake_openai import FakeServer

EXE = os.path.join(os.path.dirname(sys.executable), "synthsocial")
HOLD = """
import sys, time
from synthsocial.io.lock import locked
with locked(sys.argv[1], write=sys.argv[2] == "write", command="test"):
    print("held", flush=True)
    time.sleep(300)
"""


def cli(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err, err
    return code, err


def tree(d: Path) -> dict[str, bytes | None]:
    """Every path under ``d`` with its bytes (None for folders): what must survive a refusal."""
    return {str(p.relative_to(d)): (p.read_bytes() if p.is_file() else None) for p in sorted(d.rglob("*"))}


@contextmanager
def held(path: Path, mode: str = "write"):
    """Another process holding the lock of ``path``; yields its pid."""
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(path), mode], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"
        yield p.pid
    finally:
        p.kill()
        p.wait()


def wait_for_lock(target: Path, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Until ``proc`` holds the lock of ``target`` (its lock file names it)."""
    path = lock_path(target)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if json.loads(path.read_text())["pid"] == proc.pid:
                return
        except (OSError, ValueError, KeyError):
            pass
        assert proc.poll() is None, "the first writer ended before it was seen holding the lock"
        time.sleep(0.05)
    raise AssertionError(f"no lock on {target} after {timeout} s")


@pytest.fixture
def yours(tmp_path) -> Path:
    """A folder of the user's: a thesis and a sub-folder with notes."""
    d = tmp_path / "thesis"
    (d / "chapters").mkdir(parents=True)
    (d / "thesis.tex").write_text("\\documentclass{article}")
    (d / "chapters" / "one.tex").write_text("Once upon a time")
    return d


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ours") / "world"
    generate(200, seed=1).write(d)
    return d


def copy(world: Path, tmp_path: Path, name: str = "w") -> Path:
    target = tmp_path / name
    shutil.copytree(world, target)
    return target


# ------------------------------------------------------------------ 1. data loss: --overwrite
OVERWRITE = {
    # name: (folder to run in, --out, exit code, what generate --overwrite says, what world says)
    "empty --out in your folder": ("{yours}", "", 2, "--out: is empty", "--out: is empty"),
    "--out . in your folder": ("{yours}", ".", 1, "is the current directory", "was not written by synthsocial"),
    "--out .. from your sub-folder": (
        "{yours}/chapters",
        "..",
        1,
        "is a parent of the current directory",
        "was not written by synthsocial",
    ),
    "your folder by name": ("{tmp}", "{yours}", 1, "was not written by synthsocial", "was not written by synthsocial"),
    "your home directory": ("{tmp}", "{home}", 1, "is your home directory", "was not written by synthsocial"),
}


@pytest.mark.parametrize("case", list(OVERWRITE))
def test_item1_overwrite_never_touches_a_folder_that_is_not_ours(
    case, yours, tmp_path, tmp_path_factory, capsys, monkeypatch
):
    where, out, code, says_generate, says_world = OVERWRITE[case]
    home = tmp_path / "home"
    shutil.copytree(yours, home)
    monkeypatch.setenv("HOME", str(home))
    # matplotlib (imported by networkit) keeps its font cache in the home directory on first import
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path_factory.mktemp("mpl")))
    for k, v in {"{yours}": str(yours), "{tmp}": str(tmp_path), "{home}": str(home)}.items():
        where, out = where.replace(k, v), out.replace(k, v)
    monkeypatch.chdir(where)
    before, before_home = tree(yours), tree(home)
    for command, says in (
        (["generate", "--nodes", "100", "--overwrite"], says_generate),
        (["world", "--nodes", "100"], says_world),
    ):
        got, err = cli(capsys, *command, "--out", out)
        assert got == code and says in err, (command, err)
        assert tree(yours) == before and tree(home) == before_home
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "thesis"]  # no lock or temporary left


def test_item1_root_is_never_replaced():
    with pytest.raises(OutputError, match="is the root directory"):
        check_output("/", ("world",), replace=True, overwrite=True)


def test_item1_overwrite_keeps_a_file_of_yours_inside_a_world(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    (w / "notes.txt").write_text("my notes")
    (w / "analysis").mkdir()
    before = tree(w)
    code, err = cli(capsys, "generate", "--nodes", "100", "--overwrite", "--out", w)
    assert code == 1 and "holds 'analysis', which synthsocial did not write" in err
    assert tree(w) == before
    with pytest.raises(OutputError, match="did not write"):
        generate(50).write(w, overwrite=True)  # the library refuses as the command does
    assert tree(w) == before


def test_item1_overwrite_replaces_a_world_of_ours(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    code, err = cli(capsys, "generate", "--nodes", "150", "--seed", "2", "--out", w)
    assert code == 1 and "pass --overwrite" in err
    assert cli(capsys, "generate", "--nodes", "150", "--seed", "2", "--overwrite", "--out", w)[0] == 0
    assert json.loads((w / "manifest.json").read_text())["nodes"] == 150
    marker = json.loads((w / MARKER).read_text())
    assert marker["written_by"] == "synthsocial" and marker["kind"] == "world"
    assert marker["files"]["edges.parquet"]["sha256"] == digest(w / "edges.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]


@pytest.mark.parametrize(
    "args",
    [
        ["world", "--nodes", "50", "--out", ""],
        ["export", "{world}", "--to", "jsonl", "--out", ""],
        ["calibrate", "--out", ""],
        ["benchmark", "--reference-graph", "{world}", "--out", ""],
        ["fidelity", "{world}", "--real", "{world}", "--save", ""],
        ["build-maps", "--out", ""],
    ],
)
def test_item1_empty_output_path_is_refused_by_every_command(args, ours, capsys):
    code, err = cli(capsys, *[a.replace("{world}", str(ours)) for a in args])
    assert code == 2 and "is empty" in err, err


# ------------------------------------------------------------------ 2-4. one writer at a time
def test_item2_two_world_runs_on_one_directory_one_is_refused(tmp_path, capsys):
    out = tmp_path / "W"
    with FakeServer(delay=2.0) as srv:  # the first run's posts last seconds: the second starts while it writes

        def start(seed: int) -> subprocess.Popen:
            return subprocess.Popen(
                [
                    EXE,
                    "world",
                    "--nodes",
                    "400",
                    "--platforms",
                    "twitter,reddit",
                    "--writers",
                    "12",
                    "--seed",
                    str(seed),
                    "--backend",
                    "openai",
                    "--model",
                    "fake",
                    "--base-url",
                    srv.url,
                    "--out",
                    str(out),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

        first = start(0)
        wait_for_lock(out, first)
        second = start(1)
        _, err2 = second.communicate(timeout=120)
        _, err1 = first.communicate(timeout=300)
        assert first.returncode == 0, err1
        assert second.returncode == 1 and "Traceback" not in err2
        assert f"is being written by process {first.pid} (synthsocial world) since" in " ".join(err2.split())
        stages = json.loads((out / "stages.json").read_text())
        assert json.loads((out / "manifest.json").read_text())["seed"] == 0 and stages["plan"]["seed"] == 0
        assert (
            main(
                [
                    "world",
                    "--nodes",
                    "400",
                    "--platforms",
                    "twitter,reddit",
                    "--writers",
                    "12",
                    "--seed",
                    "0",
                    "--backend",
                    "openai",
                    "--model",
                    "fake",
                    "--base-url",
                    srv.url,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
    assert (
        "generate skipped, evaluate skipped, timeline not requested, posts skipped" in capsys.readouterr().err
    )  # whole, one seed
    assert not lock_path(out).exists()


def test_item3_posts_while_another_posts_run_writes_the_world(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    with FakeServer() as srv:
        args = [
            "posts",
            w,
            "--backend",
            "openai",
            "--model",
            "fake",
            "--base-url",
            srv.url,
            "--platforms",
            "twitter",
            "--max-users",
            "5",
        ]
        with held(w) as pid:
            code, err = cli(capsys, *args, "--seed", "1")
            assert code == 1 and f"is being written by process {pid} (synthsocial test)" in err
            assert not (w / "posts.parquet").exists() and not (w / ".posts-parts").exists()
        assert cli(capsys, *args, "--seed", "0")[0] == 0
    assert len(set(pq.read_table(w / "posts.parquet")["user_id"].to_pylist())) <= 5


def test_item4_two_generate_runs_to_one_output(tmp_path):
    out = tmp_path / "W"
    first = subprocess.Popen(
        [EXE, "generate", "--nodes", "300000", "--seed", "1", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_lock(out, first)
    second = subprocess.run([EXE, "generate", "--nodes", "1000", "--out", str(out)], capture_output=True, text=True)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.returncode == 1 and f"is being written by process {first.pid}" in second.stderr
    third = subprocess.run([EXE, "generate", "--nodes", "1000", "--out", str(out)], capture_output=True, text=True)
    assert third.returncode == 1 and "exists and is not empty" in third.stderr
    assert json.loads((out / "manifest.json").read_text())["nodes"] == 300000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["W"]


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "{w}"],
        ["export", "{w}", "--to", "jsonl"],
        ["report", "{w}"],
        ["generate", "-n", "50", "--overwrite", "-o", "{w}"],
        ["fidelity", "{w}/posts.parquet", "--real", "{w}/posts.parquet", "--no-semantic"],
    ],
)
def test_a_world_being_written_is_refused_by_readers_and_writers(args, ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    pq.write_table(
        pa.table(
            {"post_id": ["0-twitter-0"], "user_id": [0], "platform": ["twitter"], "text": ["hi"], "status": ["ok"]}
        ),
        w / "posts.parquet",
    )
    record(w, ["posts.parquet"], "world")  # as if `posts` wrote it
    before = tree(w)
    with held(w) as pid:
        code, err = cli(capsys, *[a.replace("{w}", str(w)) for a in args])
        assert code == 1 and f"is being written by process {pid}" in err, err
    assert tree(w) == before


def test_readers_share_a_world_and_keep_writers_out(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    with held(w, "read"):
        assert cli(capsys, "evaluate", w, "--json", "--no-homophily")[0] == 0  # two readers at once
        code, err = cli(capsys, "report", w)
        assert code == 1 and "is in use by another synthsocial process" in err
    assert cli(capsys, "report", w)[0] == 0
    assert not lock_path(w).exists()


# ------------------------------------------------------------------ 5. settings: finite, typed, in range
@pytest.mark.parametrize(
    "setting, key",
    [
        ("[links]\ngamma = inf", "links.gamma"),
        ("[links]\nzeta = inf", "links.zeta"),
        ("[links]\nzeta = 1e300", "links.zeta"),
        ("[links]\npopular_follows = 1e20", "links.popular_follows"),
        ("[links]\nalpha = inf", "links.alpha"),
        ("[links]\nalpha = nan", "links.alpha"),
        ("[links]\nalpha = true", "links.alpha"),
        ("[links]\nk_max = 2.5", "links.k_max"),
        ("block_size = true", "block_size"),
        ("[links]\ntemperature = 0.0", "links.temperature"),
        ("[population]\nage_band_p = [inf, 0, 0, 0, 0, 0, 0]", "population.age_band_p"),
    ],
)
def test_item5_config_values_must_be_finite_typed_and_in_range(setting, key, tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text(setting + "\n")
    code, err = cli(capsys, "generate", "--nodes", "50", "--config", cfg, "--out", tmp_path / "out")
    assert code == 2 and key in err and "is not accepted" in err, err
    assert not (tmp_path / "out").exists()


def test_item5_manifest_is_strict_json(tmp_path, capsys):
    cfg = tmp_path / "c.json"
    cfg.write_text('{"links": {"alpha": NaN}}')
    assert cli(capsys, "generate", "--nodes", "50", "--config", cfg, "--out", tmp_path / "x")[0] == 2
    cfg.write_text('{"links": {"alpha": 1000.0, "zeta": 1000000.0, "popular_follows": 3.0}}')  # the upper bounds work
    assert cli(capsys, "generate", "--nodes", "300", "--config", cfg, "--out", tmp_path / "w")[0] == 0

    def no_constants(name):
        raise ValueError(f"{name} in manifest.json")

    json.loads((tmp_path / "w" / "manifest.json").read_text(), parse_constant=no_constants)


# ------------------------------------------------------------------ 6. damaged input: one line, no traceback
def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


DAMAGED = {
    # name: (damage(w), command, exit code, fragment)
    "evaluate, truncated edges": (
        lambda w: truncate(w / "edges.parquet"),
        ["evaluate", "{w}"],
        1,
        "edges.parquet: not a readable Parquet file",
    ),
    "evaluate --streaming, truncated edges": (
        lambda w: truncate(w / "edges.parquet"),
        ["evaluate", "{w}", "--streaming"],
        1,
        "edges.parquet: not a readable Parquet file",
    ),
    "evaluate, truncated users": (
        lambda w: truncate(w / "users.parquet"),
        ["evaluate", "{w}"],
        1,
        "users.parquet: not a readable Parquet file",
    ),
    "evaluate --streaming, truncated users": (
        lambda w: truncate(w / "users.parquet"),
        ["evaluate", "{w}", "--streaming"],
        1,
        "users.parquet: not a readable Parquet file",
    ),
    "export jsonl, truncated posts": (
        lambda w: (w / "posts.parquet").write_bytes(b"PAR1 half a file"),
        ["export", "{w}", "--to", "jsonl"],
        1,
        "posts.parquet: not a readable Parquet file",
    ),
    "report, fidelity.json is {}": (
        lambda w: (w / "fidelity.json").write_text("{}"),
        ["report", "{w}"],
        1,
        "fidelity.json: not a fidelity result",
    ),
    "posts, --base-url http://": (
        lambda w: None,
        ["posts", "{w}", "--backend", "openai", "--model", "m", "--base-url", "http://"],
        2,
        "--base-url 'http://' is not accepted",
    ),
    "posts, --base-url http://[::1": (
        lambda w: None,
        ["posts", "{w}", "--backend", "openai", "--model", "m", "--base-url", "http://[::1"],
        2,
        "--base-url 'http://[::1' is not accepted",
    ),
    "export, edges with float ids": (
        lambda w: pq.write_table(pa.table({"source": [0.0, 1.5], "target": [1.0, 2.0]}), w / "edges.parquet"),
        ["export", "{w}", "--to", "oasis"],
        1,
        "column 'source' holds double; node and user ids must be integers",
    ),
    "calibrate, damaged run.json": (
        lambda w: (w / "run.json").write_text("[1"),
        ["calibrate", "--nodes", "50", "--out", "{w}"],
        1,
        "run.json: not a readable record",
    ),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_item6_damaged_inputs_give_one_line(case, ours, tmp_path, capsys):
    damage, args, code, fragment = DAMAGED[case]
    w = copy(ours, tmp_path)
    if args[0] == "calibrate":
        w = tmp_path / "cal"
        w.mkdir()
        (w / MARKER).write_text(json.dumps({"written_by": "synthsocial", "kind": "calibration", "files": {}}))
    damage(w)
    got, err = cli(capsys, *[a.replace("{w}", str(w)) for a in args])
    assert got == code and fragment in err and "synthsocial: error:" in err, err


def test_item6_world_with_a_damaged_stage_record_runs_again(tmp_path, capsys):
    out = tmp_path / "w"
    with FakeServer() as srv:
        args = [
            "world",
            "--nodes",
            "300",
            "--writers",
            "4",
            "--backend",
            "openai",
            "--model",
            "fake",
            "--base-url",
            srv.url,
            "--out",
            out,
        ]
        assert cli(capsys, *args)[0] == 0
        edges = (out / "edges.parquet").read_bytes()
        (out / "stages.json").write_text("[1, 2]")
        code, err = cli(capsys, *args)
    assert code == 0 and "generate ran, evaluate ran, timeline not requested, posts ran" in err, err
    assert (out / "edges.parquet").read_bytes() == edges


# ------------------------------------------------------------------ 7. world reruns verify what they reuse
CORPUS = "text,platform\n" + "\n".join(
    f"{t} #{i % 5} number {i},{p}"
    for i in range(40)
    for t, p in [("loving the weather today", "twitter"), ("Has anyone tried the new library downtown", "reddit")]
)


@pytest.fixture(scope="module")
def served_world(tmp_path_factory):
    """A whole world with every stage (fidelity included), and the server that wrote its posts."""
    root = tmp_path_factory.mktemp("verified")
    (root / "corpus.csv").write_text(CORPUS + "\n")
    with FakeServer() as srv:
        args = [
            "world",
            "--nodes",
            "300",
            "--platforms",
            "twitter,reddit",
            "--writers",
            "8",
            "--seed",
            "5",
            "--backend",
            "openai",
            "--model",
            "fake",
            "--base-url",
            srv.url,
            "--real-corpus",
            str(root / "corpus.csv"),
        ]
        assert main([*args, "--out", str(root / "w")]) == 0
        yield root / "w", args, srv


def _png(path: Path) -> Path:
    return sorted(path.glob("*.png"))[0]


DAMAGE = {
    # output: (damage, the stage that repairs it, whether it comes back byte-identical); the stages
    # that read it run again only when it does not (metrics.json holds timings: the report follows)
    "users.parquet": (lambda w: truncate(w / "users.parquet"), "generate", True),
    "edges.parquet": (
        lambda w: pq.write_table(pa.table({"source": [0, 1], "target": [1, 0]}), w / "edges.parquet"),
        "generate",
        True,
    ),
    "manifest.json": (lambda w: (w / "manifest.json").write_text("{}"), "generate", False),
    "metrics.json": (lambda w: truncate(w / "metrics.json"), "evaluate", False),
    "posts.parquet": (lambda w: truncate(w / "posts.parquet"), "posts", True),
    "interactions.parquet": (lambda w: (w / "interactions.parquet").unlink(), "posts", True),
    "fidelity.json": (lambda w: (w / "fidelity.json").write_text('{"edited": true}'), "fidelity", False),
    "fidelity_figures": (lambda w: _png(w / "fidelity_figures").unlink(), "fidelity", False),
    "report.html": (lambda w: (w / "report.html").write_text("<p>edited</p>"), "report", False),
    "figures": (lambda w: truncate(_png(w / "figures")), "report", False),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_item7_world_notices_a_damaged_output_and_repairs_it(name, served_world, tmp_path, capsys):
    world, args, srv = served_world
    damage, stage, identical = DAMAGE[name]
    w = copy(world, tmp_path)
    before = digest(w / name)
    damage(w)
    requests = len(srv.requests)
    code, err = cli(capsys, *args, "--out", w)
    assert code == 0, err
    followers = {"metrics.json": {"report"}}.get(name, set())
    for s in ("generate", "evaluate", "posts", "fidelity", "report"):
        assert f"{s} {'repaired' if s == stage else 'ran' if s in followers else 'skipped'}" in err, err
    if identical:
        assert digest(w / name) == before
    if name == "interactions.parquet":
        assert len(srv.requests) == requests  # the posts were intact: nothing generated again
    stages = json.loads((w / "stages.json").read_text())
    assert stages[stage]["outputs"][name] == digest(w / name)
    assert json.loads((w / MARKER).read_text())["files"][name]["sha256"] == digest(w / name)


def test_item7_a_second_rerun_skips_everything(served_world, tmp_path, capsys):
    world, args, _ = served_world
    w = copy(world, tmp_path)
    truncate(w / "edges.parquet")
    assert cli(capsys, *args, "--out", w)[0] == 0
    code, err = cli(capsys, *args, "--out", w)
    skipped = "generate skipped, evaluate skipped, timeline not requested, posts skipped, fidelity skipped"
    assert code == 0 and f"{skipped}, report skipped" in err


# ------------------------------------------------------------------ 8. symbolic links are followed, never replaced
def test_item8_out_through_a_symlink_writes_where_it_points(tmp_path, capsys):
    real = tmp_path / "big disk" / "world"
    real.mkdir(parents=True)
    link = tmp_path / "w"
    link.symlink_to(real, target_is_directory=True)
    assert cli(capsys, "generate", "--nodes", "60", "--out", link)[0] == 0
    assert link.is_symlink() and (real / "edges.parquet").is_file()
    assert cli(capsys, "generate", "--nodes", "70", "--overwrite", "--out", link)[0] == 0
    assert link.is_symlink() and json.loads((real / "manifest.json").read_text())["nodes"] == 70
    assert cli(capsys, "evaluate", link, "--json")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big disk", "w"]


# ------------------------------------------------------------------ 9. credentials are never recorded
def test_item9_credentials_in_base_url_are_redacted(tmp_path, capsys):
    out = tmp_path / "w"
    with FakeServer() as srv:
        url = srv.url.replace("http://", "http://alice:s3cret@")
        code, err = cli(
            capsys,
            "world",
            "--nodes",
            "200",
            "--writers",
            "3",
            "--backend",
            "openai",
            "--model",
            "fake",
            "--base-url",
            url,
            "--out",
            out,
        )
    assert code == 0, err
    for f in out.rglob("*"):
        if f.is_file():
            assert b"s3cret" not in f.read_bytes(), f
    assert json.loads((out / "stages.json").read_text())["plan"]["base_url"].startswith("http://***@127.0.0.1")
    code, err = cli(
        capsys, "posts", out, "--backend", "openai", "--model", "m", "--base-url", "http://bob:pa55@127.0.0.1:9/v1"
    )
    assert code == 1 and "pa55" not in err and "***@127.0.0.1:9" in err


# ------------------------------------------------------------------ 10. the smaller ones
def test_item10_float_ids_are_refused_not_cast(tmp_path, capsys):
    f = tmp_path / "edges.parquet"
    pq.write_table(pa.table({"source": [0.0, 1.7, 2.2], "target": [1.0, 2.0, 0.0]}), f)
    code, err = cli(capsys, "evaluate", f)
    assert code == 1 and "column 'source' holds double; node and user ids must be integers" in err


def test_item10_a_bit_flip_in_a_world_file_is_reported(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    data = bytearray((w / "edges.parquet").read_bytes())
    data[len(data) // 3] ^= 0x01
    (w / "edges.parquet").write_bytes(bytes(data))
    code, err = cli(capsys, "evaluate", w, "--json")
    assert "edges.parquet" in err and (
        "differs from what synthsocial wrote" in err or "not a readable Parquet file" in err
    ), err
    assert (code == 0 and "synthsocial: warning:" in err) or code == 1


SEEDED = {
    "generate": ["generate", "-n", "20", "-o", "{tmp}/g"],
    "evaluate": ["evaluate", "{w}"],
    "world": ["world", "-n", "20", "-o", "{tmp}/x"],
    "report": ["report", "{w}"],
    "posts": ["posts", "{w}"],
    "fidelity": ["fidelity", "{w}/users.parquet", "--real", "{w}/users.parquet"],
    "calibrate": ["calibrate", "-o", "{tmp}/c"],
}


@pytest.mark.parametrize("command", list(SEEDED))
@pytest.mark.parametrize("seed", ["-1", str(2**64), "x"])
def test_item10_a_bad_seed_exits_2_in_every_command(command, seed, ours, tmp_path, capsys):
    args = [a.replace("{w}", str(ours)).replace("{tmp}", str(tmp_path)) for a in SEEDED[command]]
    code, err = cli(capsys, *args, "--seed", seed)
    assert code == 2 and "seed" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_item10_world_checks_the_corpus_before_any_stage(tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "one.csv").write_text("text,platform\nhello there,twitter\n")
    out = tmp_path / "w"
    code, err = cli(capsys, "world", "--nodes", "100", "--real-corpus", tmp_path / "empty.csv", "--out", out)
    assert code == 1 and "empty.csv" in err and not out.exists()
    code, err = cli(
        capsys,
        "world",
        "--nodes",
        "100",
        "--platforms",
        "twitter,reddit",
        "--real-corpus",
        tmp_path / "one.csv",
        "--out",
        out,
    )
    assert code == 1 and "has none for reddit" in err and not out.exists()


# ------------------------------------------------------------------ one exit-code convention
EXIT_CODES = {
    # command: (a bad value -> 2, work that cannot be done -> 1)
    "generate": (["generate", "-n", "x", "-o", "{tmp}/a"], ["generate", "-n", "20", "-o", "{file}/a"]),
    "evaluate": (["evaluate", "{w}", "--aspl-sources", "0"], ["evaluate", "{tmp}/missing.txt"]),
    "world": (["world", "-n", "20", "--writers", "0", "-o", "{tmp}/a"], ["world", "-n", "20", "-o", "{w}"]),
    "report": (["report", "{w}", "--reference", "myspace"], ["report", "{tmp}"]),
    "posts": (["posts", "{w}", "--temperature", "nan"], ["posts", "{tmp}/missing"]),
    "fidelity": (
        ["fidelity", "{w}/users.parquet", "--real", "{w}/users.parquet", "--seed", "-5"],
        ["fidelity", "{tmp}/missing.csv", "--real", "{tmp}/missing.csv"],
    ),
    "export": (["export", "{w}", "--to", "xlsx"], ["export", "{tmp}", "--to", "jsonl"]),
    "calibrate": (
        ["calibrate", "--method", "annealing", "-o", "{tmp}/a"],
        ["calibrate", "--nodes", "20", "-o", "{file}"],
    ),
    "benchmark": (
        ["benchmark", "--reference-graph", "{w}", "--sizes", "a,b", "-o", "{tmp}/a"],
        ["benchmark", "--reference-graph", "{tmp}/missing.txt", "-o", "{tmp}/a"],
    ),
    "build-maps": (["build-maps", "--config", "{tmp}/c.yaml"], ["build-maps", "--config", "{tmp}/missing.toml"]),
}


@pytest.mark.parametrize("command", list(EXIT_CODES))
def test_one_exit_code_convention_for_every_command(command, ours, tmp_path, capsys):
    (tmp_path / "file").write_text("a file")
    w = copy(ours, tmp_path)
    bad_value, failing = EXIT_CODES[command]
    for args, code in ((bad_value, 2), (failing, 1)):
        filled = [
            a.replace("{w}", str(w)).replace("{tmp}", str(tmp_path)).replace("{file}", str(tmp_path / "file"))
            for a in args
        ]
        got, err = cli(capsys, *filled)
        assert got == code and err.startswith("synthsocial: error:"), (args, err)


def test_a_clean_run_leaves_no_lock_behind(ours, tmp_path, capsys):
    w = copy(ours, tmp_path)
    for args in (["evaluate", w, "--json"], ["export", w, "--to", "gexf"], ["report", w]):
        assert cli(capsys, *args)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]
    marker = json.loads((w / MARKER).read_text())
    assert {"graph.gexf", "report.html", "figures", "metrics.json", "users.parquet"} <= set(marker["files"])
