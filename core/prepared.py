"""Server-side prepared statements for hand-written reads run many times a second.

psycopg2 sends each statement as text, which PostgreSQL parses and plans on every call. A
statement run through :func:`execute_prepared` is prepared once per connection (``PREPARE``,
in the round trip of its first run) and then run by name (``EXECUTE``): parsed once, and
after five runs PostgreSQL keeps a generic plan when it costs no more than the plans made for
each call's values (its default ``plan_cache_mode``). On the demo data it does so for the
nearest query, whose filtered statement then takes ≈11% less time; at 1M stations it goes on
planning each call, as before (docs/OPERATIONS.md has the figures).

Prepared statements belong to the database session, not to a transaction (a rollback keeps
them), so the connection's backend remembers the names it has prepared (config.database); a
name the session lost (``DEALLOCATE``, ``DISCARD ALL``) is prepared again. A session prepares
at most :data:`MAX_PER_SESSION` statements and runs any other as plain text: the filters'
amenity keys are written into the statements (stations.conditions), so a client asking for
one set of amenities after another could otherwise fill the server's memory with plans.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.backends.utils import CursorWrapper

# SQLSTATE: no statement of that name in this session; one of that name exists already.
UNKNOWN_STATEMENT, DUPLICATE_STATEMENT = "26000", "42P05"
MAX_PER_SESSION = 200


@dataclass(frozen=True)
class Prepared:
    name: str
    prepare_and_execute: str  # the first run: PREPARE, then EXECUTE, in one round trip
    execute: str  # every later run


@functools.lru_cache(maxsize=512)
def prepared_form(sql: str) -> Prepared:
    """The prepared form of ``sql``, written with psycopg2's ``%s`` placeholders: ``PREPARE``
    numbers them ($1, $2…; ``%%`` stays, for psycopg2 to unescape), ``EXECUTE`` passes the
    values through psycopg2 as before. The name is a hash of the statement."""
    numbers = itertools.count(1)
    numbered = re.sub(r"%%|%s", lambda m: m[0] if m[0] == "%%" else f"${next(numbers)}", sql)
    count = next(numbers) - 1
    name = "yizhan_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    execute = f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    return Prepared(name, f"PREPARE {name} AS {numbered}; {execute}", execute)


def execute_prepared(cursor: CursorWrapper, sql: str, params: Sequence) -> None:
    """``cursor.execute(sql, params)``, as a prepared statement of the cursor's connection;
    fetch the rows from the cursor as usual."""
    statement, params = prepared_form(sql), list(params)
    prepared: set[str] = cursor.db.prepared_statements
    if len(prepared) >= MAX_PER_SESSION and statement.name not in prepared:
        cursor.execute(sql, params)
        return
    try:
        run(cursor, statement, params, prepared)
    except DatabaseError as error:
        code = getattr(error.__cause__, "pgcode", None)
        if code == UNKNOWN_STATEMENT:
            prepared.discard(statement.name)
        elif code == DUPLICATE_STATEMENT:
            prepared.add(statement.name)
        if code not in (UNKNOWN_STATEMENT, DUPLICATE_STATEMENT) or cursor.db.in_atomic_block:
            raise  # in a transaction, which the error ended: the next call runs right
        run(cursor, statement, params, prepared)


def run(cursor: CursorWrapper, statement: Prepared, params: list, prepared: set[str]) -> None:
    if statement.name in prepared:
        cursor.execute(statement.execute, params)
    else:
        cursor.execute(statement.prepare_and_execute, params)
        prepared.add(statement.name)
