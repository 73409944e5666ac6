"""Load our OASIS files with OASIS itself and dump what it holds (run by the Python of an
environment where camel-oasis is installed; it imports nothing of synthsocial).

    python _oasis_loader.py AGENTS.csv REDDIT.json OUT.json

The Twitter CSV goes through ``oasis.social_agent.agents_generator.generate_agents``, which signs
every agent up in a new OASIS platform database (SQLite, in a temporary directory removed after),
inserts its follows and its previous tweets and builds OASIS's agent graph; the Reddit JSON goes
through ``generate_reddit_agent_graph``. Agents get camel's stub model (no LLM is called). OUT.json
holds the database's user, follow and post rows, the agent graph's nodes and edges, and each
Reddit agent's profile as OASIS stored it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import tempfile


async def load(csv_path: str, reddit_path: str, work: str) -> dict:
    """What OASIS holds after loading both files (its database in ``work``)."""
    from camel.models import ModelFactory
    from camel.types import ModelPlatformType, ModelType
    from oasis.social_agent.agents_generator import generate_agents, generate_reddit_agent_graph
    from oasis.social_platform.channel import Channel
    from oasis.social_platform.platform import Platform

    model = ModelFactory.create(model_platform=ModelPlatformType.OPENAI, model_type=ModelType.STUB)
    db_path = os.path.join(work, "oasis_twitter.db")
    channel = Channel()
    platform = Platform(db_path, channel, recsys_type="twitter")
    graph = await generate_agents(csv_path, channel, model, start_time=0, recsys_type="twitter", twitter=platform)
    db = sqlite3.connect(db_path)
    users = db.execute(
        "SELECT user_id, agent_id, user_name, name, bio, num_followings, num_followers FROM user ORDER BY user_id"
    ).fetchall()
    follows = db.execute("SELECT follower_id, followee_id FROM follow ORDER BY follow_id").fetchall()
    posts = db.execute("SELECT user_id, content FROM post ORDER BY post_id").fetchall()
    db.close()
    reddit = await generate_reddit_agent_graph(reddit_path, model)
    agents = []
    for agent_id, agent in reddit.get_agents():
        info = agent.user_info
        other = info.profile["other_info"]
        agents.append(
            {
                "agent_id": agent_id,
                "name": info.name,
                "description": info.description,
                **{k: other.get(k) for k in ("user_profile", "age", "gender", "mbti", "country")},
            }
        )
    return {
        "oasis_version": _version("camel-oasis"),
        "camel_version": _version("camel-ai"),
        "twitter": {
            "users": users,
            "follows": follows,
            "posts": posts,
            "graph_nodes": graph.get_num_nodes(),
            "graph_edges": graph.get_edges(),
        },
        "reddit": {"agents": agents, "graph_nodes": reddit.get_num_nodes()},
    }


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def main() -> None:
    csv_path, reddit_path, out = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as work:
        data = asyncio.run(load(csv_path, reddit_path, work))
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
