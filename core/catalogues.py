"""Catalogues read on every request and changed a few times a year (benefit schemes,
occupations): kept by each server process for a short while instead of rebuilt from the
database for each answer. A change made in this process clears them at once (the apps connect
:meth:`KeptCatalogue.clear` to their models' signals); other processes see it within
``seconds``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")


class KeptCatalogue(Generic[T]):
    every: list[KeptCatalogue] = []
    """All of them, for :meth:`clear_all`."""

    def __init__(self, load: Callable[[], T], *, seconds: float) -> None:
        self.load, self.seconds = load, seconds
        KeptCatalogue.every.append(self)
        self.lock = threading.Lock()
        self.value: T | None = None
        self.loaded_at = -float("inf")

    def get(self) -> T:
        with self.lock:
            if self.value is None or time.monotonic() - self.loaded_at > self.seconds:
                self.value, self.loaded_at = self.load(), time.monotonic()
            return self.value

    def clear_when_changed(self, *models, m2m: tuple = ()) -> None:
        """Clear on any save or delete of ``models`` and any change of the many-to-many
        ``m2m`` (their ``through`` models) made in this process."""
        for model in models:
            post_save.connect(self.clear, sender=model, weak=False)
            post_delete.connect(self.clear, sender=model, weak=False)
        for through in m2m:
            m2m_changed.connect(self.clear, sender=through, weak=False)

    def clear(self, *_args, **_kwargs) -> None:
        """Forget the kept value (usable as a signal receiver)."""
        with self.lock:
            self.value = None

    @classmethod
    def clear_all(cls) -> None:
        """Forget every kept catalogue (the tests, whose database rolls back between them)."""
        for catalogue in cls.every:
            catalogue.clear()
