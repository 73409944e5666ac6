"""Several completions decoded together in one llama.cpp context (continuous batching).

Every running request is one sequence of a context whose KV cache holds them all; each
``llama_decode`` call evaluates the next token of every running sequence and the whole prompt of
every sequence that joins, so the weights (and the 262,144-row output head of Gemma 3) are read
once per step for all of them instead of once per sequence. A sequence that ends frees its slot
and its cells for the next request.

A sequence samples from its logits with the chain that ``create_completion`` builds in llama.cpp
(repetition penalties over the last 64 generated tokens, top-k, top-p, min-p, temperature,
a draw), written here in numpy: llama.cpp's own chain sorts the 262,144 candidates for top-p,
20 ms a token, as long as the decoding step of eight sequences (measured, docs/performance.md).
Only what a setting needs touches the whole vocabulary: its maximum, and a comparison with a
threshold (top-k selects among the tokens near the maximum, min-p keeps those above its bound, the
top-p mass is summed only when top-p is on). The draw is seeded with the request's seed, and the text is cut
as ``create_completion`` cuts it (end-of-generation token, the first stop string found,
``max_tokens``; an incomplete UTF-8 character is never cut). llama.cpp's arithmetic for one
sequence differs slightly with the batch around it (its kernels for one row and for several
differ), so a text depends on its request and on the requests decoded beside it: the same list
gives the same texts, not the texts of the one-at-a-time path.
"""

from __future__ import annotations

import ctypes
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .base import Request, Sampling

PENALTY_LAST_N = 64  # llama-cpp-python's last_n_tokens_size


def sample(logits: np.ndarray, recent: list[int], s: Sampling, rng: np.random.Generator) -> int:
    """One token drawn from ``logits`` (float32, the whole vocabulary) with the settings ``s``, in
    llama.cpp's order: penalties on the ``recent`` generated tokens, top-k, top-p (over the
    renormalised top-k mass), min-p, temperature, then a draw with ``rng``; temperature 0 is greedy."""
    if recent and (s.repeat_penalty != 1.0 or s.frequency_penalty or s.presence_penalty):
        ids, counts = np.unique(np.asarray(recent[-PENALTY_LAST_N:]), return_counts=True)
        v = logits[ids]
        v = np.where(v > 0, v / s.repeat_penalty, v * s.repeat_penalty)
        logits = logits.copy()
        logits[ids] = v - counts * s.frequency_penalty - s.presence_penalty
    if s.temperature == 0.0:
        return int(np.argmax(logits))
    top = float(logits.max())
    ids = _top_k(logits, s.top_k, top) if 0 < s.top_k < logits.size else None
    pool = logits if ids is None else logits[ids]
    if s.min_p > 0:  # min-p's set: a prefix of the sorted pool
        keep = np.flatnonzero(pool >= top + math.log(s.min_p))
        keep = keep[np.argsort(-pool[keep], kind="stable")]
    elif s.top_p < 1.0:
        keep = np.argsort(-pool, kind="stable")
    else:  # the whole pool: no order needed
        keep = np.arange(pool.size)
    if s.top_p < 1.0:
        z = float(np.exp(pool - top, dtype=np.float64).sum())  # top-p's mass is over the whole pool
        cum = np.cumsum(np.exp(pool[keep] - top, dtype=np.float64)) / z
        keep = keep[: int(np.searchsorted(cum, s.top_p)) + 1]  # the first prefix reaching top_p
    w = np.exp((pool[keep] - top) / s.temperature, dtype=np.float64)
    pick = keep[min(int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right")), keep.size - 1)]
    return int(pick if ids is None else ids[pick])


def _top_k(logits: np.ndarray, k: int, top: float) -> np.ndarray:
    """Indices of the ``k`` largest ``logits`` (whose maximum is ``top``), in no order: selected among
    the tokens within a few units of the maximum, widening until there are ``k`` of them (a
    selection over the whole vocabulary takes ~15 ms, a comparison ~0.2 ms)."""
    for gap in (8.0, 16.0, 32.0):
        near = np.flatnonzero(logits >= top - gap)
        if near.size >= k:
            break
    else:
        near = np.arange(logits.size)
    return near[np.argpartition(logits[near], -k)[-k:]] if near.size > k else near


@dataclass
class _Sequence:
    index: int
    slot: int
    prompt: list[int]
    max_tokens: int
    stop: list[bytes]
    sampling: Sampling
    rng: np.random.Generator
    cells: int
    pos: int = 0
    row: int = -1
    tokens: list[int] = field(default_factory=list)
    multibyte: int = 0


@dataclass
class _Prefix:
    slot: int
    tokens: list[int]
    used: int


def _common(a: list[int], b: list[int]) -> int:
    """Length of the common prefix of two token lists."""
    n = min(len(a), len(b))
    x, y = np.asarray(a[:n]), np.asarray(b[:n])
    diff = np.flatnonzero(x != y)
    return int(diff[0]) if diff.size else n


class BatchDecoder:
    """Continuous batching over ``slots`` sequences in a context of ``n_ctx`` cells, on the model
    (and LoRA adapter) of the llama-cpp-python ``Llama`` ``llm``.

    Prompts that begin alike are read once: within a call, the last ``prefixes`` prompts evaluated
    stay in the cache as sequences of their own (their cells shared, not copied: the cache is unified), and a
    new prompt sharing at least ``MIN_SHARED`` leading tokens with one of them starts from a copy
    of those cells and evaluates only the rest (a few-shot prompt's header and examples, an
    adapted reply's control line up to its parent). The least recently used entry gives its
    cells back when a sequence needs them. Requests run in the order of their prompts (texts
    return in the order asked), and a prompt that begins like one joining in the same step waits
    one step, to start from the cache."""

    MIN_SHARED = 16

    def __init__(self, llm, slots: int, n_ctx: int, prefixes: int = 16) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self.llm = llm
        self.slots = slots
        self.n_ctx = n_ctx
        params = type(llm.context_params).from_buffer_copy(llm.context_params)  # same threads, attention, types
        params.n_ctx = n_ctx
        params.n_batch = n_ctx
        params.n_seq_max = slots + prefixes
        params.kv_unified = True
        self.prefixes: list[_Prefix] = []
        self._prefix_slots = list(range(slots + prefixes - 1, slots - 1, -1))
        self._clock = 0
        self.shared_tokens = 0  # prompt tokens taken from the cache instead of evaluated (all calls)
        self.prompt_tokens = 0
        self.ctx = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        if llm._lora_adapter is not None:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(llm._lora_adapter)
            scales = (ctypes.c_float * 1)(llm.lora_scale)
            if llama_cpp.llama_set_adapters_lora(self.ctx.ctx, adapters, 1, scales):
                raise RuntimeError("llama.cpp refused the LoRA adapter for the batch context")
        self.batch = _internals.LlamaBatch(n_tokens=n_ctx, embd=0, n_seq_max=1, verbose=False)

    def close(self) -> None:
        """Free the context and the batch."""
        self.batch.close()
        self.ctx.close()

    def _prompt(self, text: str) -> list[int]:
        """The prompt's tokens as ``create_completion`` makes them (beginning-of-text token when the
        model adds one, special tokens parsed)."""
        llm = self.llm
        bos = [llm.token_bos()] if llm._model.add_bos_token() and llm.token_bos() != -1 else []
        return bos + llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _sequence(self, index: int, slot: int, r: Request, prompt: list[int]) -> _Sequence:
        s = r.sampling
        limit = self.llm.n_ctx()  # the one-at-a-time path caps max_tokens by its own context
        max_tokens = s.max_tokens if s.max_tokens + len(prompt) < limit else limit - len(prompt)
        cells = len(prompt) + max_tokens + 4  # + 4: tokens past an incomplete UTF-8 character
        stop = [x.encode() for x in r.stop]
        return _Sequence(index, slot, prompt, max_tokens, stop, s, np.random.default_rng(r.seed), cells)

    def generate(self, requests: list[Request]) -> list[str]:
        """Texts of the completion ``requests``, in order; a prompt that does not fit the
        one-at-a-time path's context gives "" (as there)."""
        lib, llm, b = self._lib, self.llm, self.batch.batch
        vocab, n_vocab = llm._model.vocab, llm.n_vocab()
        out = [""] * len(requests)
        prompts = [self._prompt(r.prompt or "") for r in requests]  # once, even for a request that waits
        while self.prefixes:  # each call starts from an empty cache: the same list, the same texts
            self._evict()
        # requests whose prompts begin alike run one after another (their texts still come back in
        # order), so the cache holds each beginning while it is needed
        queue = deque(sorted(range(len(requests)), key=lambda i: (prompts[i], i)))
        free = list(range(self.slots - 1, -1, -1))
        running: list[_Sequence] = []
        reserved = 0

        def add(token: int, pos: int, slot: int, logits: bool) -> None:
            i = b.n_tokens
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, 1, logits
            b.seq_id[i][0] = slot
            b.n_tokens = i + 1

        while queue or running:
            b.n_tokens = 0
            for seq in running:  # the token each running sequence sampled last
                seq.row = b.n_tokens
                add(seq.tokens[-1], seq.pos, seq.slot, True)
                seq.pos += 1
            joined = []
            while queue and free:
                prompt = prompts[queue[0]]
                if len(prompt) >= llm.n_ctx():
                    queue.popleft()  # does not fit: "" as the one-at-a-time path
                    continue
                seq = self._sequence(queue[0], free[-1], requests[queue[0]], prompt)
                while reserved + self._held() + seq.cells > self.n_ctx and self.prefixes:
                    self._evict()
                if reserved + seq.cells > self.n_ctx or b.n_tokens + len(prompt) > self.n_ctx:
                    if running or b.n_tokens:
                        break  # waits for cells
                    raise ValueError(f"a request needs {seq.cells} cells, the batch context has {self.n_ctx}")
                best, cached = self._best(prompt)
                if any(_common(j.prompt, prompt) >= self.MIN_SHARED + cached for j, _ in joined):
                    break  # begins like a prompt that joins in this step: next step, from the cache
                queue.popleft()
                free.pop()
                reserved += seq.cells
                start = self._reuse(seq, best, cached)
                for j in range(start, len(prompt)):
                    add(prompt[j], j, seq.slot, j == len(prompt) - 1)
                seq.pos, seq.row = len(prompt), b.n_tokens - 1
                running.append(seq)
                joined.append((seq, start))
            if lib.llama_decode(self.ctx.ctx, b) != 0:
                raise RuntimeError("llama_decode failed on a batch")
            for seq, start in joined:  # their prompts are in the cache now: keep the new ones
                if len(seq.prompt) - start >= self.MIN_SHARED:
                    self._keep(seq, reserved)
            still = []
            for seq in running:
                logits = np.ctypeslib.as_array(lib.llama_get_logits_ith(self.ctx.ctx, seq.row), shape=(n_vocab,))
                token = sample(logits, seq.tokens, seq.sampling, seq.rng)
                text = self._step(seq, token, lib.llama_vocab_is_eog(vocab, token))
                if text is None:
                    still.append(seq)
                    continue
                out[seq.index] = text.decode("utf-8", errors="ignore")
                lib.llama_memory_seq_rm(self.ctx.memory, seq.slot, -1, -1)
                free.append(seq.slot)
                reserved -= seq.cells
            running = still
        return out

    def _held(self) -> int:
        return sum(len(p.tokens) for p in self.prefixes)

    def _evict(self) -> None:
        """Give back the cells of the least recently used cached prompt."""
        old = min(self.prefixes, key=lambda p: p.used)
        self.prefixes.remove(old)
        self._lib.llama_memory_seq_rm(self.ctx.memory, old.slot, -1, -1)
        self._prefix_slots.append(old.slot)

    def _best(self, prompt: list[int]) -> tuple[_Prefix | None, int]:
        """The cached prompt sharing most leading tokens with ``prompt``, and how many (0: none)."""
        best, shared = None, 0
        for p in self.prefixes:
            n = _common(p.tokens, prompt)
            if n > shared:
                best, shared = p, n
        return best, shared

    def _reuse(self, seq: _Sequence, best: _Prefix | None, shared: int) -> int:
        """Copy into ``seq``'s slot the first ``shared`` cells of the cached prompt ``best`` (when at
        least MIN_SHARED; never the whole prompt: its last token is evaluated for its logits);
        return how many prompt tokens are already there."""
        self.prompt_tokens += len(seq.prompt)
        shared = min(shared, len(seq.prompt) - 1)
        if best is None or shared < self.MIN_SHARED:
            return 0
        self._clock += 1
        best.used = self._clock
        self._lib.llama_memory_seq_cp(self.ctx.memory, best.slot, seq.slot, 0, shared)
        self.shared_tokens += shared
        return shared

    def _keep(self, seq: _Sequence, reserved: int) -> None:
        """Cache ``seq``'s prompt (just evaluated) as a sequence of its own, evicting the least
        recently used entry when every cache slot is taken or its cells are needed."""
        if not self._prefix_slots and self.prefixes:
            self._evict()
        while self.prefixes and reserved + self._held() + len(seq.prompt) > self.n_ctx:
            self._evict()
        if not self._prefix_slots or reserved + self._held() + len(seq.prompt) > self.n_ctx:
            return
        self._clock += 1
        slot = self._prefix_slots.pop()
        self._lib.llama_memory_seq_cp(self.ctx.memory, seq.slot, slot, 0, len(seq.prompt))
        self.prefixes.append(_Prefix(slot, seq.prompt, self._clock))

    def _step(self, seq: _Sequence, token: int, eog: bool) -> bytes | None:
        """Take the sampled ``token``; the finished text, or None while the sequence goes on
        (create_completion's rules, in its order)."""
        detok = self.llm.detokenize
        if eog:
            return detok(seq.tokens, prev_tokens=seq.prompt)
        seq.tokens.append(token)
        text = detok(seq.tokens, prev_tokens=seq.prompt)
        for k, char in enumerate(text[-3:]):
            k = 3 - k
            for num, pattern in ((2, 192), (3, 224), (4, 240)):
                if num > k and pattern & char == pattern:
                    seq.multibyte = num - k
        if seq.multibyte > 0:  # an incomplete UTF-8 character: neither cut nor stopped
            seq.multibyte -= 1
            return None
        found = [s for s in seq.stop if s in text]
        if found:
            return text[: text.index(found[0])]
        if len(seq.tokens) >= seq.max_tokens:
            return text
        return None
