"""The vetted metrics written plainly in pandas, as an analyst or a pandas-based tool would.

Each function takes the loaded tables and the metric's resolved parameters and returns a
frame shaped like the SQL metric's rows (key columns plus figures), so `compare` can check
that both give the same numbers before their speed is compared. Tables are loaded whole
(only the columns a metric reads) with `con.execute(...).df()`; every filter, time-zone
conversion, join and aggregation then happens in pandas. Supported breakdowns: group_by
none or country, and the countries filter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
Params = dict[str, Any]

COLUMNS = {
    "users": ["user_id", "signup_at", "country", "timezone"],
    "sessions": ["user_id", "started_at", "ended_at"],
    "events": ["user_id", "ts", "name", "partner_id"],
    "calls": ["caller_id", "callee_id", "requested_at", "connected_at", "ended_at"],
    "live_views": ["viewer_id", "started_at", "ended_at", "resolution"],
    "payments": ["user_id", "paid_at", "amount_usd"],
}

NEEDS = {
    "active_users": ("users", "sessions"),
    "activity_scorecard": ("users", "sessions", "events", "calls"),
    "ai_to_human": ("users", "events", "calls"),
    "core_action_rate": ("users", "sessions", "events", "calls"),
    "latency_vs_activity": ("users", "sessions", "calls"),
    "live_quality": ("users", "live_views"),
    "paid_conversion": ("users", "sessions", "payments"),
    "peak_hours": ("users", "sessions"),
    "retention": ("users", "sessions"),
    "social_quality": ("users", "sessions", "events", "calls"),
    "usage_time": ("users", "sessions"),
}

HUMAN_EVENTS = ["chat_start", "message_sent"]


def load(con: Any, tables: set[str] | tuple[str, ...]) -> Tables:
    """Whole tables (the columns the metrics read) as DataFrames."""
    return {
        t: con.execute(f"SELECT {', '.join(COLUMNS[t])} FROM {t}").df() for t in sorted(tables)
    }


# ----- helpers: what an analyst writes once at the top of the notebook -------------------


def utc_bound(day: date, tz: str) -> pd.Timestamp:
    """Local midnight starting `day` in `tz`, as a naive UTC timestamp."""
    ts = pd.Timestamp(day)
    if tz == "UTC":
        return ts
    return ts.tz_localize(tz).tz_convert("UTC").tz_localize(None)


def local_day(ts: pd.Series, tz: str) -> pd.Series:
    """Calendar day in `tz` (as midnight timestamps) of naive UTC timestamps."""
    if tz != "UTC":
        ts = ts.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    return ts.dt.floor("D")


def in_range(df: pd.DataFrame, col: str, start: date, end: date, tz: str) -> pd.DataFrame:
    """Rows whose `col` falls on a local day in [start, end]."""
    lo, hi = utc_bound(start, tz), utc_bound(end + timedelta(days=1), tz)
    return df[(df[col] >= lo) & (df[col] < hi)]


def user_segments(t: Tables, p: Params) -> pd.DataFrame:
    """user_id -> segment for the users the filters keep ('all' without a breakdown)."""
    u = t["users"]
    if p.get("countries"):
        u = u[u["country"].isin(p["countries"])]
    group_by = p.get("group_by", "none")
    if group_by == "country":
        return pd.DataFrame({"user_id": u["user_id"], "segment": u["country"]})
    if group_by != "none":
        raise ValueError(f"the pandas baseline does not implement group_by={group_by}")
    return pd.DataFrame({"user_id": u["user_id"], "segment": "all"})


def minutes(end: pd.Series, start: pd.Series) -> pd.Series:
    return (end - start).dt.total_seconds() / 60


def pair_keys(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Both ends of a pair in canonical order (a < b), so both directions meet."""
    xv, yv = x.to_numpy(), y.to_numpy()
    first = xv < yv
    return np.where(first, xv, yv), np.where(first, yv, xv)


def touches(t: Tables, lo: pd.Timestamp, hi: pd.Timestamp, tz: str) -> pd.DataFrame:
    """Human contacts in [lo, hi): messages/chats with a partner and connected calls."""
    e = t["events"]
    e = e[(e["ts"] >= lo) & (e["ts"] < hi) & e["name"].isin(HUMAN_EVENTS)
          & e["partner_id"].notna() & (e["partner_id"] != e["user_id"])]
    c = t["calls"]
    c = c[(c["connected_at"] >= lo) & (c["connected_at"] < hi)
          & c["callee_id"].notna() & (c["callee_id"] != c["caller_id"])]
    a1, b1 = pair_keys(e["user_id"], e["partner_id"])
    a2, b2 = pair_keys(c["caller_id"], c["callee_id"])
    return pd.DataFrame({
        "a": np.concatenate([a1, a2]),
        "b": np.concatenate([b1, b2]),
        "at": np.concatenate([e["ts"].to_numpy(), c["connected_at"].to_numpy()]),
    }).assign(day=lambda d: local_day(d["at"], tz))


def mutual_follows(t: Tables, hi: pd.Timestamp) -> pd.DataFrame:
    """Pairs (a < b) following each other before `hi`, with when the second follow came."""
    f = t["events"]
    f = f[(f["name"] == "follow") & (f["ts"] < hi) & f["partner_id"].notna()
          & (f["partner_id"] != f["user_id"])]
    first = f.groupby(["user_id", "partner_id"], as_index=False)["ts"].min()
    both = first.merge(first, left_on=["user_id", "partner_id"],
                       right_on=["partner_id", "user_id"], suffixes=("", "_back"))
    both = both[both["user_id"] < both["partner_id"]]
    return pd.DataFrame({
        "a": both["user_id"], "b": both["partner_id"],
        "since": np.maximum(both["ts"], both["ts_back"]),
    })


def both_ends(pairs: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """One row per user per pair: the pair's a end and its b end."""
    return pd.concat([
        pairs[["a", *extra]].rename(columns={"a": "user_id"}),
        pairs[["b", *extra]].rename(columns={"b": "user_id"}),
    ], ignore_index=True)


# ----- the metrics ------------------------------------------------------------------------


def active_users(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    first = min(start, end - timedelta(days=29))
    s = in_range(t["sessions"], "started_at", first, end, tz)
    ud = pd.DataFrame({"user_id": s["user_id"], "day": local_day(s["started_at"], tz)})
    ud = ud.drop_duplicates().merge(user_segments(t, p), on="user_id")
    rng = ud[ud["day"] >= pd.Timestamp(start)].copy()
    n_days = (end - start).days + 1
    iso = rng["day"].dt.isocalendar()
    rng["week"] = iso["year"] * 100 + iso["week"]
    calendar = pd.Series(pd.date_range(start, end, freq="D")).dt.isocalendar()
    weeks = sorted(set(calendar["year"] * 100 + calendar["week"]))
    g = rng.groupby("segment")
    out = pd.DataFrame({
        "active_users": g["user_id"].nunique(),
        "avg_dau": g.size() / n_days,
        "peak_dau": rng.groupby(["segment", "day"]).size().groupby(level=0).max(),
        "avg_wau": rng.groupby(["segment", "week"])["user_id"].nunique().unstack(fill_value=0)
        .reindex(columns=weeks, fill_value=0).mean(axis=1),
        "mau_30d": ud[ud["day"] >= pd.Timestamp(end - timedelta(days=29))]
        .groupby("segment")["user_id"].nunique(),
    })
    out["stickiness"] = out["avg_dau"] / out["mau_30d"]
    return out.reset_index(names="segment")


def retention(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz, last = p["start"], p["end"], p["tz"], pd.Timestamp(p["last_day"])
    u = t["users"].merge(user_segments(t, p), on="user_id")
    u = u.assign(signup_day=local_day(u["signup_at"], tz))
    cohort = u[(u["signup_day"] >= pd.Timestamp(start)) & (u["signup_day"] <= pd.Timestamp(end))]
    s = t["sessions"]
    s = s[(s["started_at"] >= utc_bound(start, tz)) & s["user_id"].isin(cohort["user_id"])]
    active = pd.DataFrame({"user_id": s["user_id"], "day": local_day(s["started_at"], tz)})
    active = active.drop_duplicates().assign(back=True)
    parts = []
    for n in p["days"]:
        pairs = cohort.assign(day=cohort["signup_day"] + pd.Timedelta(days=n))
        pairs = pairs[pairs["day"] <= last].merge(active, on=["user_id", "day"], how="left")
        g = pairs.groupby("segment")
        parts.append(pd.DataFrame({
            "day_n": n, "cohort_users": g.size(), "retained": g["back"].count(),
        }).reset_index(names="segment"))
    out = pd.concat(parts, ignore_index=True)
    out["rate"] = out["retained"] / out["cohort_users"]
    return out


def usage_time(t: Tables, p: Params) -> pd.DataFrame:
    s = in_range(t["sessions"], "started_at", p["start"], p["end"], p["tz"])
    s = s.assign(day=local_day(s["started_at"], p["tz"]),
                 minutes=minutes(s["ended_at"], s["started_at"]))
    s = s.merge(user_segments(t, p), on="user_id")
    ud = s.groupby(["segment", "user_id", "day"])["minutes"].agg(["size", "sum"])
    g = ud.groupby(level="segment")
    out = pd.DataFrame({
        "active_users": ud.reset_index().groupby("segment")["user_id"].nunique(),
        "user_days": g.size(),
        "sessions": g["size"].sum(),
        "minutes": g["sum"].sum(),
        "median_session_minutes": s.groupby("segment")["minutes"].median(),
    })
    out["minutes_per_user_day"] = out["minutes"] / out["user_days"]
    out["sessions_per_user_day"] = out["sessions"] / out["user_days"]
    return out.drop(columns="minutes").reset_index(names="segment")


def core_action_rate(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    actions = list(p.get("actions") or ["chat_start", "room_join", "call"])
    s = in_range(t["sessions"], "started_at", start, end, tz)
    active = s[["user_id"]].drop_duplicates().merge(user_segments(t, p), on="user_id")
    e = in_range(t["events"], "ts", start, end, tz)
    e = e[e["name"].isin(actions)]
    done = [pd.DataFrame({"user_id": e["user_id"], "action": e["name"]})]
    if "call" in actions:
        c = in_range(t["calls"], "connected_at", start, end, tz)
        ends = pd.concat([c["caller_id"], c["callee_id"].dropna()], ignore_index=True)
        done.append(pd.DataFrame({"user_id": ends, "action": "call"}))
    did = pd.concat(done, ignore_index=True).drop_duplicates().merge(active, on="user_id")
    sizes = active.groupby("segment").size()
    rows = []
    for seg, n in sizes.items():
        mine = did[did["segment"] == seg]
        rows.append((seg, "any", n, mine["user_id"].nunique()))
        counts = mine.groupby("action").size()
        rows += [(seg, a, n, int(counts.get(a, 0))) for a in actions]
    out = pd.DataFrame(rows, columns=["segment", "action", "active_users", "users_done"])
    out["rate"] = out["users_done"] / out["active_users"]
    return out


def social_quality(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    lo, hi = utc_bound(start, tz), utc_bound(end + timedelta(days=1), tz)
    pairs = touches(t, lo, hi, tz).groupby(["a", "b"], as_index=False)["day"].nunique()
    mutual = mutual_follows(t, hi)[["a", "b"]].assign(mutual=True)
    pairs = pairs.merge(mutual, on=["a", "b"], how="left")
    pairs["lasting"] = (pairs["day"] >= 2) | pairs["mutual"].fillna(False).astype(bool)
    per_user = both_ends(pairs, ["lasting"]).groupby("user_id")["lasting"].agg(["size", "any"])
    s = in_range(t["sessions"], "started_at", start, end, tz)
    active = s[["user_id"]].drop_duplicates().merge(user_segments(t, p), on="user_id")
    active = active.merge(per_user, left_on="user_id", right_index=True, how="left")
    active["size"] = active["size"].fillna(0)
    active["any"] = active["any"].fillna(False).astype(bool)
    g = active.groupby("segment")
    out = pd.DataFrame({
        "active_users": g.size(), "with_lasting": g["any"].sum(), "partners": g["size"].sum(),
    })
    out["lasting_rate"] = out["with_lasting"] / out["active_users"]
    out["partners_per_user"] = out.pop("partners") / out["active_users"]
    return out.reset_index(names="segment")


def peak_hours(t: Tables, p: Params) -> pd.DataFrame:
    start, end = pd.Timestamp(p["start"]), pd.Timestamp(p["end"])
    u = t["users"][["user_id", "timezone"]].merge(user_segments(t, p), on="user_id")
    s = t["sessions"]
    # the widest zones are UTC+14 and UTC-12: a generous UTC window, then each user's own days
    s = s[(s["started_at"] >= start - pd.Timedelta(hours=14))
          & (s["started_at"] < end + pd.Timedelta(hours=36))]
    s = s[["user_id", "started_at"]].merge(u, on="user_id")
    local = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    for zone, g in s.groupby("timezone"):
        local[g.index] = g["started_at"].dt.tz_localize("UTC").dt.tz_convert(zone) \
            .dt.tz_localize(None)
    s = s.assign(local=local)
    s = s[(s["local"] >= start) & (s["local"] < end + pd.Timedelta(days=1))]
    s = s.assign(weekday=s["local"].dt.dayofweek + 1, hour=s["local"].dt.hour)
    cells = s.groupby(["segment", "weekday", "hour"]).size().rename("sessions").reset_index()
    seg = s.groupby("segment").agg(total=("user_id", "size"), users=("user_id", "nunique"))
    cells = cells.merge(seg, left_on="segment", right_index=True)
    cells["share"] = cells["sessions"] / cells["total"]
    cells["rank"] = cells.groupby("segment")["sessions"].rank(method="min", ascending=False)
    return cells.drop(columns="total")


def latency_vs_activity(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    last = pd.Timestamp(p["last_day"])
    c = in_range(t["calls"], "requested_at", start, end, tz)
    c = c.merge(user_segments(t, p), left_on="caller_id", right_on="user_id")
    wait = c["connected_at"] - c["requested_at"]
    c = c.assign(
        call_day=local_day(c["requested_at"], tz),
        bucket_order=np.select(
            [c["connected_at"].isna(), wait <= pd.Timedelta(milliseconds=p["threshold_ms"]),
             wait <= pd.Timedelta(seconds=1), wait <= pd.Timedelta(seconds=2)],
            [5, 1, 2, 3], 4),
        minutes=minutes(c["ended_at"], c["connected_at"]),
    )
    # callers' active days, keyed by the call day they answer for (the day before)
    s = in_range(t["sessions"], "started_at", start + timedelta(days=1),
                 end + timedelta(days=1), tz)
    s = s[s["user_id"].isin(c["caller_id"])]
    back = pd.DataFrame({"caller_id": s["user_id"],
                         "call_day": local_day(s["started_at"], tz) - pd.Timedelta(days=1)})
    c = c.merge(back.drop_duplicates().assign(back=True), on=["caller_id", "call_day"],
                how="left")
    c["mature"] = c["call_day"] + pd.Timedelta(days=1) <= last
    c["returned"] = c["mature"] & c["back"].notna()
    c["long"] = c["minutes"] >= 1
    g = c.groupby(["segment", "bucket_order"])
    out = g.agg(calls=("caller_id", "size"), timed=("minutes", "count"),
                minutes=("minutes", "sum"), long=("long", "sum"),
                callers=("caller_id", "nunique"), mature=("mature", "sum"),
                returned=("returned", "sum")).reset_index()
    out["share"] = out["calls"] / out.groupby("segment")["calls"].transform("sum")
    timed = out["timed"].replace(0, np.nan)
    out["mean_call_minutes"] = out["minutes"] / timed
    out["long_call_share"] = out["long"] / timed
    out["next_day_return"] = out["returned"] / out["mature"].replace(0, np.nan)
    return out.drop(columns=["timed", "minutes", "long", "mature", "returned"])


def live_quality(t: Tables, p: Params) -> pd.DataFrame:
    v = in_range(t["live_views"], "started_at", p["start"], p["end"], p["tz"])
    v = v.merge(user_segments(t, p), left_on="viewer_id", right_on="user_id")
    v = v.assign(quality=np.where(v["resolution"].isin(["720p", "1080p"]), "HD", "SD"),
                 minutes=minutes(v["ended_at"], v["started_at"]))
    out = v.groupby(["segment", "quality"]).agg(
        views=("viewer_id", "size"), viewers=("viewer_id", "nunique"),
        mean_minutes=("minutes", "mean")).reset_index()
    wide = out.pivot(index="segment", columns="quality")
    both = wide.dropna()
    vs = pd.DataFrame({
        "segment": both.index, "quality": "HD vs SD",
        "views": both[("views", "HD")] + both[("views", "SD")],
        "viewers": np.minimum(both[("viewers", "HD")], both[("viewers", "SD")]),
        "uplift": both[("mean_minutes", "HD")] / both[("mean_minutes", "SD")] - 1,
    })
    return pd.concat([out, vs], ignore_index=True)


def paid_conversion(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    s = in_range(t["sessions"], "started_at", start, end, tz)
    active = s[["user_id"]].drop_duplicates().merge(user_segments(t, p), on="user_id")
    pay = in_range(t["payments"], "paid_at", start, end, tz)
    revenue = pay.groupby("user_id")["amount_usd"].sum().rename("revenue")
    active = active.merge(revenue, left_on="user_id", right_index=True, how="left")
    active["paid"] = active["revenue"] > 0
    out = active.groupby("segment").agg(
        active_users=("user_id", "size"), payers=("paid", "sum"), revenue=("revenue", "sum"))
    out["conversion"] = out["payers"] / out["active_users"]
    out["arpu"] = out["revenue"] / out["active_users"]
    out["arppu"] = out["revenue"] / out["payers"].replace(0, np.nan)
    return out.reset_index(names="segment")


def ai_to_human(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    window = pd.Timedelta(days=p["window_days"])
    lo, hi = utc_bound(start, tz), utc_bound(end + timedelta(days=1), tz)
    data_end = utc_bound(p["last_day"] + timedelta(days=1), tz)
    e = t["events"]
    ai = e[(e["name"] == "ai_chat_start") & (e["ts"] >= lo) & (e["ts"] < hi)]
    ai = ai.groupby("user_id", as_index=False)["ts"].min().rename(columns={"ts": "ai_at"})
    # the whole window must be in the data
    ai = ai[ai["ai_at"] + window < data_end]
    o = e[e["name"].isin(["chat_start", "message_sent", "follow", "room_join"])
          & (e["ts"] >= lo) & (e["ts"] <= hi + window)]
    o = pd.DataFrame({
        "user_id": o["user_id"], "at": o["ts"],
        "human": o["name"].isin(HUMAN_EVENTS) & o["partner_id"].notna()
        & (o["partner_id"] != o["user_id"]),
    })
    c = t["calls"]
    c = c[(c["connected_at"] >= lo) & (c["connected_at"] <= hi + window)]
    calls = pd.DataFrame({
        "user_id": pd.concat([c["caller_id"], c["callee_id"]], ignore_index=True),
        "at": pd.concat([c["connected_at"], c["connected_at"]], ignore_index=True),
        "human": True,
    }).dropna(subset=["user_id"])
    o = pd.concat([o, calls], ignore_index=True).merge(ai, on="user_id")
    earlier = o.loc[o["at"] <= o["ai_at"], "user_id"].unique()
    later = o[o["human"] & (o["at"] > o["ai_at"]) & (o["at"] <= o["ai_at"] + window)]
    human_at = later.groupby("user_id")["at"].min().rename("human_at")
    first = ai[~ai["user_id"].isin(earlier)].merge(user_segments(t, p), on="user_id")
    first = first.merge(human_at, left_on="user_id", right_index=True, how="left")
    first["days"] = (first["human_at"] - first["ai_at"]).dt.total_seconds() / 86400
    out = first.groupby("segment").agg(
        ai_first_users=("user_id", "size"), moved_to_human=("human_at", "count"),
        median_days_to_human=("days", "median"))
    out["bridge_rate"] = out["moved_to_human"] / out["ai_first_users"]
    return out.reset_index(names="segment")


def activity_scorecard(t: Tables, p: Params) -> pd.DataFrame:
    start, end, tz = p["start"], p["end"], p["tz"]
    n = (end - start).days + 1
    lo = utc_bound(start - timedelta(days=n), tz)
    mid, hi = utc_bound(start, tz), utc_bound(end + timedelta(days=1), tz)
    keep = user_segments(t, p)["user_id"]
    s = t["sessions"]
    s = s[(s["started_at"] >= lo) & (s["started_at"] < hi)]
    if p.get("countries"):
        s = s[s["user_id"].isin(keep)]
    s = s.assign(day=local_day(s["started_at"], tz),
                 minutes=minutes(s["ended_at"], s["started_at"]))
    ud = s.groupby(["user_id", "day"], as_index=False)["minutes"].sum()
    ud["cur"] = ud["day"] >= pd.Timestamp(start)
    e = t["events"]
    e = e[(e["ts"] >= lo) & (e["ts"] < hi) & e["name"].isin(["chat_start", "room_join"])]
    c = t["calls"]
    c = c[(c["connected_at"] >= lo) & (c["connected_at"] < hi)]
    core = pd.DataFrame({
        "user_id": pd.concat([e["user_id"], c["caller_id"], c["callee_id"]], ignore_index=True),
        "at": pd.concat([e["ts"], c["connected_at"], c["connected_at"]], ignore_index=True),
    }).dropna(subset=["user_id"])
    core = pd.DataFrame({"user_id": core["user_id"], "cur": core["at"] >= mid}).drop_duplicates()
    tc = touches(t, lo, hi, tz).assign(cur=lambda d: d["at"] >= mid)
    pairs = tc.groupby(["a", "b", "cur"], as_index=False)["day"].nunique()
    pairs = pairs.merge(mutual_follows(t, hi), on=["a", "b"], how="left")
    range_end = np.where(pairs["cur"], hi, mid).astype("datetime64[us]")
    pairs = pairs[(pairs["day"] >= 2) | (pairs["since"] < range_end)]
    lasting = both_ends(pairs, ["cur"]).drop_duplicates()
    figures = {}
    for cur in (True, False):
        days = ud[ud["cur"] == cur]
        users = days["user_id"].drop_duplicates()
        if users.empty:
            figures[cur] = (None, None, None, None, 0)
            continue
        did = users.isin(core.loc[core["cur"] == cur, "user_id"]).sum()
        social = users.isin(lasting.loc[lasting["cur"] == cur, "user_id"]).sum()
        figures[cur] = (len(days) / n, days["minutes"].sum() / len(days),
                        did / len(users), social / len(users), len(users))
    rows = []
    for pos, dim in enumerate(["frequency", "duration", "depth", "social"]):
        cur, prev = figures[True][pos], figures[False][pos]
        change = cur / prev - 1 if cur is not None and prev else None
        rows.append((dim, cur, prev, change, figures[True][4]))
    out = pd.DataFrame(rows, columns=["dimension", "current", "previous", "change",
                                      "active_users"])
    return out[out["active_users"] > 0]


METRICS: dict[str, Callable[[Tables, Params], pd.DataFrame]] = {
    "active_users": active_users,
    "activity_scorecard": activity_scorecard,
    "ai_to_human": ai_to_human,
    "core_action_rate": core_action_rate,
    "latency_vs_activity": latency_vs_activity,
    "live_quality": live_quality,
    "paid_conversion": paid_conversion,
    "peak_hours": peak_hours,
    "retention": retention,
    "social_quality": social_quality,
    "usage_time": usage_time,
}

# key columns of a row, and the figures compared (headline figures and the group size first)
COMPARE: dict[str, tuple[list[str], list[str]]] = {
    "active_users": (["segment"], ["avg_dau", "mau_30d", "stickiness", "active_users",
                                   "peak_dau", "avg_wau"]),
    "activity_scorecard": (["dimension"], ["current", "previous", "change", "active_users"]),
    "ai_to_human": (["segment"], ["bridge_rate", "median_days_to_human", "ai_first_users",
                                  "moved_to_human"]),
    "core_action_rate": (["segment", "action"], ["rate", "active_users", "users_done"]),
    "latency_vs_activity": (["segment", "bucket_order"], [
        "next_day_return", "share", "callers", "calls", "mean_call_minutes", "long_call_share"]),
    "live_quality": (["segment", "quality"], ["mean_minutes", "uplift", "viewers", "views"]),
    "paid_conversion": (["segment"], ["conversion", "arpu", "arppu", "active_users", "payers",
                                      "revenue"]),
    "peak_hours": (["segment", "weekday", "hour"], ["share", "sessions", "users", "rank"]),
    "retention": (["segment", "day_n"], ["rate", "cohort_users", "retained"]),
    "social_quality": (["segment"], ["lasting_rate", "partners_per_user", "active_users",
                                     "with_lasting"]),
    "usage_time": (["segment"], ["minutes_per_user_day", "active_users", "user_days",
                                 "sessions", "sessions_per_user_day", "median_session_minutes"]),
}


def run(name: str, tables: Tables, params: Params) -> pd.DataFrame:
    """The pandas version of metric `name` on loaded tables."""
    return METRICS[name](tables, params)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def _same(x: Any, y: Any, rel: float) -> bool:
    if _missing(x) or _missing(y):
        return _missing(x) and _missing(y)
    if isinstance(x, str) or isinstance(y, str):
        return str(x) == str(y)
    x, y = float(x), float(y)
    return abs(x - y) <= rel * max(1.0, abs(x), abs(y))


def compare(
    name: str, sql_rows: list[dict[str, Any]], frame: pd.DataFrame, size_column: str | None,
    min_group: int, rel: float = 1e-6,
) -> list[str]:
    """Differences between the SQL metric's rows and the pandas frame (empty when equal)."""
    keys, cols = COMPARE[name]
    key = lambda row: tuple(str(row[k]) for k in keys)  # noqa: E731
    theirs = {key(r): r for r in frame.to_dict("records")}
    shown = [r for r in sql_rows if not r.get("suppressed")]
    problems = []
    for row in shown:
        other = theirs.get(key(row))
        if other is None:
            problems.append(f"{name} {key(row)}: row missing in pandas")
            continue
        for c in cols:
            if c in row and not _same(row[c], other.get(c), rel):
                problems.append(f"{name} {key(row)} {c}: SQL {row[c]!r} vs pandas {other.get(c)!r}")
    ours = {key(r) for r in sql_rows}
    for k, other in theirs.items():
        big = size_column is None or _missing(other.get(size_column)) \
            or other[size_column] >= min_group
        if k not in ours and big:
            problems.append(f"{name} {k}: row only in pandas")
    return problems
