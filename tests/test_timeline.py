"""The living timeline (issue 17): accounts in time, the posting clock, reactions and threads, and
the fidelity of conversations against real threads."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet  # noqa: F401 (pa.parquet)
import pytest

import synthsocial
from synthsocial.errors import ConfigError
from synthsocial.io.readers import read_threads
from synthsocial.metrics.conversation import burstiness, compare, conversation, depths, roots
from synthsocial.timeline import TimelineConfig, simulate
from synthsocial.timeline.clock import post_times


@pytest.fixture(scope="module")
def world():
    return synthsocial.generate(3000, seed=4)


@pytest.fixture(scope="module")
def timeline(world):
    return simulate(world, TimelineConfig(days=5))


def _ints(col: pa.ChunkedArray) -> np.ndarray:
    return col.fill_null(-1).to_numpy()


def _secs(col: pa.ChunkedArray) -> np.ndarray:
    return col.cast(pa.int64()).to_numpy()


def test_same_seed_same_timeline_and_another_seed_another(world, timeline):
    again = simulate(world, TimelineConfig(days=5))
    assert again.events.equals(timeline.events) and again.interactions.equals(timeline.interactions)
    assert again.accounts.equals(timeline.accounts)
    assert np.array_equal(again.follow_created_at, timeline.follow_created_at)
    other = simulate(world, TimelineConfig(days=5), seed=99)
    assert not other.events.equals(timeline.events)


def test_accounts_and_follows_are_consistent_in_time(world, timeline):
    cfg = TimelineConfig(days=5)
    start = cfg.start_seconds()
    created = _secs(timeline.accounts["created_at"])
    assert created.size == world.n and (created < start).all()
    assert (start - created).max() <= cfg.age_max_days * 86_400 + 1
    src, dst = world.edges["source"].to_numpy(), world.edges["target"].to_numpy()
    t = timeline.follow_created_at
    assert (t >= np.maximum(created[src], created[dst])).all() and (t < start).all()
    # the most influential accounts are older than the rest
    infl = world.users["influence"].to_numpy()
    top = infl >= np.quantile(infl, 0.95)
    assert np.median(start - created[top]) > np.median(start - created[~top])
    act = timeline.accounts["activity"].to_numpy()
    assert abs(act.mean() - 1) < 0.15 and act.max() > 10 * np.median(act)  # lognormal, mean 1, heavy tail
    # each account's offset is its state's time zone on the first day (January: standard time)
    winter = {"America/New_York": "UTC-05:00", "America/Chicago": "UTC-06:00", "America/Denver": "UTC-07:00",
              "America/Phoenix": "UTC-07:00", "America/Los_Angeles": "UTC-08:00", "America/Anchorage": "UTC-09:00",
              "Pacific/Honolulu": "UTC-10:00", "America/Indiana/Indianapolis": "UTC-05:00",
              "America/North_Dakota/Center": "UTC-06:00"}  # fmt: skip
    zones = world.users["time_zone"].to_pylist()
    assert timeline.accounts["timezone"].to_pylist() == [winter[z] for z in zones]


def test_explicit_timezones_replace_the_users_own():
    w = synthsocial.generate(500, seed=2, profile="paper")  # no locations: the mix of ``timezones``
    assert "time_zone" not in w.users.column_names
    mix = set(simulate(w, TimelineConfig(days=1)).accounts["timezone"].to_pylist())
    assert mix <= {f"UTC{h}" for h in ("-08:00", "-06:00", "-05:00", "+00:00", "+01:00", "+05:30", "+09:00", "+10:00")}
    assert len(mix) >= 6
    surveyed = synthsocial.generate(500, seed=2)
    given = TimelineConfig(days=1, timezones=[(9.0, 1.0)])
    assert set(simulate(surveyed, given).accounts["timezone"].to_pylist()) == {"UTC+09:00"}


def test_daylight_saving_time_moves_the_clock_of_each_zone():
    from synthsocial.timeline.accounts import zone_offsets

    cfg = TimelineConfig(start="2025-03-03", days=14)  # US daylight saving time began on Sunday 9 March 2025
    off = zone_offsets(["America/New_York", "America/Phoenix"], cfg.start_seconds(), cfg.days)
    assert off.shape == (2, 15)
    assert (off[0, :6] == -5).all() and (off[0, 7:] == -4).all() and (off[1] == -7).all()
    # everyone posts at 12:00-13:00 local time: 17 UTC before the change in New York, 16 UTC after; 19 UTC in Phoenix
    hours = [0.0] * 24
    hours[12] = 1.0
    zone = np.array([0, 1])
    user, t = post_times(
        np.array([20.0, 20.0]), cfg.start_seconds(), cfg.days, zone, off,
        session_mean=1.0, session_gap=60.0, hour_profile=np.array(hours), weekly=np.ones(7),
        rng=np.random.default_rng(0),
    )  # fmt: skip
    utc_hour = (t % 86_400) // 3600
    day = (t - cfg.start_seconds()) // 86_400
    ny = user == 0
    assert set(utc_hour[ny & (day < 6)]) == {17} and set(utc_hour[ny & (day >= 7)]) == {16}
    assert set(utc_hour[~ny]) == {19}


def test_threads_are_well_formed(timeline):
    e = timeline.events
    kind = np.array(e["kind"].to_pylist())
    parent, root, depth = _ints(e["parent_id"]), _ints(e["root_id"]), e["depth"].to_numpy()
    t, user = _secs(e["created_at"]), e["user_id"].to_numpy()
    assert np.array_equal(e["event_id"].to_numpy(), np.arange(e.num_rows)) and (np.diff(t) >= 0).all()
    posts, replies, quotes = kind == "post", kind == "reply", kind == "quote"
    assert posts.sum() > 0 and replies.sum() > 0 and quotes.sum() > 0
    assert (parent[posts] == -1).all() and (root[posts] == np.flatnonzero(posts)).all()
    answered = parent[~posts]
    assert (answered >= 0).all() and (t[answered] < t[~posts]).all() and (user[answered] != user[~posts]).all()
    assert np.array_equal(root[replies], root[parent[replies]]) and (depth[replies] == depth[parent[replies]] + 1).all()
    assert (root[quotes] == np.flatnonzero(quotes)).all() and (depth[quotes] == 0).all()
    assert depth.max() >= 3  # conversations deeper than one level
    # cascades are unequal: a few threads hold many events
    size = np.bincount(root)
    assert size.max() >= 10 * np.median(size[size > 0])


def test_each_user_reacts_to_an_item_once_and_never_to_its_own(timeline):
    r = timeline.interactions
    assert r.num_rows > timeline.events.num_rows  # likes and reposts outnumber texts
    key = np.stack(
        [r["user_id"].to_numpy(), r["event_id"].to_numpy(), r["kind"].to_numpy(zero_copy_only=False) == "like"], 1
    )
    assert np.unique(key, axis=0).shape[0] == r.num_rows
    author = timeline.events["user_id"].to_numpy()[r["event_id"].to_numpy()]
    assert (author != r["user_id"].to_numpy()).all()
    t_event = _secs(timeline.events["created_at"])[r["event_id"].to_numpy()]
    assert (_secs(r["created_at"]) > t_event).all()


def test_the_clock_follows_the_local_hours_and_is_bursty():
    hours = np.ones(24)
    hours[2:6] = 0  # nobody posts from 2 to 6 am local time
    rng = np.random.default_rng(0)
    start = TimelineConfig().start_seconds()
    user, t = post_times(
        np.full(2000, 2.0), start, 14, np.zeros(2000, dtype=np.int64), np.array([[-5.0]]),
        session_mean=3.0, session_gap=120.0, hour_profile=hours, weekly=np.ones(7), rng=rng,
    )  # fmt: skip
    assert (np.diff(t) >= 0).all()
    order = np.lexsort((t, user))
    u, s = user[order], t[order]
    opens = np.r_[True, (u[1:] != u[:-1]) | (np.diff(s) > 3600)]  # an event an hour after the user's last
    local_hour = ((s[opens] - 5 * 3600) // 3600) % 24
    assert not np.isin(local_hour, [2, 3, 4, 5]).any()
    assert abs(user.size / (2000 * 2.0 * 14) - 1) < 0.1
    gaps = np.diff(s)[u[1:] == u[:-1]]
    assert burstiness(gaps.astype(float)) > 0.2  # a Poisson process would give about 0


def test_bad_settings_are_refused_in_one_line():
    for kwargs, fragment in (
        ({"days": 0}, "days = 0"),
        ({"days": -3.0}, "days = -3.0"),
        ({"start": "yesterday"}, "use a date as YYYY-MM-DD"),
        ({"hour_profile": [1.0] * 23}, "24 non-negative weights"),
        ({"react_p": 1.5}, "react_p = 1.5"),
    ):
        with pytest.raises(ConfigError, match=fragment) as exc:
            TimelineConfig(**kwargs)
        assert "\n" not in str(exc.value)


def test_conversation_measures_on_a_small_known_set():
    # 0 root; 1, 2 answer 0; 3 answers 1; 4 answers 3; 5 a lone post
    parent = np.array([-1, 0, 0, 1, 3, -1])
    user = np.array([1, 2, 3, 1, 2, 4])
    time = np.array([0, 60, 120, 180, 600, 3600 * 5])
    assert depths(parent).tolist() == [0, 1, 1, 2, 3, 0] and roots(parent).tolist() == [0, 0, 0, 0, 0, 5]
    s = conversation(user, parent, time)
    assert s["replies"] == 4 and s["share_replies_deeper_than_one"] == 0.5 and s["max_depth"] == 3
    assert s["reply_lag_quartiles_s"][1] == pytest.approx(np.median([60, 120, 120, 420]))
    assert s["thread_size_max"] == 5 and s["thread_size_median"] == 5
    assert s["hour_share"][5] == pytest.approx(1 / 6) and s["authors"] == 4


def test_pheme_threads_are_read_with_their_float_parents(tmp_path):
    csv = tmp_path / "p.csv"
    big = 580333314415919104
    csv.write_text(
        "thread,tweet_id,in_reply_tweet,user_id,created\n"
        f"{big},{big},,1,1427197000000\n"
        f"{big},{big + 7},{float(big)},2,1427197060000\n"
        f"{big},{big + 9},{float(big + 7)},3,1427197120000\n"
        f"{big},{big + 11},12345.0,4,1427197180000\n"
    )
    user, parent, t = read_threads(csv)
    assert user.tolist() == [1, 2, 3, 4] and t[1] - t[0] == 60
    # float(big + 7) == float(big) at this precision: the match is within the thread, first found
    assert parent[0] == -1 and parent[3] == 0 and (parent[1:3] >= 0).all()


def test_a_file_without_thread_columns_is_refused(tmp_path):
    from synthsocial.errors import InputError

    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a thread file: it needs the columns event_id"):
        read_threads(csv)


def test_against_the_pheme_threads(shared_data):
    real = read_threads(shared_data / "threads" / "twitter_pheme_germanwings-crash.csv")
    e = simulate(synthsocial.generate(10_000, seed=1), TimelineConfig()).events
    rows = compare((e["user_id"].to_numpy(), _ints(e["parent_id"]), _secs(e["created_at"])), real)
    for k in ("thread_posts_per_user_gini", "share_replies_deeper_than_one", "reply_lag_median_s"):
        assert rows[k]["within"], (k, rows[k])
    # the hour-of-day max / min of a news event's threads (about 100) is a burst in time, not a rhythm
    assert rows["hour_max_min_ratio"]["real"] > 50 and rows["hour_max_min_ratio"]["synthetic"] < 10


def test_cli_writes_a_timeline_and_refuses_bad_input_in_one_line(tmp_path, capsys):
    import json

    from synthsocial.cli import main

    assert main(["generate", "-n", "400", "-s", "2", "-o", str(tmp_path / "w")]) == 0
    assert main(["timeline", str(tmp_path / "w"), "-o", str(tmp_path / "t"), "--days", "2"]) == 0
    t = tmp_path / "t"
    summary = json.loads((t / "timeline.json").read_text())
    events = pa.parquet.read_table(t / "events.parquet")
    assert summary["counts"]["post"] == events["kind"].to_pylist().count("post") > 0
    assert (
        pa.parquet.read_table(t / "follows.parquet").num_rows
        == pa.parquet.read_table(tmp_path / "w" / "edges.parquet").num_rows
    )
    first = {f: (t / f).read_bytes() for f in ("events.parquet", "interactions.parquet", "accounts.parquet")}
    assert main(["timeline", str(tmp_path / "w"), "-o", str(tmp_path / "t2"), "--days", "2"]) == 0
    assert all((tmp_path / "t2" / f).read_bytes() == b for f, b in first.items())  # byte-identical
    capsys.readouterr()
    for args, fragment in (
        (["--days", "0"], "days = 0.0 is not accepted"),
        (["--start", "2025-13-01"], "use a date as YYYY-MM-DD"),
        (["--platforms", "myspace"], "platform 'myspace' is not accepted"),
    ):
        assert main(["timeline", str(tmp_path / "w"), "-o", str(tmp_path / "bad"), *args]) != 0
        err = capsys.readouterr().err.strip()
        assert fragment in err and len(err.splitlines()) == 1, err
        assert not (tmp_path / "bad").exists()


def test_coherence_tells_replies_that_answer_their_parent_from_chance():
    from synthsocial.metrics.conversation import coherence

    rng = np.random.default_rng(0)

    def unit(x):
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    parent, control = unit(rng.normal(size=(400, 32))), unit(rng.normal(size=(400, 32)))
    echo = coherence(unit(parent + 0.1 * rng.normal(size=parent.shape)), parent, control)
    assert echo["replies"] == 400 and echo["share_closer_to_parent"] > 0.95 and echo["z_vs_chance"] > 15
    assert echo["similarity_to_parent"] > echo["similarity_to_control"] + 0.5
    blind = coherence(unit(rng.normal(size=parent.shape)), parent, control)
    assert abs(blind["z_vs_chance"]) < 4  # unrelated replies: chance
    control[:100] = np.nan  # a reply without a control is left out
    assert coherence(unit(parent + 0.1 * rng.normal(size=parent.shape)), parent, control)["replies"] == 300
