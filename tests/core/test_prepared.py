"""Prepared statements: prepared in the first run's round trip, run by name after, and prepared
again when the session lost them, without a wrong answer or an error the caller did not cause."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.prepared import execute_prepared, prepared_form


def fresh_statement() -> str:
    """A statement no test has prepared on this connection (they outlive transactions)."""
    return f"SELECT %s::integer + 1, '100%%' /* {uuid.uuid4()} */"


def run(sql: str, value: int) -> list[tuple]:
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, [value])
        return cursor.fetchall()


def session_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_a_statement_is_prepared_in_its_first_round_trip_then_run_by_name():
    sql = fresh_statement()
    with CaptureQueriesContext(connection) as queries:
        assert run(sql, 1) == [(2, "100%")]
        assert run(sql, 41) == [(42, "100%")]
    first, second = (query["sql"] for query in queries.captured_queries)
    name = prepared_form(sql).name
    assert first.startswith(f"PREPARE {name} AS SELECT $1::integer + 1, '100%'")
    assert first.endswith(f"EXECUTE {name}(1)")
    assert second == f"EXECUTE {name}(41)"
    assert name in session_statements()


@pytest.mark.django_db
def test_in_a_transaction_a_lost_statement_fails_once_then_is_prepared_again():
    sql = fresh_statement()
    run(sql, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {prepared_form(sql).name}")
        run(sql, 2)  # the transaction is aborted by the error: no second try in it
    assert run(sql, 3) == [(4, "100%")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_a_lost_or_unknown_statement_is_run_at_once():
    sql = fresh_statement()
    name = prepared_form(sql).name
    run(sql, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {name}")  # as a pooler's DISCARD ALL would
    assert run(sql, 2) == [(3, "100%")]
    connection.prepared_statements.discard(name)  # the session has it, the backend forgot
    assert run(sql, 3) == [(4, "100%")]
    assert name in connection.prepared_statements
    connection.close()
    connection.ensure_connection()
    assert connection.prepared_statements == set()  # a new session starts with none
    assert run(sql, 4) == [(5, "100%")]


@pytest.mark.django_db
def test_past_the_session_s_limit_a_new_statement_runs_unprepared(monkeypatch):
    monkeypatch.setattr("core.prepared.MAX_PER_SESSION", len(connection.prepared_statements) + 1)
    kept, extra = fresh_statement(), fresh_statement()
    run(kept, 1)
    with CaptureQueriesContext(connection) as queries:
        assert run(extra, 1) == [(2, "100%")]
        assert run(kept, 2) == [(3, "100%")]  # one prepared before the limit still runs by name
    assert [query["sql"] for query in queries.captured_queries] == [
        extra.replace("%s", "1").replace("%%", "%"),
        f"EXECUTE {prepared_form(kept).name}(2)",
    ]
    assert prepared_form(extra).name not in session_statements()
