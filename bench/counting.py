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
def counting(engine) -> Iterator[Counted]:
    """Statements sent to ``engine`` inside the block (an executemany counts once, as it is
    one round of batched parameters), and the block's wall time."""
    counted = Counted()

    def note(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        counted.queries += 1
        counted.statements.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", note)
    t0 = time.perf_counter()
    try:
        yield counted
    finally:
        counted.seconds = time.perf_counter() - t0
        event.remove(engine, "before_cursor_execute", note)
