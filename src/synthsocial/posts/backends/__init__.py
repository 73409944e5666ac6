"""Language-model backends behind one interface (:class:`~.base.Backend`)."""

from ...errors import ConfigError
from .base import Backend, BackendError, Request, Sampling

__all__ = ["Backend", "BackendError", "Request", "Sampling", "check_backend", "make_backend"]


def check_backend(kind: str, model: str | None = None, base_url: str | None = None) -> None:
    """Refuse a backend choice that cannot work, before any work starts (no model is loaded)."""
    if kind not in ("embedded", "openai"):
        raise ConfigError(f"{{backend}} {kind!r} is not accepted: use embedded or openai", backend="posts.backend")
    if kind == "embedded" and model is not None:
        from .embedded import MODELS

        if model not in MODELS:
            raise ConfigError(
                f"{{model}} {model!r} is not an embedded model: use {' or '.join(MODELS)}", model="posts.model"
            )
    if kind == "openai":
        from .openai import check_base_url

        if not base_url:
            raise ConfigError(
                "the openai backend needs {base_url} (for example http://localhost:8000/v1)", base_url="posts.base_url"
            )
        check_base_url(base_url)
        if not model:
            raise ConfigError("the openai backend needs {model} (the model name the server knows)", model="posts.model")


def make_backend(kind: str, model: str | None = None, **kw) -> Backend:
    """``embedded`` (offline, llama.cpp) or ``openai`` (any OpenAI-compatible server)."""
    check_backend(kind, model, kw.get("base_url"))
    if kind == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend(
            model or "gemma3-270m",
            threads=kw.get("threads"),
            lora_path=kw.get("lora_path"),
            parallel=kw.get("parallel") or 1,
        )
    from .openai import OpenAIBackend

    opts = {
        k: v
        for k, v in kw.items()
        if k in ("api_key_env", "timeout", "max_retries", "backoff", "concurrency") and v is not None
    }
    b = OpenAIBackend(kw["base_url"], model, **opts)
    b.check()
    return b
