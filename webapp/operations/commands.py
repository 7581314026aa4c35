"""`flask backup PATH`, `flask restore PATH`, `flask housekeeping`."""

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from ..clock import TOWN_TZ
from ..clock import now as clock_now
from ..housekeeping import TASKS, HousekeepingFailed, run_tasks
from .backup import BackupError, backup_sqlite, restore_sqlite, sqlite_path

PG_DUMP_HELP = (
    "This site runs on PostgreSQL: back it up with PostgreSQL's own tools, for example\n"
    "  pg_dump --format=custom --file=otagai-$(date +%Y%m%d).dump postgresql://USER@HOST/DB\n"
    "and restore with pg_restore (see the README, 'Operations')."
)

MESSAGES = {
    "target_exists": "{detail} already exists: choose a new file name.",
    "missing": "{detail} does not exist.",
    "not_a_database": "{detail} is not an SQLite database: nothing was changed.",
    "integrity": "The database check failed ({detail}): nothing was changed.",
    "no_revision": (
        "{detail} has no schema revision (alembic_version): it is not an Otagai database, "
        "or was never migrated. Nothing was changed."
    ),
    "unknown_revision": (
        "The backup's schema revision {detail} is unknown to this version of Otagai (a backup "
        "from a newer version?). Nothing was changed."
    ),
    "page_size": "The backup's page size differs from the database's ({detail}).",
}


def _fail(error: BackupError) -> click.ClickException:
    message = MESSAGES.get(error.code, "{detail}").format(detail=error.detail)
    return click.ClickException(message)


def _database_file() -> Path:
    try:
        return sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupError:
        raise click.ClickException(PG_DUMP_HELP) from None


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Copy the SQLite database to PATH, consistently, while the site keeps running."""
    database = _database_file()
    try:
        backup_sqlite(database, path)
    except BackupError as error:
        raise _fail(error) from None
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes, integrity ok).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool):
    """Check the backup PATH, then put it in place of the SQLite database."""
    from .backup import check_backup

    database = _database_file()
    try:
        checked = check_backup(path)
    except BackupError as error:
        raise _fail(error) from None
    click.echo(f"{path}: integrity ok, schema revision {checked.revision}.")
    if not yes:
        click.confirm(f"Replace the database {database} with this backup?", abort=True)
    try:
        checked, saved = restore_sqlite(path, database, now=clock_now().astimezone(TOWN_TZ))
    except BackupError as error:
        raise _fail(error) from None
    if saved:
        click.echo(f"The previous database was saved as {saved}.")
    click.echo("Restored.")
    if not checked.is_head:
        click.echo("The backup is from an older version: run `flask --app webapp db upgrade` now.")


@click.command("housekeeping")
@click.option("--list", "list_only", is_flag=True, help="Show the tasks and do nothing.")
def housekeeping_command(list_only: bool):
    """Remove what has expired (run it once a day)."""
    if list_only:
        with force_locale("en"):
            for name in sorted(TASKS):
                click.echo(f"{name}: {TASKS[name].description}")
        return
    try:
        results = run_tasks(now=clock_now())
    except HousekeepingFailed as failed:
        for name, count in sorted(failed.results.items()):
            click.echo(f"{name}: {count} removed")
        for name, error in failed.failures:
            click.echo(f"{name}: FAILED ({error})", err=True)
        raise SystemExit(1) from None
    for name, count in sorted(results.items()):
        click.echo(f"{name}: {count} removed")
