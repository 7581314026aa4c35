"""`flask seed-scale`: the benchmark's data set (see seed.py). The benchmark (bench/run) calls
it with exactly these options: keep them stable."""

import time
from pathlib import Path

import click
from flask import current_app

from .bench import write_accounts
from .seed import SeedRefused, seed_scale
from .world import SCALE_PASSWORD

MIN_HOUSEHOLDS = 100  # fewer leave the first area without the conversations the bench needs


@click.command("seed-scale")
@click.option(
    "--households",
    type=click.IntRange(min=MIN_HOUSEHOLDS),
    default=100_000,
    show_default=True,
    help="Households to create; people, requests, events and areas scale with it.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--accounts-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the benchmark's accounts [default: instance/scale-accounts.json].",
)
def seed_scale_command(households: int, seed: int, accounts_file: Path | None):
    """Fill an empty database with a national-scale data set, for the benchmark."""
    started = time.perf_counter()

    def report(step: str, seconds: float) -> None:
        click.echo(f"{seconds:8.1f} s  {step}")

    try:
        state = seed_scale(households=households, seed=seed, report=report)
    except SeedRefused:
        raise click.ClickException(
            "This database already has people. The scale seed only fills an empty database: "
            "create a new one and run `flask db upgrade` first."
        ) from None
    path = accounts_file or Path(current_app.instance_path) / "scale-accounts.json"
    accounts = write_accounts(state, path)
    for table, count in accounts["rows"].items():
        click.echo(f"{count:>10,}  {table}")
    click.echo(f"Done in {time.perf_counter() - started:.0f} s. Accounts: {path}")
    click.echo(
        f"Every account's password is {SCALE_PASSWORD}. Member {accounts['member']} sees "
        f"{accounts['help_pages']} page(s) of requests to help with."
    )
