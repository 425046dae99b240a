"""The analytical warehouse: dbt builds it into a fresh DuckDB file, publish.py swaps it in, read.py serves it."""
