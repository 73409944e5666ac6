"""Shared by the benchmarks: replace one marked section of docs/performance.md."""

from __future__ import annotations

from pathlib import Path


def write_section(path: str | Path, name: str, block: str, heading: str, append: bool = False) -> None:
    """Put ``block`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` (created under
    ``heading`` at the end of the file when missing); with ``append`` keep what was there."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    out = Path(path)
    text = out.read_text() if out.exists() else "# Performance\n"
    if start not in text or end not in text:
        text += f"\n{heading}\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    old, tail = rest.split(end, 1)
    body = (old.strip("\n") + "\n\n" if append and old.strip() else "") + block.rstrip("\n") + "\n"
    out.write_text(f"{head}{start}\n{body}{end}{tail}")
    print(f"wrote {out}")
