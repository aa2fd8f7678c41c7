"""Validate user data files and load them into the database, all or nothing.

Files
    CSV (``.csv``, ``.tsv``, optionally ``.gz``; comma, semicolon, tab or pipe separated,
    first line is the header), Parquet (``.parquet``) or JSON Lines (``.jsonl``,
    ``.ndjson``, ``.json`` with one object per line; optionally ``.gz``). A folder stands for
    the data files directly inside it (not sub-folders); other files there are skipped with
    a notice.

Which table a file feeds
    The table name must appear in the file name as a whole word, separated by ``_``, ``-``,
    ``.`` or a space: ``users.csv``, ``users_2026-11.csv``, ``app-sessions.parquet``,
    ``2026-11 live-views.jsonl``. A name with no table or more than one is a problem.
    Several files may feed the same table; they are checked together.

Columns
    Matched ignoring case, surrounding spaces, and ``-``/space versus ``_``. Extra columns
    are ignored with a notice; a missing required column is a problem. Empty values are
    missing values. Values of ``platform``, ``network``, ``kind``, ``resolution`` are
    lower-cased and ``country`` upper-cased before checking. Timestamps are ISO 8601 with
    ``T`` or a space; without an offset they are UTC, with ``Z`` or an offset they are
    converted to UTC. ``users.timezone`` may be empty: the country's main zone is used;
    otherwise it must be an IANA zone both DuckDB and Python know (any letter case; stored
    in its canonical spelling).

Checks (every problem is reported, with file, row, column and reason)
    Unreadable, damaged or empty files; rows with the wrong number of values; missing
    required columns and values; bad timestamps and numbers; allowed values; unknown
    countries (every ISO 3166-1 alpha-2 code; a name or alias such as USA gets a "did
    you mean US") and IANA time zones; negative amounts; ends before starts; duplicate keys in
    the files; references to users found neither in the files nor in the database
    (``sessions.user_id``, ``events.user_id``, ``calls.caller_id``,
    ``live_views.viewer_id``, ``payments.user_id``). Unknown ``partner_id``, ``callee_id``
    and ``host_id`` are allowed (exports are often a sample of users) and counted in a
    notice. Rows are numbered from 1 at the first data row (a CSV header is not counted;
    in JSON Lines, row N is line N).

Loading twice
    Keys (users.user_id, sessions.session_id, calls.call_id, live_views.view_id,
    payments.payment_id): a row identical to the one in the database is skipped; the same
    key with different values is a problem. Loaded history is never silently rewritten:
    metrics already reported would change without anyone noticing. Events have no key:
    rows identical in every column to a row in the database are skipped; identical rows
    within a file are all kept (two messages in the same second are real) and counted in a
    notice.

Writing
    Validation reads the database only (attached READ_ONLY to a separate in-memory
    DuckDB). When everything is valid, new rows go in through ``db.connect_write`` in one
    explicit transaction together with a ``load_log`` row per table that gained rows and the
    ``AFTER_LOAD`` hooks; then CHECKPOINT. On any problem the database file is left byte for
    byte as it was, and not created if it did not exist. When every row is already present,
    the database is not opened for writing at all.

Where it lives
    ``files`` (which files feed which table), ``readers`` (CSV, JSON Lines, Parquet into a
    text staging table), ``row_checks`` and ``set_checks`` (one rule per function, from
    ``assistant.store.contract``), ``combine`` (contract types, new rows), ``transaction``
    (the write), ``pipeline`` (the order of it all), ``results`` (problems and the report).
"""

from assistant.store.loader.files import FORMATS, table_for
from assistant.store.loader.pipeline import load_paths
from assistant.store.loader.results import (
    EXAMPLES_KEPT,
    EXAMPLES_SHOWN,
    LoadError,
    LoadReport,
    Problem,
    TableStats,
)
from assistant.store.loader.transaction import AFTER_LOAD

__all__ = [
    "AFTER_LOAD",
    "EXAMPLES_KEPT",
    "EXAMPLES_SHOWN",
    "FORMATS",
    "LoadError",
    "LoadReport",
    "Problem",
    "TableStats",
    "load_paths",
    "table_for",
]
