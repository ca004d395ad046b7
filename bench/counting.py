"""Counting the SQL statements a piece of code runs (benchmarks and the tests that keep
query counts flat use the same counter)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import event


@dataclass
class Counted:
    queries: int = 0
    seconds: float = 0.0
    statements: list[str] = field(default_factory=list)


@contextlib.contextmanager
def counting(*engines) -> Iterator[Counted]:
    """Statements sent to ``engines`` inside the block (an executemany counts once, as it is
    one round of batched parameters), and the block's wall time. Several engines: the app's
    and the result fast lane's own pool (PostgreSQL)."""
    counted = Counted()

    def note(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        counted.queries += 1
        counted.statements.append(" ".join(statement.split())[:160])

    engines = tuple(dict.fromkeys(engines))  # the same engine once (SQLite: one engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    t0 = time.perf_counter()
    try:
        yield counted
    finally:
        counted.seconds = time.perf_counter() - t0
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)
