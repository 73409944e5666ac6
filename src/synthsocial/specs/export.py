"""The spec of ``export``: a world written for other tools (docs/outputs.md)."""

from __future__ import annotations

from typing import Literal

from .base import Spec, option

FORMATS = ("graphml", "gexf", "oasis", "oasis-reddit", "agentsociety", "jsonl")


class ExportSpec(Spec):
    """The format to write (``to``)."""

    stage = "export"

    to: Literal[FORMATS] = option(
        ...,
        "graphml, gexf (Gephi), oasis (OASIS Twitter CSV), oasis-reddit, agentsociety (agentsociety2 experiment "
        "config) or jsonl.",
        short="-t",
        metavar="FORMAT",
    )
