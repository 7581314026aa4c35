"""Command-line tools: `flask seed-demo`, `flask create-admin`, and each domain's commands."""

import click
from flask import Flask
from werkzeug.security import generate_password_hash

from .extensions import db


@click.command("seed-demo")
def seed_demo_command():
    """Fill an empty database with the demo town (safe to run twice)."""
    from .demo import DEMO_PASSWORD, seed_demo

    if seed_demo():
        click.echo(
            f"Demo town created. Sign in with member number 10000001, password {DEMO_PASSWORD}."
        )
    else:
        click.echo("Demo town already present: nothing to do.")


@click.command("create-admin")
@click.option("--name", required=True)
@click.option("--display-name", required=True)
@click.option("--email", default=None)
@click.password_option()
def create_admin_command(name, display_name, email, password):
    """Create an administrator account and print its member number."""
    from .accounts.services import MIN_PASSWORD_LENGTH, new_member_number
    from .households.models import Person

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"at least {MIN_PASSWORD_LENGTH} characters", param_hint="password"
        )
    person = Person(
        name=name,
        display_name=display_name,
        email=email.lower() if email else None,
        member_number=new_member_number(),
        password_hash=generate_password_hash(password),
        is_admin=True,
    )
    db.session.add(person)
    db.session.commit()
    click.echo(f"Admin created. Member number: {person.member_number}")


def init_app(app: Flask) -> None:
    from .notifications.commands import send_email_command
    from .operations.commands import backup_command, housekeeping_command, restore_command
    from .scale.commands import seed_scale_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(send_email_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(housekeeping_command)
    app.cli.add_command(seed_scale_command)
