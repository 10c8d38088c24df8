"""Command-line commands (``flask ...``): thin wrappers over the services.

The ``flask jobs`` group lives with the jobs (jobs/cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from . import clock

units_cli = AppGroup("units", help="Organisation units.")
users_cli = AppGroup("users", help="Staff accounts.")
keys_cli = AppGroup("keys", help="Channel API keys.")
privacy_cli = AppGroup("privacy", help="Reporter data: retention.")


@privacy_cli.command("retention")
@click.option(
    "--months",
    type=int,
    default=None,
    help="Erase reporter data of tickets verified more than this many months ago "
    "(default: PANTAU_RETENTION_MONTHS, 24).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
def privacy_retention(months: int | None, dry_run: bool) -> None:
    """Anonymise the reporters of long-verified tickets, keeping the statistics."""
    from flask import current_app

    from .services import privacy
    from .services.errors import InvalidInput

    months = months if months is not None else int(current_app.config["RETENTION_MONTHS"])
    try:
        result = privacy.anonymise_old_reporters(months=months, now=clock.now(), dry_run=dry_run)
    except InvalidInput as exc:
        raise click.BadParameter("; ".join(exc.errors.values()), param_hint="--months") from None
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(
        f"{verb} the reporter data of {result.tickets:,} tickets verified before "
        f"{result.cutoff:%Y-%m-%d %H:%M} UTC ({months} months); "
        f"reporter rows {'linked' if dry_run else 'deleted'}: {result.reporters_deleted:,}; "
        f"rating comments redacted: {result.ratings_redacted:,}."
    )


kpi_cli = AppGroup("kpi", help="The KPI rollup: verify it against the tickets, rebuild it.")


@kpi_cli.command("verify")
@click.option("--show", default=20, show_default=True, help="Mismatching rows to print.")
def kpi_verify(show: int) -> None:
    """Recount every KPI from the tickets and compare with the stored rollup.

    Exits 1 when any counter of any row differs.
    """
    import time

    from .services import kpi

    started = time.perf_counter()
    result = kpi.verify(limit=show)
    seconds = time.perf_counter() - started
    click.echo(
        f"Recounted {result.rows_expected:,} rollup rows from the tickets; "
        f"{result.rows_stored:,} stored ({seconds:.1f} s)."
    )
    if result.ok:
        click.echo("Rollup agrees with the tickets.")
        return
    for (dim, key_id, sub_id, day), diff in result.mismatches:
        shown = ", ".join(f"{k}: recount {w} stored {g}" for k, (w, g) in diff.items())
        click.echo(f"  {dim} {key_id}/{sub_id} {day}: {shown}")
    raise click.ClickException(
        "the KPI rollup does not agree with the tickets; run `flask kpi rebuild`"
    )


@kpi_cli.command("rebuild")
@click.option("--if-empty", is_flag=True, help="Only when the rollup holds no rows yet.")
def kpi_rebuild(if_empty: bool) -> None:
    """Replace the rollup with a recount from the tickets (after a bulk load or an upgrade)."""
    import time

    from .services import kpi

    if if_empty and not kpi.is_empty():
        click.echo("KPI rollup already built.")
        return
    started = time.perf_counter()
    rows = kpi.rebuild()
    click.echo(f"KPI rollup rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s.")


@units_cli.command("import-boundaries")
@click.argument("geojson", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--name-property",
    default="name",
    show_default=True,
    help="Feature property holding the kelurahan name (or its code).",
)
def import_boundaries(geojson: Path, name_property: str) -> None:
    """Attach kelurahan boundary polygons from a GeoJSON FeatureCollection."""
    from .services.boundaries import import_boundaries as run

    data = json.loads(geojson.read_text(encoding="utf-8"))
    report = run(data, name_property=name_property)
    click.echo(f"{report.matched} kelurahan boundaries imported.")
    for name in report.unmatched:
        click.echo(f"  not matched: {name}", err=True)


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "mro", "officer", "validator", "executive"]),
)
@click.option("--name", "display_name", required=True)
@click.option("--unit", "unit_code", help="Unit code (officers; validators: their validator body).")
@click.option("--kota", "kota_code", help="Kota code (kota validators and executives).")
@click.password_option()
def create_user(
    username: str,
    role: str,
    display_name: str,
    unit_code: str | None,
    kota_code: str | None,
    password: str,
) -> None:
    """Create a staff account."""
    from .services import accounts
    from .services.errors import InvalidInput

    try:
        accounts.create_user(
            username=username,
            password=password,
            display_name=display_name,
            role=role,
            unit_code=unit_code,
            kota_code=kota_code,
            now=clock.now(),
        )
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"User {username} created.")


@keys_cli.command("issue")
@click.argument("channel")
@click.option("--label", default="", help="Who holds the key.")
def issue_key(channel: str, label: str) -> None:
    """Issue an ingest API key for a channel (printed once)."""
    from .services import accounts
    from .services.errors import InvalidInput

    try:
        key = accounts.issue_api_key(channel, label=label, now=clock.now())
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from None
    click.echo(key)


def init_app(app: Flask) -> None:
    """The ``flask ...`` command groups of the app (``flask jobs`` comes from jobs.init_app)."""
    from .demo.commands import demo_cli

    for group in (units_cli, users_cli, keys_cli, kpi_cli, privacy_cli, demo_cli):
        app.cli.add_command(group)
