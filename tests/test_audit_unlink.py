"""Erasing an account unlinks audit entries about the person; nothing else may change them."""

import pytest

from tests.factories import make_person
from webapp.audit import AuditEntry, AuditLogIsAppendOnly, log_action, unlink_subjects
from webapp.extensions import db


def test_unlink_subjects_is_the_only_allowed_change():
    person = make_person()
    log_action(person, "account.signed_in", person)
    db.session.commit()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(db.update(AuditEntry).values(action="forged"))
    db.session.rollback()
    unlink_subjects("people", [person.id])
    db.session.commit()
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry.subject_id is None and entry.action == "account.signed_in"
