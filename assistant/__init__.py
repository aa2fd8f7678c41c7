"""Activity analytics assistant: plain-language questions answered by vetted DuckDB metrics."""

__version__ = "0.1.0"
