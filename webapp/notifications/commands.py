"""`flask send-email`: send the e-mail outbox (run it every minute from cron or a timer)."""

import click
from flask import current_app

from .services import send_outbox


@click.command("send-email")
@click.option("--limit", default=200, show_default=True, help="At most this many e-mails.")
def send_email_command(limit):
    """Send queued e-mail over SMTP (MAIL_SERVER...)."""
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("MAIL_SERVER is not set: nothing can be sent.")
    sent, failed = send_outbox(limit=limit)
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)
