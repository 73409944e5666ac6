"""The adapter format: a directory written by ``synthsocial adapt`` (adapt/), read back here for
generation. It holds the LoRA for llama.cpp (adapter.gguf), the same for peft (peft/), the corpus
topics (topics.json), the memorization guard (guard.npz, guard.py) and a manifest; the control
prefix each post is written from is control.py. Every file generation reads is checked against
the hashes in the directory's marker, and the GGUF's header, before llama.cpp sees it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..io.native import check_gguf
from ..io.ownership import MARKER, changed, ownership

OUTPUTS = ["adapter.gguf", "peft", "topics.json", "guard.npz", "manifest.json"]
READ = ["adapter.gguf", "topics.json", "guard.npz", "manifest.json"]  # what generation reads, checked first


@dataclass(frozen=True)
class Adapter:
    """An adapter directory written by :func:`adapt`, read back for generation.

    Attributes
    ----------
    path : Path
        The directory.
    manifest : dict
        Its manifest.json.
    topics : list[dict]
        Its topics: ``label``, ``keywords``, ``size``, ``platforms`` ({platform: share}) and ``centroid``.
    """

    path: Path
    manifest: dict
    topics: list[dict]

    @classmethod
    def open(cls, path: str | Path) -> Adapter:
        """Read the adapter at ``path``; InputError naming what is missing when it is not one."""
        d = Path(path)
        if not d.is_dir():
            raise InputError(
                f"{{adapter}} {str(path)!r} is not a directory written by `synthsocial adapt`", adapter="posts.adapter"
            )
        owner = ownership(d)
        if owner is None or owner.kind != "adapter":
            raise InputError(
                f"{{adapter}} {str(path)!r} is not a directory written by `synthsocial adapt` (no adapter {MARKER})",
                adapter="posts.adapter",
            )
        missing = [n for n in OUTPUTS if not (d / n).exists()]
        if missing:
            raise InputError(
                f"{{adapter}} {str(path)!r} is incomplete (no {missing[0]}): run `synthsocial adapt` again",
                adapter="posts.adapter",
            )
        if bad := changed(d, READ):
            raise InputError(
                f"{{adapter}} {str(path)!r}: {bad[0]} differs from what `synthsocial adapt` wrote (its SHA-256 is not "
                f"the one in {MARKER}): it was damaged or edited; run `synthsocial adapt` again",
                adapter="posts.adapter",
            )
        check_gguf(d / "adapter.gguf", "adapter")
        try:
            manifest = json.loads((d / "manifest.json").read_text())
            topics = json.loads((d / "topics.json").read_text())
        except (OSError, ValueError) as exc:
            raise InputError(
                f"{{adapter}} {str(path)!r}: unreadable manifest or topics ({exc})", adapter="posts.adapter"
            ) from None
        if not (isinstance(manifest, dict) and isinstance(manifest.get("corpus"), dict) and isinstance(topics, list)):
            raise InputError(
                f"{{adapter}} {str(path)!r}: manifest.json or topics.json is not what `adapt` writes",
                adapter="posts.adapter",
            )
        return cls(d, manifest, topics)

    @property
    def gguf(self) -> Path:
        """The LoRA file for llama.cpp."""
        return self.path / "adapter.gguf"

    @property
    def platforms(self) -> list[str]:
        """The platforms of the training corpus."""
        return sorted(self.manifest["corpus"]["platforms"])

    def guard(self):
        """The memorization guard of the training posts."""
        from .guard import Guard

        return Guard.load(self.path / "guard.npz")
