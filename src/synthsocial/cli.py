"""The ``synthsocial`` command: a thin layer that parses, calls the library and reports.

Errors are printed as one line on stderr (``synthsocial: error: ...``), never a traceback, with
one exit-code convention for every command (errors.py, README "Exit codes"): 2 when the command
line or a setting is wrong (usage errors, ConfigError), 1 when the work could not be done (an
input, the output, a lock held by another process, a dependency or a server). A file that
synthsocial wrote and that changed since is reported as ``synthsocial: warning: ...``.
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from ._version import __version__
from .errors import ConfigError, DamagedFileWarning, SynthSocialError, exit_code

app = typer.Typer(
    name="synthsocial",
    help="Synthetic social-media worlds: users, a homophily follower graph, and (soon) posts.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True)


def _positive_int(name: str, minimum: int):
    def parse(value: str | int) -> int:
        try:
            v = value if isinstance(value, int) else int(value, 10)
        except (TypeError, ValueError):
            raise typer.BadParameter(
                f"{value!r} is not accepted: use an integer >= {minimum}", param_hint=name
            ) from None
        if v < minimum:
            raise typer.BadParameter(f"{value} is not accepted: use an integer >= {minimum}", param_hint=name)
        return v

    return parse


def _seed(value: str | int) -> int:
    """--seed: an integer 0 <= S < 2**63 (every random stream derives from it)."""
    v = _positive_int("--seed", 0)(value)
    if v >= 2**63:
        raise typer.BadParameter(f"{value} is not accepted: use an integer from 0 to 2**63 - 1", param_hint="--seed")
    return v


def _finite_float(name: str, lo: float, hi: float):
    def parse(value: str | float) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        if not lo <= v <= hi:  # also refuses nan and inf
            raise typer.BadParameter(f"{value!r} is not accepted: use a number from {lo:g} to {hi:g}", param_hint=name)
        return v

    return parse


def _out_path(name: str):
    """A directory to write: an empty path (an unset shell variable) is refused before any work."""

    def parse(value: str | Path) -> Path:
        if not str(value).strip():
            raise typer.BadParameter("is empty: name a directory (an unset shell variable?)", param_hint=name)
        return Path(value)

    return parse


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"synthsocial {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Synthetic social-media worlds measured against real data."""


@app.command()
def generate(
    nodes: Annotated[
        int,
        typer.Option("--nodes", "-n", parser=_positive_int("--nodes", 2), metavar="N", help="Number of users (>= 2)."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            parser=_out_path("--out"),
            metavar="DIR",
            help="Output directory (created; must not exist or be empty).",
        ),
    ],
    seed: Annotated[
        int, typer.Option("--seed", "-s", parser=_seed, metavar="S", help="Random seed (integer >= 0).")
    ] = 0,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", metavar="FILE", help="TOML or JSON file with settings to change (see docs/algorithm.md)."
        ),
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Extra output beside the Parquet files: csv, graphml or gexf (repeatable).",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace an existing output directory that synthsocial wrote and that holds nothing else.",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", metavar="ENGINE", help="local (one process) or dask (Dask tasks over partitions of users)."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler to use (tcp://host:8786); default: start a local cluster.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            parser=_positive_int("--workers", 1),
            metavar="W",
            help="Workers of the local Dask cluster (one thread each).",
        ),
    ] = 2,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit", metavar="SIZE", help="Memory limit per worker of the local Dask cluster, e.g. 4GB."
        ),
    ] = None,
    partition_blocks: Annotated[
        int,
        typer.Option(
            "--partition-blocks",
            parser=_positive_int("--partition-blocks", 1),
            metavar="B",
            help="Dask engine: blocks of users (block_size each) per task; fewer need less memory per worker.",
        ),
    ] = 2,
) -> None:
    """Generate users and their follower graph (homophily paper, section III).

    Writes OUT/users.parquet, OUT/edges.parquet (source follows target) and OUT/manifest.json
    (version, seed, sizes, the resolved configuration, phase timings). The directory appears
    only when complete. With --engine dask the two Parquet outputs are directories of one file
    per partition (read them with pyarrow.parquet.read_table as they are); the edges are the
    same as the local engine's for the same seed and config.
    """
    from .config import GeneratorConfig
    from .generation import ENGINES
    from .generation import generate as run

    if engine not in ENGINES:
        raise ConfigError(f"--engine {engine!r} is not accepted: use local or dask")
    if engine == "local" and (scheduler is not None or memory_limit is not None):
        raise ConfigError("--scheduler and --memory-limit need --engine dask")
    cfg = GeneratorConfig.from_file(config) if config is not None else None
    options = _dask_options(scheduler, workers, memory_limit, partition_blocks) if engine == "dask" else None
    started = time.perf_counter()
    with _progress() as bar:
        w = run(
            nodes,
            seed,
            cfg,
            _bars(bar),
            engine=engine,
            out=out,
            overwrite=overwrite,
            formats=tuple(fmt or ()),
            dask=options,
        )
    m = w.manifest()["edges"]
    err.print(
        f"wrote {out}: {nodes:,} users, {m:,} follow edges (avg out-degree {m / nodes:.1f}) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _bars(bar: Progress):
    """A progress callback (phase, done, total) that draws one bar per phase."""
    tasks: dict[str, int] = {}

    def progress(phase: str, done: int | None, total: int | None) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        if total is not None:
            bar.update(tasks[phase], completed=done, total=total)

    return progress


def _dask_options(scheduler: str | None, workers: int, memory_limit: str | None, partition_blocks: int):
    from .dask_engine import DaskOptions

    try:
        from dask.utils import parse_bytes
    except ImportError:
        from .errors import MissingDependencyError

        raise MissingDependencyError("--engine dask needs Dask: pip install 'synthsocial[dask]'") from None
    limit = None
    if memory_limit is not None:
        try:
            limit = int(parse_bytes(memory_limit))
        except (ValueError, TypeError):
            raise ConfigError(
                f"--memory-limit {memory_limit!r} is not accepted: use a size such as 4GB or 512MiB"
            ) from None
        if limit <= 0:
            raise ConfigError(f"--memory-limit {memory_limit!r} is not accepted: use a positive size such as 4GB")
    return DaskOptions(scheduler=scheduler, workers=workers, memory_limit=limit, partition_blocks=partition_blocks)


def _evaluate_options(seed: int, aspl_sources: int | None, homophily: bool = True):
    from .metrics import EvaluateOptions

    return EvaluateOptions(seed=seed, aspl_sources=aspl_sources, homophily=homophily)


@app.command()
def evaluate(
    targets: Annotated[list[Path], typer.Argument(metavar="TARGET...", help="World directories or graph files.")],
    reference: Annotated[
        str, typer.Option("--reference", "-r", metavar="NAME|PATH", help="Built-in profile (bluesky) or a graph file.")
    ] = "bluesky",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (a list for several targets).")
    ] = False,
    directed: Annotated[
        bool | None,
        typer.Option(
            "--directed/--undirected", help="How to read edge lists (default: directed; .mat: from symmetry)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", "-s", parser=_seed, metavar="S", help="Seed of Louvain and of sampled estimates.")
    ] = 0,
    aspl_sources: Annotated[
        int | None,
        typer.Option(
            "--aspl-sources",
            parser=_positive_int("--aspl-sources", 1),
            metavar="K",
            help="BFS sources for the sampled ASPL (default: 200, 64 or 16 by size).",
        ),
    ] = None,
    homophily: Annotated[
        bool, typer.Option("--homophily/--no-homophily", help="Analyse communities against attributes.")
    ] = True,
    streaming: Annotated[
        bool,
        typer.Option(
            "--streaming",
            help="Stream a world's edges instead of loading them (automatic when they do not fit in memory).",
        ),
    ] = False,
) -> None:
    """Measure structure (paper, section IV-A) and compare with a reference.

    Prints metric, value, reference value and relative error, the NED in both forms with each
    metric's share, and the extras (reciprocity, degree distributions, assortativity). With
    several targets the paper's min-max NED is taken over all of them. A world whose edges do
    not fit in memory is streamed: clustering and ASPL sampled (standard errors printed),
    modularity and the community analysis left out (docs/evaluation.md).
    """
    from .io.lock import locked
    from .io.readers import read_graph
    from .metrics import evaluate as run
    from .metrics import to_json_ready
    from .metrics.large import fits_in_memory, profile_streaming, world_size

    opts = _evaluate_options(seed, aspl_sources, homophily)
    graphs = []
    for t in targets:
        is_world = t.is_dir() and (t / "edges.parquet").exists()
        with locked(t, write=False) if is_world else _nullcontext():  # refused while a writer works on it
            if is_world and (streaming or not fits_in_memory(world_size(t)[1])):
                with err.status(f"streaming {t}...") if err.is_terminal else _nullcontext():
                    graphs.append(
                        profile_streaming(t, trials=opts.clustering_trials, sources=opts.sources_for(10**9), seed=seed)
                    )
            else:
                graphs.append(read_graph(t, directed=directed))
    with err.status("measuring structure...") if err.is_terminal else _nullcontext():
        results = run(graphs, reference, opts, reference_directed=directed)
    if as_json:
        payload = [to_json_ready(r) for r in results]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return
    from .report.text import print_evaluation

    out = Console()
    for r in results:
        print_evaluation(r, out)


@app.command()
def world(
    nodes: Annotated[
        int,
        typer.Option("--nodes", "-n", parser=_positive_int("--nodes", 2), metavar="N", help="Number of users (>= 2)."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            parser=_out_path("--out"),
            metavar="DIR",
            help="World directory (created; a rerun brings it up to date).",
        ),
    ],
    platforms: Annotated[
        str, typer.Option("--platforms", "-p", metavar="LIST", help="Platforms to post on, comma-separated.")
    ] = "twitter,reddit",
    real_corpus: Annotated[
        Path | None,
        typer.Option(
            "--real-corpus",
            metavar="PATH",
            help="Real posts (a corpus file or ../shared/data/posts): grounds the prompts and adds the fidelity stage.",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", "-s", parser=_seed, metavar="S", help="Random seed of every stage.")
    ] = 0,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", metavar="FILE", help="Generator settings (TOML or JSON, as for generate)."),
    ] = None,
    writers: Annotated[
        int,
        typer.Option(
            "--writers",
            parser=_positive_int("--writers", 1),
            metavar="K",
            help="Users who write posts (a random sample; at most N).",
        ),
    ] = 100,
    posts_per_user: Annotated[
        int, typer.Option("--posts-per-user", parser=_positive_int("--posts-per-user", 1), metavar="K")
    ] = 1,
    backend: Annotated[
        str, typer.Option("--backend", metavar="NAME", help="embedded (offline, default) or openai.")
    ] = "embedded",
    model: Annotated[str | None, typer.Option("--model", metavar="NAME")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="openai backend: the server.")
    ] = None,
    reference: Annotated[
        str,
        typer.Option("--reference", "-r", metavar="NAME|PATH", help="Structural reference for evaluate and report."),
    ] = "bluesky",
) -> None:
    """Make a whole world: generate -> evaluate -> posts -> fidelity (with --real-corpus) -> report.

    Writes users.parquet, edges.parquet, manifest.json, metrics.json, posts.parquet,
    interactions.parquet, report.html (+ figures/, and fidelity.json with --real-corpus) and
    stages.json, which records each stage's settings hash. A rerun skips every stage whose
    outputs are current and resumes an interrupted posts stage.
    """
    from .config import GeneratorConfig
    from .pipeline import WorldPlan, build_world

    cfg = GeneratorConfig.from_file(config) if config is not None else GeneratorConfig()
    if real_corpus is not None and not real_corpus.exists():
        from .errors import InputError

        raise InputError(f"--real-corpus {str(real_corpus)!r}: no such file or directory")
    plan = WorldPlan(
        nodes=nodes,
        platforms=tuple(x.strip() for x in platforms.split(",") if x.strip()),
        seed=seed,
        config=cfg.to_dict(),
        real_corpus=str(real_corpus) if real_corpus else None,
        writers=min(writers, nodes),
        posts_per_user=posts_per_user,
        backend=backend,
        model=model,
        base_url=base_url,
        reference=reference,
    )
    started = time.perf_counter()
    with _progress() as bar:
        what = build_world(plan, out, _bars(bar))
    err.print(
        f"{out}: " + ", ".join(f"{k} {v}" for k, v in what.items()) + f" ({time.perf_counter() - started:.1f} s)",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


@app.command()
def export(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="A world directory written by `synthsocial generate`.")
    ],
    to: Annotated[
        str,
        typer.Option("--to", "-t", metavar="FORMAT", help="graphml, gexf (Gephi), oasis (OASIS agent CSV) or jsonl."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=_out_path("--out"), metavar="DIR", help="Where to write (default: DIR itself)."
        ),
    ] = None,
) -> None:
    """Write a world for other tools: GraphML or GEXF with user attributes, the OASIS agent CSV
    (user_id, name, username, following_agentid_list, previous_tweets, user_char, description),
    or JSON lines (users.jsonl with each user's follows; posts.jsonl and interactions.jsonl when
    the world has posts). From Python: synthsocial.io.export.to_networkx(DIR) / to_igraph(DIR)."""
    from .io.export import export as run

    for path in run(directory, to, out):
        err.print(f"wrote {path}")


@app.command()
def report(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="A world directory written by `synthsocial generate`.")
    ],
    reference: Annotated[
        str, typer.Option("--reference", "-r", metavar="NAME|PATH", help="Built-in profile (bluesky) or a graph file.")
    ] = "bluesky",
    seed: Annotated[
        int, typer.Option("--seed", "-s", parser=_seed, metavar="S", help="Seed of Louvain and of sampled estimates.")
    ] = 0,
) -> None:
    """Write DIR/report.html (self-contained), DIR/figures/*.png and DIR/metrics.json."""
    from .report.html import build_report

    with err.status("measuring and drawing...") if err.is_terminal else _nullcontext():
        path = build_report(directory, reference, seed)
    err.print(f"wrote {path}")


@app.command()
def posts(
    world: Annotated[
        Path, typer.Argument(metavar="WORLD", help="A world directory written by `synthsocial generate`.")
    ],
    platforms: Annotated[
        str,
        typer.Option(
            "--platforms",
            "-p",
            metavar="LIST",
            help="Comma-separated: twitter (x), bluesky, reddit, instagram, facebook, youtube, tiktok.",
        ),
    ] = "twitter,reddit,instagram",
    platform_config: Annotated[
        Path | None,
        typer.Option(
            "--platform-config",
            metavar="FILE",
            help="TOML overriding platform data, e.g. [reddit] max_chars = 500 (fields: docs/posts.md).",
        ),
    ] = None,
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            metavar="NAME",
            help="auto (default: platform-agnostic when real posts are given, else platform-aware), "
            "platform-aware (names the platform; built-in examples) or platform-agnostic (real examples from "
            "--corpus).",
        ),
    ] = "auto",
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus", metavar="FILE", help="Real posts (text + platform columns) for platform-agnostic prompts."
        ),
    ] = None,
    text_col: Annotated[
        str | None, typer.Option("--text-col", metavar="NAME|INDEX", help="Text column of --corpus.")
    ] = None,
    platform_col: Annotated[
        str | None, typer.Option("--platform-col", metavar="NAME|INDEX", help="Platform column of --corpus.")
    ] = None,
    corpus_platform: Annotated[
        str | None, typer.Option("--corpus-platform", metavar="NAME", help="Platform of a single-platform --corpus.")
    ] = None,
    topics: Annotated[
        str | None,
        typer.Option(
            "--topics",
            metavar="LIST|FILE",
            help="Topics to post about (comma-separated, or a file with one per line). Default: the users' interests.",
        ),
    ] = None,
    topics_from: Annotated[
        Path | None,
        typer.Option(
            "--topics-from",
            metavar="FILE",
            help="Extract topics from this corpus (MiniLM + k-means; needs the embed extra). Same column options "
            "as --corpus.",
        ),
    ] = None,
    n_topics: Annotated[
        int,
        typer.Option(
            "--n-topics",
            parser=_positive_int("--n-topics", 1),
            metavar="K",
            help="Topics to extract with --topics-from.",
        ),
    ] = 10,
    posts_per_user: Annotated[
        int,
        typer.Option(
            "--posts-per-user",
            parser=_positive_int("--posts-per-user", 1),
            metavar="K",
            help="Posts per user per platform they use.",
        ),
    ] = 1,
    max_users: Annotated[
        int | None,
        typer.Option(
            "--max-users",
            parser=_positive_int("--max-users", 1),
            metavar="N",
            help="Writers drawn among the users (default: all).",
        ),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            "--backend", metavar="NAME", help="embedded (offline, default) or openai (any OpenAI-compatible server)."
        ),
    ] = "embedded",
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="NAME",
            help="embedded: gemma3-270m (default) or smollm2-135m; openai: the server's model name.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", metavar="URL", help="openai backend: for example http://localhost:8000/v1."),
    ] = None,
    api_key_env: Annotated[
        str, typer.Option("--api-key-env", metavar="VAR", help="Environment variable holding the API key.")
    ] = "OPENAI_API_KEY",
    temperature: Annotated[
        float, typer.Option("--temperature", parser=_finite_float("--temperature", 0.0, 2.0), metavar="T")
    ] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p", parser=_finite_float("--top-p", 0.0, 1.0), metavar="P")] = 0.95,
    max_tokens: Annotated[int, typer.Option("--max-tokens", parser=_positive_int("--max-tokens", 1), metavar="K")] = 96,
    frequency_penalty: Annotated[
        float, typer.Option("--frequency-penalty", parser=_finite_float("--frequency-penalty", -2.0, 2.0), metavar="X")
    ] = 0.0,
    presence_penalty: Annotated[
        float, typer.Option("--presence-penalty", parser=_finite_float("--presence-penalty", -2.0, 2.0), metavar="X")
    ] = 0.0,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size",
            parser=_positive_int("--batch-size", 1),
            metavar="B",
            help="Posts stored per batch (a crash loses at most one batch).",
        ),
    ] = 8,
    max_attempts: Annotated[
        int,
        typer.Option(
            "--max-attempts",
            parser=_positive_int("--max-attempts", 1),
            metavar="A",
            help="Generations per post before it is recorded as failed.",
        ),
    ] = 3,
    prompts: Annotated[
        Path | None,
        typer.Option("--prompts", metavar="DIR", help="Folder with your own prompt templates and exemplars.toml."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", parser=_seed, metavar="S")] = 0,
) -> None:
    """Write posts for the users of WORLD (Tari et al. 2025): WORLD/posts.parquet and WORLD/interactions.parquet.

    A rerun continues where the last one stopped; existing posts are kept.
    """
    from .io.atomic import atomic_text
    from .io.corpus import read_corpus
    from .io.ownership import output_directory, record
    from .io.readers import check_world, read_parquet
    from .posts.backends import Sampling, check_backend, make_backend
    from .posts.pipeline import PostsConfig, write_posts
    from .posts.platforms import resolve
    from .posts.prompts import STRATEGIES

    if not (world / "users.parquet").is_file():
        from .errors import InputError

        raise InputError(
            f"{world}: no users.parquet; `synthsocial posts` needs a world written by `synthsocial generate`"
        )
    check_backend(backend, model, base_url)
    with output_directory(world, "world", command="posts", must_exist=True, option="WORLD", check=check_world):
        overrides = None
        if platform_config is not None:
            import tomllib

            try:
                overrides = tomllib.loads(platform_config.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                from .errors import ConfigError

                raise ConfigError(
                    f"--platform-config {str(platform_config)!r}: not a readable TOML file: {exc}"
                ) from None
        plats = resolve(platforms, overrides)
        if strategy == "auto":  # grounding in real posts measured better on every fidelity metric (docs/fidelity.md)
            strategy = "platform-agnostic" if (corpus is not None or topics_from is not None) else "platform-aware"
        if strategy not in STRATEGIES:
            raise typer.BadParameter(
                f"{strategy!r} is not accepted: use auto, {' or '.join(STRATEGIES)}", param_hint="--strategy"
            )
        topic_list = None
        if topics:
            path = Path(topics)
            raw = path.read_text(encoding="utf-8").splitlines() if path.is_file() else topics.split(",")
            topic_list = [t.strip() for t in raw if t.strip()]
            if not topic_list:
                raise typer.BadParameter("no topics given", param_hint="--topics")
        real = None
        if corpus is not None:
            real = read_corpus(corpus, text_col=text_col, platform_col=platform_col, platform=corpus_platform)
        elif strategy == "platform-agnostic" and topics_from is None:
            raise typer.BadParameter(
                "the platform-agnostic strategy needs --corpus (real posts to ground the prompts)",
                param_hint="--strategy",
            )
        topic_of = None
        if topics_from is not None:
            from .posts.topics import extract_topics, nearest_topics

            source = read_corpus(topics_from, text_col=text_col, platform_col=platform_col, platform=corpus_platform)
            with err.status("extracting topics...") if err.is_terminal else _nullcontext():
                found, labelled, centroids = extract_topics(source, n_topics, seed)
                users = read_parquet(world / "users.parquet", ["interests"])
                vocab = sorted({x for row in users["interests"].to_pylist() for x in row})
                topic_of = dict(zip(vocab, (found[i].label for i in nearest_topics(vocab, centroids))))
            if real is None:
                real = labelled
            atomic_text(world / "topics.json", json.dumps([t.__dict__ for t in found], indent=2) + "\n")
            record(world, ["topics.json"], "world")
            err.print(f"{len(found)} topics: " + "; ".join(t.label for t in found))
        cfg = PostsConfig(
            platforms=plats,
            strategy=strategy,
            posts_per_user=posts_per_user,
            max_users=max_users,
            topics=topic_list,
            topic_of=topic_of,
            seed=seed,
            batch_size=batch_size,
            max_attempts=max_attempts,
            prompts_dir=str(prompts) if prompts else None,
            sampling=Sampling(
                temperature=temperature,
                top_p=top_p,
                max_tokens=max_tokens,
                frequency_penalty=frequency_penalty,
                presence_penalty=presence_penalty,
            ),
        )
        engine = make_backend(backend, model, base_url=base_url, api_key_env=api_key_env)
        try:
            with _progress() as bar:
                task = bar.add_task("posts", total=None)
                summary = write_posts(
                    world, cfg, engine, real, progress=lambda done, total: bar.update(task, completed=done, total=total)
                )
        finally:
            engine.close()
        rate = f", {summary['posts_per_minute']:.0f} posts/min" if summary["posts_per_minute"] else ""
        err.print(
            f"wrote {world}/posts.parquet: {summary['generated']} new posts, {summary['failed']} failed, "
            f"{summary['skipped_existing']} already there{rate}; {summary['posts_total']} posts in all "
            f"({', '.join(f'{k} {v}' for k, v in summary['by_platform'].items())}); "
            f"{summary['interactions']} interactions"
        )


@app.command()
def fidelity(
    synthetic: Annotated[
        Path, typer.Argument(metavar="SYNTHETIC", help="posts.parquet of a world, or any corpus file.")
    ],
    real: Annotated[
        Path,
        typer.Option("--real", metavar="CORPUS", help="Real posts: a corpus file, or the folder ../shared/data/posts."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (schema: docs/fidelity.md).")] = False,
    text_col: Annotated[
        str | None,
        typer.Option(
            "--text-col", metavar="NAME|INDEX", help="Text column of SYNTHETIC (raw_text: before post-processing)."
        ),
    ] = None,
    platform_col: Annotated[
        str | None, typer.Option("--platform-col", metavar="NAME|INDEX", help="Platform column of SYNTHETIC.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", metavar="NAME", help="Platform of a single-platform SYNTHETIC file.")
    ] = None,
    real_text_col: Annotated[str | None, typer.Option("--real-text-col", metavar="NAME|INDEX")] = None,
    real_platform_col: Annotated[str | None, typer.Option("--real-platform-col", metavar="NAME|INDEX")] = None,
    real_platform: Annotated[str | None, typer.Option("--real-platform", metavar="NAME")] = None,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="Embedding metrics (needs the embed extra).")
    ] = True,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            parser=_out_path("--save"),
            metavar="DIR",
            help="Write DIR/fidelity.json and DIR/fidelity_figures/ (shown by `synthsocial report DIR`).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", parser=_seed, metavar="S")] = 0,
) -> None:
    """Measure how close synthetic posts are to real ones: lexical, semantic, multi-platform,
    discriminator and memorization (docs/fidelity.md)."""
    from .fidelity import measure, synthetic_posts
    from .io.corpus import read_corpus, read_shared_posts
    from .metrics import to_json_ready

    if synthetic.suffix == ".parquet" and synthetic.is_file():
        from .io.lock import locked
        from .io.ownership import MARKER, warn_if_changed
        from .io.readers import read_parquet

        ours = (synthetic.parent / MARKER).exists()  # the posts of a world: refused while a writer works on it
        with locked(synthetic.parent, write=False) if ours else _nullcontext():
            warn_if_changed(synthetic.parent, [synthetic.name])
            table = read_parquet(synthetic)
        syn = (
            synthetic_posts(table, text_col or "text")
            if "post_id" in table.column_names
            else read_corpus(synthetic, text_col=text_col, platform_col=platform_col, platform=platform)
        )
    else:
        syn = read_corpus(synthetic, text_col=text_col, platform_col=platform_col, platform=platform)
    ref = (
        read_shared_posts(real)
        if real.is_dir()
        else read_corpus(real, text_col=real_text_col, platform_col=real_platform_col, platform=real_platform)
    )
    with err.status("measuring fidelity...") if err.is_terminal else _nullcontext():
        result = measure(syn, ref, semantic=semantic, seed=seed)
    if save is not None:
        from .report.html import save_fidelity

        save_fidelity(result, save)
    if as_json:
        typer.echo(json.dumps(to_json_ready(result), indent=2))
        return
    from .report.fidelity_text import print_fidelity

    print_fidelity(result, Console())


@app.command()
def calibrate(
    reference: Annotated[
        str,
        typer.Option("--reference", "-r", metavar="NAME|PATH", help="Built-in profile (bluesky) or a real graph file."),
    ] = "bluesky",
    nodes: Annotated[
        int,
        typer.Option(
            "--nodes",
            "-n",
            parser=_positive_int("--nodes", 10),
            metavar="N",
            help="Users per evaluated world (the paper: 1,000).",
        ),
    ] = 1000,
    method: Annotated[
        str, typer.Option("--method", metavar="grid|optuna", help="The paper's grid, or seeded TPE (optuna).")
    ] = "grid",
    space: Annotated[
        str,
        typer.Option(
            "--space",
            metavar="paper|extended",
            help="optuna: the grid's values, or continuous ranges plus the small-graph factors, gamma, the triadic "
            "reading, follow-backs and the influence tail.",
        ),
    ] = "paper",
    budget: Annotated[
        int | None,
        typer.Option(
            "--budget",
            parser=_positive_int("--budget", 1),
            metavar="K",
            help="Evaluations (optuna; grid: its first K points). Default: grid all, optuna 100.",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            parser=_out_path("--out"),
            metavar="DIR",
            help="Results directory (resumed when it holds results.jsonl).",
        ),
    ] = Path("calibration"),
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", metavar="FILE", help="Base configuration whose link hyperparameters are fitted."
        ),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            "-j",
            parser=_positive_int("--processes", 1),
            metavar="P",
            help="Parallel processes for the grid (default: all cores).",
        ),
    ] = None,
    directed: Annotated[
        bool | None, typer.Option("--directed/--undirected", help="How to read an edge-list reference.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", parser=_seed, metavar="S")] = 0,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the check of the best point at 10x the size.")
    ] = False,
    replicates: Annotated[
        int,
        typer.Option(
            "--replicates",
            parser=_positive_int("--replicates", 1),
            metavar="R",
            help="Worlds per point (seeds S..S+R-1), metrics averaged: less fitting to one draw.",
        ),
    ] = 1,
    rank_by: Annotated[
        str | None,
        typer.Option(
            "--rank-by",
            metavar="minmax|fixed",
            help="NED that picks the best point (default: minmax for grid, as the paper; fixed for optuna, what it "
            "minimises).",
        ),
    ] = None,
) -> None:
    """Fit the link hyperparameters to a reference (paper, section IV-B).

    Writes DIR/results.jsonl (every evaluation, resumable), DIR/top.md (Table III style),
    DIR/best_config.json (for generate --config) and DIR/summary.json.
    """
    from .calibrate import calibrate as run
    from .config import GeneratorConfig
    from .metrics import EvaluateOptions, reference_profile

    base = GeneratorConfig.from_file(config) if config is not None else None
    ref = reference_profile(reference, EvaluateOptions(seed=seed, homophily=False), directed)
    if ref["metrics"].get("lcc_fraction") is None:
        from .errors import InputError

        raise InputError(f"reference {reference!r} has no structural profile")
    with _progress() as bar:
        task = bar.add_task(f"{method} search", total=None)
        summary = run(
            ref,
            nodes,
            out,
            method=method,
            budget=budget,
            seed=seed,
            processes=processes,
            base=base,
            space=space,
            validate=not no_validate,
            rank_by=rank_by,
            replicates=replicates,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    b = summary["best"]
    err.print(
        f"{summary['evaluations']} evaluations; best NED {b['ned']:.3f} (fixed scale {b['ned_fixed']:.3f}): {b['key']}"
    )
    if "validation" in summary:
        err.print(
            f"at {summary['validation']['nodes']:,} users the best point scores fixed-scale NED "
            f"{summary['validation']['ned_fixed']:.3f}"
        )
    err.print(f"wrote {out}/top.md, {out}/best_config.json, {out}/summary.json")


@app.command()
def benchmark(
    reference_graph: Annotated[
        Path,
        typer.Option(
            "--reference-graph",
            metavar="PATH",
            help="The real graph the samplers draw from and the generators are matched to.",
        ),
    ],
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference",
            "-r",
            metavar="NAME|PATH",
            help="Profile to compare with (default: the reference graph itself).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            metavar="FILE",
            help="Configuration of our generator (e.g. best_config.json from calibrate).",
        ),
    ] = None,
    sizes: Annotated[str, typer.Option("--sizes", metavar="LIST", help="Comma-separated sizes.")] = "1000",
    runs: Annotated[
        int,
        typer.Option(
            "--runs", parser=_positive_int("--runs", 1), metavar="R", help="Runs per method and size (seeds 0..R-1)."
        ),
    ] = 10,
    methods: Annotated[
        str | None, typer.Option("--methods", metavar="LIST", help="Subset of methods (default: all).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", parser=_out_path("--out"), metavar="DIR")] = Path("benchmark"),
    directed: Annotated[
        bool | None, typer.Option("--directed/--undirected", help="How to read an edge-list reference graph.")
    ] = None,
    ned_scope: Annotated[
        str,
        typer.Option(
            "--ned-scope",
            metavar="all|size",
            help="Min-max NED normalised over every graph of the benchmark, or over each size.",
        ),
    ] = "all",
) -> None:
    """Compare our generator with graph samplers and classic generators (paper, section IV-C).

    Writes DIR/benchmark.md, DIR/benchmark.json (one row per method and size), DIR/figure2.png
    and DIR/figure3.png.
    """
    from .comparison import parse_sizes, run_benchmark
    from .config import GeneratorConfig
    from .io.readers import read_graph
    from .metrics import EvaluateOptions, reference_profile

    size_list = parse_sizes(sizes)
    cfg = GeneratorConfig.from_file(config) if config is not None else None
    graph = read_graph(reference_graph, directed=directed)
    if graph.m == 0:
        from .errors import InputError

        raise InputError(f"{reference_graph}: the reference graph has no edges")
    ref = reference_profile(reference or str(reference_graph), EvaluateOptions(homophily=False), directed)
    with _progress() as bar:
        task = bar.add_task("benchmark", total=None)
        rows = run_benchmark(
            graph,
            ref,
            size_list,
            runs,
            out,
            config=cfg,
            ned_scope=ned_scope,
            only=[m.strip() for m in methods.split(",")] if methods else None,
            progress=lambda msg: bar.update(task, description=msg[:40]),
        )
    best = {}
    for r in rows:
        if r["size"] not in best or r["ned"] < best[r["size"]]["ned"]:
            best[r["size"]] = r
    for size, r in best.items():
        err.print(f"{size:,} nodes: closest to {ref['name']} is {r['method']} (NED {r['ned']:.3f})")
    err.print(f"wrote {out}/benchmark.md, benchmark.json, figure2.png, figure3.png")


def _nullcontext(value=None):
    import contextlib

    return contextlib.nullcontext(value)


@app.command("build-maps")
def build_maps(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            metavar="FILE",
            help="Config whose occupations and interests to order (default: built-in lists).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            parser=_out_path("--out"),
            metavar="DIR",
            help="Directory for occupation_map.json and interest_map.json (default: the package's own maps).",
        ),
    ] = None,
) -> None:
    """Rebuild the semantic maps (section III-B) from the embedded MiniLM model.

    Needs the embed extra (torch). Set homophily.maps_dir to OUT to use maps built for your own
    occupation and interest lists.
    """
    from .config import GeneratorConfig
    from .homophily.maps import build_map, default_maps_dir
    from .io.atomic import atomic_text
    from .io.ownership import output_directory, record

    cfg = GeneratorConfig.from_file(config) if config is not None else GeneratorConfig()
    maps = {
        "occupation": build_map(cfg.population.occupations),
        "interest": build_map(cfg.population.interests),
    }
    names = [f"{kind}_map.json" for kind in maps]
    # --out: a new, empty or earlier maps directory, under its lock; default: the package's own maps
    with (
        output_directory(out, "maps", command="build-maps")
        if out is not None
        else _nullcontext(default_maps_dir()) as target
    ):
        for name, m in zip(names, maps.values()):
            atomic_text(target / name, json.dumps(m, indent=1) + "\n")
        if out is not None:
            record(target, names, "maps")
    err.print(f"wrote {target}/occupation_map.json and interest_map.json")


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if issubclass(category, DamagedFileWarning):
        print(f"synthsocial: warning: {message}", file=sys.stderr)
    else:
        warnings._showwarning_orig(message, category, filename, lineno, file, line)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every anticipated error into one line."""
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", DamagedFileWarning)
            warnings.showwarning = _show_warning
            result = command.main(args=args or ["--help"], prog_name="synthsocial", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("synthsocial: aborted", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors: missing or malformed options
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print(f"synthsocial: error: {' '.join(message.split())}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except SynthSocialError as exc:
        print(f"synthsocial: error: {exc}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("synthsocial: interrupted", file=sys.stderr)
        return 130
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
