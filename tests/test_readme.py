"""Every Python block of the README runs, in order, as a reader would run them: in a folder that
holds the tutorial's world ``w`` (made here without the language model: its graph is what the
blocks read)."""

from __future__ import annotations

import re
from pathlib import Path

import synthsocial

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_examples():
    assert len(python_blocks()) >= 3


def test_every_python_block_of_the_readme_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    synthsocial.generate(2000, seed=1).write("w")
    namespace: dict = {}
    for i, block in enumerate(python_blocks()):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 (report which block failed)
            raise AssertionError(
                f"README.md python block {i + 1} failed: {type(exc).__name__}: {exc}\n{block}"
            ) from exc
    out = capsys.readouterr().out
    assert "2,000 users" in out
