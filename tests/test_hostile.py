"""The second hostile sweep (issue 32): one test per failure it found, named after its item.

1. a damaged adapter reaches llama.cpp (segmentation fault); 2. a 1 MB post in a corpus (traceback);
3. a failed export or generate leaves files behind; 4. a damaged marker erases the hash list;
5. options that do not apply are accepted; 6. exit 1 where the command line is wrong (2);
7. edges naming users the world does not have; 8. messages that mislead.

Commands that could crash run in a subprocess, so a signal is seen as one. The property-based
tests of the readers and the option parsing are in test_properties.py; the whole sweep, for a
release, is ``python benchmarks/hostile.py``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsocial import generate
from synthsocial.cli import main
from synthsocial.errors import InputError, OutputError
from synthsocial.io.lock import SUFFIX
from synthsocial.io.ownership import MARKER, digest, record, warn_if_changed

from .fake_openai import FakeServer
from .test_safety import held
from .test_world import run_world

EXE = os.path.join(os.path.dirname(sys.executable), "synthsocial")


def run(*args, cwd: Path | None = None, env: dict | None = None) -> tuple[int, list[str]]:
    """The installed command in its own process: (exit code, the lines it printed on stderr). A signal is a
    negative exit code, which no assertion below accepts."""
    r = subprocess.run(
        [EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}
    )
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, r.stderr.splitlines()


def cli(capsys, *args) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, err.splitlines()


def left(d: Path) -> list[str]:
    """Our bookkeeping names in ``d``: lock files, temporary and old directories."""
    return sorted(p.name for p in d.iterdir() if p.name.endswith(SUFFIX) or ".tmp" in p.name or ".old-" in p.name)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile") / "w"
    generate(300, seed=1).write(d)
    return d


def copy(world: Path, tmp_path: Path, name: str = "w") -> Path:
    shutil.copytree(world, tmp_path / name)
    return tmp_path / name


# ------------------------------------------------------------------ 1. a damaged adapter
def fake_adapter(d: Path) -> Path:
    """An adapter directory as `synthsocial adapt` writes it, with a real GGUF LoRA file of random weights."""
    pytest.importorskip("gguf", reason="the llm extra (gguf) is not installed")
    from synthsocial.adapt import OUTPUTS
    from synthsocial.adapt.gguf_lora import write

    d.mkdir()
    rng = np.random.default_rng(0)
    weights = {
        f"model.layers.{i}.self_attn.q_proj.lora_{ab}.weight": rng.normal(size=(8, 640) if ab == "A" else (1024, 8))
        for i in range(2)
        for ab in "AB"
    }
    write(d / "adapter.gguf", weights, alpha=16.0)
    (d / "peft").mkdir()
    (d / "peft" / "adapter_config.json").write_text("{}")
    (d / "topics.json").write_text("[]")
    np.savez(d / "guard.npz", x=np.zeros(1))
    (d / "manifest.json").write_text(json.dumps({"key": "k", "corpus": {"platforms": {"twitter": 40}}}))
    record(d, OUTPUTS, "adapter")
    return d


def test_item1_a_truncated_adapter_is_one_line_and_leaves_no_lock(world, tmp_path):
    w = copy(world, tmp_path)
    adapter = fake_adapter(tmp_path / "adapter")
    os.truncate(adapter / "adapter.gguf", 1000)
    code, err = run("posts", w, "--adapter", adapter, "--platforms", "twitter")
    assert code == 1 and len(err) == 1, err
    assert "adapter.gguf differs from what `synthsocial adapt` wrote" in err[0]
    assert left(tmp_path) == []  # no stale .w.synthsocial-lock
    assert not (w / "posts.parquet").exists()


def test_item1_a_truncated_adapter_whose_hash_was_recorded_again_is_refused_by_its_frame(world, tmp_path):
    from synthsocial.adapt import OUTPUTS, Adapter

    adapter = fake_adapter(tmp_path / "adapter")
    size = (adapter / "adapter.gguf").stat().st_size
    for cut in (1000, 10, size - 4):
        shutil.copy(adapter / "adapter.gguf", tmp_path / "full.gguf")
        os.truncate(adapter / "adapter.gguf", cut)
        record(adapter, OUTPUTS, "adapter")  # the marker agrees with the damage: the file itself is checked
        with pytest.raises(InputError, match="GGUF adapter file"):
            Adapter.open(adapter)
        shutil.copy(tmp_path / "full.gguf", adapter / "adapter.gguf")
    record(adapter, OUTPUTS, "adapter")
    assert Adapter.open(adapter).manifest["key"] == "k"  # whole again: accepted


def test_item1_the_cached_model_is_hashed_again_when_it_changed(tmp_path):
    from synthsocial.posts.backends.embedded import _cached, _remember

    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(100))
    sha = digest(model)
    assert not _cached(model, sha)  # no marker yet
    _remember(model, sha)
    assert _cached(model, sha)
    model.write_bytes(b"GGUF" + bytes(99) + b"\1")  # same size, new content and time
    assert not _cached(model, sha)
    model.write_bytes(b"GGUF" + bytes(100))
    (tmp_path / "model.sha256").write_text(sha)  # an older marker: checksum only
    assert _cached(model, sha) and (tmp_path / "model.sha256").read_text().split()[0] == sha


def test_item1_a_truncated_embedded_model_is_refused_before_llama_cpp(tmp_path):
    pytest.importorskip("gguf", reason="the llm extra (gguf) is not installed")
    from synthsocial.io.native import check_gguf

    fake_adapter(tmp_path / "a")
    whole = tmp_path / "a" / "adapter.gguf"
    check_gguf(whole)
    data = whole.read_bytes()
    for cut, why in ((8, "no GGUF header"), (200, "it may be truncated"), (len(data) - 1, "a truncated GGUF")):
        (tmp_path / "m.gguf").write_bytes(data[:cut])
        with pytest.raises(InputError, match=why):
            check_gguf(tmp_path / "m.gguf")
    (tmp_path / "v.gguf").write_bytes(b"GGUF" + (99).to_bytes(4, "little") + data[8:])
    with pytest.raises(InputError, match="GGUF version 99"):
        check_gguf(tmp_path / "v.gguf")


# ------------------------------------------------------------------ 2. a 1 MB post
def huge_corpus(path: Path, delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["text", "platform"])
        w.writerow(["word " * 200_000, "twitter"])  # 1 MB
        for i in range(30):
            w.writerow([f"an ordinary post number {i} about the weather", "twitter"])
    return path


def test_item2_a_1_mb_post_is_read_from_csv_and_tsv(tmp_path):
    from synthsocial.io.corpus import read_corpus

    for suffix, delimiter in ((".csv", ","), (".tsv", "\t")):
        t = read_corpus(huge_corpus(tmp_path / f"big{suffix}", delimiter))
        assert t.num_rows == 31 and len(t["text"][0].as_py()) == len("word " * 200_000) - 1
    import csv as module

    assert module.field_size_limit() == 131072  # the csv module's limit is the caller's again


def test_item2_fidelity_and_posts_take_a_corpus_with_a_1_mb_post(world, tmp_path):
    big = huge_corpus(tmp_path / "big.csv")
    syn = tmp_path / "syn.txt"
    syn.write_text("".join(f"a synthetic post number {i}\n" for i in range(30)))
    code, err = run("fidelity", syn, "--platform", "twitter", "--real", big, "--no-semantic", "--json")
    assert code == 0, err
    w = copy(world, tmp_path)
    with FakeServer() as srv:
        code, err = run(
            "posts", w, "--corpus", big, "--platforms", "twitter", "--max-users", "3",
            "--backend", "openai", "--model", "fake", "--base-url", srv.url,
        )  # fmt: skip
    assert code == 0, err


def test_item2_rows_the_csv_module_cannot_parse_are_one_line(tmp_path):
    from synthsocial.io.corpus import read_corpus

    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"text,platform\nfine,twitter\nbad\0post,twitter\n")
    try:
        t = read_corpus(nul)  # Python 3.11 reads NUL in a field; older versions refuse the line
        assert t.num_rows == 2
    except InputError as exc:
        assert "nul.csv:3" in str(exc)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,platform\ncaf\xe9,twitter\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_corpus(latin)


# ------------------------------------------------------------------ 3. nothing left behind
@pytest.mark.parametrize(
    "damage",
    ["truncated users", "truncated edges", "users is a folder", "world being written"],
)
def test_item3_export_from_a_world_that_cannot_be_read_leaves_no_output(world, tmp_path, damage):
    w = copy(world, tmp_path)
    if damage == "truncated users":
        os.truncate(w / "users.parquet", 1000)
    elif damage == "truncated edges":
        os.truncate(w / "edges.parquet", 500)
    elif damage == "users is a folder":
        (w / "users.parquet").unlink()
        (w / "users.parquet").mkdir()
        (w / "users.parquet" / "junk.bin").write_bytes(b"junk")
    out = tmp_path / "sub" / "export"
    if damage == "world being written":
        with held(w):
            code, err = run("export", w, "--to", "gexf", "--out", out)
    else:
        code, err = run("export", w, "--to", "gexf", "--out", out)
    assert code == 1 and "Traceback" not in "\n".join(err), err
    assert not out.exists() and not out.parent.exists()  # neither the output nor the parent it would have made
    holder = [".w.synthsocial-lock"] if damage == "world being written" else []  # the killed holder's
    assert left(tmp_path) == holder


def test_item3_export_into_an_empty_directory_that_fails_empties_it_again(world, tmp_path):
    w = copy(world, tmp_path)
    os.truncate(w / "edges.parquet", 500)
    out = tmp_path / "empty"
    out.mkdir()
    code, err = run("export", w, "--to", "jsonl", "--out", out)
    assert code == 1 and out.is_dir() and list(out.iterdir()) == []


def test_item3_generate_into_an_empty_directory_that_cannot_be_replaced_leaves_nothing_beside(tmp_path, monkeypatch):
    import synthsocial.io.writers as writers

    out = tmp_path / "DIR"
    out.mkdir()
    rename = os.rename

    def refuse(src, dst):
        if Path(src) == out:
            raise PermissionError(1, "Operation not permitted")
        return rename(src, dst)

    monkeypatch.setattr(writers.os, "rename", refuse)
    with pytest.raises(OutputError, match="Operation not permitted"):
        generate(50, seed=1).write(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR"] and list(out.iterdir()) == []


def test_item3_a_failed_replacement_puts_the_old_directory_back(tmp_path, monkeypatch):
    import synthsocial.io.writers as writers

    out = tmp_path / "w"
    generate(50, seed=1).write(out)
    before = (out / "edges.parquet").read_bytes()
    rename = os.rename

    def refuse_new(src, dst):
        if Path(dst) == out and ".tmp-" in Path(src).name:
            raise OSError(28, "No space left on device")
        return rename(src, dst)

    monkeypatch.setattr(writers.os, "rename", refuse_new)
    with pytest.raises(OutputError, match="No space left"):
        generate(60, seed=2).write(out, overwrite=True)
    assert (out / "edges.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]


# ------------------------------------------------------------------ 4. a damaged marker
def test_item4_a_damaged_marker_is_rebuilt_from_the_stage_record(tmp_path, capsys):
    out = tmp_path / "w"
    with FakeServer() as srv:
        assert run_world(out, srv.url) == 0
        hashes = {k: v["sha256"] for k, v in json.loads((out / MARKER).read_text())["files"].items()}
        (out / MARKER).write_text("junk {")
        capsys.readouterr()
        assert run_world(out, srv.url) == 0
        err = capsys.readouterr().err
    assert "was damaged or edited: written again" in err and "skipped" in err
    files = json.loads((out / MARKER).read_text())["files"]
    assert {k: files[k]["sha256"] for k in hashes} == hashes  # every hash is back
    with (out / "edges.parquet").open("r+b") as fh:  # damage is seen again
        fh.seek(100)
        fh.write(b"\0\0\0\0")
    code, err = cli(capsys, "export", out, "--to", "jsonl", "--out", tmp_path / "j")
    assert any("edges.parquet differs from what synthsocial wrote" in line for line in err)
    code, err = cli(capsys, "generate", "--nodes", "50", "--out", out, "--overwrite")  # ours: may be replaced
    assert code == 0, err


def test_item4_a_damaged_marker_of_a_generated_world_keeps_it_ours(world, tmp_path, capsys):
    w = copy(world, tmp_path)
    (w / MARKER).write_bytes(b"\xff\xfe junk")
    code, err = cli(capsys, "generate", "--nodes", "50", "--out", w, "--overwrite")
    assert code == 0, err  # its manifest lists what generate wrote: nothing foreign


# ------------------------------------------------------------------ 5. options that do not apply
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["posts", "{w}", "--max-texts", "5"], "--max-texts applies to a timeline's texts"),
        (["world", "--nodes", "50", "--max-texts", "5", "--out", "{out}"], "--max-texts needs a timeline"),
        (
            ["adapt", "--corpus", "{corpus}", "--platform-col", "platform", "--platform", "twitter", "--out", "{out}"],
            "were both given",
        ),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--platform", "myspace"], "platform 'myspace' is not accepted"),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--real-platform", ""], "platform '' is not accepted"),
        (["posts", "{w}", "--corpus", "{corpus}", "--corpus-platform", "x,reddit"], "name one of"),
    ],
    ids=["posts max-texts", "world max-texts", "adapt both platforms", "fidelity myspace", "empty", "two platforms"],
)
def test_item5_options_that_do_not_apply_are_refused(world, tmp_path, capsys, args, message):
    w = copy(world, tmp_path)
    corpus = tmp_path / "c.txt"
    corpus.write_text("".join(f"post {i}\n" for i in range(30)))
    argv = [a.format(w=w, out=tmp_path / "out", corpus=corpus) for a in args]
    code, err = cli(capsys, *argv)
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "out").exists() and not (w / "posts.parquet").exists()


def test_item5_a_platform_alias_is_its_platform(tmp_path):
    from synthsocial.io.corpus import CorpusSource

    assert CorpusSource(path="x", platform="X").platform == "twitter"


# ------------------------------------------------------------------ 6. exit 2 for what was typed wrong
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fidelity", "{posts}", "--real", "{corpus}", "--text-col", "bogus"], "no column 'bogus'"),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--text-col", "bogus"], "no text column 'bogus'"),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--real-text-col", "bogus"], "no text column 'bogus'"),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--real-text-col", "99"], "index 99 is out of range"),
        (["fidelity", "{corpus}", "--real", "{corpus}", "--real-text-col", "-1"], "no text column '-1'"),
        (["posts", "{w}", "--model", "bogus"], "--model 'bogus' is not an embedded model"),
        (["generate", "-n", "50", "-o", "{out}", "--engine", "dask", "--memory-limit", ""], "--memory-limit ''"),
        (["generate", "-n", "50", "-o", "{out}", "--engine", "dask", "--scheduler", "not a url"], "'not a url'"),
        (["generate", "-n", "50", "-o", "{out}", "--engine", "dask", "--scheduler", "tcp://h:1 x"], "tcp://h:1 x"),
        (["evaluate", "{w}", "--reference", ""], "reference is empty"),
        (["evaluate", "{w}", "--reference", " "], "reference is empty"),
        (["report", "{w}", "--reference", ""], "reference is empty"),
        (["world", "-n", "50", "-o", "{out}", "--reference", ""], "reference is empty"),
    ],
)
def test_item6_what_was_typed_wrong_exits_2(world, tmp_path, capsys, args, message):
    pytest.importorskip("dask", reason="the dask extra is not installed")
    w = copy(world, tmp_path)
    corpus = tmp_path / "c.csv"
    corpus.write_text("text,platform\n" + "".join(f"post {i},twitter\n" for i in range(30)))
    posts = tmp_path / "posts.parquet"
    pq.write_table(pa.table({"post_id": ["a"], "text": ["hello"], "platform": ["twitter"]}), posts)
    argv = [a.format(w=w, out=tmp_path / "out", corpus=corpus, posts=posts) for a in args]
    code, err = cli(capsys, *argv)
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "out").exists()


def test_item6_a_dask_address_is_checked_not_connected_to():
    from synthsocial.dask_engine import DaskOptions

    for ok in ("tcp://10.0.0.5:8786", "localhost:8786", "tls://sched.example.org:8786", "tcp://[::1]:8786"):
        assert DaskOptions(scheduler=ok).scheduler == ok


# ------------------------------------------------------------------ 7. phantom users
@pytest.mark.parametrize("fmt", ["gexf", "graphml", "jsonl", "oasis", "agentsociety"])
def test_item7_edges_naming_users_the_world_does_not_have_are_refused(world, tmp_path, capsys, fmt):
    w = copy(world, tmp_path)
    edges = pq.read_table(w / "edges.parquet")
    extra = pa.table(
        {"source": pa.array([0, 5], edges["source"].type), "target": pa.array([10**9, -5], edges["target"].type)}
    )
    pq.write_table(pa.concat_tables([edges, extra]), w / "edges.parquet")
    code, err = cli(capsys, "export", w, "--to", fmt, "--out", tmp_path / "x")
    assert code == 1 and "edges name users outside 0..299" in err[-1], err
    assert not (tmp_path / "x").exists()


# ------------------------------------------------------------------ 8. messages that mislead
def test_item8_a_world_given_as_the_synthetic_posts(world, tmp_path, capsys):
    w = copy(world, tmp_path)
    corpus = tmp_path / "c.txt"
    corpus.write_text("".join(f"post {i}\n" for i in range(30)))
    code, err = cli(capsys, "fidelity", w, "--real", corpus, "--real-platform", "twitter")
    assert code == 1 and "a world without posts (no posts.parquet)" in err[0]
    code, err = cli(capsys, "fidelity", tmp_path, "--real", corpus, "--real-platform", "twitter")
    assert code == 1 and "is a directory but not the shared corpora folder" in err[0]


def test_item8_binary_threads_are_quoted_printably(world, tmp_path):
    w = copy(world, tmp_path)
    binary = tmp_path / "threads.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    code, err = run("timeline", w, "--out", tmp_path / "t", "--days", "1", "--real-threads", binary)
    assert code == 1 and len(err) == 1, err
    assert all(c.isprintable() for c in err[0])
    assert not (tmp_path / "t").exists()


def test_item8_threads_with_values_that_are_not_ids_or_times(tmp_path):
    from synthsocial.io.readers import read_threads

    bad = tmp_path / "t.csv"
    bad.write_text("event_id,parent_id,user_id,created_at\nx1,,1,5\n")
    with pytest.raises(InputError, match="not an id or a time"):
        read_threads(bad)
    bad.write_text("event_id,parent_id,user_id,created_at\n1,,,5\n")
    with pytest.raises(InputError, match="column 'user_id' has empty values"):
        read_threads(bad)


def test_item8_an_unreadable_file_is_not_called_damaged(world, tmp_path, monkeypatch):
    import synthsocial.io.ownership as ownership

    w = copy(world, tmp_path)
    real = ownership.digest

    def unreadable(path):
        if Path(path).name == "users.parquet":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(ownership, "digest", unreadable)
    with pytest.raises(InputError, match="users.parquet cannot be read: Permission denied"):
        warn_if_changed(w, ["users.parquet"])


def test_item8_fidelity_save_into_a_foreign_directory_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    import synthsocial.fidelity as fidelity

    foreign = tmp_path / "theirs"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")

    def measured(*a, **k):
        raise AssertionError("measured before the output was checked")

    monkeypatch.setattr(fidelity, "measure", measured)
    corpus = str(tmp_path / "c.txt")
    code = main(["fidelity", corpus, "--platform", "twitter", "--real", corpus, "--real-platform", "twitter",
                 "--no-semantic", "--save", str(foreign)])  # fmt: skip
    assert code == 1 and "was not written by synthsocial" in capsys.readouterr().err


def test_item8_report_seeds_has_an_upper_bound(world, tmp_path, capsys):
    code, err = cli(capsys, "report", world, "--seeds", "100000")
    assert code == 2 and "--seeds" in err[0] and "1000" in err[0]


# ------------------------------------------------------------------ interrupts (found by benchmarks/hostile.py)
def test_an_interrupt_inside_a_kdtree_query_waits_for_its_threads():
    import signal
    import time

    from synthsocial.links.neighbors import interrupt_held

    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(time.perf_counter()))
    try:
        with interrupt_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # bytecode runs here: an unheld handler would have run
            inside = list(caught)
        assert inside == [] and len(caught) == 1  # delivered once, after the block
    finally:
        signal.signal(signal.SIGINT, previous)


def test_networkits_interrupt_is_an_interrupt(world, capsys, monkeypatch):
    import synthsocial.metrics.targets as targets

    def interrupted(*a, **k):
        raise RuntimeError("Received CTRL+C/SIGINT")

    monkeypatch.setattr(targets, "evaluate", interrupted)
    code, err = cli(capsys, "evaluate", world)
    assert code == 130 and err == ["synthsocial: interrupted"]


@pytest.mark.slow
def test_ctrl_c_at_any_moment_of_generate_is_exit_130_and_leaves_nothing(tmp_path):
    """Ctrl-C while scipy's k-d tree threads ran (about 2.5-5 s into 200,000 users here) crashed the
    process with a segmentation fault; it must end with 130 wherever it lands."""
    import signal
    import time

    for delay in (2.0, 2.5, 3.0, 3.5, 4.0, 5.0):
        p = subprocess.Popen(
            [EXE, "generate", "-n", "200000", "-o", str(tmp_path / "w")],
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        if p.returncode == 0:  # finished before the interrupt: a fast machine
            shutil.rmtree(tmp_path / "w")
            continue
        assert p.returncode == 130 and err.strip() == "synthsocial: interrupted", (delay, p.returncode, err[-500:])
        assert list(tmp_path.iterdir()) == [], delay
