"""Scheduler jobs: a declarative list; each job is a thin module calling one service.

The scheduler runs in its own process (``flask jobs run``), or — in the
embedded default without Redis — inside the web process started by
``python wsgi.py``. Never in ``create_app`` and never in tests: tests call
``flask jobs run-once NAME`` or the job function with a fixed clock.
``create_app`` calls ``init_app``, which only adds the ``flask jobs`` commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from . import escalate, reopen_low_rated, sample_completions


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Flask], int]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    description: str = ""


# misfire_grace_time: APScheduler's default of 1 s silently skips a slightly late
# tick; coalesce: after downtime, one catch-up run instead of one per missed tick.
SCHEDULE_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}

JOBS: list[Job] = [
    Job(
        id="escalate",
        func=escalate.run,
        trigger="interval",
        trigger_args={"minutes": 1},
        description="Mark late, unworked (24 h / 48 h) and overdue tickets, once per level.",
    ),
    Job(
        id="reopen-low-rated",
        func=reopen_low_rated.run,
        trigger="interval",
        trigger_args={"minutes": 1},
        description="Send completions rated low (or 'not fixed') back to their validator.",
    ),
    Job(
        id="sample-completions",
        func=sample_completions.run,
        trigger="cron",
        # Monday 00:10 in Jakarta: last week is complete.
        trigger_args={"day_of_week": "mon", "hour": 0, "minute": 10, "timezone": "Asia/Jakarta"},
        description="Flag last week's 5 % sample of each unit's completions for validation.",
    ),
]

JOBS_BY_ID = {job.id: job for job in JOBS}


def init_app(app: Flask) -> None:
    """What the web app knows of the jobs: the ``flask jobs`` commands (jobs/cli.py).

    It starts nothing; the scheduler starts from ``flask jobs run`` or ``python wsgi.py``.
    """
    from .cli import jobs_cli

    app.cli.add_command(jobs_cli)
