"""The adapter as a GGUF LoRA file that llama.cpp loads beside the base model (``lora_path``).

Layout (as llama.cpp's own converter writes it): ``general.type = "adapter"``, ``adapter.type =
"lora"``, ``adapter.lora.alpha``; for each adapted projection two float32 tensors
``blk.<layer>.<name>.weight.lora_a`` (rank x in) and ``.lora_b`` (out x rank), named as llama.cpp
names the Gemma 3 weights. llama.cpp scales the product by alpha / rank, as peft does. Checked in
tests/test_adapt.py: the change the adapter makes to the next-token logits is the same in
llama.cpp and in torch.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_file

NAMES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_PARAM = re.compile(r"layers\.(\d+)\.(.+)\.lora_([AB])(?:\.default)?\.weight$")


def tensors(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """GGUF tensor names and float32 arrays for peft LoRA weights ({parameter name: array})."""
    out = {}
    for name, value in sorted(weights.items()):
        m = _PARAM.search(name)
        if m is None or m[2] not in NAMES:
            continue
        out[f"blk.{m[1]}.{NAMES[m[2]]}.weight.lora_{m[3].lower()}"] = np.ascontiguousarray(value, dtype=np.float32)
    return out


def write(path: Path, weights: dict[str, np.ndarray], alpha: float, architecture: str = "gemma3") -> None:
    """Write the GGUF LoRA adapter file (atomically)."""
    import gguf

    named = tensors(weights)
    if not named:
        raise ValueError("no LoRA weights to write")

    def _write(tmp: Path) -> None:
        w = gguf.GGUFWriter(str(tmp), architecture)
        w.add_type("adapter")
        w.add_string("adapter.type", "lora")
        w.add_float32("adapter.lora.alpha", float(alpha))
        for name, value in named.items():
            w.add_tensor(name, value)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()

    atomic_file(path, _write)
