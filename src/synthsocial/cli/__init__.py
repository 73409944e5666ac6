"""The ``synthsocial`` command: parse, call the library, print.

Every command is one call of a library function (named in its docstring). Its options are the
fields of its spec (synthsocial/specs), derived by cli/options.py; the command declares only its
own locations (what it reads, ``--out``) and how it prints. Errors are printed as one line on stderr
(``synthsocial: error: ...``), never a traceback, with one exit-code convention for every command
(errors.py, README "Exit codes"): 2 when the command line or a setting is wrong (usage errors,
ConfigError), 1 when the work could not be done (an input, the output, a lock held by another
process, a dependency or a server). A file that synthsocial wrote and that changed since is
reported as ``synthsocial: warning: ...``.
"""

from __future__ import annotations

import contextlib
import json
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

from .._version import __version__
from ..errors import DamagedFileWarning, SynthSocialError, exit_code, printable
from ..specs.adapt import AdaptSpec
from ..specs.calibrate import BenchmarkSpec, CalibrateSpec, EnsembleSpec, MapsSpec
from ..specs.evaluate import EvaluateSpec
from ..specs.export import ExportSpec
from ..specs.fidelity import FidelitySpec
from ..specs.generate import GenerateSpec
from ..specs.posts import PostsSpec
from ..specs.report import ReportSpec
from ..specs.timeline import TimelineSpec
from ..specs.world import WorldPlan
from .options import command, error_message, parse_dir

app = typer.Typer(
    name="synthsocial",
    help="Synthetic social-media worlds: users, a homophily follower graph, posts, measured against real data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True)


# --------------------------------------------------------------------------- a command's own options
def Out(help: str):  # noqa: N802
    """The ``--out`` / ``-o`` directory option type (``Path``); an empty value is refused before any work."""
    return Annotated[Path, typer.Option("--out", "-o", parser=parse_dir("--out"), metavar="DIR", help=help)]


def Flag(name: str, help: str):  # noqa: N802
    """A ``bool`` flag option type named ``name``."""
    return Annotated[bool, typer.Option(name, help=help)]


def OptOut(help: str):  # noqa: N802
    """The ``--out`` / ``-o`` option type of a command that has a default place to write (``Path | None``)."""
    return Annotated[Path | None, typer.Option("--out", "-o", parser=parse_dir("--out"), metavar="DIR", help=help)]


AsJson = Flag("--json", "Print JSON instead of tables.")


@contextlib.contextmanager
def _bars(log: str | None = None):
    """The one progress display: a bar per stage with its note (synthsocial.progress.Progress). With ``log``
    (a command's name) and stderr not a terminal, a log instead: a line per stage after the first, then one
    per 5% of a stage's steps with its note."""
    from rich.progress import TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    tasks: dict[str, int] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int | None = None, total: int | None = None, note: str | None = None) -> None:
        logging = log is not None and not err.is_terminal
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage[:40], total=total, note="")
            if logging and len(tasks) > 1:  # not the first (reading the input): an error there stays one line
                print(f"synthsocial {log}: {stage}", file=sys.stderr, flush=True)
        bar.update(tasks[stage], completed=done, total=total, note=note or "")
        if logging and note and done and total and done % max(1, total // 20) == 0:
            minutes = (time.perf_counter() - started) / 60
            print(
                f"synthsocial {log}: step {done}/{total} {note}, {minutes:.1f} min elapsed", file=sys.stderr, flush=True
            )

    with bar:
        yield progress


def _status(message: str):
    return err.status(message) if err.is_terminal else contextlib.nullcontext()


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
@command(
    app,
    GenerateSpec,
    out=Out("Output directory (new or empty)."),
    overwrite=(Flag("--overwrite", "Replace an output directory synthsocial wrote that holds nothing else."), False),
)
def generate(spec: GenerateSpec, out: Path, overwrite: bool) -> None:
    """Generate users and their follower graph (synthsocial.generate; paper, section III).

    Writes OUT/users.parquet, OUT/edges.parquet (source follows target) and OUT/manifest.json. The
    directory appears only when complete. With --engine dask the Parquet outputs are directories of
    one file per partition, with the same rows as the local engine's for the same seed and config.
    """
    from ..generation import generate as run

    started = time.perf_counter()
    with _bars() as progress:
        w = run(
            spec.nodes,
            spec.seed,
            spec.config,
            progress,
            engine=spec.engine.engine,
            out=out,
            overwrite=overwrite,
            formats=spec.formats,
            dask=spec.engine.dask(),
            profile=spec.profile,
        )
    m = w.manifest()["edges"]
    err.print(
        f"wrote {out}: {spec.nodes:,} users, {m:,} follow edges (avg out-degree {m / spec.nodes:.1f}, profile "
        f"{spec.profile}) in {time.perf_counter() - started:.1f} s"
    )


@command(
    app,
    EvaluateSpec,
    targets=Annotated[list[Path], typer.Argument(metavar="TARGET...", help="World directories or graph files.")],
    as_json=(AsJson, False),
)
def evaluate(spec: EvaluateSpec, targets: list[Path], as_json: bool) -> None:
    """Measure structure against a reference (metrics.targets.evaluate_paths; paper, section IV-A).

    Prints each metric with the reference value and relative error, both NEDs with each metric's
    share, reciprocity, degrees, assortativity and the homophily of communities. With several
    targets the min-max NED is taken over all of them (docs/evaluation.md).
    """
    from ..metrics.targets import evaluate_paths

    with _status("measuring structure..."):
        results = evaluate_paths(targets, spec.reference, spec, directed=spec.directed, streaming=spec.streaming)
    if as_json:
        payload = [r.to_dict() for r in results]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return
    from ..report.text import print_evaluation

    for r in results:
        print_evaluation(r, Console())


@command(app, WorldPlan, out=Out("World directory (a rerun brings it up to date)."))
def world(spec: WorldPlan, out: Path) -> None:
    """Make a whole world: generate -> evaluate -> timeline (with --timeline-days) -> posts ->
    fidelity (with --real-corpus) -> report (pipeline.build_world, a registry of the library
    functions the other commands call).

    stages.json records each stage's key and the hash of every output: a rerun skips what is
    current, repairs what changed and resumes an interrupted posts stage.
    """
    from ..errors import InputError
    from ..pipeline import build_world

    for name, path in (("--real-corpus", spec.real_corpus), ("--real-threads", spec.real_threads)):
        if path is not None and not Path(path).exists():
            raise InputError(f"{name} {path!r}: no such file or directory")
    started = time.perf_counter()
    with _bars() as progress:
        what = build_world(spec, out, progress)
    summary = ", ".join(f"{k} {v}" for k, v in what.items())
    err.print(
        f"{out}: {summary} ({time.perf_counter() - started:.1f} s)", soft_wrap=True, markup=False, highlight=False
    )


@command(
    app,
    ExportSpec,
    directory=Annotated[Path, typer.Argument(metavar="DIR", help="A world directory.")],
    out=(OptOut("Default: DIR."), None),
)
def export(spec: ExportSpec, directory: Path, out: Path | None) -> None:
    """Write a world for other tools (io.export.export): GraphML or GEXF with user attributes, the
    OASIS Twitter agent CSV or Reddit agent JSON, or JSON lines (docs/outputs.md)."""
    from ..io.export import export as run

    for path in run(directory, spec.to, out):
        err.print(f"wrote {path}")


@command(app, ReportSpec, directory=Annotated[Path, typer.Argument(metavar="DIR", help="A world directory.")])
def report(spec: ReportSpec, directory: Path) -> None:
    """Write DIR/report.html (self-contained), DIR/figures/*.png and DIR/metrics.json
    (report.html.build_report)."""
    from ..report.html import build_report

    with _status("measuring and drawing..."):
        path = build_report(directory, spec.reference, spec.seed, seeds=spec.seeds)
    err.print(f"wrote {path}")


@command(app, PostsSpec, world=Annotated[Path, typer.Argument(metavar="WORLD", help="A world directory.")])
def posts(spec: PostsSpec, world: Path) -> None:
    """Write posts for the users of WORLD (posts.pipeline.make_posts; Tari et al. 2025):
    WORLD/posts.parquet and WORLD/interactions.parquet. A rerun continues where the last one
    stopped."""
    from ..errors import InputError
    from ..posts.pipeline import make_posts

    if not (world / "users.parquet").is_file():
        raise InputError(
            f"{world}: no users.parquet; `synthsocial posts` needs a world written by `synthsocial generate`"
        )
    with _bars() as progress:
        s = make_posts(world, spec, progress=progress)
    if s["topics"]:
        err.print(f"{len(s['topics'])} topics: " + "; ".join(s["topics"]))
    rate = f", {s['posts_per_minute']:.0f} posts/min" if s["posts_per_minute"] else ""
    by_platform = ", ".join(f"{k} {v}" for k, v in s["by_platform"].items())
    err.print(
        f"wrote {world}/posts.parquet: {s['generated']} new posts, {s['failed']} failed, {s['skipped_existing']} "
        f"already there{rate}; {s['posts_total']} posts in all ({by_platform}); {s['interactions']} interactions"
    )


@command(
    app,
    AdaptSpec,
    out=Out("Adapter directory to write (a rerun resumes it)."),
    overwrite=(Flag("--overwrite", "Replace an adapter directory of another corpus or settings."), False),
)
def adapt(spec: AdaptSpec, out: Path, overwrite: bool) -> None:
    """Fit the embedded model to a corpus of real posts (adapt.adapt: LoRA, then posts --adapter
    OUT samples from it). A held-out share is kept aside and its loss reported; a rerun resumes
    from the last checkpoint."""
    from ..adapt import adapt as run

    with _bars(log="adapt") as progress:
        m = run(None, out, spec, overwrite=overwrite, progress=progress)
    h = m["held_out_loss"]
    resumed = f", resumed at step {m['resumed_at_step']}" if m["resumed_at_step"] else ""
    err.print(
        f"wrote {out}: {m['steps']} steps ({m['epochs']} epochs) on {m['corpus']['train']} posts{resumed} in "
        f"{m['seconds']['train']:.0f} s; held-out loss {h['base']} (base) -> {h['adapted']} (adapted) "
        f"on {m['corpus']['held_out']} posts"
    )


@command(
    app,
    FidelitySpec,
    synthetic=Annotated[Path, typer.Argument(metavar="SYNTHETIC", help="posts.parquet of a world, or a corpus file.")],
    as_json=(AsJson, False),
    save=(
        Annotated[
            Path | None,
            typer.Option("--save", parser=parse_dir("--save"), metavar="DIR", help="Write DIR/fidelity.json."),
        ],
        None,
    ),
)
def fidelity(spec: FidelitySpec, synthetic: Path, as_json: bool, save: Path | None) -> None:
    """Measure how close synthetic posts are to real ones (fidelity.measure_files): lexical,
    semantic, multi-platform, discriminator and memorization; for a timeline's posts, the
    conversations too (docs/fidelity.md, docs/timeline.md)."""
    from ..fidelity import measure_files
    from ..io.corpus import CorpusSource
    from ..io.ownership import check_output
    from ..report.html import save_fidelity

    syn = CorpusSource(
        path=str(synthetic), text_col=spec.text_col, platform_col=spec.platform_col, platform=spec.platform
    )
    real = CorpusSource(
        path=spec.real, text_col=spec.real_text_col, platform_col=spec.real_platform_col, platform=spec.real_platform
    )
    if save is not None:
        check_output(save, ("fidelity", "world"), option="--save")  # before the work; again when written
    with _status("measuring fidelity..."):
        result = measure_files(syn, real, semantic=spec.semantic, seed=spec.seed, real_threads=spec.real_threads)
    if save is not None:
        save_fidelity(result, save)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    from ..report.fidelity_text import print_fidelity

    print_fidelity(result.metrics, Console())


@command(
    app,
    TimelineSpec,
    world=Annotated[Path, typer.Argument(metavar="WORLD", help="A world directory (generate or world wrote it).")],
    out=(Out("Timeline directory (new or empty)."), Path("timeline")),
)
def timeline(spec: TimelineSpec, world: Path, out: Path) -> None:
    """Simulate who posts, replies, quotes, reposts and likes when (timeline.make_timeline; docs/timeline.md).

    Writes DIR/accounts.parquet, events.parquet (posts, replies, quotes: parent_id, root_id, depth,
    created_at), interactions.parquet (likes, reposts), follows.parquet (edges with created_at)
    and timeline.json (settings, counts, conversation measures).
    """
    from ..timeline import make_timeline

    with _status("simulating the timeline..."):
        summary = make_timeline(world, out, spec)
    c = summary["counts"]
    err.print(
        f"{c.get('post', 0):,} posts, {c.get('reply', 0):,} replies, {c.get('quote', 0):,} quotes, "
        f"{c.get('likes', 0):,} likes, {c.get('reposts', 0):,} reposts by {c['users']:,} users; wrote {out}"
    )
    for k, row in summary.get("compared_with", {}).get("headline", {}).items():
        off = "" if row["within"] else "  (off by more than 1.5x)"
        err.print(f"{k}: {row['synthetic']:.3g} (real {row['real']:.3g}){off}")


@command(app, CalibrateSpec, out=(Out("Results directory (resumed when it holds results)."), Path("calibration")))
def calibrate(spec: CalibrateSpec, out: Path) -> None:
    """Fit the link hyperparameters to a reference (calibrate.calibrate; paper, section IV-B).

    Writes DIR/results.jsonl (every evaluation, resumable), DIR/top.md (Table III style),
    DIR/best_config.json (for generate --config) and DIR/summary.json.
    """
    from ..calibrate import calibrate as run
    from ..config import GeneratorConfig

    with _bars() as progress:
        summary = run(
            spec.reference,
            spec.nodes,
            out,
            method=spec.method,
            budget=spec.budget,
            seed=spec.seed,
            processes=spec.processes,
            base=GeneratorConfig.coerce(spec.config) if spec.config else None,
            space=spec.space,
            validate=spec.validation,
            rank_by=spec.rank_by,
            replicates=spec.replicates,
            directed=spec.directed,
            profile=spec.profile,
            progress=progress,
        )
    b = summary["best"]
    err.print(
        f"{summary['evaluations']} evaluations; best NED {b['ned']:.3f} (fixed scale {b['ned_fixed']:.3f}): {b['key']}"
    )
    if "validation" in summary:
        v = summary["validation"]
        err.print(f"at {v['nodes']:,} users the best point scores fixed-scale NED {v['ned_fixed']:.3f}")
    err.print(f"wrote {out}/top.md, {out}/best_config.json, {out}/summary.json")


@command(app, EnsembleSpec, as_json=(AsJson, False))
def ensemble(spec: EnsembleSpec, as_json: bool) -> None:
    """Generate K worlds of one configuration and report every metric as a mean with a Student-t
    confidence interval (metrics.ensemble.ensemble; docs/evaluation.md)."""
    from ..metrics.ensemble import ensemble as run
    from ..profiles import check as check_profile

    with _bars() as progress:
        result = run(
            spec.nodes,
            list(range(spec.first_seed, spec.first_seed + spec.seeds)),
            config=spec.config or None,
            profile=check_profile(spec.profile),
            reference=spec.reference,
            level=spec.level,
            progress=progress,
        )
    if as_json:
        from ..metrics.result import to_json_ready

        result.pop("worlds_metrics")
        typer.echo(json.dumps(to_json_ready(result), indent=2))
        return
    from ..report.text import print_ensemble

    print_ensemble(result, Console())


@command(app, BenchmarkSpec, out=(Out("Results directory."), Path("benchmark")))
def benchmark(spec: BenchmarkSpec, out: Path) -> None:
    """Compare our generator with graph samplers and classic generators (comparison.run_benchmark;
    paper, section IV-C). Writes DIR/benchmark.md, benchmark.json, figure2.png and figure3.png."""
    from ..comparison import parse_sizes, run_benchmark
    from ..config import GeneratorConfig

    with _bars() as progress:
        rows = run_benchmark(
            spec.reference_graph,
            spec.reference,
            parse_sizes(spec.sizes),
            spec.runs,
            out,
            config=GeneratorConfig.coerce(spec.config) if spec.config else None,
            only=[m.strip() for m in spec.methods.split(",")] if spec.methods else None,
            ned_scope=spec.ned_scope,
            directed=spec.directed,
            progress=progress,
        )
    best: dict[int, dict] = {}
    for r in rows:
        if r["size"] not in best or r["ned"] < best[r["size"]]["ned"]:
            best[r["size"]] = r
    for size, r in best.items():
        err.print(f"{size:,} nodes: closest to the reference is {r['method']} (NED {r['ned']:.3f})")
    err.print(f"wrote {out}/benchmark.md, benchmark.json, figure2.png, figure3.png")


@command(app, MapsSpec, name="build-maps", out=(OptOut("Default: the package's maps."), None))
def build_maps(spec: MapsSpec, out: Path | None) -> None:
    """Rebuild the semantic maps (homophily.maps.build_maps; section III-B) with the embedded MiniLM
    model (the embed extra). Set homophily.maps_dir to DIR to use maps of your own vocabularies."""
    from ..config import GeneratorConfig
    from ..homophily.maps import build_maps as run

    cfg = GeneratorConfig.coerce(spec.config)
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
        print(f"synthsocial: error: {printable(error_message(exc), 4000)}", file=sys.stderr)
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
