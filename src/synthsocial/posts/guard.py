"""The memorization guard: a generated post that repeats a training post is rejected.

A post is rejected when it shares a word 8-gram with any training post (word tokens as in
``fidelity``'s memorization measure, so the guard and the measure agree), or when its MiniLM
embedding has cosine similarity >= ``SIMILARITY`` with a training post's: the threshold fidelity
already uses for an embedding near-duplicate. Measured on the shared corpora (docs/fidelity.md,
"Memorization guard"): it lies above the 99th percentile (0.93) of the similarity between a real
post and its nearest post in a disjoint half, and the 0.9% of real posts above it are copies.

The guard stores no text: 8-grams as 64-bit BLAKE2 hashes and the embeddings (float16), in
``guard.npz`` of the adapter directory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_file
from .postprocess import tokens

N = 8
SIMILARITY = 0.95


def _hashes(text: str) -> np.ndarray:
    ts = tokens(text)
    grams = {" ".join(ts[i : i + N]) for i in range(len(ts) - N + 1)}
    return np.array(
        sorted(int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams),
        dtype=np.uint64,
    )


class Guard:
    """Hashed 8-grams and embeddings of the training posts; :meth:`check` says why a post is rejected."""

    def __init__(self, grams: np.ndarray, embeddings: np.ndarray | None, threshold: float = SIMILARITY) -> None:
        self.grams = np.unique(grams.astype(np.uint64))
        self.embeddings = None if embeddings is None else embeddings.astype(np.float32)
        self.threshold = threshold

    @classmethod
    def build(cls, texts: list[str], embeddings: np.ndarray | None) -> Guard:
        """The guard of the training posts ``texts`` (and their unit-norm embeddings, if any)."""
        parts = [_hashes(t) for t in texts]
        grams = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
        return cls(grams, embeddings)

    def save(self, path: Path) -> None:
        """Write the guard as an .npz file (atomically)."""
        arrays = {"grams": self.grams}
        if self.embeddings is not None:
            arrays["embeddings"] = self.embeddings.astype(np.float16)

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, **arrays)

        atomic_file(path, write)

    @classmethod
    def load(cls, path: Path) -> Guard:
        """The guard saved at ``path``."""
        with np.load(path) as z:
            return cls(z["grams"], z["embeddings"] if "embeddings" in z.files else None)

    def shares_ngram(self, text: str) -> bool:
        """Whether ``text`` shares a word 8-gram with a training post."""
        h = _hashes(text)
        return bool(h.size and np.isin(h, self.grams, assume_unique=False).any())

    def check(self, texts: list[str], embeddings: np.ndarray | None = None) -> list[str | None]:
        """For each text, why it is rejected ("repeats a training post: ...") or None."""
        sims = None
        if embeddings is not None and self.embeddings is not None and self.embeddings.shape[0]:
            sims = np.max(embeddings.astype(np.float32) @ self.embeddings.T, axis=1)
        out = []
        for i, t in enumerate(texts):
            if self.shares_ngram(t):
                out.append("repeats a training post (a shared word 8-gram)")
            elif sims is not None and sims[i] >= self.threshold:
                out.append(f"repeats a training post (embedding similarity {sims[i]:.2f})")
            else:
                out.append(None)
        return out
