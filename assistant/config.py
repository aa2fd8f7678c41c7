"""Settings in one place (environment variables and `.env`), and where resources live."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parent


def resource_dir(name: str) -> Path:
    """Folder `tools`, `prompts` or `data`: inside an installed wheel, else the checkout."""
    bundled = _PACKAGE / "_resources" / name
    return bundled if bundled.is_dir() else _SOURCE_ROOT / name


TOOLS_DIR = resource_dir("tools")
PROMPTS_DIR = resource_dir("prompts")
DATA_DIR = resource_dir("data")


def _default_db_path() -> Path:
    # A checkout keeps its demo database in data/ (git-ignored); an installed copy
    # cannot write into site-packages, so it uses the user's data folder.
    if (_SOURCE_ROOT / "pyproject.toml").is_file():
        return _SOURCE_ROOT / "data" / "demo.duckdb"
    return Path.home() / ".local" / "share" / "activity-assistant" / "demo.duckdb"


class Settings(BaseSettings):
    """Every knob of the product. Env vars use the ASSISTANT_ prefix except the LLM ones."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    db_path: Path = Field(default_factory=_default_db_path)
    report_timezone: str = "UTC"
    min_group_size: int = Field(10, ge=1)
    query_timeout_s: float = Field(10.0, gt=0)
    max_result_rows: int = Field(5000, ge=1)
    max_question_chars: int = Field(500, ge=10)

    # Where the metrics run: the embedded DuckDB file, or Apache Spark for data that has
    # outgrown one machine (same vetted SQL, transpiled; see assistant/engines).
    engine: Literal["duckdb", "spark"] = "duckdb"
    spark_remote: str | None = None  # Spark Connect URL, sc://host:15002; unset: local Spark
    spark_master: str = "local[2]"  # the local Spark's master when spark_remote is unset
    # The tables: one <table>.parquet (file or folder) per table in this folder or URL
    # (default: <db_path without suffix>_parquet), or the catalog database holding them.
    spark_data: str | None = None
    spark_database: str | None = None
    spark_rollups: str | None = None  # where Spark writes its rollups (default: <data>/rollups)
    spark_query_timeout_s: float = Field(120.0, gt=0)  # a cluster job starts slower

    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "ASSISTANT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "ASSISTANT_OPENAI_BASE_URL")
    )
    llm_model: str = Field(
        "gpt-4o-mini", validation_alias=AliasChoices("OPENAI_MODEL", "ASSISTANT_LLM_MODEL")
    )
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_retries: int = Field(1, ge=0, le=5)
    agent_max_steps: int = Field(6, ge=1, le=20)

    web_auth: str | None = None  # "user:pass"
    web_concurrency: int = Field(4, ge=1)
    max_upload_mb: int = Field(200, ge=1)

    # Weekly digest: Apprise URLs, space-separated in the environment (secrets: never shown);
    # a URL may carry `lang=zh` for its own language. `digest_link` is the full report's
    # address, with {week}, {start} and {lang} filled in.
    digest_to: Annotated[list[str], NoDecode] = Field(default_factory=list, repr=False)
    digest_lang: str = Field("en", pattern="^(en|zh)$")
    digest_link: str | None = None

    @field_validator("report_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)
        return value

    @field_validator("digest_to", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        return value.split() if isinstance(value, str) else value

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value().strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
