"""``flask demo load``: reference data, demo accounts, channel keys and a year of tickets."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

demo_cli = AppGroup("demo", help="Demo data: a year of Jakarta complaints, accounts and keys.")

CREDENTIALS_FILE = "demo-credentials.txt"
# What the README's run command loads: one year of tickets ending now.
DEFAULT_TICKETS = 50_000


@demo_cli.command("load")
@click.option(
    "--tickets",
    "n_tickets",
    default=DEFAULT_TICKETS,
    show_default=True,
    type=click.IntRange(0),
    help="How many tickets to generate (one year ending now).",
)
@click.option(
    "--seed",
    default=2024,
    show_default=True,
    type=int,
    help="Random seed: the same seed gives the same tickets.",
)
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already holds tickets."
)
def load(n_tickets: int, seed: int, if_empty: bool) -> None:
    """Seed reference data, demo accounts and channel keys, then generate tickets."""
    from .. import clock
    from ..extensions import db
    from ..models import Ticket
    from . import generate
    from . import seed as seeding

    existing = db.session.scalar(select(func.count()).select_from(Ticket)) or 0
    if existing and if_empty:
        click.echo(f"Database already holds {existing:,} tickets; demo data not loaded.")
        return
    now = clock.now()
    created = seeding.seed_reference(now)
    click.echo(
        "Reference data: " + ", ".join(f"{v} {k}" for k, v in created.items() if v)
        if any(created.values())
        else "Reference data already present."
    )
    accounts = seeding.create_demo_accounts(now)
    keys = seeding.issue_channel_keys(now)

    if existing:
        click.echo(f"Database already holds {existing:,} tickets; adding {n_tickets:,} more.")
    stats = None
    if n_tickets:
        with click.progressbar(
            length=n_tickets, label="Generating tickets", file=sys.stderr, show_pos=True
        ) as bar:
            done_so_far = 0

            def progress(done: int, total: int) -> None:
                nonlocal done_so_far
                bar.update(done - done_so_far)
                done_so_far = done

            stats = generate.generate_tickets(n_tickets, seed=seed, now=now, progress=progress)
        click.echo(
            f"{stats.tickets:,} tickets, {stats.events:,} history events, "
            f"{stats.reporters:,} reporters in {stats.seconds:.1f} s "
            f"({stats.tickets / max(stats.seconds, 1e-9):,.0f} tickets/s)."
        )
        click.echo(
            "Status now: " + ", ".join(f"{k} {v:,}" for k, v in sorted(stats.status_counts.items()))
        )
        from ..services import kpi

        started = time.perf_counter()
        rows = kpi.rebuild()
        click.echo(f"KPI rollup rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s.")

    text = credentials_text(accounts, keys, now)
    if accounts or keys:
        path = write_credentials(Path(current_app.instance_path) / CREDENTIALS_FILE, text)
        click.echo(text)
        click.echo(f"Saved to {path} (readable by you only).")
    else:
        click.echo(
            "Demo accounts and channel keys already existed; "
            f"see {Path(current_app.instance_path) / CREDENTIALS_FILE}."
        )


def credentials_text(
    accounts: list[tuple[str, str, str, str]], keys: list[tuple[str, str]], now: datetime
) -> str:
    """The credentials as a plain-text table."""
    lines = [f"# Pantau demo credentials, created {now:%Y-%m-%d %H:%M} UTC", ""]
    if accounts:
        width = max(len(a[0]) for a in accounts)
        lines.append("Staff accounts (username  password  role  scope):")
        for username, password, role, scope in accounts:
            lines.append(f"  {username:<{width}}  {password}  {role:<9}  {scope}")
        lines.append("")
    if keys:
        width = max(len(k[0]) for k in keys)
        lines.append("Channel API keys (X-API-Key header):")
        for code, key in keys:
            lines.append(f"  {code:<{width}}  {key}")
        lines.append("")
    return "\n".join(lines)


def write_credentials(path: Path, text: str) -> Path:
    """Append to the credentials file, created with mode 0600 (owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (text + "\n").encode())
    finally:
        os.close(fd)
    return path
