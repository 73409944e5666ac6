"""Hardening sweep: every command with missing, empty, wrong-typed, out-of-range and hostile
arguments. Each case must print one clear line naming the bad value, exit non-zero, print no
traceback and leave no output behind (the "out" path of the case must not exist afterwards).

Tests run as root in CI, where permission bits do not stop writes: read-only targets are a path
under /proc and a path through a regular file. What may be overwritten, concurrent writers, damaged
outputs and the exit-code convention (issue 13) are in test_safety.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from synthsocial import generate
from synthsocial.cli import main

HUGE = "100000000000"

# (command line, fragment of the message); placeholders: {world} a small world, {out} a fresh path
# that must stay absent, {file} a regular file, {empty} an empty file, {spaced} a path with spaces
# and unicode that does not exist
CASES = {
    # generate
    "generate: missing --nodes": (["generate", "--out", "{out}"], "Missing option '--nodes'"),
    "generate: missing --out": (["generate", "--nodes", "10"], "Missing option '--out'"),
    "generate: empty --nodes": (["generate", "--nodes", "", "--out", "{out}"], "--nodes: '' is not accepted"),
    "generate: float --nodes": (["generate", "--nodes", "1.5", "--out", "{out}"], "--nodes: '1.5' is not accepted"),
    "generate: one user": (
        ["generate", "--nodes", "1", "--out", "{out}"],
        "use an integer from 2 to 1,000,000,000,000",
    ),
    "generate: negative seed": (
        ["generate", "--nodes", "10", "--seed", "-1", "--out", "{out}"],
        "--seed: -1 is not accepted",
    ),
    "generate: seed too large": (
        ["generate", "--nodes", "10", "--seed", str(2**64), "--out", "{out}"],
        "--seed: 18446744073709551616 is not accepted",
    ),
    "generate: huge N refused with an estimate": (
        ["generate", "--nodes", HUGE, "--out", "{out}"],
        "needs about 340000.4 GB",
    ),
    "generate: config not found (spaces, unicode)": (
        ["generate", "--nodes", "10", "--config", "{spaced}", "--out", "{out}"],
        "{spaced}",
    ),
    "generate: config is empty": (["generate", "--nodes", "10", "--config", "{empty}", "--out", "{out}"], "{empty}"),
    "generate: output under /proc": (
        ["generate", "--nodes", "10", "--out", "/proc/synthsocial-test/w"],
        "/proc/synthsocial-test",
    ),
    "generate: output through a file": (["generate", "--nodes", "10", "--out", "{file}/w"], "cannot be written"),
    "generate: existing output": (["generate", "--nodes", "10", "--out", "{world}"], "exists and is not empty"),
    "generate: unknown engine": (
        ["generate", "--nodes", "10", "--engine", "spark", "--out", "{out}"],
        "--engine 'spark' is not accepted",
    ),
    "generate: dask, huge N": (["generate", "--nodes", HUGE, "--engine", "dask", "--out", "{out}"], "GB per worker"),
    # evaluate
    "evaluate: no target": (["evaluate"], "Missing argument 'TARGET...'"),
    "evaluate: target not found": (["evaluate", "{spaced}"], "{spaced}"),
    "evaluate: empty edge list": (["evaluate", "{empty}"], "{empty}"),
    "evaluate: zero ASPL sources": (
        ["evaluate", "{world}", "--aspl-sources", "0"],
        "--aspl-sources: 0 is not accepted",
    ),
    "evaluate: unknown reference": (["evaluate", "{world}", "--reference", "myspace"], "myspace"),
    # report
    "report: not a directory": (["report", "{file}"], "not a directory"),
    "report: not a world": (["report", "{out_dir}"], "not a synthsocial world"),
    # posts
    "posts: world not found": (["posts", "{spaced}"], "{spaced}"),
    "posts: empty platforms": (["posts", "{world}", "--platforms", ""], "--platforms is empty"),
    "posts: unknown platform": (["posts", "{world}", "--platforms", "myspace"], "platform 'myspace' is not accepted"),
    "posts: zero posts per user": (
        ["posts", "{world}", "--posts-per-user", "0"],
        "--posts-per-user: 0 is not accepted",
    ),
    "posts: temperature out of range": (["posts", "{world}", "--temperature", "5"], "--temperature"),
    "posts: unknown backend": (["posts", "{world}", "--backend", "gpt99", "--max-users", "1"], "gpt99"),
    # fidelity
    "fidelity: missing --real": (["fidelity", "{file}"], "Missing option '--real'"),
    "fidelity: synthetic not found": (["fidelity", "{spaced}", "--real", "{file}"], "{spaced}"),
    # calibrate and benchmark
    "calibrate: too few nodes": (["calibrate", "--nodes", "5", "--out", "{out}"], "--nodes: 5 is not accepted"),
    "calibrate: unknown method": (["calibrate", "--method", "annealing", "--out", "{out}"], "annealing"),
    "calibrate: zero budget": (["calibrate", "--budget", "0", "--out", "{out}"], "--budget: 0 is not accepted"),
    "benchmark: reference graph not found": (
        ["benchmark", "--reference-graph", "{spaced}", "--out", "{out}"],
        "{spaced}",
    ),
    "benchmark: sizes not numbers": (
        ["benchmark", "--reference-graph", "{edges}", "--sizes", "a,b", "--out", "{out}"],
        "--sizes",
    ),
    # world
    "world: missing --nodes": (["world", "--out", "{out}"], "Missing option '--nodes'"),
    "world: one user": (["world", "--nodes", "1", "--out", "{out}"], "use an integer from 2 to 1,000,000,000,000"),
    "world: huge N refused with an estimate": (["world", "--nodes", HUGE, "--out", "{out}"], "needs about 340000.4 GB"),
    "world: unknown platform": (
        ["world", "--nodes", "50", "--platforms", "myspace", "--out", "{out}"],
        "platform 'myspace' is not accepted",
    ),
    "world: zero writers": (
        ["world", "--nodes", "50", "--writers", "0", "--out", "{out}"],
        "--writers: 0 is not accepted",
    ),
    "world: corpus not found": (["world", "--nodes", "50", "--real-corpus", "{spaced}", "--out", "{out}"], "{spaced}"),
    "world: a directory it did not make": (["world", "--nodes", "50", "--out", "{world}"], "is not a world made by"),
    "world: output under /proc": (
        ["world", "--nodes", "50", "--out", "/proc/synthsocial-test/w"],
        "/proc/synthsocial-test",
    ),
    # export
    "export: missing --to": (["export", "{world}"], "Missing option '--to'"),
    "export: unknown format": (["export", "{world}", "--to", "xlsx"], "--to 'xlsx' is not accepted"),
    "export: not a world": (["export", "{out_dir}", "--to", "oasis"], "not a synthsocial world"),
    "export: output under /proc": (
        ["export", "{world}", "--to", "jsonl", "--out", "/proc/synthsocial-test"],
        "/proc/synthsocial-test",
    ),
}


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    root = tmp_path_factory.mktemp("hard")
    world = root / "a world ü"
    world.mkdir()
    generate(200, seed=1).write(world)
    (root / "plain.txt").write_text("not a graph\n")
    (root / "empty.txt").write_text("")
    (root / "edges.txt").write_text("0 1\n1 2\n2 0\n")
    return root, world


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_cleanly(places, tmp_path, capsys, case):
    root, world = places
    args, fragment = CASES[case]
    out = tmp_path / "out ü"
    empty_dir = tmp_path / "empty dir"
    empty_dir.mkdir()
    subst = {
        "{world}": str(world),
        "{out}": str(out),
        "{file}": str(root / "plain.txt"),
        "{empty}": str(root / "empty.txt"),
        "{spaced}": str(tmp_path / "no such ü dir" / "x y.txt"),
        "{edges}": str(root / "edges.txt"),
        "{out_dir}": str(empty_dir),
    }

    def fill(s: str) -> str:
        for k, v in subst.items():
            s = s.replace(k, v)
        return s

    before = sorted(p.name for p in world.iterdir())
    code = main([fill(a) for a in args])
    err = capsys.readouterr().err
    assert code != 0, err
    assert fill(fragment) in " ".join(err.split()), err
    assert "Traceback" not in err and err.startswith("synthsocial: error:"), err
    assert not out.exists() and list(empty_dir.iterdir()) == []
    assert sorted(p.name for p in world.iterdir()) == before  # the world was not touched


def test_installed_command_prints_no_traceback(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "synthsocial")
    r = subprocess.run([exe, "world", "--nodes", "abc", "--out", str(tmp_path / "w")], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "--nodes: 'abc' is not accepted" in r.stderr


def test_generate_killed_with_sigkill_leaves_nothing_and_reruns_cleanly(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "synthsocial")
    out = tmp_path / "w"
    proc = subprocess.Popen(
        [exe, "generate", "--nodes", "400000", "--seed", "2", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)  # mid-generation (about 15 s in all)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()  # the directory appears only when complete
    leftovers = [p.name for p in tmp_path.iterdir()]
    # hidden, never mistaken for a world: its temporary directory, and the lock file it held (the lock
    # itself died with it)
    assert all(name.startswith(".w.tmp") or name == ".w.synthsocial-lock" for name in leftovers), leftovers
    r = subprocess.run(
        [exe, "generate", "--nodes", "2000", "--seed", "2", "--out", str(out)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert pq.read_table(out / "edges.parquet").num_rows > 0
    assert [p.name for p in tmp_path.iterdir()] == ["w"]  # the killed run's temporary directory and lock file are gone
    again = tmp_path / "again"
    subprocess.run(
        [exe, "generate", "--nodes", "2000", "--seed", "2", "--out", str(again)], check=True, capture_output=True
    )
    for name in ("users.parquet", "edges.parquet"):
        assert (out / name).read_bytes() == (again / name).read_bytes()
