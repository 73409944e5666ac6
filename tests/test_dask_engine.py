"""The Dask engine gives exactly the local engine's world, and refuses what it cannot run."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

pytest.importorskip("dask.distributed")

from dask.distributed import LocalCluster  # noqa: E402

from synthsocial import ConfigError, generate  # noqa: E402
from synthsocial.cli import main  # noqa: E402
from synthsocial.config import GeneratorConfig  # noqa: E402
from synthsocial.dask_engine import DaskOptions, EngineError, estimate_worker_memory, generate_dask  # noqa: E402
from synthsocial.io.readers import read_world  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def dask_world(tmp_path, n, seed, config, cluster, partition_blocks=2):
    out = tmp_path / f"w{n}-{seed}-{partition_blocks}-{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    man = generate_dask(
        n,
        out,
        seed=seed,
        config=config,
        options=DaskOptions(scheduler=cluster.scheduler_address, partition_blocks=partition_blocks),
    )
    return out, man


# Small blocks make many partitions, so every shuffle and fetch crosses partitions; the long-range
# probability is raised so that phase makes hundreds of edges (at N = 3,000 it makes a handful).
FAR = {"eta_small_factor": 1.0, "eta0": 0.6}
CONFIGS = {
    "defaults, many long-range links": {"block_size": 256, "links": FAR},
    "popular follows and follow-backs": {
        "block_size": 256,
        "links": {**FAR, "popular_follows": 2.0, "follow_back": 0.3},
    },
    "activity, preferential closure, hubs nearby and global": {
        "block_size": 256,
        "links": {
            **FAR,
            "activity_sigma": 1.5,
            "triadic_preference": 2.0,
            "hub_follows": 5.0,
            "hub_global_follows": 1.0,
            "hub_share": 0.05,
            "hub_peer_follows": 0.5,
        },
    },
    "undirected triadic walks, approximate kNN": {
        "block_size": 300,
        "links": {**FAR, "triadic_scope": "undirected", "knn_eps": 0.5},
    },
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_same_world_as_the_local_engine(tmp_path, cluster, name):
    cfg = CONFIGS[name]
    local = generate(3000, seed=5, config=cfg, profile="paper")
    out, man = dask_world(tmp_path, 3000, 5, cfg, cluster, partition_blocks=1 if "undirected" in name else 2)
    edges = pq.read_table(out / "edges.parquet")
    assert np.array_equal(edges["source"].to_numpy(), local.links.source)
    assert np.array_equal(edges["target"].to_numpy(), local.links.target)
    assert pq.read_table(out / "users.parquet").equals(local.users)
    assert man["edges_by_mechanism"] == local.links.mechanisms
    assert min(local.links.mechanisms.values()) > 100  # every mechanism is exercised
    assert man["engine"]["partitions"] > 3


@pytest.mark.slow
def test_same_edges_as_the_local_engine_at_100k_users(tmp_path, cluster):
    local = generate(100_000, seed=11)  # the bluesky profile: every mechanism
    out, man = dask_world(tmp_path, 100_000, 11, local.config, cluster)
    edges = pq.read_table(out / "edges.parquet")
    assert np.array_equal(edges["source"].to_numpy(), local.links.source)
    assert np.array_equal(edges["target"].to_numpy(), local.links.target)
    assert man["edges_by_mechanism"] == local.links.mechanisms


def _digests(out):
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*.parquet"))
        if p.is_file()
    }


def test_reruns_are_byte_identical_and_seeds_differ(tmp_path, cluster):
    cfg = {"block_size": 512}
    a, _ = dask_world(tmp_path, 2000, 1, cfg, cluster)
    b, _ = dask_world(tmp_path, 2000, 1, cfg, cluster)
    c, _ = dask_world(tmp_path, 2000, 2, cfg, cluster)
    assert _digests(a) == _digests(b)
    assert len(_digests(a)) == 4  # two partitions of users and of edges
    assert _digests(a) != _digests(c)


def test_cli_writes_a_partitioned_world_that_evaluate_reads(tmp_path, capsys, cluster):
    out = tmp_path / "world with space"
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"block_size": 700}))
    code = main(
        [
            "generate",
            "-n",
            "2500",
            "--seed",
            "3",
            "--config",
            str(cfg),
            "--engine",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (out / "edges.parquet").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["engine"]["name"] == "dask" and man["nodes"] == 2500
    g = read_world(out)
    assert g.n == 2500 and g.m == man["edges"]
    assert main(["evaluate", str(out), "--json"]) == 0


def test_unreachable_scheduler_is_refused_with_the_address(tmp_path):
    with pytest.raises(EngineError, match=r"tcp://127\.0\.0\.1:9.*cannot reach"):
        generate_dask(100, tmp_path, options=DaskOptions(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1))
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli_memory_limit_too_small_names_the_smallest_setting(tmp_path, capsys):
    need = estimate_worker_memory(10_000_000, GeneratorConfig(), 2)
    code = main(
        ["generate", "-n", "10000000", "--engine", "dask", "--memory-limit", "1GB", "--out", str(tmp_path / "w")]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "memory limit = 1.00 GB" in err and f"--memory-limit {np.ceil(need / 1e8) / 10:.1f}GB or more" in err
    assert "Traceback" not in err and not (tmp_path / "w").exists()


def test_workers_with_too_little_memory_are_refused(tmp_path):
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, memory_limit="200MB", dashboard_address=":0") as small,
        pytest.raises(EngineError, match=r"memory limits down to 0\.20 GB.*dask worker --memory-limit"),
    ):
        generate_dask(1_000_000, tmp_path, options=DaskOptions(scheduler=small.scheduler_address))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--engine", "spark"], "--engine 'spark' is not accepted"),
        (["--scheduler", "tcp://x:1"], "--scheduler applies to the Dask engine"),
        (["--workers", "3"], "--workers applies to the Dask engine"),
        (["--partition-blocks", "3"], "--partition-blocks applies to the Dask engine"),
        (["--engine", "dask", "--scheduler", "tcp://x:1", "--workers", "3"], "a cluster at --scheduler has its own"),
        (["--engine", "dask", "--format", "csv"], "not available with the Dask engine"),
        (["--engine", "dask", "--memory-limit", "lots"], "--memory-limit 'lots' is not accepted"),
        (["--engine", "dask", "--partition-blocks", "0"], "use an integer from 1 to 1,000,000"),
    ],
)
def test_cli_refuses_bad_engine_options(tmp_path, capsys, args, message):
    code = main(["generate", "-n", "100", "--out", str(tmp_path / "w"), *args])
    err = capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err
    assert not (tmp_path / "w").exists()


def test_one_interface_for_both_engines(tmp_path, cluster):
    local = generate(3000, seed=5)
    on_dask = generate(
        3000, seed=5, engine="dask", out=tmp_path / "w", dask=DaskOptions(scheduler=cluster.scheduler_address)
    )
    assert type(on_dask) is type(local) and on_dask.links is None and on_dask.n == 3000
    assert on_dask.edges.equals(local.edges) and on_dask.users.equals(local.users)
    assert on_dask.manifest()["edges"] == local.manifest()["edges"] == on_dask.to_graph().m
    with pytest.raises(ConfigError, match="give out = DIR"):
        generate(100, engine="dask")


def test_world_runs_on_the_dask_engine(tmp_path, cluster, capsys):
    from .fake_openai import FakeServer

    with FakeServer() as srv:
        args = ["world", "-n", "2500", "-s", "6", "--writers", "5", "--backend", "openai", "--model", "fake"]
        args += ["--base-url", srv.url, "--engine", "dask", "--scheduler", cluster.scheduler_address]
        assert main([*args, "--out", str(tmp_path / "w")]) == 0, capsys.readouterr().err
        assert (tmp_path / "w" / "edges.parquet").is_dir()  # partitioned, as the Dask engine writes
        assert pq.read_table(tmp_path / "w" / "edges.parquet").equals(generate(2500, seed=6).edges)
        for name in ("metrics.json", "posts.parquet", "interactions.parquet", "report.html"):
            assert (tmp_path / "w" / name).exists(), name
        capsys.readouterr()
        assert main([*args, "--out", str(tmp_path / "w")]) == 0
    assert "generate skipped, evaluate skipped, timeline not requested, posts skipped" in capsys.readouterr().err
