"""Load our agentsociety2 config with agentsociety2 itself and dump what it holds (run by the
Python of an environment where agentsociety2 is installed; it imports nothing of synthsocial).

    AGENTSOCIETY_LLM_API_KEY=dummy python _agentsociety_loader.py INIT_CONFIG.json OUT.json

The config goes through the code of agentsociety2's own experiment runner: ``_load_config``
(validation against its ``InitConfig``) and ``_create_env_modules`` (the registry's
``SocialMediaSpace`` built from the config's kwargs), then the environment's ``init``; its
``to_workspace`` then saves its state and ``restore`` reads that back into a second environment.
``ExperimentRunner.run`` is not called: it starts Ray and the LLM agents. No model is called and
no network is used (agentsociety2 only asks that an API key be set at import). OUT.json holds
every person (handle, bio, following list, follower, following and post counts), every post and
the restored copy's counts.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path


def _dump(env) -> dict:
    persons = {
        str(pid): {
            "id": p.id,
            "username": p.username,
            "bio": p.bio,
            "following": list(p.following),
            "followers_count": p.followers_count,
            "following_count": p.following_count,
            "posts_count": p.posts_count,
            "created_at": p.created_at.isoformat() if p.created_at else None,
        }
        for pid, p in sorted(env._persons.items())
    }
    posts = {
        str(pid): {"author_id": p.author_id, "content": p.content, "created_at": p.created_at.isoformat()}
        for pid, p in sorted(env._posts.items())
    }
    return {"persons": persons, "posts": posts}


async def load(config: str) -> dict:
    import agentsociety2
    from agentsociety2.contrib.env.social_media.social_media_space import SocialMediaSpace
    from agentsociety2.society.cli import ExperimentRunner

    with tempfile.TemporaryDirectory() as run_dir:
        runner = ExperimentRunner(Path(run_dir))
        cfg = runner._load_config(Path(config))
        kwargs = {m.module_type: m.kwargs for m in cfg.env_modules}
        (env,) = runner._create_env_modules(list(kwargs), kwargs)
    await env.init(datetime(2024, 1, 1))
    out = _dump(env)
    first = min(env._persons) if env._persons else None
    if first is not None:  # the environment's own feed for one user: posts of the users it follows
        feed = await env.refresh_feed(first, algorithm="chronological", limit=20)
        out["feed_of_first_user"] = {"user": first, "posts": [p["post_id"] for p in feed.posts]}
    with tempfile.TemporaryDirectory() as ws:
        await env.to_workspace(ws)
        again = SocialMediaSpace()
        await again.restore(ws)
        restored = _dump(again)
        await again.close()
    await env.close()
    import ray

    out["restored"] = {"persons": len(restored["persons"]), "posts": len(restored["posts"])}
    out["agents"] = len(cfg.agents)
    out["agentsociety2_version"] = agentsociety2.__version__
    out["ray_initialized"] = ray.is_initialized()
    return out


def main() -> None:
    config, target = sys.argv[1:3]
    data = asyncio.run(load(config))
    Path(target).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
