"""Property-based tests (hypothesis) of the readers and the command line (issue 32, item 4).

The property, for any input: a reader returns its table or graph, or raises one of synthsocial's
errors with a one-line message; the command exits 0, 1 or 2, prints at most one line on stderr when
it fails and never a traceback, and leaves nothing in the output's parent unless it succeeded.
Inputs: random bytes, truncations of valid files, huge fields, wrong types and hostile strings
(control characters, other encodings). A native crash would end the test process. The number of
examples is bounded and the examples are the same on every run (``derandomize``), so CI is
repeatable and under two minutes; ``HYPOTHESIS_EXAMPLES=N`` searches N new random examples per test.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthsocial import generate
from synthsocial.cli import main
from synthsocial.config import GeneratorConfig
from synthsocial.errors import SynthSocialError
from synthsocial.io.corpus import CorpusSource, read_corpus
from synthsocial.io.readers import THREAD_COLUMNS, read_graph, read_threads

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0"))
PROPERTY = settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# hostile text: control characters, a NUL, surrogate-free unicode, a huge field
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.sampled_from(["", " ", "\0", "é", "\ufeff", "\x1b[31m", "a\nb", '"', "'", ",", "\t", "1e999", "nan", "-0"]),
    st.builds(lambda n: "x" * n, st.integers(131_000, 140_000)),
)
CELL = st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=True), TEXT, st.none(), st.booleans())


def _valid_files(tmp: Path) -> dict[str, bytes]:
    """Valid files of every format, whose truncations and mutations the properties read."""
    w = generate(30, seed=1)
    w.write(tmp / "w")
    out = {
        ".csv": b"text,platform\nhello world,twitter\nsecond post,reddit\n",
        ".tsv": b"text\tplatform\nhello world\ttwitter\n",
        ".json": json.dumps([{"text": "hi", "platform": "reddit"}]).encode(),
        ".jsonl": b'{"text": "hi", "platform": "reddit"}\n{"text": "yo", "platform": "x"}\n',
        ".txt": b"one post\nanother post\n",
        ".parquet": (tmp / "w" / "edges.parquet").read_bytes(),
        "edges.txt": b"# comment\n1 2\n2 3\n3 1\n",
        "follow.json": json.dumps({"labels": {"1": "a", "2": "b"}, "edges": [[1, 2], [2, 1]]}).encode(),
        "threads.csv": b"event_id,parent_id,user_id,created_at\n1,,5,100\n2,1,6,160\n",
    }
    import scipy.io

    scipy.io.savemat(tmp / "g.mat", {"A": np.eye(3)})
    out[".mat"] = (tmp / "g.mat").read_bytes()
    return out


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, bytes]:
    return _valid_files(tmp_path_factory.mktemp("valid"))


def content(valid: dict[str, bytes], key: str):
    """Random bytes, or a valid file truncated, with bytes flipped, or with a huge field inserted."""
    base = valid[key]
    return st.one_of(
        st.binary(max_size=300),
        st.integers(0, len(base)).map(lambda n: base[:n]),
        st.tuples(st.integers(0, len(base) - 1), st.binary(min_size=1, max_size=8)).map(
            lambda t: base[: t[0]] + t[1] + base[t[0] + len(t[1]) :]
        ),
        st.integers(0, len(base)).map(lambda n: base[:n] + b"y" * 140_000 + base[n:]),
    )


def holds(read, path: Path):
    """The readers' property: a result, or one of our errors in one line."""
    try:
        return read(path)
    except SynthSocialError as exc:
        assert "\n" not in str(exc) and str(exc).strip(), repr(exc)
        return None


# ------------------------------------------------------------------ readers
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".txt", ".parquet"])
def test_corpus_reader_never_raises_anything_else(valid, tmp_path, suffix):
    @PROPERTY
    @given(data=content(valid, suffix), text_col=st.one_of(st.none(), TEXT), platform_col=st.one_of(st.none(), TEXT))
    def check(data, text_col, platform_col):
        p = tmp_path / f"corpus{suffix}"
        p.write_bytes(data)
        holds(lambda q: read_corpus(q, text_col=text_col, platform_col=platform_col, platform=None), p)
        holds(lambda q: CorpusSource(path=str(q), text_col=text_col, platform="twitter").read(), p)

    check()


@pytest.mark.parametrize("key", ["edges.txt", ".csv", "follow.json", ".parquet", ".mat"])
def test_graph_reader_never_raises_anything_else(valid, tmp_path, key):
    suffix = {"edges.txt": ".txt", "follow.json": ".json"}.get(key, key)

    @PROPERTY
    @given(data=content(valid, key), directed=st.sampled_from([None, True, False]))
    def check(data, directed):
        p = tmp_path / f"graph{suffix}"
        p.write_bytes(data)
        g = holds(lambda q: read_graph(q, directed=directed), p)
        assert g is None or g.n >= 1

    check()


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


def test_follower_json_of_any_shape(tmp_path):
    @PROPERTY
    @given(
        doc=st.one_of(
            JSON,
            st.fixed_dictionaries(
                {"edges": st.lists(st.lists(CELL, max_size=3), max_size=5)}, optional={"labels": JSON}
            ),
        )
    )
    def check(doc):
        p = tmp_path / "f.json"
        p.write_text(json.dumps(doc))
        holds(read_graph, p)

    check()


def test_threads_csv_of_any_values(valid, tmp_path):
    columns = [*THREAD_COLUMNS, "thread", "tweet_id", "in_reply_tweet", "created", "extra"]

    @PROPERTY
    @given(
        header=st.lists(st.sampled_from(columns), min_size=1, max_size=8, unique=True),
        rows=st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=6),
        raw=content(valid, "threads.csv"),
        as_raw=st.booleans(),
    )
    def check(header, rows, raw, as_raw):
        p = tmp_path / "threads.csv"
        if as_raw:
            p.write_bytes(raw)
        else:
            lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
            p.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        holds(read_threads, p)

    check()


def test_threads_parquet_of_any_types(tmp_path):
    types = st.sampled_from([pa.int64(), pa.string(), pa.float64(), pa.timestamp("ms"), pa.bool_()])

    @PROPERTY
    @given(kinds=st.tuples(types, types, types, types), n=st.integers(0, 4), seed=st.integers(0, 2**16))
    def check(kinds, n, seed):
        rng = np.random.default_rng(seed)
        cols = {}
        for name, kind in zip(THREAD_COLUMNS, kinds):
            values = rng.integers(-5, 5, size=n).tolist()
            cols[name] = (
                pa.array([str(v) for v in values] if kind == pa.string() else values).cast(kind, safe=False)
                if kind != pa.bool_()
                else pa.array([v > 0 for v in values])
            )
        p = tmp_path / "t.parquet"
        pq.write_table(pa.table(cols), p)
        holds(read_threads, p)

    check()


CONFIG_KEYS = ["population", "homophily", "links", "seed", "nodes", "survey", "alpha", "age_bands", "weights"]


def test_config_files_of_any_content(tmp_path):
    table = st.recursive(
        st.one_of(st.booleans(), st.integers(-(2**70), 2**70), st.floats(), TEXT),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(CONFIG_KEYS) | TEXT, inner, max_size=4)
        ),
        max_leaves=15,
    )

    @PROPERTY
    @given(doc=table, raw=st.binary(max_size=200), suffix=st.sampled_from([".json", ".toml"]), as_raw=st.booleans())
    def check(doc, raw, suffix, as_raw):
        p = tmp_path / f"c{suffix}"
        if as_raw:
            p.write_bytes(raw)
        elif suffix == ".json":
            p.write_text(json.dumps(doc))
        else:
            p.write_text(_toml(doc), encoding="utf-8", errors="surrogatepass")
        holds(GeneratorConfig.from_file, p)

    check()


def _toml(doc) -> str:
    """A rough TOML rendering (often invalid on purpose: the reader must say so in one line)."""
    if not isinstance(doc, dict):
        return f"x = {json.dumps(doc)}\n"
    lines = []
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{kk} = {json.dumps(vv)}" for kk, vv in v.items()]
        else:
            lines.append(f"{k} = {json.dumps(v)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the command line
VALUES = st.one_of(
    st.sampled_from(["", " ", "-1", "0", "1", "2", "20", "1.5", "1e999", "nan", "inf", "-inf", "0x10", "abc"]),
    st.sampled_from(["99999999999999999999", "2025-01-06", "bluesky", "paper", "twitter", "x,reddit", "gexf"]),
    TEXT.filter(lambda s: len(s) < 200),
)
OPTIONS = {
    "generate": [
        "--nodes",
        "--seed",
        "--profile",
        "--format",
        "--engine",
        "--workers",
        "--partition-blocks",
        "--config",
    ],
    "evaluate": ["--reference", "--seed", "--aspl-sources", "--json", "--no-homophily", "--directed"],
    "export": ["--to"],
    "timeline": ["--start", "--days", "--platforms", "--posts-per-day", "--seed", "--real-threads"],
    "fidelity": ["--platform", "--text-col", "--real-text-col", "--real-platform", "--seed", "--json"],
    "posts": ["--platforms", "--strategy", "--max-users", "--temperature", "--max-texts", "--model", "--backend"],
    "adapt": ["--epochs", "--steps", "--rank", "--batch-size", "--platform", "--text-col", "--balance"],
    "report": ["--seeds", "--reference", "--seed"],
}
FLAGS = {"--json", "--no-homophily", "--directed"}


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli")
    generate(40, seed=2).write(d / "world")
    few = d / "few.txt"
    few.write_text("".join(f"post {i}\n" for i in range(5)))  # too few for adapt: it stops before the model
    return {"world": d / "world", "few": few, "root": d}


def _argv(command: str, places: dict[str, Path], out: Path, options: list[tuple[str, str]]) -> list[str]:
    w, few = str(places["world"]), str(places["few"])
    head = {
        "generate": ["generate", "--out", str(out)],
        "evaluate": ["evaluate", w],
        "export": ["export", w, "--out", str(out)],
        "timeline": ["timeline", w, "--out", str(out), "--days", "0.5"],
        "fidelity": ["fidelity", few, "--real", few, "--no-semantic"],
        "posts": ["posts", str(out)],  # not a world: the options are parsed, then the world is refused
        "adapt": ["adapt", "--corpus", few, "--out", str(out)],
        "report": ["report", str(out)],
    }[command]
    tail = []
    for name, value in options:
        if command == "generate" and name == "--nodes" and value.strip().isdigit() and int(value) > 50:
            value = "50"  # bounded work
        tail += [name] if name in FLAGS else [name, value]
    if command == "generate" and "--nodes" not in dict(options):
        tail += ["--nodes", "20"]
    return head + tail


@pytest.mark.parametrize("command", list(OPTIONS))
def test_command_line_of_any_values(places, command):
    @PROPERTY
    @given(options=st.lists(st.tuples(st.sampled_from(OPTIONS[command]), VALUES), max_size=4))
    def check(options):
        parent = Path(tempfile.mkdtemp(dir=places["root"]))
        try:
            out = parent / "out"
            argv = _argv(command, places, out, options)
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                code = main(argv)
            lines = stderr.getvalue().splitlines()
            assert code in (0, 1, 2), (argv, code, lines)
            assert "Traceback" not in stderr.getvalue(), (argv, lines)
            if code != 0:
                errors = [x for x in lines if not x.startswith("synthsocial: warning:")]
                assert len(errors) == 1 and errors[0].startswith("synthsocial: error: "), (argv, lines)
                assert list(parent.iterdir()) == [], (argv, sorted(p.name for p in parent.iterdir()))
        finally:
            shutil.rmtree(parent, ignore_errors=True)

    check()
