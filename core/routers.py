"""Reads on PostgreSQL streaming replicas, writes on the primary.

``DATABASE_REPLICA_URLS`` (comma-separated) adds the aliases ``replica_0``, ``replica_1``…
(config/settings/base.py). Then the router sends the ORM's reads to a replica, chosen at random,
and so does :func:`read_connection` for the selectors' hand-written SQL, except:

- inside a transaction on the primary (a write's own reads must see it and hold its locks);
- during a request that writes, and for ``YIZHAN_READ_YOUR_WRITES_SECONDS`` after it for the
  same client (a cookie, set on the write's answer): a worker who has just booked sees the
  booking, a manager the change they saved, whatever the replicas' lag;
- the job queue's tables and the jobs (claimed with row locks, polled for progress).

Without replicas, everything is the primary's, and no cookie is set."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

REPLICA_PREFIX = "replica_"
PRIMARY_ONLY_APPS = {"django_tasks_database", "core"}
STICKY_COOKIE = "yizhan_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_on_primary: ContextVar[bool] = ContextVar("yizhan_reads_on_primary", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def reading_alias() -> str:
    """Where a read goes now: the primary when it must (see the module), else a replica."""
    replicas = replica_aliases()
    if not replicas or _on_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return random.choice(replicas)


def read_connection() -> BaseDatabaseWrapper:
    """The connection for a selector's hand-written SQL (the ORM's reads go through the
    router)."""
    return connections[reading_alias()]


@contextmanager
def reads_on_primary() -> Iterator[None]:
    """Every read of the block on the primary: for an answer that must agree with something
    only the primary knows (e.g. which transactions are still writing there)."""
    token = _on_primary.set(True)
    try:
        yield
    finally:
        _on_primary.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return reading_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReadYourWritesMiddleware:
    """Keeps a client's reads on the primary while it writes and for a few seconds after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = _on_primary.set(writes or wrote_recently(request))
        try:
            response = self.get_response(request)
        finally:
            _on_primary.reset(token)
        if writes:
            seconds = settings.YIZHAN_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
            )
        return response
