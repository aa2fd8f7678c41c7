"""The data contract, declared once: tables, columns, allowed values, constraints, regions.

Everything else is derived from here: the DDL (`ddl()`), the loader's column lists and
checks, the metric registry's allowed values, the rollups' action bits and the demo data.
A test fails when one of these lists is written out anywhere else.

All timestamps are UTC; IDs are strings. Uniqueness of the large fact tables' keys and
references to known users are enforced by the loader before anything is written: an index
on tens of millions of string keys would cost more memory than the rest of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# --------------------------------------------------------------------------- allowed values

PLATFORMS = ("ios", "android", "web")
NETWORKS = ("wifi", "5g", "4g", "3g", "2g")
CALL_KINDS = ("video", "voice")
RESOLUTIONS = ("360p", "480p", "540p", "720p", "1080p")
HD_RESOLUTIONS = ("720p", "1080p")  # a live view in one of these counts as HD
# Acquisition channels the metrics and texts know; users.channel is open text (an export
# may carry its own channel names), and an empty channel reads as 'unknown'.
CHANNELS = ("organic", "paid_social", "search", "referral", "influencer")
UNKNOWN_CHANNEL = "unknown"
# Event names the metrics read; other names load with a notice and are ignored.
EVENT_NAMES = (
    "match_request",
    "chat_start",
    "message_sent",
    "room_join",
    "live_start",
    "gift_sent",
    "follow",
    "ai_chat_start",
)
# Actions a metric can ask about: the events, plus "call" for a call that connected.
# The order is part of the rollups' data: each action's bit in user_day.acts is 1 << index.
ACTIONS = (
    "chat_start",
    "room_join",
    "call",
    "message_sent",
    "follow",
    "live_start",
    "gift_sent",
    "match_request",
    "ai_chat_start",
)
# The core actions of the activity framework (the default of the core-action rate).
CORE_ACTIONS = ("chat_start", "room_join", "call")
# Events that are one person talking to another (with partner_id): contacts between a pair.
CONTACT_EVENTS = ("chat_start", "message_sent")
# Events that show someone turned from the AI companion to people.
HUMAN_EVENTS = ("chat_start", "message_sent", "follow", "room_join")

# Region code -> (English name, Chinese name); every country belongs to exactly one.
REGIONS: dict[str, tuple[str, str]] = {
    "SEA": ("Southeast Asia", "东南亚"),
    "EA": ("East Asia", "东亚"),
    "SAS": ("South Asia", "南亚"),
    "MENA": ("Middle East & North Africa", "中东北非"),
    "LATAM": ("Latin America", "拉美"),
    "NA": ("North America", "北美"),
    "EU": ("Europe", "欧洲"),
    "SSA": ("Sub-Saharan Africa", "撒哈拉以南非洲"),
    "OC": ("Oceania", "大洋洲"),
}

# --------------------------------------------------------------------------- tables

Kind = Literal["id", "text", "ts", "num", "int", "enum", "country", "region", "tz"]
_SQL_TYPES = {"ts": "TIMESTAMP", "num": "DOUBLE", "int": "BIGINT"}


@dataclass(frozen=True)
class Column:
    """One column: its kind decides the SQL type and how the loader reads and checks it."""

    name: str
    kind: Kind
    required: bool = False  # in the files, and so in the database
    allowed: tuple[str, ...] = ()  # for kind "enum"
    minimum: float | None = None  # for kind "num"
    note: str = ""  # shown as a comment in the DDL
    filled: bool = False  # may be empty in the files; the loader fills it in (NOT NULL)

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class NotBefore:
    """`column` is not earlier than `earlier` when both are present."""

    column: str
    earlier: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # unique; checked by the loader
    indexed_key: bool = False  # also a PRIMARY KEY in the database (small tables only)
    user_refs: tuple[str, ...] = ()  # must be known users
    soft_user_refs: tuple[str, ...] = ()  # may be unknown: only counted in a notice
    order: tuple[NotBefore, ...] = ()
    loadable: bool = True  # fed by user files
    note: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _table(name: str, *columns: Column, **kw: Any) -> Table:
    return Table(name, columns, **kw)


C = Column
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "regions",
            C("country", "country", True),
            C("region", "region", True),
            C("timezone", "tz", True),
            C("name_en", "text", True),
            C("name_zh", "text", True),
            C("aliases", "text"),
            key="country",
            indexed_key=True,
            loadable=False,
            note="Every ISO 3166-1 country; rewritten from data/regions.csv and Babel.",
        ),
        _table(
            "users",
            C("user_id", "id", True),
            C("signup_at", "ts", True),
            C("country", "country", True),
            C("platform", "enum", True, PLATFORMS),
            C("timezone", "tz", filled=True, note="empty in a file: the country's main zone"),
            C("language", "text"),
            C("channel", "text"),
            key="user_id",
            indexed_key=True,
        ),
        _table(
            "sessions",
            C("session_id", "id", True),
            C("user_id", "id", True),
            C("started_at", "ts", True),
            C("ended_at", "ts", True),
            key="session_id",
            user_refs=("user_id",),
            order=(NotBefore("ended_at", "started_at"),),
        ),
        _table(
            "events",
            C("user_id", "id", True),
            C("ts", "ts", True),
            C("name", "text", True),
            C("session_id", "id"),
            C("partner_id", "id"),
            C("room_id", "id"),
            user_refs=("user_id",),
            soft_user_refs=("partner_id",),
        ),
        _table(
            "calls",
            C("call_id", "id", True),
            C("caller_id", "id", True),
            C("callee_id", "id"),
            C("requested_at", "ts", True),
            C("connected_at", "ts", note="null: never connected"),
            C("ended_at", "ts"),
            C("network", "enum", False, NETWORKS),
            C("kind", "enum", False, CALL_KINDS),
            key="call_id",
            user_refs=("caller_id",),
            soft_user_refs=("callee_id",),
            order=(
                NotBefore("connected_at", "requested_at"),
                NotBefore("ended_at", "requested_at"),
                NotBefore("ended_at", "connected_at"),
            ),
        ),
        _table(
            "live_views",
            C("view_id", "id", True),
            C("viewer_id", "id", True),
            C("host_id", "id"),
            C("started_at", "ts", True),
            C("ended_at", "ts", True),
            C("resolution", "enum", True, RESOLUTIONS),
            key="view_id",
            user_refs=("viewer_id",),
            soft_user_refs=("host_id",),
            order=(NotBefore("ended_at", "started_at"),),
        ),
        _table(
            "payments",
            C("payment_id", "id", True),
            C("user_id", "id", True),
            C("paid_at", "ts", True),
            C("amount_usd", "num", True, minimum=0),
            C("product", "text"),
            key="payment_id",
            indexed_key=True,
            user_refs=("user_id",),
        ),
        _table(
            "load_log",
            C("loaded_at", "ts", True),
            C("source", "text", True),
            C("rows", "int", True),
            loadable=False,
            note="One row per change to the data; its count is the data version caches key on.",
        ),
    )
}
del C

# The tables user files feed, in load order (users first: the others refer to them).
DATA_TABLES = tuple(name for name, t in TABLES.items() if t.loadable)
# The tables a vetted metric query may read directly.
QUERYABLE_TABLES = (*DATA_TABLES, "regions")


# --------------------------------------------------------------------------- DDL


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _column_ddl(table: Table, col: Column) -> tuple[str, str]:
    """The column's DDL line and its comment."""
    parts = [col.name, col.sql_type]
    if table.indexed_key and col.name == table.key:
        parts.append("PRIMARY KEY")
    elif col.required or col.filled:
        parts.append("NOT NULL")
    checks = {
        "country": f"regexp_full_match({col.name}, '[A-Z]{{2}}')",
        "region": f"{col.name} IN ({_sql_list(tuple(REGIONS))})",
        "enum": f"{col.name} IN ({_sql_list(col.allowed)})",
    }
    if col.kind in checks:
        parts.append(f"CHECK ({checks[col.kind]})")
    if col.minimum is not None:
        parts.append(f"CHECK ({col.name} >= {col.minimum:g})")
    notes = []
    if col.name == table.key and not table.indexed_key:
        notes.append("unique (checked by the loader)")
    if col.name in table.user_refs:
        notes.append("references users")
    if col.note:
        notes.append(col.note)
    return " ".join(parts), "; ".join(notes)


def ddl() -> str:
    """CREATE TABLE IF NOT EXISTS for every table of the contract."""
    out = []
    for table in TABLES.values():
        lines = [_column_ddl(table, c) for c in table.columns]
        # A NULL on either side passes a CHECK, as an absent time should.
        lines += [(f"CHECK ({o.column} >= {o.earlier})", "") for o in table.order]
        body = []
        for i, (line, note) in enumerate(lines):
            text = "    " + line + ("," if i < len(lines) - 1 else "")
            body.append(text + (f"  -- {note}" if note else ""))
        head = f"-- {table.note}\n" if table.note else ""
        out.append(f"{head}CREATE TABLE IF NOT EXISTS {table.name} (\n" + "\n".join(body) + "\n);")
    return "\n\n".join(out) + "\n"
