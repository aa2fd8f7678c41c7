"""Deterministic demo data: a social app's users and their activity across countries.

The data tells the story of the activity framework so every metric has something real
to find: evenings and weekends in local time are busy, retention decays after signup
and differs by country and channel, calls that connect within 600 ms last longer and
bring callers back the next day, HD live views last about 10% longer, some newcomers
start with the AI companion and move on to people.

Everything is drawn with numpy from one seed, vectorised over users, in fixed-size
chunks of users (the only Python loops run over chunks, days and countries), so the
same arguments always give the same table contents.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.config import get_settings
from assistant.errors import DataError, ParameterError
from assistant.store import contract, db, rollups

US_PER_S = 1_000_000
US_PER_DAY = 86_400 * US_PER_S
MINUTE_US = 60 * US_PER_S
CHUNK_USERS = 50_000  # part of the seed's meaning: changing it changes the data

# country: (share of users, retention factor, main language, market tier)
COUNTRIES: dict[str, tuple[float, float, str, str]] = {
    "BR": (0.12, 1.05, "pt", "mid"),
    "MX": (0.07, 1.00, "es", "mid"),
    "CO": (0.04, 0.95, "es", "mid"),
    "ID": (0.12, 1.10, "id", "mid"),
    "PH": (0.07, 1.05, "en", "mid"),
    "VN": (0.05, 0.95, "vi", "mid"),
    "TH": (0.04, 1.00, "th", "mid"),
    "IN": (0.10, 0.82, "hi", "low"),
    "PK": (0.04, 0.80, "ur", "low"),
    "SA": (0.05, 1.15, "ar", "gulf"),
    "AE": (0.03, 1.10, "ar", "gulf"),
    "EG": (0.05, 0.90, "ar", "mid"),
    "US": (0.07, 1.15, "en", "rich"),
    "GB": (0.03, 1.10, "en", "rich"),
    "DE": (0.02, 1.05, "de", "rich"),
    "TR": (0.04, 0.95, "tr", "mid"),
    "NG": (0.04, 0.72, "en", "low"),
    "JP": (0.03, 1.20, "ja", "rich"),
}
# tier: platform mix (ios, android, web), network mix (wifi, 5g, 4g, 3g, 2g), payer share
TIERS: dict[str, tuple[tuple[float, ...], tuple[float, ...], float]] = {
    "rich": ((0.55, 0.38, 0.07), (0.55, 0.20, 0.23, 0.02, 0.00), 0.10),
    "gulf": ((0.40, 0.55, 0.05), (0.45, 0.25, 0.27, 0.03, 0.00), 0.09),
    "mid": ((0.12, 0.83, 0.05), (0.33, 0.05, 0.45, 0.13, 0.04), 0.045),
    "low": ((0.07, 0.88, 0.05), (0.20, 0.02, 0.38, 0.26, 0.14), 0.025),
}
# Distance to media servers and last-mile quality: a connect-time factor per region.
REGION_CONNECT = {
    "NA": 0.9, "EU": 0.9, "EA": 0.85, "MENA": 1.0, "LATAM": 1.05, "SEA": 1.0,
    "SAS": 1.2, "SSA": 1.3, "OC": 0.9,
}
PLATFORMS = contract.PLATFORMS
NETWORKS = contract.NETWORKS
NET_CONNECT_MS = np.array([300.0, 280.0, 480.0, 1150.0, 2300.0])  # median connect time
NET_FAIL = np.array([0.02, 0.02, 0.03, 0.07, 0.12])  # share of calls never connected
NET_HD = np.array([0.80, 0.85, 0.60, 0.20, 0.05])  # chance a live view plays in HD
CHANNELS = contract.CHANNELS
CHANNEL_SHARE = np.array([0.35, 0.30, 0.10, 0.12, 0.13])
CHANNEL_RETENTION = np.array([1.10, 0.75, 1.00, 1.25, 0.90])
RESOLUTIONS = contract.RESOLUTIONS
KINDS = contract.CALL_KINDS
EVENTS = contract.EVENT_NAMES
MATCH, CHAT, MESSAGE, ROOM, LIVE, GIFT, FOLLOW, AI_CHAT = range(len(EVENTS))
WITH_PARTNER = (CHAT, MESSAGE, FOLLOW)
# event mix: ordinary user, live host (sends no gifts: they receive them), newcomer
# still talking only to the AI companion
EVENT_MIX = np.array([
    [0.30, 0.12, 0.24, 0.08, 0.00, 0.06, 0.07, 0.05],
    [0.30, 0.10, 0.20, 0.07, 0.18, 0.00, 0.06, 0.04],
    [0.35, 0.00, 0.00, 0.00, 0.00, 0.05, 0.00, 0.60],
])
PRICES = np.array([0.99, 4.99, 9.99, 19.99, 49.99])
PRICE_SHARE = np.array([0.38, 0.30, 0.17, 0.10, 0.05])
PRODUCTS = ("coins_60", "coins_330", "vip_month", "coins_1380", "coins_3600")
# Relative session starts by local hour 0..23: quiet nights, a lunch bump, evening peak.
HOUR_PROFILE = np.array([
    0.90, 0.50, 0.30, 0.18, 0.14, 0.15, 0.25, 0.40, 0.55, 0.60, 0.65, 0.75,
    0.95, 0.90, 0.75, 0.75, 0.85, 1.00, 1.30, 1.80, 2.30, 2.60, 2.40, 1.60,
])
WEEKEND_LIFT = 1.3  # Saturday and Sunday, local time

BASE_RETURN = 0.42  # chance of coming back on day 1 for an average user
RETENTION_DECAY = 0.25  # return chance on day N falls as N ** -decay ...
LIFETIME_DAYS = 30.0  # ... until the user leaves, after an exponential lifetime
LIFETIME_POWER = 1.5
ENGAGEMENT_SIGMA = 0.9
MAX_DAILY_RETURN = 0.95
PRE_WINDOW_SHARE = 0.3  # users who signed up before the generated period
PRE_WINDOW_DAYS = 120
AI_FIRST_SHARE = 0.2  # newcomers who talk to the AI companion before any person
AI_BRIDGE_SHARE = 0.3  # of them, those who turn to people within a few days
FRIEND_LINKS = 3  # mutual acquaintances per user: repeated partners make lasting ties
FRIEND_SHARE = 0.35  # share of social actions aimed at an acquaintance, not a stranger
HOST_SHARE = 0.03
ROOMS_PER_REGION = 200

# Next-day return factor and call-length factor by connect-time bucket:
# <= 600 ms, (600, 1000], (1000, 2000], > 2000 ms; never connected gets NEVER_RETURN.
CONNECT_EDGES = np.array([600.0, 1000.0, 2000.0])
CONNECT_RETURN = np.array([1.25, 1.05, 0.90, 0.75])
CONNECT_LENGTH = np.array([1.30, 1.10, 0.95, 0.75])
NEVER_RETURN = 0.7
HD_LIFT = 1.10


def generate(
    db_path: Path,
    *,
    users: int,
    days: int,
    end_date: date,
    seed: int,
    progress: bool = True,
) -> dict[str, int]:
    """Build a new demo database at `db_path`; return the row count of each table."""
    if users < 10:
        raise ParameterError(f"{users} users is too few.", hint="Use at least 10 users.")
    if days < 7:
        raise ParameterError(f"{days} days is too short.", hint="Use at least 7 days.")
    if seed < 0:
        raise ParameterError(f"Seed {seed} is negative.", hint="Use a seed of 0 or more.")
    db_path = Path(db_path)
    # Build beside the target and swap in whole, so a reader never sees half a file.
    tmp = db_path.with_name(db_path.name + ".new.tmp")
    _remove(tmp)
    world = _World(users=users, days=days, end_date=end_date, seed=seed)
    n_chunks = -(-users // CHUNK_USERS)
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description:<28}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
        console=console, disable=not (progress and console.is_terminal),
    )
    con = db.connect_write(tmp)
    con.execute("SET memory_limit = '1536MB'")  # large builds spill to disk, not swap
    try:
        with bar:
            task = bar.add_task("Building demo data", total=n_chunks + len(db.TABLES))
            counters = dict.fromkeys(("session", "call", "view", "payment"), 0)
            for lo in range(0, users, CHUNK_USERS):
                hi = min(users, lo + CHUNK_USERS)
                bar.update(task, description=f"Users {lo + 1:,}-{hi:,}")
                frames = _simulate_chunk(world, lo, hi, counters)
                _append(con, frames, first=lo == 0)
                bar.advance(task)
            for table in db.TABLES:
                bar.update(task, description=f"Writing {table}")
                con.execute(FINAL_SQL[table].format(**world.sql_lists()))
                bar.advance(task)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in db.TABLES}
        con.execute(
            "INSERT INTO load_log VALUES (?, ?, ?)",
            [
                datetime.now(UTC).replace(tzinfo=None),
                f"demo users={users} days={days} end_date={end_date} seed={seed}",
                sum(counts.values()),
            ],
        )
        # the rollups the metrics read, for the configured reporting zone
        rollups.rebuild(con, get_settings().report_timezone)
        con.execute("CHECKPOINT")
        con.close()
    except BaseException:
        con.close()
        _remove(tmp)
        raise
    _remove(db_path.with_name(db_path.name + ".wal"))  # a stale log would replay onto new data
    try:
        os.replace(tmp, db_path)
    except OSError as exc:
        _remove(tmp)
        raise DataError(
            f"Cannot replace {db_path}: {exc.strerror or exc}.",
            hint="Stop the app or other process using it, then try again.",
        ) from exc
    return counts


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


class _World:
    """Everything shared by all chunks: countries, calendars, users, links between users."""

    def __init__(self, *, users: int, days: int, end_date: date, seed: int) -> None:
        self.n_users = users
        self.days = days
        self.seed = seed
        self.first_day = end_date - timedelta(days=days - 1)
        self.start_us = _epoch_us(self.first_day)
        self.end_us = self.start_us + days * US_PER_DAY - 1  # last microsecond of end_date
        self._countries()
        self._calendar()
        self._users(np.random.default_rng([seed, 0]))

    def _countries(self) -> None:
        regions = {r["country"]: r for r in db.read_regions()}
        missing = sorted(set(COUNTRIES) - set(regions))
        if missing:
            raise DataError(
                f"Not ISO 3166-1 country codes: {', '.join(missing)}.",
                hint="Every demo country must be in data/regions.csv.",
            )
        self.codes = list(COUNTRIES)
        self.region_names = sorted({regions[c]["region"] for c in self.codes})
        self.timezones = [regions[c]["timezone"] for c in self.codes]
        self.languages = [COUNTRIES[c][2] for c in self.codes]
        share = np.array([COUNTRIES[c][0] for c in self.codes])
        self.country_share = share / share.sum()
        self.country_retention = np.array([COUNTRIES[c][1] for c in self.codes])
        self.country_region = np.array(
            [self.region_names.index(regions[c]["region"]) for c in self.codes]
        )
        tiers = [TIERS[COUNTRIES[c][3]] for c in self.codes]
        self.platform_cdf = _cdf(np.array([t[0] for t in tiers]))
        self.network_cdf = _cdf(np.array([t[1] for t in tiers]))
        self.payer_share = np.array([t[2] for t in tiers])
        self.connect_factor = np.array(
            [REGION_CONNECT[regions[c]["region"]] for c in self.codes]
        )

    def _calendar(self) -> None:
        """Hourly weights per (country, day, UTC hour) from local hour and local weekday."""
        n_c, d = len(self.codes), self.days
        utc = pd.date_range(pd.Timestamp(self.first_day, tz="UTC"), periods=d * 24, freq="h")
        weights = np.empty((n_c, d, 24))
        for i, tz in enumerate(self.timezones):
            local = utc.tz_convert(tz)
            lift = np.where(np.asarray(local.day_of_week) >= 5, WEEKEND_LIFT, 1.0)
            weights[i] = (HOUR_PROFILE[np.asarray(local.hour)] * lift).reshape(d, 24)
        # Busier local days draw more users back, in proportion to their hourly weight.
        self.day_factor = weights.sum(axis=2) / HOUR_PROFILE.sum()
        self.hour_cdf = _cdf(weights.reshape(n_c * d, 24))

    def _users(self, rng: np.random.Generator) -> None:
        n, d = self.n_users, self.days
        self.country = rng.choice(len(self.codes), n, p=self.country_share)
        self.region = self.country_region[self.country]
        self.platform = _pick(rng, self.platform_cdf, self.country)
        self.channel = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARE)
        self.english = rng.random(n) < 0.12  # some set the app to English anyway
        # Signup day: before the period, or inside it with steady growth.
        before = rng.random(n) < PRE_WINDOW_SHARE
        growth = 1.0 + 0.3 * np.arange(d) / d
        inside = rng.choice(d, n, p=growth / growth.sum())
        self.signup_day = np.where(before, -rng.integers(1, PRE_WINDOW_DAYS + 1, n), inside)
        self.ai_first = rng.random(n) < AI_FIRST_SHARE
        quality = (
            rng.lognormal(-ENGAGEMENT_SIGMA**2 / 2, ENGAGEMENT_SIGMA, n)
            * self.country_retention[self.country] * CHANNEL_RETENTION[self.channel]
            * np.where(self.ai_first, 1.1, 1.0)
        )
        self.return_base = BASE_RETURN * quality
        # Everyone leaves for good some day; better-engaged users stay much longer. This
        # is what keeps churned users out of MAU instead of dropping in now and then.
        self.lifetime = rng.exponential(LIFETIME_DAYS * quality**LIFETIME_POWER)
        # Days after signup until an AI-first newcomer first reaches out to a person.
        bridge = rng.random(n) < AI_BRIDGE_SHARE
        self.human_from = np.where(
            self.ai_first,
            np.where(bridge, rng.integers(1, 4, n), rng.integers(15, 91, n)),
            0,
        )
        self.session_rate = rng.gamma(2.0, 0.8, n)
        self.call_rate = rng.gamma(0.8, 0.4 / 0.8, n)
        self.payer = rng.random(n) < self.payer_share[self.country]
        self.host = rng.random(n) < HOST_SHARE
        self.host[:2] = True  # at least two hosts, so nobody has to watch themselves
        self.pre_signup_offset = rng.integers(0, US_PER_DAY, n)
        self._links(rng)

    def _links(self, rng: np.random.Generator) -> None:
        """Mutual acquaintances (random pairings within a region) and regional pools."""
        n = self.n_users
        order = np.lexsort((rng.random(n), self.region))
        self.by_region = order
        counts = np.bincount(self.region, minlength=len(self.region_names))
        self.region_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.region_count = counts
        self.friends = np.empty((FRIEND_LINKS, n), dtype=np.int64)
        for j in range(FRIEND_LINKS):
            order = np.lexsort((rng.random(n), self.region))
            pos = np.arange(n) - self.region_start[self.region[order]]
            size = self.region_count[self.region[order]]
            mate = pos ^ 1  # pair 0-1, 2-3, ... within each region: both see each other
            mate = np.where(mate < size, mate, np.maximum(pos - 1, 0))
            partner = order[self.region_start[self.region[order]] + mate]
            self.friends[j, order] = np.where(partner == order, (order + 1) % n, partner)
        hosts = np.flatnonzero(self.host)
        self.hosts = hosts[np.argsort(self.region[hosts], kind="stable")]
        self.host_count = np.bincount(self.region[hosts], minlength=len(self.region_names))
        self.host_start = np.concatenate([[0], np.cumsum(self.host_count)[:-1]])

    def partner(self, rng: np.random.Generator, user: np.ndarray) -> np.ndarray:
        """Someone for each user to talk to: an acquaintance, or a stranger nearby."""
        n = len(user)
        friend = self.friends[rng.integers(0, FRIEND_LINKS, n), user]
        r = self.region[user]
        stranger = self.by_region[self.region_start[r] + rng.integers(0, 2**62, n)
                                  % self.region_count[r]]
        stranger = np.where(stranger == user, (user + 1) % self.n_users, stranger)
        return np.where(rng.random(n) < FRIEND_SHARE, friend, stranger)

    def host_for(self, rng: np.random.Generator, user: np.ndarray) -> np.ndarray:
        """A live host in the viewer's region (any host where a region has none), never self."""
        r = self.region[user]
        draw = rng.integers(0, 2**62, len(user))
        pos = np.where(
            self.host_count[r] > 1,
            self.host_start[r] + draw % np.maximum(self.host_count[r], 1),
            draw % len(self.hosts),
        )
        host = self.hosts[pos]
        # A host drawn for themselves watches the next host in the list instead.
        return np.where(host == user, self.hosts[(pos + 1) % len(self.hosts)], host)

    def sql_lists(self) -> dict[str, str]:
        """Code -> label lists for the final SQL (DuckDB lists are 1-based)."""

        def lit(values: list[str] | tuple[str, ...]) -> str:
            return "[" + ", ".join(f"'{v}'" for v in values) + "]"

        return {
            "events": lit(EVENTS), "networks": lit(NETWORKS), "kinds": lit(KINDS),
            "resolutions": lit(RESOLUTIONS), "products": lit(PRODUCTS),
            "countries": lit(self.codes), "timezones": lit(self.timezones),
            "languages": lit(self.languages), "platforms": lit(PLATFORMS),
            "channels": lit(CHANNELS), "prices": "[" + ", ".join(map(str, PRICES)) + "]",
        }


def _epoch_us(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * US_PER_S


def _cdf(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative shares, the last column exactly 1."""
    cdf = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    return cdf


def _pick(rng: np.random.Generator, cdf: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category per row, drawn from its group's row of `cdf`.

    Shifting each group's cumulative shares by the group number makes one sorted
    array, so a single searchsorted serves every group at once.
    """
    k = cdf.shape[1]
    flat = (cdf + np.arange(cdf.shape[0])[:, None]).ravel()
    draw = rng.random(len(group)) + group
    return np.searchsorted(flat, draw, side="right") - group * k


def _within(rng: np.random.Generator, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """A moment inside each [start, start + length]."""
    return start + (rng.random(len(start)) * length).astype(np.int64)


def _segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parent rows with `counts` children: each child's parent and each parent's first child."""
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.repeat(np.arange(len(counts)), counts), first


def _simulate_chunk(
    w: _World, lo: int, hi: int, counters: dict[str, int]
) -> dict[str, dict[str, np.ndarray]]:
    """Users lo..hi-1: day-by-day returns and calls, then sessions, events, views, payments."""
    rng = np.random.default_rng([w.seed, 1, lo])
    n, d = hi - lo, w.days
    user = np.arange(lo, hi)
    country, signup = w.country[lo:hi], w.signup_day[lo:hi]
    human_from, lifetime = w.human_from[lo:hi], w.lifetime[lo:hi]
    ages = np.arange(d + PRE_WINDOW_DAYS + 1, dtype=float)
    curve = np.maximum(ages, 1.0) ** -RETENTION_DECAY

    # 1. Who comes back each day; calls made that day shape the next day's return.
    active = np.zeros((n, d), dtype=bool)
    boost = np.ones(n)
    call_parts: list[tuple[np.ndarray, ...]] = []
    for day in range(d):
        age = day - signup
        p = w.return_base[lo:hi] * curve[np.clip(age, 0, None)] * w.day_factor[country, day]
        p = np.minimum(p * boost, MAX_DAILY_RETURN)
        today = ((rng.random(n) < p) & (age > 0) & (age < lifetime)) | (age == 0)
        active[:, day] = today
        callers = np.flatnonzero(today & (age >= human_from))
        caller = np.repeat(callers, rng.poisson(w.call_rate[lo + callers]))
        network = _pick(rng, w.network_cdf, country[caller])
        connect_ms = np.round(
            NET_CONNECT_MS[network] * w.connect_factor[country[caller]]
            * rng.lognormal(0.0, 0.5, len(caller))
        )
        failed = rng.random(len(caller)) < NET_FAIL[network]
        bucket = np.searchsorted(CONNECT_EDGES, connect_ms, side="left")
        factor = np.where(failed, NEVER_RETURN, CONNECT_RETURN[bucket])
        calls_made = np.bincount(caller, minlength=n)
        boost = np.where(
            calls_made > 0,
            np.bincount(caller, weights=factor, minlength=n) / np.maximum(calls_made, 1),
            1.0,
        )
        call_parts.append((caller, np.full(len(caller), day), network, connect_ms, failed, bucket))

    # 2. Sessions on active days, at hours weighted by local time of day and weekday.
    ud_user, ud_day = np.nonzero(active)  # sorted by user, then day
    ud_age = ud_day - signup[ud_user]
    n_sess = 1 + rng.poisson(w.session_rate[lo + ud_user])
    s_ud, ud_first = _segments(n_sess)
    s_user, s_day = ud_user[s_ud], ud_day[s_ud]
    hour = _pick(rng, w.hour_cdf, country[s_user] * d + s_day)
    s_start = (
        w.start_us + s_day * US_PER_DAY + hour * 3600 * US_PER_S
        + rng.integers(0, 3600 * US_PER_S, len(s_user))
    )
    s_len = np.minimum(rng.lognormal(np.log(4.0), 0.9, len(s_user)), 180.0) * MINUTE_US
    s_len = s_len.astype(np.int64)
    s_end = s_start + s_len

    # Signup is the first session of the signup day; earlier signups get a time of day.
    signup_at = w.start_us + signup * US_PER_DAY + w.pre_signup_offset[lo:hi]
    first_of_day = np.minimum.reduceat(s_start, ud_first)
    on_signup_day = ud_age == 0
    signup_at[ud_user[on_signup_day]] = first_of_day[on_signup_day]

    # 3. Calls happen inside one of the caller's sessions that day.
    caller, c_day, network, connect_ms, failed, bucket = (
        np.concatenate(parts) for parts in zip(*call_parts, strict=True)
    )
    c_ud = np.searchsorted(ud_user * d + ud_day, caller * d + c_day)
    c_sess = ud_first[c_ud] + (rng.random(len(caller)) * n_sess[c_ud]).astype(np.int64)
    requested = _within(rng, s_start[c_sess], s_len[c_sess])
    connected = requested + (connect_ms * 1000).astype(np.int64)
    talk = rng.lognormal(np.log(2.5), 1.0, len(caller)) * CONNECT_LENGTH[bucket]
    giving_up = rng.integers(5, 31, len(caller)) * US_PER_S
    c_end = np.where(
        failed, requested + giving_up,
        connected + (np.minimum(talk, 240.0) * MINUTE_US).astype(np.int64),
    )
    callee = w.partner(rng, lo + caller)

    # 4. Live views: HD plays on better networks and holds viewers a little longer.
    v_sess = np.repeat(np.arange(len(s_user)), rng.poisson(0.3, len(s_user)))
    v_user = s_user[v_sess]
    v_start = _within(rng, s_start[v_sess], s_len[v_sess])
    v_net = _pick(rng, w.network_cdf, country[v_user])
    hd = rng.random(len(v_sess)) < NET_HD[v_net]
    resolution = np.where(
        hd, 3 + (rng.random(len(hd)) < 0.4), _pick(rng, _cdf(np.array([[0.3, 0.45, 0.25]])),
                                                    np.zeros(len(hd), dtype=np.int64)),
    )
    v_len = rng.lognormal(np.log(3.5), 0.5, len(hd)) * np.where(hd, HD_LIFT, 1.0)
    v_end = v_start + (v_len * MINUTE_US).astype(np.int64)

    # A session lasts at least as long as the calls and views it holds.
    s_end_all = s_end.copy()
    np.maximum.at(s_end_all, c_sess, c_end)
    np.maximum.at(s_end_all, v_sess, v_end)

    # 5. Events. AI-first newcomers only talk to the AI companion until `human_from`;
    # those who bridge open their first active day after it with a chat with a person.
    s_age = ud_age[s_ud]
    ai_phase = s_age < human_from[s_user]
    bridged = (ud_age >= human_from[ud_user]) & w.ai_first[lo + ud_user]
    bridge_ud = np.flatnonzero(bridged)
    bridge_ud = bridge_ud[np.unique(ud_user[bridge_ud], return_index=True)[1]]
    bridge_sess = ud_first[bridge_ud]
    n_ev = rng.poisson(0.4 + 0.12 * s_len / MINUTE_US)
    n_ev = np.minimum(n_ev, 40)
    n_ev[ai_phase] = np.maximum(n_ev[ai_phase], 1)
    n_ev[bridge_sess] = np.maximum(n_ev[bridge_sess], 1)
    e_sess, e_first = _segments(n_ev)
    e_user = s_user[e_sess]
    mix = np.where(ai_phase[e_sess], 2, w.host[lo + e_user].astype(np.int64))
    name = _pick(rng, _cdf(EVENT_MIX), mix)
    name[e_first[ai_phase]] = AI_CHAT
    name[e_first[bridge_sess]] = CHAT
    e_ts = _within(rng, s_start[e_sess], s_len[e_sess])
    partner = np.where(np.isin(name, WITH_PARTNER), w.partner(rng, lo + e_user), -1)
    partner = np.where(name == GIFT, w.host_for(rng, lo + e_user), partner)
    room = np.where(
        name == ROOM,
        w.region[lo + e_user] * ROOMS_PER_REGION + rng.integers(0, ROOMS_PER_REGION, len(name)),
        -1,
    )

    # 6. Payments: payers buy on some of their active days.
    pay_ud = np.flatnonzero(w.payer[lo + ud_user] & (rng.random(len(ud_user)) < 0.35))
    p_sess = ud_first[pay_ud] + (rng.random(len(pay_ud)) * n_sess[pay_ud]).astype(np.int64)
    paid_at = _within(rng, s_start[p_sess], s_len[p_sess])
    price = rng.choice(len(PRICES), len(pay_ud), p=PRICE_SHARE)

    def ids(kind: str, count: int) -> np.ndarray:
        first = counters[kind]
        counters[kind] += count
        return np.arange(first, first + count)

    end = w.end_us  # the period ends at the last microsecond of end_date
    n_c, n_v, n_p = len(caller), len(v_sess), len(pay_ud)
    session_id = ids("session", len(s_user))
    return {
        "users": {
            "uid": user, "signup_at": signup_at, "country": country,
            "platform": w.platform[lo:hi], "channel": w.channel[lo:hi],
            "english": w.english[lo:hi],
        },
        "sessions": {
            "id": session_id, "uid": lo + s_user, "started_at": s_start,
            "ended_at": np.minimum(s_end_all, end),
        },
        "events": {
            "uid": lo + e_user, "ts": np.minimum(e_ts, end), "name": name,
            "session": session_id[e_sess],
            "partner": partner, "room": room,
        },
        "calls": {
            "id": ids("call", n_c), "caller": lo + caller, "callee": callee,
            "requested_at": np.minimum(requested, end),
            "connected_at": np.minimum(connected, end), "failed": failed,
            "ended_at": np.minimum(c_end, end), "network": network,
            "kind": (rng.random(n_c) < 0.35).astype(np.int64),
        },
        "live_views": {
            "id": ids("view", n_v), "viewer": lo + v_user, "host": w.host_for(rng, lo + v_user),
            "started_at": np.minimum(v_start, end), "ended_at": np.minimum(v_end, end),
            "resolution": resolution,
        },
        "payments": {
            "id": ids("payment", n_p), "uid": lo + ud_user[pay_ud],
            "paid_at": np.minimum(paid_at, end), "price": price,
        },
    }


def _append(
    con: duckdb.DuckDBPyConnection, frames: dict[str, dict[str, np.ndarray]], first: bool
) -> None:
    """Add one chunk to temporary tables of plain codes; labels and ids are made at the end."""
    for table, columns in frames.items():
        frame = pa.table({
            col: pa.array(values.astype("datetime64[us]") if _is_time(col) else values)
            for col, values in columns.items()
        })
        con.register("chunk_frame", frame)
        if first:
            con.execute(f"CREATE TEMP TABLE stage_{table} AS SELECT * FROM chunk_frame")
        else:
            con.execute(f"INSERT INTO stage_{table} SELECT * FROM chunk_frame")
        con.unregister("chunk_frame")


def _is_time(column: str) -> bool:
    return column == "ts" or column.endswith("_at")


# Final tables are written in time order so date-range queries can skip most blocks.
FINAL_SQL = {
    "users": """
        INSERT INTO users SELECT printf('u%07d', uid + 1), signup_at, {countries}[country + 1],
            {platforms}[platform + 1], {timezones}[country + 1],
            CASE WHEN english THEN 'en' ELSE {languages}[country + 1] END, {channels}[channel + 1]
        FROM temp.stage_users ORDER BY uid""",
    "sessions": """
        INSERT INTO sessions SELECT printf('s%09d', id + 1), printf('u%07d', uid + 1),
            started_at, ended_at
        FROM temp.stage_sessions ORDER BY started_at, id""",
    "events": f"""
        INSERT INTO events SELECT printf('u%07d', uid + 1), ts, {{events}}[name + 1],
            printf('s%09d', session + 1),
            CASE WHEN partner >= 0 THEN printf('u%07d', partner + 1) END,
            CASE WHEN name = {LIVE} THEN printf('live-u%07d', uid + 1)
                 WHEN room >= 0 THEN printf('r%05d', room + 1) END
        FROM temp.stage_events ORDER BY ts""",
    "calls": """
        INSERT INTO calls SELECT printf('c%09d', id + 1), printf('u%07d', caller + 1),
            printf('u%07d', callee + 1), requested_at,
            CASE WHEN NOT failed THEN connected_at END, ended_at,
            {networks}[network + 1], {kinds}[kind + 1]
        FROM temp.stage_calls ORDER BY requested_at, id""",
    "live_views": """
        INSERT INTO live_views SELECT printf('v%09d', id + 1), printf('u%07d', viewer + 1),
            printf('u%07d', host + 1), started_at, ended_at, {resolutions}[resolution + 1]
        FROM temp.stage_live_views ORDER BY started_at, id""",
    "payments": """
        INSERT INTO payments SELECT printf('p%08d', id + 1), printf('u%07d', uid + 1), paid_at,
            CAST({prices}[price + 1] AS DOUBLE), {products}[price + 1]
        FROM temp.stage_payments ORDER BY paid_at, id""",
}
