"""Moving old rows of an ever-growing table into its archive table, in batches, each batch in
one transaction (the rows are in exactly one of the two tables at any moment).

An archive table is made by its app's migration as ``CREATE TABLE <table>_archive (LIKE <table>
INCLUDING DEFAULTS)``: the same columns in the same order, without the foreign keys (what they
point to may go later) or the live table's indexes but one for reading the archive. A migration
that adds a column to the live table adds it to the archive too
(tests/core/test_archive.py checks that the columns agree)."""

from __future__ import annotations

from django.db import connection, transaction

BATCH = 10_000


def rows_archive(*, table: str, old_rows: str, params: list, batch: int = BATCH) -> int:
    """Move the rows of ``table`` whose ids ``old_rows`` selects (SQL over ``table`` returning
    ``id``, with ``params``) into ``<table>_archive``; returns how many moved."""
    sql = f"""
        WITH moved AS (
            DELETE FROM {table} WHERE id IN ({old_rows} LIMIT %s) RETURNING {table}.*
        )
        INSERT INTO {table}_archive SELECT * FROM moved
    """
    moved = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, batch])
            count = cursor.rowcount
        moved += count
        if count < batch:
            return moved
