"""Housekeeping: removing what has expired, run by `flask housekeeping` (daily, from cron).

Each domain registers its cleanup tasks when it is imported:

    register_task("notifications.read", delete_read_notifications,
                  _l("Read notices older than a year"))

A task is a plain function `(*, now) -> int` that deletes what has expired at `now` and returns
how many rows it removed. It must only delete what its own retention rule allows (tests check
that each task leaves everything younger alone). The command runs each task in its own write
transaction, so one failing task neither blocks nor undoes the others.

Retention rules in force are listed in the README ("Operations").
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Task:
    name: str
    run: Callable[..., int]
    description: object  # lazy string


TASKS: dict[str, Task] = {}


def register_task(name: str, run: Callable[..., int], description) -> None:
    TASKS[name] = Task(name=name, run=run, description=description)


def run_tasks(*, now: datetime, only: list[str] | None = None) -> dict[str, int]:
    """Run every registered task (or the named ones); returns rows removed by task name.

    Each task commits on its own; an exception in one is re-raised after the others ran.
    """
    from .db import write_transaction

    results: dict[str, int] = {}
    failures: list[tuple[str, BaseException]] = []
    for name in sorted(TASKS):
        if only and name not in only:
            continue
        try:
            with write_transaction():
                results[name] = TASKS[name].run(now=now)
        except Exception as error:  # keep going: the other tasks are independent
            failures.append((name, error))
    if failures:
        name, error = failures[0]
        raise HousekeepingFailed(results, failures) from error
    return results


class HousekeepingFailed(RuntimeError):
    def __init__(self, results: dict[str, int], failures: list[tuple[str, BaseException]]):
        super().__init__(", ".join(f"{name}: {error}" for name, error in failures))
        self.results = results
        self.failures = failures
