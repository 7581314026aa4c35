"""Conversation pages: read a thread and write in it (htmx swaps the conversation in place)."""

from flask import Blueprint, abort, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..db import write_transaction
from ..web.auth import require_or_404
from ..web.htmx import is_partial, render
from . import services
from .forms import MessageForm
from .models import Thread

bp = Blueprint("threads", __name__, url_prefix="/threads")
ERRORS = {"empty": _l("Write your message"), "too_long": _l("Use 1,000 characters or fewer")}


def _load(thread_id: int) -> Thread:
    thread = services.load_thread(thread_id)
    if thread is None:
        abort(404)
    require_or_404(services.can_read(current_user, thread))
    return thread


def _page(thread: Thread, form: MessageForm, status: int = 200):
    return render(
        "threads/show.html",
        "threads/_conversation.html",
        thread=thread,
        messages=services.messages_of(thread, today=clock.today()),
        form=form,
        participant=services.is_participant(current_user, thread),
        status=status,
    )


@bp.get("/<int:thread_id>")
@login_required
def show(thread_id: int):
    """A conversation; a coordinator's read is recorded in the audit log."""
    thread = _load(thread_id)
    if not services.is_participant(current_user, thread):
        with write_transaction():
            services.record_read(thread, reader=current_user)
    return _page(thread, MessageForm())


@bp.post("/<int:thread_id>/messages")
@login_required
def post(thread_id: int):
    """Write a message (only the two people in the conversation)."""
    thread = _load(thread_id)
    require_or_404(services.is_participant(current_user, thread))
    form = MessageForm()
    if not form.validate():
        return _page(thread, form, status=422)
    try:
        services.post_message(thread, author=current_user, body=form.body.data, now=clock.now())
    except services.ThreadError as error:
        form.body.errors.append(ERRORS[error.code])
        return _page(thread, form, status=422)
    if is_partial():
        return _page(thread, MessageForm(formdata=None))
    return redirect(url_for("threads.show", thread_id=thread.id) + "#thread-form")
