"""Language-model backends behind one interface (:class:`~.base.Backend`)."""

from .base import Backend, BackendError, Request, Sampling

__all__ = ["Backend", "BackendError", "Request", "Sampling", "make_backend"]


def make_backend(kind: str, model: str | None = None, **kw) -> Backend:
    """``embedded`` (offline, llama.cpp) or ``openai`` (any OpenAI-compatible server)."""
    if kind == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend(model or "gemma3-270m", threads=kw.get("threads"))
    if kind == "openai":
        from .openai import OpenAIBackend

        if not kw.get("base_url"):
            raise BackendError("the openai backend needs --base-url (for example http://localhost:8000/v1)")
        if not model:
            raise BackendError("the openai backend needs --model (the model name the server knows)")
        opts = {k: v for k, v in kw.items() if k in ("api_key_env", "timeout", "max_retries", "backoff", "concurrency") and v is not None}
        b = OpenAIBackend(kw["base_url"], model, **opts)
        b.check()
        return b
    raise BackendError(f"backend {kind!r} is not accepted: use embedded or openai")
