"""Any OpenAI-compatible HTTP endpoint (OpenAI, vLLM, Ollama, llama.cpp server).

Completions go to ``/completions`` (few-shot continuation) and chats to ``/chat/completions``.
The key is read only from an environment variable. Requests run concurrently; each is retried by
tenacity with exponential backoff (and the server's Retry-After) on timeouts, dropped
connections, 429, 5xx and malformed responses; other HTTP errors stop the run with a one-line
message.
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import tenacity

from ...errors import ConfigError
from .base import BackendError, Request

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class _Transient(Exception):
    """A failure worth retrying; ``retry_after``: the server's Retry-After, in seconds."""

    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after


def check_base_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; otherwise ConfigError naming it (redacted)."""
    try:
        u = httpx.URL(url)
        ok = u.scheme in ("http", "https") and bool(u.host)
    except (httpx.InvalidURL, TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(
            f"{{base_url}} {redact_url(url)!r} is not accepted: use an http:// or https:// URL with a host, "
            "for example http://localhost:8000/v1",
            base_url="posts.base_url",
        )
    return url


def redact_url(url: str | None) -> str | None:
    """``url`` with any user name and password replaced by ``***`` (for messages and records)."""
    if not url or "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rsplit('@', 1)[1]}{slash}{path}"


class OpenAIBackend:
    """A backend for the OpenAI-compatible server at ``base_url``; the API key is read from the environment variable
    ``api_key_env``. Up to ``concurrency`` requests run at once, each retried up to ``max_retries`` times; top_k and
    repeat_penalty are not sent."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        timeout: float = 60.0,
        max_retries: int = 5,
        backoff: float = 0.5,
        concurrency: int = 4,
    ) -> None:
        self.base_url = check_base_url(base_url).rstrip("/")
        self.shown_url = redact_url(self.base_url)  # what messages show: no credentials
        self.model = model
        self.key = os.environ.get(api_key_env)
        if self.key is None and "api.openai.com" in self.base_url:
            raise BackendError(
                f"no API key: set the environment variable {api_key_env} (the key is never read from the command line)"
            )
        self.key_env = api_key_env
        self.max_retries = max_retries
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        self.client = httpx.Client(timeout=timeout, headers=headers)
        self.retries = 0  # how many retries this backend made (reported in the run summary)

    def check(self) -> None:
        """Fail fast when the server cannot be reached at all."""
        try:
            self.client.get(f"{self.base_url}/models", timeout=10.0)
        except httpx.ConnectError as exc:
            raise BackendError(
                f"cannot reach {{base_url}} {self.shown_url}: {exc}", base_url="posts.base_url"
            ) from None
        except httpx.HTTPError:
            pass  # reachable; /models is optional on some servers

    def _payload(self, r: Request) -> tuple[str, dict]:
        s = r.sampling
        body = {
            "model": self.model,
            "max_tokens": s.max_tokens,
            "temperature": s.temperature,
            "top_p": s.top_p,
            "frequency_penalty": s.frequency_penalty,
            "presence_penalty": s.presence_penalty,
            "seed": r.seed,
        }
        if r.stop:
            body["stop"] = list(r.stop)
        if r.mode == "chat":
            body["messages"] = [{"role": role, "content": text} for role, text in r.messages]
            return "/chat/completions", body
        body["prompt"] = r.prompt
        return "/completions", body

    def _one(self, r: Request) -> str:
        """One request, retried (tenacity) with exponential backoff, seeded jitter and the server's
        Retry-After (at most 60 s) on timeouts, dropped connections, 408/409/425/429/5xx and
        malformed answers; 401/403 and other statuses stop at once."""
        path, body = self._payload(r)
        rng = random.Random(r.seed)

        def wait(state: tenacity.RetryCallState) -> float:
            jittered = self.backoff * 2 ** (state.attempt_number - 1) * (0.5 + rng.random())
            return max(jittered, state.outcome.exception().retry_after or 0.0)

        def count(state: tenacity.RetryCallState) -> None:
            self.retries += 1

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            wait=wait,
            before_sleep=count,
            reraise=True,
        )
        try:
            return retrying(self._post, path, body, r.mode)
        except _Transient as exc:
            raise BackendError(
                f"{self.shown_url}{path}: giving up after {self.max_retries + 1} attempts ({exc})"
            ) from None

    def _post(self, path: str, body: dict, mode: str) -> str:
        try:
            resp = self.client.post(self.base_url + path, json=body)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from None
        if resp.status_code == 200:
            try:
                choice = resp.json()["choices"][0]
                return (choice["message"]["content"] if mode == "chat" else choice["text"]) or ""
            except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
                raise _Transient(f"malformed response ({type(exc).__name__})") from None
        if resp.status_code in RETRYABLE_STATUS:
            after = resp.headers.get("retry-after")
            seconds = min(float(after), 60.0) if after and after.replace(".", "", 1).isdigit() else None
            raise _Transient(f"HTTP {resp.status_code}", retry_after=seconds)
        if resp.status_code in (401, 403):
            raise BackendError(
                f"the server at {self.shown_url} refused the request (HTTP {resp.status_code}); "
                f"set a valid key in the environment variable {self.key_env}"
            )
        raise BackendError(f"the server at {self.shown_url} answered HTTP {resp.status_code}: {resp.text[:200]!r}")

    def generate(self, requests: list[Request]) -> list[str]:
        """Texts for the requests, in order, sent concurrently (at most ``concurrency`` at once); raises BackendError
        when a request fails for good."""
        with ThreadPoolExecutor(min(self.concurrency, max(1, len(requests)))) as pool:
            return list(pool.map(self._one, requests))

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()
