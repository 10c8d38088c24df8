"""``flask jobs ...``: run the scheduler process, run one job now, list the jobs."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from . import JOBS, JOBS_BY_ID

jobs_cli = AppGroup("jobs", help="Scheduler jobs (escalation, ...).")


@jobs_cli.command("run")
def jobs_run() -> None:
    """Run the scheduler process (one leader; a second one stands by)."""
    from .scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


@jobs_cli.command("run-once")
@click.argument("name")
def jobs_run_once(name: str) -> None:
    """Run one job once, now (for operators and tests)."""
    job = JOBS_BY_ID.get(name.replace("_", "-"))
    if job is None:
        raise click.ClickException(f"unknown job {name!r}; jobs: {', '.join(JOBS_BY_ID)}")
    count = job.func(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"{job.id}: {count}")


@jobs_cli.command("list")
def jobs_list() -> None:
    """List the scheduled jobs."""
    for job in JOBS:
        click.echo(f"{job.id:20s} {job.trigger} {job.trigger_args}  {job.description}")
