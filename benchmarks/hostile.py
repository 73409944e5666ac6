"""The hostile sweep, in one command: every command tried as a hostile user would (issue 32).

    python benchmarks/hostile.py [--jobs 2] [--only generate,export] [--adapter DIR] [--keep]

Cases, per command: bad values of every numeric and text option; malformed config files; damaged,
truncated, foreign and phantom inputs; outputs that must not be written (foreign folders, files,
``.``, ``..``, home, symlinks, a full disk); a lock held by another process; kill -9 and SIGINT
in the middle of a run; determinism; secrets; HTML injection; and the 24 failures of the second
sweep. Every case must: exit with its expected code (0, 1 or 2), never with a signal; print no
traceback; when it fails, print exactly one ``synthsocial: error:`` line (warnings aside); and
leave nothing behind: no output that did not exist, no lock, temporary or old directory.
Cases that need the embedded model (the llm extra), an adapter (the adapt extra) or Dask are
counted as skipped when those are missing.

Prints tried / passed / failed / skipped per command, then each failure with its command line,
exit code and stderr; exits 1 if any case failed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from synthsocial.cli import app, main

EXE = str(Path(sys.executable).with_name("synthsocial"))
LOCK = ".synthsocial-lock"


@dataclass
class Case:
    """One hostile try: ``argv`` with {placeholders} (see Ctx.fill), the exit codes it may end with, a fragment
    its error line must hold, what to prepare and what to check after. ``process``: in its own process (a
    signal is seen as one); parse-level cases run in this one."""

    command: str
    name: str
    argv: list[str]
    expect: tuple[int, ...] = (2,)
    message: str | None = None
    setup: Callable[[Ctx], None] | None = None
    check: Callable[[Ctx, Result], str | None] | None = None
    process: bool = True
    needs: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    run: Callable[[Ctx, list[str]], Result] | None = None  # a custom run (signals, locks)


@dataclass
class Result:
    code: int
    stderr: str


class Ctx:
    """The directory of one case and its inputs, copied from the fixtures on first use."""

    def __init__(self, root: Path, fixtures: dict[str, Path]):
        self.dir = root
        self.fixtures = fixtures
        self.made: dict[str, Path] = {}
        self.argv: list[str] = []

    def get(self, name: str) -> Path:
        if name not in self.made:
            if name == "out":
                self.made[name] = self.dir / "out"
            elif name in self.fixtures:
                src = self.fixtures[name]
                dst = self.dir / src.name
                (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
                self.made[name] = dst
            else:
                raise KeyError(name)
        return self.made[name]

    def fill(self, argv: list[str]) -> list[str]:
        out = []
        for a in argv:
            while "{" in a and "}" in a[a.index("{") :]:
                i = a.index("{")
                j = a.index("}", i)
                a = a[:i] + str(self.get(a[i + 1 : j])) + a[j + 1 :]
            out.append(a)
        return out


# ------------------------------------------------------------------ running a case
def _subprocess(ctx: Ctx, argv: list[str], env: dict, cwd: Path | None = None, preexec=None) -> Result:
    """The installed command in its own session; after TIMEOUT s its whole process group is killed (a pool it
    started goes with it) and the case fails."""
    p = subprocess.Popen(
        [EXE, *argv], cwd=cwd or ctx.dir, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True, preexec_fn=preexec,
    )  # fmt: skip
    try:
        _, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return Result(124, f"timed out after {TIMEOUT} s")
    return Result(p.returncode, err)


TIMEOUT = 300


def _inprocess(ctx: Ctx, argv: list[str]) -> Result:
    buf = io.StringIO()
    cwd = os.getcwd()
    try:
        with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    except BaseException as exc:  # noqa: BLE001 what escapes main is the failure this sweep looks for
        code = 99
        buf.write(f"Traceback (escaped main): {type(exc).__name__}: {exc}\n")
    finally:
        os.chdir(cwd)
    return Result(code, buf.getvalue())


def leftovers(d: Path, before: set[str]) -> list[str]:
    """Locks, temporary and old directories under ``d``, and top-level names that were not there before."""
    found = []
    for p in d.rglob("*"):
        n = p.name
        if n.endswith(LOCK) or ".tmp-" in n or n.endswith(".tmp") or ".old-" in n:
            found.append(str(p.relative_to(d)))
    found += [p.name for p in d.iterdir() if p.name not in before]
    return sorted(set(found))


def judge(case: Case, ctx: Ctx, r: Result, before: set[str]) -> str | None:
    """Why the case failed, or None."""
    if r.code < 0:
        return f"killed by signal {-r.code}"
    if "Traceback" in r.stderr:
        return "traceback"
    if r.code not in case.expect:
        return f"exit {r.code}, expected {' or '.join(map(str, case.expect))}"
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    if r.code != 0:
        errors = [x for x in lines if not x.startswith("synthsocial: warning:")]
        first = "synthsocial: interrupted" if r.code == 130 else "synthsocial: error: "
        if len(errors) != 1 or not errors[0].startswith(first):
            return f"{len(errors)} error lines" if len(errors) != 1 else f"not {first!r}"
        if case.message and case.message not in errors[0]:
            return f"message without {case.message!r}"
    left = leftovers(ctx.dir, before)
    if r.code == 0:
        left = [x for x in left if x.endswith(LOCK) or ".tmp" in x or ".old-" in x]  # outputs are expected
    if left:
        return f"left behind: {', '.join(left[:4])}"
    if any(not c.isprintable() for x in lines for c in x):
        return "unprintable characters on stderr"
    return case.check(ctx, r) if case.check else None


def run_case(case: Case, root: Path, fixtures: dict[str, Path], missing: set[str]) -> tuple[Case, str, Result | None]:
    """("passed" | "skipped" | "failed: why", result)."""
    if need := [n for n in case.needs if n in missing]:
        return case, f"skipped ({need[0]})", None
    d = Path(tempfile.mkdtemp(prefix="case-", dir=root))
    ctx = Ctx(d, fixtures)
    try:
        if case.setup:
            case.setup(ctx)
        argv = ctx.argv = ctx.fill(case.argv)
        before = {p.name for p in d.iterdir()}
        if case.run:
            r = case.run(ctx, argv)
        elif case.process:
            r = _subprocess(ctx, argv, case.env)
        else:
            r = _inprocess(ctx, argv)
        why = judge(case, ctx, r, before)
        return case, "passed" if why is None else f"failed: {why}", r
    except Exception as exc:  # noqa: BLE001 a broken case is reported, not fatal
        return case, f"failed: the case itself raised {type(exc).__name__}: {exc}", None
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ------------------------------------------------------------------ fixtures
def build_fixtures(work: Path, adapter: str | None) -> tuple[dict[str, Path], set[str]]:
    f = work / "fixtures"
    if f.exists():
        shutil.rmtree(f)
    f.mkdir(parents=True)
    missing = set()
    subprocess.run([EXE, "generate", "-n", "300", "-s", "1", "-o", str(f / "world")], check=True, capture_output=True)
    subprocess.run([EXE, "generate", "-n", "100000", "-s", "1", "-o", str(f / "big")], check=True, capture_output=True)
    corpus = f / "corpus.csv"
    corpus.write_text("text,platform\n" + "".join(f"real post number {i} about rain,twitter\n" for i in range(60)))
    big = f / "big.csv"
    big.write_text("text,platform\n" + "word " * 200_000 + ",twitter\n" + corpus.read_text().split("\n", 1)[1])
    (f / "few.txt").write_text("".join(f"post {i}\n" for i in range(5)))
    (f / "threads.csv").write_text("event_id,parent_id,user_id,created_at\n1,,5,100\n2,1,6,160\n3,2,5,400\n")
    (f / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (f / "theirs").mkdir()
    (f / "theirs" / "thesis.tex").write_text("mine")
    (f / "file.txt").write_text("a file")
    for name, text in CONFIGS.items():
        (f / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    phantom = f / "phantom"
    shutil.copytree(f / "world", phantom)
    edges = pq.read_table(phantom / "edges.parquet")
    extra = pa.table(
        {"source": pa.array([0, 5], edges["source"].type), "target": pa.array([10**9, -5], edges["target"].type)}
    )
    pq.write_table(pa.concat_tables([edges, extra]), phantom / "edges.parquet")
    xss = f / "<script>alert(1)<"
    xss.mkdir()
    (xss / "g.txt").write_text("".join(f"{i} {(i * 7 + 1) % 60}\n{i} {(i + 1) % 60}\n" for i in range(60)))
    if importlib.util.find_spec("llama_cpp") is None:
        missing.add("llm")
    else:
        r = subprocess.run(
            [EXE, "world", "-n", "300", "--writers", "4", "--platforms", "twitter", "-o", str(f / "posted")],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            missing.add("llm")
    if adapter:
        shutil.copytree(adapter, f / "adapter")
    elif importlib.util.find_spec("peft") is not None and "llm" not in missing:
        r = subprocess.run(
            [EXE, "adapt", "--corpus", str(corpus), "--out", str(f / "adapter"), "--steps", "1", "--max-posts", "40"]
            + ["--batch-size", "4", "--max-tokens", "16", "--n-topics", "0"],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            missing.add("adapter")
    else:
        missing.add("adapter")
    if importlib.util.find_spec("dask") is None:
        missing.add("dask")
    return {p.name: p for p in f.iterdir()}, missing


CONFIGS = {
    "notoml.toml": "this is = = not toml",
    "unknown.toml": "[links]\nbogus = 1\n",
    "wrongtype.toml": '[links]\nalpha = "high"\n',
    "nan.json": '{"links": {"alpha": NaN}}',
    "deep.json": "[" * 50_000 + "]" * 50_000,
    "hugeint.json": '{"links": {"k_max": ' + "9" * 5000 + "}}",
    "list.json": "[1, 2, 3]",
    "binary.toml": b"\xff\xfe\x00\x01junk",
    "negative.toml": "[links]\nalpha = -1\n",
    "bool.toml": "[links]\nk_max = true\n",
    "config.yaml": "links: {alpha: 1}",
}


# ------------------------------------------------------------------ the cases
def numeric_options() -> dict[str, list[str]]:
    """{command: its options whose values are parsed as numbers} (the cli's _int and _float parsers)."""
    out: dict[str, list[str]] = {}
    for c in app.registered_commands:
        fn = c.callback
        for hint in typing.get_type_hints(fn, include_extras=True).values():
            for info in getattr(hint, "__metadata__", ()):
                parse = getattr(getattr(info, "parser", None), "__qualname__", "")
                if parse.startswith(("_int.", "_float.")) and isinstance(info.default, str):
                    out.setdefault(c.name or fn.__name__, []).append(info.default)
    return out


BASE = {  # a command line that works, for each command, before the option under test is added
    "generate": ["generate", "-n", "30", "-o", "{out}"],
    "world": ["world", "-n", "30", "-o", "{out}"],
    "evaluate": ["evaluate", "{world}"],
    "report": ["report", "{world}"],
    "posts": ["posts", "{world}"],
    "adapt": ["adapt", "--corpus", "{few.txt}", "-o", "{out}"],
    "fidelity": ["fidelity", "{corpus.csv}", "--real", "{corpus.csv}", "--no-semantic"],
    "timeline": ["timeline", "{world}", "-o", "{out}", "--days", "0.5"],
    "export": ["export", "{world}", "--to", "jsonl", "-o", "{out}"],
    "calibrate": ["calibrate", "-n", "30", "--budget", "1", "-o", "{out}"],
    "ensemble": ["ensemble", "-n", "30", "--seeds", "2"],
    "benchmark": ["benchmark", "--reference-graph", "{file.txt}", "-o", "{out}"],
    "build-maps": ["build-maps", "-o", "{out}"],
}
HUGE = "9" * 30
NUMERIC_BAD = ["abc", "", "nan", "inf", "1e999", HUGE, "0x10", " "]


def bad_value_cases() -> list[Case]:
    """Every numeric option of every command with values no numeric option accepts (parse-level)."""
    cases = []
    for command, names in numeric_options().items():
        for name in names:
            for v in NUMERIC_BAD:
                # refused by the option's own parser (in this process), or by the library's bound (its own process:
                # a bound that is missing would run the command)
                cases.append(
                    Case(command, f"{name} {v[:12]!r}", [*BASE[command], name, v], (2,), name, process=v == HUGE)
                )
    return cases


def config_cases() -> list[Case]:
    cases = []
    for command, base in (
        ("generate", BASE["generate"]),
        ("world", BASE["world"]),
        ("ensemble", BASE["ensemble"]),
        ("calibrate", BASE["calibrate"]),
    ):
        for name in CONFIGS:
            cases.append(
                Case(command, f"--config {name}", [*base, "--config", f"{{{name}}}"], (2,), name, process=False)
            )
        cases.append(Case(command, "--config missing", [*base, "--config", "{out}/none.toml"], (1, 2), "none.toml"))
        cases.append(Case(command, "--config a folder", [*base, "--config", "{theirs}"], (1, 2), "theirs"))
    return cases


def _damage(kind: str, name: str, where: str = "world") -> Callable[[Ctx], None]:
    def setup(ctx: Ctx) -> None:
        p = ctx.get(where) / name
        if kind == "truncated":
            os.truncate(p, min(p.stat().st_size // 2, 1000))
        elif kind == "garbage":
            p.write_bytes(os.urandom(2000))
        elif kind == "missing":
            p.unlink()
        elif kind == "folder":
            p.unlink()
            p.mkdir()
            (p / "x").write_bytes(b"x")
        elif kind == "empty":
            p.write_bytes(b"")

    return setup


def damaged_cases() -> list[Case]:
    cases = []
    readers = {
        "evaluate": ["evaluate", "{world}"],
        "export gexf": ["export", "{world}", "--to", "gexf", "-o", "{out}"],
        "export oasis": ["export", "{world}", "--to", "oasis", "-o", "{out}"],
        "export jsonl": ["export", "{world}", "--to", "jsonl", "-o", "{out}"],
        "export agentsociety": ["export", "{world}", "--to", "agentsociety", "-o", "{out}"],
        "report": ["report", "{world}"],
        "timeline": ["timeline", "{world}", "-o", "{out}", "--days", "0.5"],
        "posts": ["posts", "{world}", "--backend", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"],
    }
    for label, argv in readers.items():
        command = label.split()[0]
        for name in ("users.parquet", "edges.parquet"):
            for kind in ("truncated", "garbage", "missing", "folder", "empty"):
                cases.append(Case(command, f"{label}: {name} {kind}", argv, (1,), setup=_damage(kind, name)))
        cases.append(Case(command, f"{label}: phantom users", [a.replace("{world}", "{phantom}") for a in argv], (1,)))
    for kind in ("truncated", "garbage", "missing"):
        cases.append(
            Case(
                "evaluate",
                f"manifest.json {kind}",
                ["evaluate", "{world}", "--json"],
                (0,),
                setup=_damage(kind, "manifest.json"),
            )
        )
    return cases


def _foreign_intact(ctx: Ctx, r: Result) -> str | None:
    theirs = ctx.get("theirs")
    return None if (theirs / "thesis.tex").read_text() == "mine" and len(list(theirs.iterdir())) == 1 else "touched"


def ownership_cases() -> list[Case]:
    cases = []
    writers = {
        "generate": ["generate", "-n", "30", "-o", "{O}"],
        "generate --overwrite": ["generate", "-n", "30", "--overwrite", "-o", "{O}"],
        "world": ["world", "-n", "30", "-o", "{O}"],
        "timeline": ["timeline", "{world}", "--days", "0.5", "-o", "{O}"],
        "export": ["export", "{world}", "--to", "jsonl", "-o", "{O}"],
        "calibrate": ["calibrate", "-n", "30", "--budget", "1", "-o", "{O}"],
        "adapt": ["adapt", "--corpus", "{corpus.csv}", "-o", "{O}"],
        "fidelity --save": ["fidelity", "{corpus.csv}", "--real", "{corpus.csv}", "--no-semantic", "--save", "{O}"],
        "build-maps": ["build-maps", "-o", "{O}"],
    }
    for label, argv in writers.items():
        command = label.split()[0]
        for target, expect, check in (
            ("{theirs}", (1,), _foreign_intact),
            ("{file.txt}", (1,), None),
            ("{file.txt}/sub", (1,), None),
            ("/proc/synthsocial-hostile/out", (1,), None),
            ("", (2,), None),
        ):
            cases.append(
                Case(
                    command,
                    f"{label} into {target or 'an empty path'}",
                    [a.replace("{O}", target) for a in argv],
                    expect,
                    check=check,
                )
            )
    for where in (".", ".."):
        cases.append(
            Case(
                "generate", f"--overwrite {where}", ["generate", "-n", "30", "--overwrite", "-o", where], (1,),
                setup=lambda ctx: ctx.get("theirs"),
                run=lambda ctx, argv: _subprocess(ctx, argv, {}, cwd=ctx.get("theirs")), check=_foreign_intact,
            )
        )  # fmt: skip
    cases.append(
        Case("generate", "--overwrite a symlink to a foreign folder", ["generate", "-n", "30", "--overwrite", "-o", "{link}"],
             (1,), setup=_symlink, check=_foreign_intact)
    )  # fmt: skip
    return cases


def _symlink(ctx: Ctx) -> None:
    os.symlink(ctx.get("theirs"), ctx.dir / "link")
    ctx.made["link"] = ctx.dir / "link"


def _limit_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))


def _full_disk(ctx: Ctx, argv: list[str]) -> Result:
    return _subprocess(ctx, argv, {}, preexec=_limit_files)


HOLD = "import sys,time\nfrom synthsocial.io.lock import locked\nwith locked(sys.argv[1], write=sys.argv[2]=='w', command='x'):\n    print('held', flush=True); time.sleep(120)\n"


def _held(mode: str) -> Callable[[Ctx, list[str]], Result]:
    def run(ctx: Ctx, argv: list[str]) -> Result:
        p = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(ctx.get("world")), mode], stdout=subprocess.PIPE, text=True
        )
        try:
            assert p.stdout.readline().strip() == "held"
            return _subprocess(ctx, argv, {})
        finally:
            p.kill()
            p.wait()
            (ctx.dir / f".world{LOCK}").unlink(missing_ok=True)  # the killed holder's, not the case's

    return run


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal (a background job's SIGINT is ignored)


def _killed(sig: int, after: float, rerun: bool) -> Callable[[Ctx, list[str]], Result]:
    def run(ctx: Ctx, argv: list[str]) -> Result:
        p = subprocess.Popen(
            [EXE, *argv],
            cwd=ctx.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_sigint_default,
        )
        time.sleep(after)
        p.send_signal(sig)
        _, err = p.communicate(timeout=300)
        if sig == signal.SIGKILL:
            for lock in ctx.dir.glob(f".*{LOCK}"):
                lock.unlink()  # the killed process's own: the next run takes it; the check is of what it wrote
            if not rerun:
                return Result(0 if p.returncode == -9 else p.returncode, "")
            return _subprocess(ctx, argv, {})
        return Result(p.returncode, err)

    return run


def _identical(name: str) -> Callable[[Ctx, Result], str | None]:
    def check(ctx: Ctx, r: Result) -> str | None:
        argv = [a.replace(str(ctx.dir / "out"), str(ctx.dir / "again")) for a in ctx.argv]
        again = _subprocess(ctx, argv, {})
        if again.code != 0:
            return f"second run exit {again.code}"
        a, b = ctx.dir / "out" / name, ctx.dir / "again" / name
        return None if a.read_bytes() == b.read_bytes() else f"{name} differs between two runs"

    return check


def _no_secret(ctx: Ctx, r: Result) -> str | None:
    if "s3cret" in r.stderr or "sk-hostile" in r.stderr:
        return "a secret on stderr"
    for p in ctx.dir.rglob("*"):
        if p.is_file() and (b"s3cret" in p.read_bytes() or b"sk-hostile" in p.read_bytes()):
            return f"a secret in {p.name}"
    return None


def _no_script(ctx: Ctx, r: Result) -> str | None:
    html = (ctx.get("world") / "report.html").read_text()
    return "raw <script>alert in report.html" if "<script>alert" in html else None


def other_cases() -> list[Case]:
    big, posts_openai = "{big.csv}", ["--backend", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"]
    cases = [
        # locks
        *[
            Case(c, f"{c} while the world is being written", argv, (1,), "is being written", run=_held("w"))
            for c, argv in (
                ("evaluate", ["evaluate", "{world}"]),
                ("report", ["report", "{world}"]),
                ("export", ["export", "{world}", "--to", "jsonl"]),
                ("posts", ["posts", "{world}", *posts_openai]),
                ("generate", ["generate", "-n", "30", "--overwrite", "-o", "{world}"]),
            )
        ],
        Case("report", "report while the world is being read", ["report", "{world}"], (1,), run=_held("r")),
        # full disk
        Case("generate", "a full disk", ["generate", "-n", "5000", "-o", "{out}"], (1,), run=_full_disk),
        Case("export", "a full disk", ["export", "{world}", "--to", "gexf", "-o", "{out}"], (1,), run=_full_disk),
        # kill -9 and SIGINT: nothing half-written, a rerun works
        Case("generate", "kill -9, then a rerun", ["generate", "-n", "200000", "-o", "{out}"], (0,),
             run=_killed(signal.SIGKILL, 2.0, True)),
        Case("world", "SIGINT", ["world", "-n", "20000", "-o", "{out}"], (130,), run=_killed(signal.SIGINT, 3.0, False),
             needs=("llm",)),
        *[
            Case(c, f"SIGINT after {t} s", argv, (130,), run=_killed(signal.SIGINT, t, False))
            for c, argv in (("generate", ["generate", "-n", "200000", "-o", "{out}"]), ("evaluate", ["evaluate", "{big}"]))
            for t in (2.0, 3.0, 3.5, 4.0, 5.0, 7.0)
        ],
        # determinism
        Case("generate", "same seed twice", ["generate", "-n", "2000", "-s", "9", "-o", "{out}"], (0,),
             check=_identical("edges.parquet")),
        Case("timeline", "same seed twice", ["timeline", "{world}", "--days", "1", "-o", "{out}"], (0,),
             check=_identical("events.parquet")),
        # secrets
        Case("posts", "credentials in --base-url and the key variable", ["posts", "{world}", "--backend", "openai",
             "--model", "m", "--base-url", "http://user:s3cret@127.0.0.1:9/v1"], (1,), env={"OPENAI_API_KEY": "sk-hostile"},
             check=_no_secret),
        Case("world", "credentials in --base-url", ["world", "-n", "30", "-o", "{out}", "--backend", "openai", "--model",
             "m", "--base-url", "https://user:s3cret@127.0.0.1:9/v1"], (1,), env={"OPENAI_API_KEY": "sk-hostile"},
             check=_no_secret),
        # HTML injection: a reference whose path is markup
        Case("report", "a reference named <script>", ["report", "{world}", "--reference", "{<script>alert(1)<}/g.txt"],
             (0,), check=_no_script),
        # the second sweep's 24 failures (tests/test_hostile.py has one test each)
        Case("posts", "#1 truncated adapter", ["posts", "{world}", "--adapter", "{adapter}"], (1,), "adapter.gguf",
             setup=lambda ctx: os.truncate(ctx.get("adapter") / "adapter.gguf", 1000), needs=("adapter",)),
        Case("fidelity", "#2 a 1 MB post", ["fidelity", "{corpus.csv}", "--real", big, "--no-semantic"], (0,)),
        Case("posts", "#2 a 1 MB post", ["posts", "{world}", "--corpus", big, "--max-users", "2", "--platforms", "twitter"],
             (0,), needs=("llm",)),
        Case("adapt", "#2 a 1 MB post", ["adapt", "--corpus", big, "-o", "{out}", "--steps", "1", "--max-posts", "20",
             "--n-topics", "0", "--max-tokens", "8", "--batch-size", "2"], (0,), needs=("adapter",)),
        *[
            Case("export", f"#3 source {kind} users", ["export", "{world}", "--to", "gexf", "-o", "{out}/sub"], (1,),
                 setup=_damage(kind, "users.parquet"))
            for kind in ("truncated", "folder")
        ],
        Case("export", "#3 source being written", ["export", "{world}", "--to", "gexf", "-o", "{out}"], (1,), run=_held("w")),
        Case("world", "#4 damaged marker, rerun", ["world", "-n", "300", "--writers", "4", "--platforms", "twitter",
             "-o", "{posted}"], (0,), setup=lambda ctx: (ctx.get("posted") / ".synthsocial").write_text("junk"),
             check=lambda ctx, r: None if '"sha256"' in (ctx.get("posted") / ".synthsocial").read_text() else "hashes lost",
             needs=("llm",)),
        Case("posts", "#5 --max-texts without --timeline", ["posts", "{world}", "--max-texts", "5"], (2,), "--max-texts"),
        Case("world", "#5 --max-texts without --timeline-days", ["world", "-n", "30", "-o", "{out}", "--max-texts", "5"],
             (2,), "--max-texts"),
        Case("adapt", "#5 --platform-col and --platform", ["adapt", "--corpus", "{corpus.csv}", "-o", "{out}",
             "--platform-col", "platform", "--platform", "twitter"], (2,), "both given"),
        Case("fidelity", "#5 --platform myspace", ["fidelity", "{few.txt}", "--real", "{corpus.csv}", "--platform",
             "myspace"], (2,), "myspace"),
        Case("fidelity", "#6 --text-col bogus", ["fidelity", "{corpus.csv}", "--real", "{corpus.csv}", "--text-col",
             "bogus"], (2,), "bogus", process=False),
        *[
            Case("fidelity", f"#6 --real-text-col {v}", ["fidelity", "{corpus.csv}", "--real", "{corpus.csv}",
                 "--real-text-col", v], (2,), process=False)
            for v in ("bogus", "99", "-1")
        ],
        Case("posts", "#6 --model bogus", ["posts", "{world}", "--model", "bogus"], (2,), "bogus", process=False),
        Case("generate", "#6 --memory-limit ''", ["generate", "-n", "30", "-o", "{out}", "--engine", "dask",
             "--memory-limit", ""], (2,), "--memory-limit", needs=("dask",)),
        Case("generate", "#6 --scheduler 'not a url'", ["generate", "-n", "30", "-o", "{out}", "--engine", "dask",
             "--scheduler", "not a url"], (2,), "not a url", needs=("dask",)),
        Case("evaluate", "#6 --reference ''", ["evaluate", "{world}", "--reference", ""], (2,), "reference is empty"),
        *[
            Case("export", f"#7 phantom users, {fmt}", ["export", "{phantom}", "--to", fmt, "-o", "{out}"], (1,),
                 "outside 0..299")
            for fmt in ("gexf", "graphml", "jsonl", "oasis")
        ],
        Case("fidelity", "#8 a world as the synthetic posts", ["fidelity", "{world}", "--real", "{corpus.csv}"], (1,),
             "a world without posts"),
        Case("timeline", "#8 binary real threads", ["timeline", "{world}", "-o", "{out}", "--days", "0.5",
             "--real-threads", "{binary.bin}"], (1,)),
        Case("fidelity", "#8 --save into a foreign folder, at once", ["fidelity", "{corpus.csv}", "--real", "{corpus.csv}",
             "--save", "{theirs}"], (1,), "not written by synthsocial", check=_foreign_intact),
        Case("report", "#8 --seeds 100000", ["report", "{world}", "--seeds", "100000"], (2,), "--seeds"),
    ]  # fmt: skip
    return cases


def all_cases() -> list[Case]:
    return [*bad_value_cases(), *config_cases(), *damaged_cases(), *ownership_cases(), *other_cases()]


def main_(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/synthsocial-hostile")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once (each is one process)")
    ap.add_argument("--only", default=None, help="comma-separated commands")
    ap.add_argument("--adapter", default=None, help="an adapter directory to use instead of adapting one")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print("building the fixtures (a world, one with posts, an adapter) ...", flush=True)
    fixtures, missing = build_fixtures(work, args.adapter)
    cases = all_cases()
    if args.only:
        only = set(args.only.split(","))
        cases = [c for c in cases if c.command in only]
    inproc = [c for c in cases if not c.process and not c.run]
    separate = [c for c in cases if c.process or c.run]
    results = [run_case(c, work, fixtures, missing) for c in inproc]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results += list(pool.map(lambda c: run_case(c, work, fixtures, missing), separate))
    table: dict[str, Counter] = {}
    failures = []
    for case, verdict, r in results:
        row = table.setdefault(case.command, Counter())
        row["tried"] += 1
        row[verdict.split(":")[0].split(" ")[0]] += 1
        if verdict.startswith("failed"):
            failures.append((case, verdict, r))
    print(f"\n{'command':<12} {'tried':>6} {'passed':>7} {'failed':>7} {'skipped':>8}")
    total = Counter()
    for command in sorted(table):
        row = table[command]
        total.update(row)
        print(f"{command:<12} {row['tried']:>6} {row['passed']:>7} {row['failed']:>7} {row['skipped']:>8}")
    print(f"{'all':<12} {total['tried']:>6} {total['passed']:>7} {total['failed']:>7} {total['skipped']:>8}")
    if missing:
        print(f"skipped cases need: {', '.join(sorted(missing))}")
    for case, verdict, r in failures:
        print(f"\nFAILED {case.command}: {case.name}: {verdict}\n  argv: {case.argv}")
        if r is not None:
            print("  stderr: " + "\n          ".join(r.stderr.strip().splitlines()[-6:]))
    print(f"\n{len(results)} cases in {time.perf_counter() - started:.0f} s")
    if not args.keep:
        shutil.rmtree(work / "fixtures", ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main_())
