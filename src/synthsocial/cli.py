"""The ``synthsocial`` command: parse, call the library, print.

Every command is one call of a library function (named in its docstring); options shared by
several commands are defined once below. Errors are printed as one line on stderr
(``synthsocial: error: ...``), never a traceback, with one exit-code convention for every command
(errors.py, README "Exit codes"): 2 when the command line or a setting is wrong (usage errors,
ConfigError), 1 when the work could not be done (an input, the output, a lock held by another
process, a dependency or a server). A file that synthsocial wrote and that changed since is
reported as ``synthsocial: warning: ...``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from ._version import __version__
from .errors import ConfigError, DamagedFileWarning, SynthSocialError, exit_code, printable
from .limits import MAX_BUDGET, MAX_PROCESSES, MAX_REPLICATES
from .rng import MAX_SEED

app = typer.Typer(
    name="synthsocial",
    help="Synthetic social-media worlds: users, a homophily follower graph, posts, measured against real data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True)


# --------------------------------------------------------------------------- value parsers
def _int(name: str, minimum: int, maximum: int | None = None):
    def parse(value: str | int) -> int:
        try:
            v = value if isinstance(value, int) else int(value, 10)
        except (TypeError, ValueError):
            raise typer.BadParameter(
                f"{value!r} is not accepted: use an integer >= {minimum}", param_hint=name
            ) from None
        if v < minimum or (maximum is not None and v > maximum):
            bound = f"from {minimum:,} to {maximum:,}" if maximum is not None else f">= {minimum:,}"
            raise typer.BadParameter(f"{value} is not accepted: use an integer {bound}", param_hint=name)
        return v

    return parse


def _float(name: str, lo: float, hi: float):
    def parse(value: str | float) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        if not lo <= v <= hi:  # also refuses nan and inf
            raise typer.BadParameter(f"{value!r} is not accepted: use a number from {lo:g} to {hi:g}", param_hint=name)
        return v

    return parse


def _dir(name: str):
    """A directory to write: an empty path (an unset shell variable) is refused before any work."""

    def parse(value: str | Path) -> Path:
        if not str(value).strip():
            raise typer.BadParameter("is empty: name a directory (an unset shell variable?)", param_hint=name)
        return Path(value)

    return parse


# --------------------------------------------------------------------------- option types
def Int(name: str, minimum: int, metavar: str, help: str | None = None, maximum: int | None = None, short=()):  # noqa: N802
    """An ``int`` option type (``name``, optional ``short``): base-10 integers only, refused below ``minimum`` or
    above ``maximum``."""
    names = (name, *([short] if short else []))
    return Annotated[int, typer.Option(*names, parser=_int(name, minimum, maximum), metavar=metavar, help=help)]


def OptInt(name: str, minimum: int, metavar: str, help: str | None = None, short=(), maximum: int | None = None):  # noqa: N802
    """An ``int | None`` option type (``name``, optional ``short``): base-10 integers, refused below ``minimum`` or
    above ``maximum``."""
    names = (name, *([short] if short else []))
    return Annotated[int | None, typer.Option(*names, parser=_int(name, minimum, maximum), metavar=metavar, help=help)]


def Float(name: str, lo: float, hi: float, metavar: str = "X", help: str | None = None):  # noqa: N802
    """A ``float`` option type accepting only numbers in [lo, hi] (nan refused)."""
    return Annotated[float, typer.Option(name, parser=_float(name, lo, hi), metavar=metavar, help=help)]


def OptFloat(name: str, lo: float, hi: float, metavar: str = "X", help: str | None = None):  # noqa: N802
    """A ``float | None`` option type accepting only numbers in [lo, hi] (nan refused)."""
    return Annotated[float | None, typer.Option(name, parser=_float(name, lo, hi), metavar=metavar, help=help)]


def Text(*names: str, metavar: str = "NAME", help: str | None = None):  # noqa: N802
    """A ``str`` option type with the given option names."""
    return Annotated[str, typer.Option(*names, metavar=metavar, help=help)]


def OptText(*names: str, metavar: str = "NAME", help: str | None = None):  # noqa: N802
    """A ``str | None`` option type with the given option names."""
    return Annotated[str | None, typer.Option(*names, metavar=metavar, help=help)]


def OptPath(*names: str, metavar: str = "FILE", help: str | None = None):  # noqa: N802
    """A ``Path | None`` option type with the given option names."""
    return Annotated[Path | None, typer.Option(*names, metavar=metavar, help=help)]


def Out(help: str):  # noqa: N802
    """The ``--out`` / ``-o`` directory option type (``Path``); an empty value is refused before any work."""
    return Annotated[Path, typer.Option("--out", "-o", parser=_dir("--out"), metavar="DIR", help=help)]


def Flag(name: str, help: str):  # noqa: N802
    """A ``bool`` flag option type named ``name``."""
    return Annotated[bool, typer.Option(name, help=help)]


def Column(name: str, help: str):  # noqa: N802
    """A ``str | None`` option type naming a column by name or 0-based index."""
    return OptText(name, metavar="NAME|INDEX", help=help)


# --------------------------------------------------------------------------- shared options
Nodes = Int("--nodes", 2, "N", "Number of users (>= 2).", short="-n", maximum=10**12)
Seed = Int("--seed", 0, "S", "Random seed: same seed, same output.", maximum=MAX_SEED, short="-s")
ConfigFile = OptPath("--config", "-c", help="Generator settings to change (TOML or JSON; docs/algorithm.md).")
Profile = Text(
    "--profile", metavar="NAME", help="Settings to start from: bluesky (calibrated to Bluesky) or paper (Table III)."
)
Reference = Text("--reference", "-r", metavar="NAME|PATH", help="Built-in profile (bluesky) or a graph file.")
Directed = Annotated[bool | None, typer.Option("--directed/--undirected", help="How to read edge lists.")]
AsJson = Flag("--json", "Print JSON instead of tables.")
Backend = Text("--backend", help="embedded (offline, default) or openai (an OpenAI-compatible server).")
Model = OptText("--model", help="embedded: gemma3-270m (default) or smollm2-135m; openai: the server's model.")
BaseUrl = OptText("--base-url", metavar="URL", help="openai backend: e.g. http://localhost:8000/v1.")
Engine = Text("--engine", metavar="ENGINE", help="local (one process) or dask (tasks over partitions of users).")
Scheduler = OptText(
    "--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786); default: a local cluster."
)
Workers = OptInt("--workers", 1, "W", "Workers of the local Dask cluster (default 2).", maximum=4096)
MemoryLimit = OptText("--memory-limit", metavar="SIZE", help="Memory limit per local Dask worker, e.g. 4GB.")
AdapterDir = OptPath("--adapter", metavar="DIR", help="An adapted model (synthsocial adapt) writes the posts.")
RealThreads = OptPath(
    "--real-threads",
    metavar="FILE",
    help="Real threads to compare the conversations with (PHEME CSV or events.parquet).",
)
PartitionBlocks = OptInt(
    "--partition-blocks",
    1,
    "B",
    "Dask engine: blocks of users per task (default 2; fewer: less memory).",
    maximum=10**6,
)


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


@contextlib.contextmanager
def _bars():
    """A progress callback (stage, done, total) drawing one bar per stage."""
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int | None, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            if total is not None:
                bar.update(tasks[stage], completed=done, total=total)

        yield progress


def _status(message: str):
    return err.status(message) if err.is_terminal else contextlib.nullcontext()


def _engine(engine: str, scheduler: str | None, workers: int | None, memory_limit: str | None, blocks: int | None):
    """The engine and its Dask options from the command line (a Dask option with the local engine is refused)."""
    if engine not in ("local", "dask"):
        raise ConfigError(f"--engine {engine!r} is not accepted: use local or dask")
    if engine == "local":
        given = [n for n, v in (("--scheduler", scheduler), ("--workers", workers), ("--memory-limit", memory_limit),
                                ("--partition-blocks", blocks)) if v is not None]  # fmt: skip
        if given:
            raise ConfigError(f"{given[0]} applies to the Dask engine: give --engine dask too, or drop it")
        return None
    if scheduler is not None and (workers is not None or memory_limit is not None):
        given = "--workers" if workers is not None else "--memory-limit"
        raise ConfigError(f"{given} sizes a local Dask cluster: a cluster at --scheduler has its own workers")
    from .dask_engine import DaskOptions

    limit = None
    if memory_limit is not None:
        try:
            from dask.utils import parse_bytes
        except ImportError:
            from .errors import MissingDependencyError

            raise MissingDependencyError("--engine dask needs Dask: pip install 'synthsocial[dask]'") from None
        try:
            limit = int(parse_bytes(memory_limit)) if memory_limit.strip() else 0
        except (ValueError, TypeError, IndexError, KeyError, OverflowError):
            raise ConfigError(f"--memory-limit {memory_limit!r} is not accepted: use a size such as 4GB") from None
        if limit <= 0:
            raise ConfigError(f"--memory-limit {memory_limit!r} is not accepted: use a positive size such as 4GB")
    return DaskOptions(scheduler=scheduler, workers=workers or 2, memory_limit=limit, partition_blocks=blocks or 2)


def _sampling(adapted: bool = False, **given):
    """The decoding settings from the command line: None when none was given (the library's defaults
    for the strategy), else those given over the defaults (the adapted ones with ``adapted``)."""
    from .posts.pipeline import ADAPTED_SAMPLING, Sampling

    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return None
    return Sampling(**{**(ADAPTED_SAMPLING.model_dump() if adapted else {}), **given})


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


# --------------------------------------------------------------------------- commands
@app.command()
def generate(
    nodes: Nodes,
    out: Out("Output directory (new or empty)."),
    seed: Seed = 0,
    config: ConfigFile = None,
    profile: Profile = "bluesky",
    fmt: Annotated[
        list[str] | None, typer.Option("--format", "-f", metavar="FORMAT", help="Also csv, graphml or gexf.")
    ] = None,
    overwrite: Flag("--overwrite", "Replace an output directory synthsocial wrote that holds nothing else.") = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    workers: Workers = None,
    memory_limit: MemoryLimit = None,
    partition_blocks: PartitionBlocks = None,
) -> None:
    """Generate users and their follower graph (synthsocial.generate; paper, section III).

    Writes OUT/users.parquet, OUT/edges.parquet (source follows target) and OUT/manifest.json. The
    directory appears only when complete. With --engine dask the Parquet outputs are directories of
    one file per partition, with the same rows as the local engine's for the same seed and config.
    """
    from .generation import generate as run

    dask = _engine(engine, scheduler, workers, memory_limit, partition_blocks)
    started = time.perf_counter()
    with _bars() as progress:
        w = run(
            nodes,
            seed,
            config,
            progress,
            engine=engine,
            out=out,
            overwrite=overwrite,
            formats=tuple(fmt or ()),
            dask=dask,
            profile=profile,
        )
    m = w.manifest()["edges"]
    err.print(
        f"wrote {out}: {nodes:,} users, {m:,} follow edges (avg out-degree {m / nodes:.1f}, profile {profile}) "
        f"in {time.perf_counter() - started:.1f} s"
    )


@app.command()
def evaluate(
    targets: Annotated[list[Path], typer.Argument(metavar="TARGET...", help="World directories or graph files.")],
    reference: Reference = "bluesky",
    as_json: AsJson = False,
    directed: Directed = None,
    seed: Seed = 0,
    aspl_sources: OptInt(
        "--aspl-sources", 1, "K", "BFS sources of the sampled ASPL (default: by size).", maximum=10**9
    ) = None,
    homophily: Flag("--homophily/--no-homophily", "Analyse communities against attributes.") = True,
    streaming: Flag("--streaming", "Stream a world's edges (automatic when they do not fit in memory).") = False,
) -> None:
    """Measure structure against a reference (metrics.targets.evaluate_paths; paper, section IV-A).

    Prints each metric with the reference value and relative error, both NEDs with each metric's
    share, reciprocity, degrees, assortativity and the homophily of communities. With several
    targets the min-max NED is taken over all of them (docs/evaluation.md).
    """
    from .metrics import EvaluateOptions
    from .metrics.targets import evaluate_paths

    opts = EvaluateOptions(seed=seed, aspl_sources=aspl_sources, homophily=homophily)
    with _status("measuring structure..."):
        results = evaluate_paths(targets, reference, opts, directed=directed, streaming=streaming)
    if as_json:
        payload = [r.to_dict() for r in results]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return
    from .report.text import print_evaluation

    for r in results:
        print_evaluation(r, Console())


@app.command()
def world(
    nodes: Nodes,
    out: Out("World directory (a rerun brings it up to date)."),
    platforms: Text("--platforms", "-p", metavar="LIST", help="Platforms to post on.") = "twitter,reddit",
    real_corpus: OptPath(
        "--real-corpus", metavar="PATH", help="Real posts: ground the prompts, measure fidelity."
    ) = None,
    seed: Seed = 0,
    config: ConfigFile = None,
    profile: Profile = "bluesky",
    writers: Int("--writers", 1, "K", "Users who write posts (a random sample).", maximum=10**12) = 100,
    posts_per_user: Int("--posts-per-user", 1, "K", maximum=10_000) = 1,
    backend: Backend = "embedded",
    model: Model = None,
    base_url: BaseUrl = None,
    reference: Reference = "bluesky",
    engine: Engine = "local",
    scheduler: Scheduler = None,
    workers: Workers = None,
    memory_limit: MemoryLimit = None,
    partition_blocks: PartitionBlocks = None,
    adapter: AdapterDir = None,
    timeline_days: OptFloat(
        "--timeline-days", 0.0, 3650.0, "D", "Make a timeline of D days; posts are its events' texts."
    ) = None,
    max_texts: OptInt(
        "--max-texts", 0, "N", "With --timeline-days: texts for the first N events only.", maximum=10**12
    ) = None,
    real_threads: RealThreads = None,
) -> None:
    """Make a whole world: generate -> evaluate -> timeline (with --timeline-days) -> posts ->
    fidelity (with --real-corpus) -> report (pipeline.build_world, a registry of the library
    functions the other commands call).

    stages.json records each stage's key and the hash of every output: a rerun skips what is
    current, repairs what changed and resumes an interrupted posts stage.
    """
    from .config import GeneratorConfig
    from .errors import InputError
    from .pipeline import WorldPlan, build_world
    from .profiles import check as check_profile

    for name, path in (("--real-corpus", real_corpus), ("--real-threads", real_threads)):
        if path is not None and not path.exists():
            raise InputError(f"{name} {str(path)!r}: no such file or directory")
    plan = WorldPlan(
        nodes=nodes,
        platforms=tuple(x.strip() for x in platforms.split(",") if x.strip()),
        seed=seed,
        config=GeneratorConfig.coerce(config).overrides(),
        profile=check_profile(profile),
        real_corpus=str(real_corpus) if real_corpus else None,
        writers=min(writers, nodes),
        posts_per_user=posts_per_user,
        backend=backend,
        model=model,
        base_url=base_url,
        reference=reference,
        engine=engine,
        dask=_engine(engine, scheduler, workers, memory_limit, partition_blocks),
        adapter=str(adapter) if adapter else None,
        timeline_days=timeline_days,
        max_texts=max_texts,
        real_threads=str(real_threads) if real_threads else None,
    )
    started = time.perf_counter()
    with _bars() as progress:
        what = build_world(plan, out, progress)
    summary = ", ".join(f"{k} {v}" for k, v in what.items())
    err.print(
        f"{out}: {summary} ({time.perf_counter() - started:.1f} s)", soft_wrap=True, markup=False, highlight=False
    )


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A world directory.")],
    to: Text(
        "--to",
        "-t",
        metavar="FORMAT",
        help="graphml, gexf (Gephi), oasis (OASIS Twitter CSV), oasis-reddit, agentsociety (agentsociety2 "
        "experiment config) or jsonl.",
    ),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", parser=_dir("--out"), metavar="DIR", help="Default: DIR.")
    ] = None,
) -> None:
    """Write a world for other tools (io.export.export): GraphML or GEXF with user attributes, the
    OASIS Twitter agent CSV or Reddit agent JSON, or JSON lines (docs/outputs.md)."""
    from .io.export import export as run

    for path in run(directory, to, out):
        err.print(f"wrote {path}")


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A world directory.")],
    reference: Reference = "bluesky",
    seed: Seed = 0,
    seeds: Int(
        "--seeds", 0, "K", "Also K more worlds of this configuration: every metric's spread.", maximum=1_000
    ) = 0,
) -> None:
    """Write DIR/report.html (self-contained), DIR/figures/*.png and DIR/metrics.json
    (report.html.build_report)."""
    from .report.html import build_report

    with _status("measuring and drawing..."):
        path = build_report(directory, reference, seed, seeds=seeds)
    err.print(f"wrote {path}")


def _stance_labels(text: str) -> list[str]:
    """The three comma-separated words of --stance-labels, or a one-line error."""
    labels = [w.strip() for w in text.split(",")]
    if len(labels) != 3 or not all(labels):
        raise typer.BadParameter(
            f"{text!r} is not accepted: give three non-empty words, negative,middle,positive",
            param_hint="--stance-labels",
        )
    return labels


@app.command()
def posts(
    world: Annotated[Path, typer.Argument(metavar="WORLD", help="A world directory.")],
    platforms: Text(
        "--platforms", "-p", metavar="LIST", help="twitter (x), bluesky, reddit, instagram, facebook, ..."
    ) = ("twitter,reddit,instagram"),
    platform_config: OptPath("--platform-config", help="TOML overriding platform data (docs/posts.md).") = None,
    strategy: Text("--strategy", help="auto, platform-aware or platform-agnostic (real examples).") = "auto",
    corpus: OptPath("--corpus", help="Real posts that ground the prompts.") = None,
    text_col: Column("--text-col", "Text column of the corpus.") = None,
    platform_col: Column("--platform-col", "Platform column of the corpus.") = None,
    corpus_platform: OptText("--corpus-platform", help="Platform of a one-platform corpus.") = None,
    topics: OptText("--topics", metavar="LIST|FILE", help="Topics: comma-separated, or a file (one per line).") = None,
    topics_from: OptPath("--topics-from", help="Extract topics from this corpus (the embed extra).") = None,
    n_topics: Int("--n-topics", 1, "K", maximum=1000) = 10,
    posts_per_user: Int("--posts-per-user", 1, "K", "Posts per user per platform they use.", maximum=10_000) = 1,
    max_users: OptInt("--max-users", 1, "N", "Writers drawn among the users (default: all).", maximum=10**12) = None,
    backend: Backend = "embedded",
    model: Model = None,
    base_url: BaseUrl = None,
    api_key_env: Text("--api-key-env", metavar="VAR", help="Variable holding the API key.") = "OPENAI_API_KEY",
    adapter: AdapterDir = None,
    topic_tilt: Float("--topic-tilt", 0.0, 1e6, "W") = 1.0,
    temperature: OptFloat("--temperature", 0.0, 2.0, "T", "Default 0.8; 1.0 with --adapter.") = None,
    top_p: OptFloat("--top-p", 0.0, 1.0, "P", "Default 0.95.") = None,
    min_p: OptFloat("--min-p", 0.0, 1.0, "P", "Default 0.05 (embedded backend).") = None,
    max_tokens: OptInt("--max-tokens", 1, "K", "Default 96.", maximum=100_000) = None,
    frequency_penalty: OptFloat("--frequency-penalty", -2.0, 2.0, help="Default 0.") = None,
    presence_penalty: OptFloat("--presence-penalty", -2.0, 2.0, help="Default 0.") = None,
    batch_size: Int(
        "--batch-size", 1, "B", "Posts generated and stored together (a crash loses at most one).", maximum=100_000
    ) = 64,
    parallel: Int("--parallel", 1, "P", "Sequences the embedded model decodes at once (1: one at a time).", 64) = 8,
    max_attempts: Int(
        "--max-attempts", 1, "A", "Generations per post before it is recorded as failed.", maximum=100
    ) = 3,
    prompts: OptPath("--prompts", metavar="DIR", help="Your own prompt templates and exemplars.toml.") = None,
    timeline: OptPath(
        "--timeline", metavar="DIR", help="Write the texts of a timeline's events (synthsocial timeline)."
    ) = None,
    max_texts: OptInt(
        "--max-texts", 0, "N", "With --timeline: texts for the first N events only.", maximum=10**12
    ) = None,
    stance_topics: Text(
        "--stance-topics", metavar="LIST", help="Topics whose posts show the writer's stance ('' for none)."
    ) = "Politics,Climate Change",
    stance_labels: Text(
        "--stance-labels", metavar="NEG,MID,POS", help="The three words a stance is shown as."
    ) = "progressive,moderate,conservative",
    seed: Seed = 0,
) -> None:
    """Write posts for the users of WORLD (posts.pipeline.make_posts; Tari et al. 2025):
    WORLD/posts.parquet and WORLD/interactions.parquet. A rerun continues where the last one
    stopped."""
    from .io.corpus import CorpusSource
    from .posts.pipeline import PostsRequest, make_posts

    if not (world / "users.parquet").is_file():
        from .errors import InputError

        raise InputError(
            f"{world}: no users.parquet; `synthsocial posts` needs a world written by `synthsocial generate`"
        )
    topic_list = None
    if topics is not None:
        raw = Path(topics).read_text(encoding="utf-8").splitlines() if Path(topics).is_file() else topics.split(",")
        topic_list = [t.strip() for t in raw if t.strip()]
        if not topic_list:
            raise typer.BadParameter("no topics given", param_hint="--topics")

    def source(path: Path | None) -> CorpusSource | None:
        return path and CorpusSource(
            path=str(path), text_col=text_col, platform_col=platform_col, platform=corpus_platform
        )

    request = PostsRequest(
        platforms=platforms,
        timeline=str(timeline) if timeline is not None else None,
        max_texts=max_texts,
        platform_config=str(platform_config) if platform_config else None,
        strategy=strategy,
        corpus=source(corpus),
        topics=topic_list,
        topics_from=source(topics_from),
        n_topics=n_topics,
        posts_per_user=posts_per_user,
        max_users=max_users,
        backend=backend,
        model=model,
        base_url=base_url,
        api_key_env=api_key_env,
        sampling=_sampling(
            temperature=temperature,
            top_p=top_p,
            min_p=min_p,
            max_tokens=max_tokens,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            adapted=adapter is not None,
        ),
        batch_size=batch_size,
        parallel=parallel,
        max_attempts=max_attempts,
        prompts=str(prompts) if prompts else None,
        adapter=str(adapter) if adapter else None,
        topic_tilt=topic_tilt,
        stance_topics=[t.strip() for t in stance_topics.split(",") if t.strip()],
        stance_labels=_stance_labels(stance_labels),
        seed=seed,
    )
    with _bars() as progress:
        s = make_posts(world, request, progress=progress)
    if s["topics"]:
        err.print(f"{len(s['topics'])} topics: " + "; ".join(s["topics"]))
    rate = f", {s['posts_per_minute']:.0f} posts/min" if s["posts_per_minute"] else ""
    by_platform = ", ".join(f"{k} {v}" for k, v in s["by_platform"].items())
    err.print(
        f"wrote {world}/posts.parquet: {s['generated']} new posts, {s['failed']} failed, {s['skipped_existing']} "
        f"already there{rate}; {s['posts_total']} posts in all ({by_platform}); {s['interactions']} interactions"
    )


@app.command()
def adapt(
    corpus: Annotated[Path, typer.Option("--corpus", metavar="FILE", help="Real posts to learn from.")],
    out: Out("Adapter directory to write (a rerun resumes it)."),
    text_col: Column("--text-col", "Text column of the corpus.") = None,
    platform_col: Column("--platform-col", "Platform column of the corpus.") = None,
    corpus_platform: OptText("--platform", help="Platform of a one-platform corpus.") = None,
    id_col: Column("--id-col", "Post id column (with --parent-col: replies learn their parent).") = None,
    parent_col: Column("--parent-col", "Parent post id column.") = None,
    epochs: Float("--epochs", 0.001, 1000.0, "E") = 1.0,
    steps: OptInt("--steps", 1, "S", "Training steps (replaces --epochs).", maximum=10_000_000) = None,
    max_posts: OptInt(
        "--max-posts", 20, "N", "Posts drawn from the corpus (default 10000).", maximum=100_000_000
    ) = 10_000,
    n_topics: Int("--n-topics", 0, "K", "Topics in the control prefix (0: platform only).", maximum=1000) = 10,
    balance: Float(
        "--balance", 0.0, 1.0, "B", "Platform shares of training as n**B (1: as in the corpus, 0: equal)."
    ) = 1.0,
    lengths: Flag(
        "--lengths/--no-lengths", "Post length in the control prefix (generation follows the corpus's lengths)."
    ) = True,
    learning_rate: Float("--learning-rate", 1e-7, 1.0, "LR") = 5e-4,
    batch_size: Int("--batch-size", 1, "B", maximum=1024) = 16,
    max_tokens: Int("--max-tokens", 8, "K", "Tokens per post kept for training.", maximum=2048) = 64,
    rank: Int("--rank", 1, "R", "LoRA rank.", maximum=256) = 16,
    checkpoint_every: Int("--checkpoint-every", 1, "S", "Steps between checkpoints.", maximum=1_000_000) = 20,
    threads: OptInt("--threads", 1, "T", "CPU threads (default: all).", maximum=1024) = None,
    seed: Seed = 0,
    overwrite: Flag("--overwrite", "Replace an adapter directory of another corpus or settings.") = False,
) -> None:
    """Fit the embedded model to a corpus of real posts (adapt.adapt: LoRA, then posts --adapter
    OUT samples from it). A held-out share is kept aside and its loss reported; a rerun resumes
    from the last checkpoint."""
    from rich.progress import TimeRemainingColumn

    from .adapt import AdaptConfig
    from .adapt import adapt as run
    from .io.corpus import CorpusSource

    cfg = AdaptConfig(
        epochs=epochs,
        steps=steps,
        max_posts=max_posts,
        n_topics=n_topics,
        balance=balance,
        lengths=lengths,
        learning_rate=learning_rate,
        batch_size=batch_size,
        max_tokens=max_tokens,
        rank=rank,
        checkpoint_every=checkpoint_every,
        threads=threads,
        seed=seed,
    )
    source = CorpusSource(
        path=str(corpus),
        text_col=text_col,
        platform_col=platform_col,
        platform=corpus_platform,
        id_col=id_col,
        parent_col=parent_col,
    )
    bar = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("loss {task.fields[loss]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    with bar:
        tasks: dict[str, int] = {}

        started = time.perf_counter()

        def progress(stage: str, done: int | None, total: int | None, loss: float | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, loss="-")
                if not err.is_terminal and stage != "read":  # a log: a line per stage, then per 5% of the steps
                    print(f"synthsocial adapt: {stage}", file=sys.stderr, flush=True)
            if total is not None:
                bar.update(tasks[stage], completed=done, total=total, loss="-" if loss is None else f"{loss:.3f}")
                if not err.is_terminal and done and loss is not None and done % max(1, total // 20) == 0:
                    elapsed = time.perf_counter() - started
                    print(
                        f"synthsocial adapt: step {done}/{total} loss {loss:.3f}, {elapsed / 60:.1f} min elapsed",
                        file=sys.stderr,
                        flush=True,
                    )

        m = run(source, out, cfg, overwrite=overwrite, progress=progress)
    h = m["held_out_loss"]
    resumed = f", resumed at step {m['resumed_at_step']}" if m["resumed_at_step"] else ""
    err.print(
        f"wrote {out}: {m['steps']} steps ({m['epochs']} epochs) on {m['corpus']['train']} posts{resumed} in "
        f"{m['seconds']['train']:.0f} s; held-out loss {h['base']} (base) -> {h['adapted']} (adapted) "
        f"on {m['corpus']['held_out']} posts"
    )


@app.command()
def fidelity(
    synthetic: Annotated[Path, typer.Argument(metavar="SYNTHETIC", help="posts.parquet of a world, or a corpus file.")],
    real: Annotated[
        Path, typer.Option("--real", metavar="CORPUS", help="Real posts: a file, or ../shared/data/posts.")
    ],
    as_json: AsJson = False,
    text_col: Column("--text-col", "Text column of SYNTHETIC (raw_text: before post-processing).") = None,
    platform_col: Column("--platform-col", "Platform column of SYNTHETIC.") = None,
    platform: OptText("--platform", help="Platform of a one-platform SYNTHETIC.") = None,
    real_text_col: Column("--real-text-col", "Text column of the real corpus.") = None,
    real_platform_col: Column("--real-platform-col", "Platform column of the real corpus.") = None,
    real_platform: OptText("--real-platform", help="Platform of a one-platform real corpus.") = None,
    semantic: Flag("--semantic/--no-semantic", "Embedding metrics (the embed extra).") = True,
    save: Annotated[
        Path | None, typer.Option("--save", parser=_dir("--save"), metavar="DIR", help="Write DIR/fidelity.json.")
    ] = None,
    real_threads: RealThreads = None,
    seed: Seed = 0,
) -> None:
    """Measure how close synthetic posts are to real ones (fidelity.measure_files): lexical,
    semantic, multi-platform, discriminator and memorization; for a timeline's posts, the
    conversations too (docs/fidelity.md, docs/timeline.md)."""
    from .fidelity import measure_files
    from .io.corpus import CorpusSource

    syn = CorpusSource(path=str(synthetic), text_col=text_col, platform_col=platform_col, platform=platform)
    ref = CorpusSource(path=str(real), text_col=real_text_col, platform_col=real_platform_col, platform=real_platform)
    with _status("measuring fidelity..."):
        result = measure_files(syn, ref, semantic=semantic, seed=seed, save=save, real_threads=real_threads)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    from .report.fidelity_text import print_fidelity

    print_fidelity(result.metrics, Console())


@app.command()
def timeline(
    world: Annotated[Path, typer.Argument(metavar="WORLD", help="A world directory (generate or world wrote it).")],
    out: Out("Timeline directory (new or empty).") = Path("timeline"),
    start: Text("--start", metavar="YYYY-MM-DD", help="First day of the period (midnight UTC).") = "2025-01-06",
    days: Float("--days", 0.0, 3650.0, "D", "Length of the period in days (> 0).") = 7.0,
    platforms: Text("--platforms", metavar="P,...", help="The world's platform first (all use it); others by Pew.") = (
        "bluesky"
    ),
    posts_per_day: Float("--posts-per-day", 0.0, 1000.0, "R", "Mean original posts per user per day.") = 0.4,
    real_threads: RealThreads = None,
    seed: OptInt("--seed", 0, "S", "Random seed (default: the world's).", short="-s", maximum=MAX_SEED) = None,
) -> None:
    """Simulate who posts, replies, quotes, reposts and likes when (timeline.make_timeline; docs/timeline.md).

    Writes DIR/accounts.parquet, events.parquet (posts, replies, quotes: parent_id, root_id, depth,
    created_at), interactions.parquet (likes, reposts), follows.parquet (edges with created_at)
    and timeline.json (settings, counts, conversation measures).
    """
    from .timeline import TimelineConfig, make_timeline

    cfg = TimelineConfig(start=start, days=days, platforms=platforms, posts_per_day=posts_per_day)
    with _status("simulating the timeline..."):
        summary = make_timeline(world, out, cfg, seed, real_threads)
    c = summary["counts"]
    err.print(
        f"{c.get('post', 0):,} posts, {c.get('reply', 0):,} replies, {c.get('quote', 0):,} quotes, "
        f"{c.get('likes', 0):,} likes, {c.get('reposts', 0):,} reposts by {c['users']:,} users; wrote {out}"
    )
    for k, row in summary.get("compared_with", {}).get("headline", {}).items():
        off = "" if row["within"] else "  (off by more than 1.5x)"
        err.print(f"{k}: {row['synthetic']:.3g} (real {row['real']:.3g}){off}")


@app.command()
def calibrate(
    reference: Reference = "bluesky",
    nodes: Int("--nodes", 10, "N", "Users per evaluated world (the paper: 1,000).", short="-n", maximum=10**12) = 1000,
    method: Text(
        "--method",
        metavar="grid|optuna|multifidelity",
        help="The paper's grid; seeded TPE (optuna); or TPE at N/10, the best tenth promoted to N and refined.",
    ) = "grid",
    space: OptText(
        "--space",
        metavar="paper|extended",
        help="Searches: the grid's values, or wider ranges and more knobs (default: extended for a graph reference).",
    ) = None,
    budget: OptInt(
        "--budget",
        1,
        "K",
        "Evaluations (default: the whole grid; optuna 100; multifidelity 100 at N/10).",
        maximum=MAX_BUDGET,
    ) = None,
    profile: Text(
        "--profile", metavar="NAME", help="Settings each point starts from, at its size: paper (default) or bluesky."
    ) = "paper",
    out: Out("Results directory (resumed when it holds results).") = Path("calibration"),
    config: OptPath("--config", "-c", help="Base configuration whose link hyperparameters are fitted.") = None,
    processes: OptInt(
        "--processes",
        1,
        "P",
        "Parallel processes for the grid (default: all cores).",
        short="-j",
        maximum=MAX_PROCESSES,
    ) = None,
    directed: Directed = None,
    seed: Seed = 0,
    no_validate: Flag("--no-validate", "Skip the check of the best point at 10x the size.") = False,
    replicates: Int(
        "--replicates", 1, "R", "Worlds per point (seeds S..S+R-1), metrics averaged.", maximum=MAX_REPLICATES
    ) = 1,
    rank_by: OptText(
        "--rank-by", metavar="minmax|fixed", help="NED that picks the best point (default: by method)."
    ) = None,
) -> None:
    """Fit the link hyperparameters to a reference (calibrate.calibrate; paper, section IV-B).

    Writes DIR/results.jsonl (every evaluation, resumable), DIR/top.md (Table III style),
    DIR/best_config.json (for generate --config) and DIR/summary.json.
    """
    from .calibrate import calibrate as run
    from .config import GeneratorConfig

    base = GeneratorConfig.from_file(config) if config is not None else None
    with _progress() as bar:
        task = bar.add_task(f"{method} search", total=None)
        summary = run(
            reference,
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
            directed=directed,
            profile=profile,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    b = summary["best"]
    err.print(
        f"{summary['evaluations']} evaluations; best NED {b['ned']:.3f} (fixed scale {b['ned_fixed']:.3f}): {b['key']}"
    )
    if "validation" in summary:
        v = summary["validation"]
        err.print(f"at {v['nodes']:,} users the best point scores fixed-scale NED {v['ned_fixed']:.3f}")
    err.print(f"wrote {out}/top.md, {out}/best_config.json, {out}/summary.json")


@app.command()
def ensemble(
    nodes: Nodes,
    seeds: Int("--seeds", 2, "K", "Worlds to generate (seeds first .. first + K - 1).", maximum=10_000) = 5,
    first_seed: Int("--first-seed", 0, "S", "Seed of the first world.", maximum=2**63 - 10_001) = 0,
    config: ConfigFile = None,
    profile: Profile = "bluesky",
    reference: Reference = "bluesky",
    level: Float("--level", 0.5, 0.999, "L", "Confidence level of the intervals.") = 0.95,
    as_json: AsJson = False,
) -> None:
    """Generate K worlds of one configuration and report every metric as a mean with a Student-t
    confidence interval (metrics.ensemble.ensemble; docs/evaluation.md)."""
    from .config import GeneratorConfig
    from .metrics.ensemble import ensemble as run
    from .profiles import check as check_profile

    cfg = GeneratorConfig.coerce(config).overrides() if config is not None else None
    with _progress() as bar:
        task = bar.add_task("worlds", total=seeds)
        result = run(
            nodes,
            list(range(first_seed, first_seed + seeds)),
            config=cfg,
            profile=check_profile(profile),
            reference=reference,
            level=level,
            progress=lambda done, total: bar.update(task, completed=done),
        )
    if as_json:
        from .metrics.result import to_json_ready

        result.pop("worlds_metrics")
        typer.echo(json.dumps(to_json_ready(result), indent=2))
        return
    from .report.text import print_ensemble

    print_ensemble(result, Console())


@app.command()
def benchmark(
    reference_graph: Annotated[
        Path, typer.Option("--reference-graph", metavar="PATH", help="The real graph to sample.")
    ],
    reference: OptText(
        "--reference", "-r", metavar="NAME|PATH", help="Profile to compare with (default: the graph's)."
    ) = None,
    config: OptPath("--config", "-c", help="Our generator's configuration (e.g. calibrate's best_config.json).") = None,
    sizes: Text("--sizes", metavar="LIST", help="Comma-separated sizes.") = "1000",
    runs: Int("--runs", 1, "R", "Runs per method and size (seeds 0..R-1).", maximum=10_000) = 10,
    methods: OptText("--methods", metavar="LIST", help="Subset of methods (default: all).") = None,
    out: Out("Results directory.") = Path("benchmark"),
    directed: Directed = None,
    ned_scope: Text("--ned-scope", metavar="all|size", help="Min-max NED over every graph, or per size.") = "all",
) -> None:
    """Compare our generator with graph samplers and classic generators (comparison.run_benchmark;
    paper, section IV-C). Writes DIR/benchmark.md, benchmark.json, figure2.png and figure3.png."""
    from .comparison import parse_sizes, run_benchmark
    from .config import GeneratorConfig

    cfg = GeneratorConfig.from_file(config) if config is not None else None
    only = [m.strip() for m in methods.split(",")] if methods else None
    with _progress() as bar:
        task = bar.add_task("benchmark", total=None)
        rows = run_benchmark(
            reference_graph,
            reference,
            parse_sizes(sizes),
            runs,
            out,
            config=cfg,
            only=only,
            ned_scope=ned_scope,
            directed=directed,
            progress=lambda msg: bar.update(task, description=msg[:40]),
        )
    best: dict[int, dict] = {}
    for r in rows:
        if r["size"] not in best or r["ned"] < best[r["size"]]["ned"]:
            best[r["size"]] = r
    for size, r in best.items():
        err.print(f"{size:,} nodes: closest to the reference is {r['method']} (NED {r['ned']:.3f})")
    err.print(f"wrote {out}/benchmark.md, benchmark.json, figure2.png, figure3.png")


@app.command("build-maps")
def build_maps(
    config: OptPath("--config", "-c", help="Config whose occupations and interests to order.") = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", parser=_dir("--out"), metavar="DIR", help="Default: the package's maps."),
    ] = None,
) -> None:
    """Rebuild the semantic maps (homophily.maps.build_maps; section III-B) with the embedded MiniLM
    model (the embed extra). Set homophily.maps_dir to DIR to use maps of your own vocabularies."""
    from .config import GeneratorConfig
    from .homophily.maps import build_maps as run

    cfg = GeneratorConfig.coerce(config)
    target = run(cfg.population.occupations, cfg.population.interests, out)
    err.print(f"wrote {target}/occupation_map.json and interest_map.json")


# --------------------------------------------------------------------------- entry point
def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if issubclass(category, DamagedFileWarning):
        print(f"synthsocial: warning: {printable(str(message), 4000)}", file=sys.stderr)
    else:
        warnings._showwarning_orig(message, category, filename, lineno, file, line)  # type: ignore[attr-defined]


NETWORKIT_INTERRUPT = "Received CTRL+C/SIGINT"  # networkit's algorithms turn an interrupt into this RuntimeError


def _end_now(code: int) -> None:
    """End the process at once, without finalizing the interpreter. An interrupt can arrive while native
    threads work on Python's arrays (scipy's k-d tree queries run in threads the main thread waits for): the
    interrupt leaves the wait, and the interpreter's finalization under those threads crashed the process with a
    segmentation fault (issue 32). Every ``finally`` and ``with`` block has run by now (locks released,
    temporary files removed); only the running threads are cut short."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) in a command. Not a KeyboardInterrupt, which typer turns into a silent exit code and
    which would end the process through the interpreter's finalization (see :func:`_end_now`)."""


def _interrupted(signum, frame) -> None:
    raise Interrupted


@contextlib.contextmanager
def _interrupts():
    """SIGINT raises :class:`Interrupted` for the block (where the process has not been told to ignore it)."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main_thread else signal.SIG_IGN
    if previous == signal.SIG_IGN or previous is None:
        yield
        return
    signal.signal(signal.SIGINT, _interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every anticipated error into one line."""
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings(), _interrupts():
            warnings.simplefilter("always", DamagedFileWarning)
            warnings.showwarning = _show_warning
            result = command.main(args=args or ["--help"], prog_name="synthsocial", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: missing or malformed options
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print(f"synthsocial: error: {printable(message, 4000)}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except SynthSocialError as exc:
        print(f"synthsocial: error: {printable(str(exc), 4000)}", file=sys.stderr)
        return exit_code(exc)
    except (Interrupted, KeyboardInterrupt, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and NETWORKIT_INTERRUPT not in str(exc):
            raise
        print("synthsocial: interrupted", file=sys.stderr)
        if argv is None:  # the command: its cleanup ran while the interrupt unwound; end before finalization
            _end_now(130)
        return 130
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
