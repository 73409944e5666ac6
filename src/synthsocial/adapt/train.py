"""LoRA fine-tuning of the base model on the examples, resumable from a checkpoint.

* LoRA (peft) of rank ``rank`` on the attention and MLP projections of every layer; the base
  weights, the embedding and the output head (tied to the embedding) stay frozen.
* The loss is the cross-entropy of the next token over a **trimmed vocabulary**: the tokens of
  the corpus, the end-of-text token and ``negatives`` other tokens drawn with the seed. With the
  head frozen, restricting the softmax to these rows changes which tokens compete in the
  normalisation during training only; it is 4x faster than the full 262,144-token head (measured
  in docs/performance.md). The held-out loss is computed over the full vocabulary.
* Batches: each epoch a seeded permutation of the posts, grouped by length (chunks of 32
  batches sorted by length, so little padding), batches in seeded random order.
* AdamW, linear warm-up over the first 5% of steps, then linear decay to zero.
* A checkpoint (adapter weights, optimizer state, step, losses) is written atomically every
  ``checkpoint_every`` steps; a run started again with the same corpus and settings continues
  from it, and gives the same adapter as an uninterrupted run.
"""

from __future__ import annotations

import math
import time
import warnings
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_file
from ..progress import Progress, silent
from ..rng import Stream, draws
from .data import Example

TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def schedule(epoch_examples: int, batch_size: int, seed: int, epoch: int, lengths: np.ndarray) -> list[np.ndarray]:
    """The batches of one epoch (indices into the examples), as described in the module docstring."""
    rng = draws(seed, Stream.BATCHES, epoch)
    order = rng.permutation(epoch_examples)
    chunk = batch_size * 32
    batches = []
    for s in range(0, order.size, chunk):
        part = order[s : s + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, part.size, batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def plan_batches(lengths: np.ndarray, batch_size: int, seed: int, total_steps: int) -> list[np.ndarray]:
    """The batches of the whole run, epoch after epoch, cut at ``total_steps``."""
    out: list[np.ndarray] = []
    epoch = 0
    while len(out) < total_steps:
        out += schedule(lengths.size, batch_size, seed, epoch, lengths)
        epoch += 1
    return out[:total_steps]


def _pad(examples: list[Example], pad: int):
    import torch

    width = max(len(e.ids) for e in examples)
    ids = torch.full((len(examples), width), pad, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    for i, e in enumerate(examples):
        n = len(e.ids)
        ids[i, :n] = torch.tensor(e.ids)
        mask[i, :n] = 1
        labels[i, e.prompt : n] = ids[i, e.prompt : n]
    return ids, mask, labels


def _hidden(model, ids, mask):
    """Final hidden states of the (LoRA-wrapped) causal LM, before the output head."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inner.model(input_ids=ids, attention_mask=mask).last_hidden_state


def vocabulary(examples: list[Example], vocab_size: int, eos: int, negatives: int, seed: int) -> np.ndarray:
    """The trimmed vocabulary: every token of the examples, eos and ``negatives`` seeded others (ascending)."""
    seen = np.unique(np.fromiter((t for e in examples for t in e.ids), dtype=np.int64))
    others = np.setdiff1d(np.arange(vocab_size), seen)
    extra = draws(seed, Stream.NEGATIVES).choice(others, size=min(negatives, others.size), replace=False)
    return np.unique(np.concatenate([seen, extra, [eos]]))


def held_out_loss(model, examples: list[Example], pad: int, batch_size: int = 8) -> float | None:
    """Mean next-token cross-entropy (nats per token) of the held-out texts, over the full vocabulary
    (the output head applied to the positions that carry a loss only)."""
    import torch

    if not examples:
        return None
    embedding = model.get_input_embeddings().weight
    total, count = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(examples), batch_size):
            ids, mask, labels = _pad(examples[s : s + batch_size], pad)
            target = labels[:, 1:]
            keep = target != -100
            hidden, wanted = _hidden(model, ids, mask)[:, :-1][keep], target[keep]
            for c in range(0, wanted.numel(), 128):  # 128 positions x 262,144 logits: 134 MB at a time
                logits = hidden[c : c + 128] @ embedding.T
                total += float(torch.nn.functional.cross_entropy(logits, wanted[c : c + 128], reduction="sum"))
            count += int(keep.sum())
    return total / max(count, 1)


def lora(model, rank: int, alpha: float, seed: int):
    """The model wrapped with fresh LoRA weights (seeded)."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    cfg = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0, target_modules=list(TARGETS), bias="none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # peft asks transformers a deprecated question
        return get_peft_model(model, cfg)


def train(
    model,
    tokenizer,
    train_examples: list[Example],
    held_examples: list[Example],
    *,
    steps: int,
    batch_size: int,
    learning_rate: float,
    negatives: int,
    seed: int,
    checkpoint: Path,
    key: str,
    checkpoint_every: int,
    progress: Progress | None = None,
) -> dict:
    """Fine-tune the LoRA-wrapped ``model`` for ``steps`` steps; return losses and timings.

    ``checkpoint``: the checkpoint file, resumed when it holds the same ``key`` (corpus and
    settings); ``key`` is stored in it.
    """
    import torch

    report = progress or silent
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW(trainable.values(), lr=learning_rate, weight_decay=0.0)
    state = {"step": 0, "losses": [], "seconds": 0.0, "held_out_base": None}
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        if saved.get("key") == key:
            with torch.no_grad():
                for n, t in saved["weights"].items():
                    trainable[n].copy_(t)
            optimizer.load_state_dict(saved["optimizer"])
            state = saved["state"]
    resumed = state["step"]
    if state["held_out_base"] is None:
        with model.disable_adapter():
            state["held_out_base"] = held_out_loss(model, held_examples, pad)
    lengths = np.array([len(e.ids) for e in train_examples])
    batches = plan_batches(lengths, batch_size, seed, steps)
    vocab = vocabulary(train_examples + held_examples, model.config.vocab_size, tokenizer.eos_token_id, negatives, seed)
    rows = torch.from_numpy(vocab)
    remap = torch.full((model.config.vocab_size,), -100, dtype=torch.long)
    remap[rows] = torch.arange(rows.numel())
    embedding = model.get_input_embeddings().weight
    warmup = max(1, math.ceil(0.05 * steps))

    def save() -> None:
        blob = {
            "key": key,
            "weights": {n: p.detach().clone() for n, p in trainable.items()},
            "optimizer": optimizer.state_dict(),
            "state": state,
        }
        atomic_file(checkpoint, lambda tmp: torch.save(blob, tmp))

    # activations recomputed in the backward pass instead of kept: the peak memory of 40 steps fell
    # from 5.97 to 3.68 GB, a step of the longest batch took 1.33x as long (docs/performance.md)
    base = model.get_base_model()
    if hasattr(base, "activation_checkpointing_enable"):  # its name from transformers 5.x on
        base.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    else:
        base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.train()
    report("train", state["step"], steps, _loss(state["losses"][-1] if state["losses"] else None))
    started = time.perf_counter() - state["seconds"]
    for step in range(state["step"], steps):
        lr = learning_rate * min((step + 1) / warmup, max(0.0, (steps - step) / max(steps - warmup, 1)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        ids, mask, labels = _pad([train_examples[i] for i in batches[step]], pad)
        target = labels[:, 1:]
        keep = target != -100  # the head only where there is a loss: not on prefixes and padding
        logits = _hidden(model, ids, mask)[:, :-1][keep] @ embedding[rows].T
        loss = torch.nn.functional.cross_entropy(logits, remap[target[keep]])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        state["step"] = step + 1
        state["losses"].append(float(loss.detach()))
        state["seconds"] = time.perf_counter() - started
        report("train", step + 1, steps, _loss(state["losses"][-1]))
        if (step + 1) % checkpoint_every == 0 and step + 1 < steps:
            save()
    model.eval()
    save()
    return {
        "steps": steps,
        "resumed_at": resumed,
        "losses": state["losses"],
        "held_out_base": state["held_out_base"],
        "held_out": held_out_loss(model, held_examples, pad),
        "train_seconds": state["seconds"],
        "vocabulary": int(vocab.size),
    }


def _loss(value: float | None) -> str | None:
    """The note of a training step's progress: its loss."""
    return None if value is None else f"loss {value:.3f}"
