"""The data contract: declared once, the database built from it, every ISO country known."""

from __future__ import annotations

import ast
import re
import zoneinfo
from pathlib import Path

import duckdb
import pytest
import yaml
from babel import Locale

from assistant.store import contract, db, regions
from assistant.store.loader import row_checks

ROOT = Path(__file__).resolve().parent.parent
# Where allowed values and table names must not be written out again.
SCANNED = ("assistant", "prompts", "data")
CONTRACT_FILE = ROOT / "assistant" / "store" / "contract.py"

VALUE_SETS: dict[str, frozenset[str]] = {
    "platforms": frozenset(contract.PLATFORMS),
    "networks": frozenset(contract.NETWORKS),
    "call kinds": frozenset(contract.CALL_KINDS),
    "resolutions": frozenset(contract.RESOLUTIONS),
    "channels": frozenset(contract.CHANNELS),
    "actions and events": frozenset(contract.ACTIONS) | frozenset(contract.EVENT_NAMES),
    "regions": frozenset(contract.REGIONS),
    "tables": frozenset(contract.TABLES),
}
# Written out elsewhere on purpose, each with its reason. A new entry needs one too.
KNOWN = {
    # The system prompts tell the hosted model the region codes in plain words.
    ("prompts/system.en.md", "regions"),
    ("prompts/system.zh.md", "regions"),
    # Demo tuning keyed by value: a connect-time factor per region, generation per table.
    ("assistant/store/demo.py", "regions"),
    ("assistant/store/demo.py", "tables"),
}


def _which_set(values: list[str]) -> str | None:
    """The value set all of `values` (two or more) belong to, if any."""
    if len(set(values)) < 2:
        return None
    return next((name for name, s in VALUE_SETS.items() if set(values) <= s), None)


def _python_lists(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items: list[ast.expr] = []
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        strings = [i.value for i in items if isinstance(i, ast.Constant)]
        if items and len(strings) == len(items) and all(isinstance(s, str) for s in strings):
            if name := _which_set(strings):
                found.add(name)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= _sql_lists(node.value)
    return found


def _sql_lists(text: str) -> set[str]:
    """IN ('a', 'b') and ['a', 'b'] lists of quoted values inside SQL text."""
    found = set()
    for body in re.findall(r"[(\[]\s*('[^']*'(?:\s*,\s*'[^']*')+)\s*[)\]]", text):
        if name := _which_set(re.findall(r"'([^']*)'", body)):
            found.add(name)
    return found


def _yaml_lists(data: object) -> set[str]:
    found = set()
    if isinstance(data, dict):
        for v in data.values():
            found |= _yaml_lists(v)
    elif isinstance(data, list):
        if all(isinstance(v, str) for v in data) and (name := _which_set(data)):
            found.add(name)
        for v in data:
            found |= _yaml_lists(v)
    return found


def _text_lists(text: str) -> set[str]:
    """Comma- or 、-separated runs of values in prose: 'SEA, EA, SAS, MENA'."""
    found = set()
    for run in re.findall(r"[\w.]+(?:\s*[,、]\s*[\w.]+)+", text):
        words = re.split(r"\s*[,、]\s*", run)
        for name, s in VALUE_SETS.items():
            if sum(w in s for w in words) >= 3:
                found.add(name)
    return found


def duplicates() -> set[tuple[str, str]]:
    """(file, value set) for every list of allowed values or table names outside the contract."""
    found: set[tuple[str, str]] = set()
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or path == CONTRACT_FILE or "__pycache__" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                names = _python_lists(path)
            elif path.suffix in (".yaml", ".yml"):
                text = path.read_text(encoding="utf-8")
                names = _yaml_lists(yaml.safe_load(text)) | _sql_lists(text)
            elif path.suffix in (".md", ".sql", ".j2", ".txt", ".csv"):
                text = path.read_text(encoding="utf-8")
                names = _text_lists(text) | _sql_lists(text)
            else:
                continue
            found |= {(rel, n) for n in names}
    return found


def test_allowed_values_and_table_names_are_declared_only_in_the_contract() -> None:
    assert duplicates() - KNOWN == set()


def test_words_and_labels_name_only_contract_values() -> None:
    # Vocabulary and wording are keyed by value; every key must be one the contract knows.
    planner = yaml.safe_load((ROOT / "prompts" / "planner.yaml").read_text(encoding="utf-8"))
    assert set(planner["platforms"]) <= set(contract.PLATFORMS)
    assert set(planner["actions"]) <= set(contract.ACTIONS)
    places = set(planner["places"].values())
    assert places <= set(contract.REGIONS) | set(regions.countries()), places


def test_the_scan_finds_a_list_written_out_again(tmp_path: Path) -> None:
    # The detector itself can fail: each form a duplicate has taken before is caught.
    py = tmp_path / "x.py"
    py.write_text('PLATFORMS = ("ios", "android", "web")\nQ = "WHERE r IN (\'720p\', \'1080p\')"\n')
    assert _python_lists(py) == {"platforms", "resolutions"}
    assert _yaml_lists({"a": {"b": ["wifi", "4g"]}}) == {"networks"}
    assert _text_lists("regions are SEA, EA, SAS, MENA and OC") == {"regions"}
    assert _python_lists(tmp_path / "x.py") and not _yaml_lists(["ios", "iphone"])


def test_the_database_is_built_from_the_contract() -> None:
    con = duckdb.connect()
    db.init_schema(con)
    for table in contract.TABLES.values():
        got = con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table.name],
        ).fetchall()
        want = [
            (c.name, c.sql_type, "NO" if c.required or c.filled else "YES")
            for c in table.columns
        ]
        assert got == want, table.name
    # Constraints from the contract hold in the database too.
    con.execute("INSERT INTO users VALUES ('u', '2026-01-01', 'BR', 'ios', 'UTC', NULL, NULL)")
    for bad in (
        "INSERT INTO users VALUES ('v', '2026-01-01', 'BR', 'iphone', 'UTC', NULL, NULL)",
        "INSERT INTO sessions VALUES ('s', 'u', '2026-01-02', '2026-01-01')",
        "INSERT INTO payments VALUES ('p', 'u', '2026-01-01', -1, NULL)",
        "INSERT INTO calls VALUES ('c', 'u', NULL, '2026-01-02', NULL, '2026-01-01', NULL, NULL)",
        "INSERT INTO live_views VALUES ('l', 'u', NULL, '2026-01-01', '2026-01-01', '4k')",
    ):
        with pytest.raises(duckdb.ConstraintException):
            con.execute(bad)
    con.close()


def test_every_constraint_has_a_loader_check() -> None:
    for table in contract.TABLES.values():
        checks = row_checks.order(table, set(table.names))
        assert [c.reason for c in checks] == [f"is before {o.earlier}" for o in table.order]
        for col in table.columns:
            rules = [c for rule in row_checks.COLUMN_RULES for c in rule(col)]
            if col.kind in ("ts", "num", "enum", "country", "tz") or col.required:
                assert rules, (table.name, col.name)


def test_regions_cover_exactly_the_iso_countries() -> None:
    territories = Locale("en").territories
    iso = {c for c in territories if len(c) == 2 and c.isalpha()} - regions.NOT_COUNTRIES
    countries = regions.countries()
    assert set(countries) == iso
    assert len(countries) == 249
    duck = duckdb.connect().execute("SELECT name FROM pg_timezone_names()").fetchall()
    zones = {name for (name,) in duck}
    python_zones = zoneinfo.available_timezones()
    for c in countries.values():
        assert c.region in contract.REGIONS, c
        assert c.timezone in zones and c.timezone in python_zones, c
        assert c.name_en and c.name_zh, c


def test_country_names_aliases_and_places() -> None:
    c = regions.countries()
    # Names come from CLDR unless an everyday name is preferred; CLDR's stays an alias.
    assert (c["IS"].name_en, c["IS"].name_zh) == ("Iceland", "冰岛")
    assert (c["BT"].name_en, c["BT"].name_zh) == ("Bhutan", "不丹")
    assert c["HK"].name_en == "Hong Kong" and "Hong Kong SAR China" in c["HK"].aliases
    assert regions.resolve_country("Türkiye") == "TR"
    assert regions.resolve_country("印尼") == "ID"
    assert regions.resolve_country("Fiji") == "FJ"
    assert regions.resolve_country("Brasil") == "BR"
    assert regions.resolve_country("XX") is None
    assert regions.suggest_country("USA") == " Did you mean: United States (US)?"
    assert regions.suggest_country("XX") == ""
    # In free text, NA and AI are North America and the AI companion, not Namibia/Anguilla.
    found = [(p.kind, p.code) for p in regions.find_places("AI users in NA, Namibia and 冰岛")]
    assert found == [("region", "NA"), ("country", "NA"), ("country", "IS")]
