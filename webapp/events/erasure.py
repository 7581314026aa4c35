"""When an account is deleted, its event signups lose every personal detail.

The rows stay, stripped, so that the event's attendance figures do not change: how many adults
and children came is not personal data once nobody can tell who they were. Guest signups made
with the same phone number (no account attached) are stripped too.
"""

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from ..households.models import Person
from ..profiles.erasure import register_eraser
from .models import Signup

ERASED_NAME = "—"  # the name column cannot be empty; a dash reads as "nobody" in both languages


def erase_signups(person: Person, people_ids: list[int]) -> None:
    phones = [
        p for p in db.session.scalars(select(Person.phone).where(Person.id.in_(people_ids))) if p
    ]
    whose = Signup.person_id.in_(people_ids)
    if phones:
        whose = or_(whose, and_(Signup.person_id.is_(None), Signup.phone.in_(phones)))
    db.session.execute(
        update(Signup)
        .where(whose)
        .values(
            person_id=None,
            name=ERASED_NAME,
            kana=None,
            phone=None,
            email=None,
            allergies=None,
            accessibility=None,
            children_ages=[],
        )
        .execution_options(synchronize_session=False)
    )


register_eraser(erase_signups)
