"""A small world where a 3-person group hides behind every way in (minimum group size 5).

- 40 BR users (ios/android) and 30 JP users (ios/android) sign up on 11-01 and are
  active every day 11-15..11-20: a session, an AI chat first, a chat and a fast call with
  a partner, an HD live view.
- WEB3: 3 JP web users, the same from 11-16 on (the rest of Japan outside iOS/Android;
  not retained on day 14, 11-15). Nobody calls or chats them first.
- AI3: 3 JP ios users active only on 11-15: a session and an AI chat, nothing human
  (the AI-first users of Japan who did not move on to people).
- LATE3: 3 BR android users who sign up on 11-21 and are active only that day: a
  session, an AI chat and nothing human after it, a fast call, an HD view.
- j00..j02 pay $5 and send a gift on 11-16; b03..b05 make a slow call (3 s to connect)
  and watch one SD view on 11-16.
- one more session of b00 on 11-29 makes 11-29 the latest complete day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

K = 5
RANGE = {"start": "2026-11-15", "end": "2026-11-21"}  # the week with LATE3's day
NARROW = {"start": "2026-11-15", "end": "2026-11-20"}  # the same without it
BIG_BR = [f"b{i:02d}" for i in range(40)]
BIG_JP = [f"j{i:02d}" for i in range(30)]
WEB3 = ["w0", "w1", "w2"]
AI3 = ["a0", "a1", "a2"]
LATE3 = ["l0", "l1", "l2"]


def _at(day: str, hhmm: str, plus_ms: int = 0) -> str:
    t = datetime.fromisoformat(f"{day} {hhmm}") + timedelta(milliseconds=plus_ms)
    return t.isoformat(sep=" ")


def world() -> dict[str, list[dict]]:
    users, sessions, events, calls, views, payments = [], [], [], [], [], []

    def user(uid: str, country: str, platform: str, signup: str) -> None:
        users.append({"user_id": uid, "signup_at": signup, "country": country,
                      "platform": platform, "channel": "organic"})

    def day_of(uid: str, partner: str | None, day: str, first: bool, social: bool = True) -> None:
        n = len(sessions)
        sessions.append({"session_id": f"s{n}", "user_id": uid, "started_at": _at(day, "12:00"),
                         "ended_at": _at(day, "12:30")})
        if first:
            events.append({"user_id": uid, "ts": _at(day, "11:00"), "name": "ai_chat_start"})
        if partner:
            events.append({"user_id": uid, "ts": _at(day, "12:05"), "name": "chat_start",
                           "partner_id": partner})
        if not social:
            return
        calls.append({"call_id": f"c{n}", "caller_id": uid, "callee_id": partner or "b00",
                      "requested_at": _at(day, "12:10"),
                      "connected_at": _at(day, "12:10", 500), "ended_at": _at(day, "12:20")})
        views.append({"view_id": f"v{n}", "viewer_id": uid, "started_at": _at(day, "12:15"),
                      "ended_at": _at(day, "12:25"), "resolution": "720p"})

    for i, uid in enumerate(BIG_BR):
        user(uid, "BR", "ios" if i % 2 == 0 else "android", "2026-11-01 00:30")
    for i, uid in enumerate(BIG_JP):
        user(uid, "JP", "ios" if i % 2 == 0 else "android", "2026-11-01 00:30")
    for uid in WEB3:
        user(uid, "JP", "web", "2026-11-01 00:30")
    for uid in LATE3:
        user(uid, "BR", "android", "2026-11-21 00:30")
    for uid in AI3:
        user(uid, "JP", "ios", "2026-11-01 00:30")
    everyday = BIG_BR + BIG_JP + WEB3
    called = BIG_BR + BIG_JP
    for i, uid in enumerate(everyday):
        partner = called[(i + 1) % len(called)]
        days = range(16 if uid in WEB3 else 15, 21)
        for d in days:
            day_of(uid, partner, f"2026-11-{d}", first=d == days[0])
    for uid in LATE3:
        day_of(uid, None, "2026-11-21", first=True)
    for uid in AI3:
        day_of(uid, None, "2026-11-15", first=True, social=False)
    for uid in BIG_JP[:3]:
        payments.append({"payment_id": f"p-{uid}", "user_id": uid,
                         "paid_at": "2026-11-16 13:00", "amount_usd": 5.0})
        events.append({"user_id": uid, "ts": "2026-11-16 13:05", "name": "gift_sent"})
    for uid in BIG_BR[3:6]:
        calls.append({"call_id": f"slow-{uid}", "caller_id": uid, "callee_id": "b00",
                      "requested_at": "2026-11-16 14:00", "connected_at": "2026-11-16 14:00:03",
                      "ended_at": "2026-11-16 14:10"})
        views.append({"view_id": f"sd-{uid}", "viewer_id": uid,
                      "started_at": "2026-11-16 14:15", "ended_at": "2026-11-16 14:20",
                      "resolution": "360p"})
    sessions.append({"session_id": "s-last", "user_id": "b00", "started_at": "2026-11-29 10:00",
                     "ended_at": "2026-11-29 10:05"})
    return {"users": users, "sessions": sessions, "events": events, "calls": calls,
            "live_views": views, "payments": payments}
