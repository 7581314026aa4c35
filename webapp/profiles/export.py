"""A member's own data, to download as JSON or CSV: everything the site holds about them and
their household, in one place."""

import csv
import io

from sqlalchemy import select

from ..audit import AuditEntry
from ..extensions import db
from ..households.models import Person
from ..login_cards.models import SignInCode
from ..notifications.models import Notification


def _iso(value):
    return value.isoformat() if value is not None else None


def export_data(person: Person) -> dict:
    household = person.household
    data = {
        "person": {
            "name": person.name,
            "kana": person.kana,
            "display_name": person.display_name,
            "phone": person.phone,
            "email": person.email,
            "member_number": person.member_number,
            "locale": person.locale,
            "registered_via": person.registered_via,
            "consent_method": person.consent_method,
            "consented_at": _iso(person.consented_at),
            "created_at": _iso(person.created_at),
            "last_signed_in_at": _iso(person.last_signed_in_at),
        },
        "memberships": [
            {
                "area": m.area.name,
                "role": m.role.name,
                "certified_until": _iso(m.certified_until),
            }
            for m in person.memberships
        ],
        "household": None,
        "login_cards": [
            {
                "issued_at": _iso(c.issued_at),
                "expires_at": _iso(c.expires_at),
                "used_at": _iso(c.used_at),
                "voided_at": _iso(c.voided_at),
            }
            for c in db.session.scalars(
                select(SignInCode).where(SignInCode.person_id == person.id).order_by(SignInCode.id)
            )
        ],
        "notifications": [
            {"kind": n.kind, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
            for n in db.session.scalars(
                select(Notification)
                .where(Notification.person_id == person.id)
                .order_by(Notification.id)
            )
        ],
        "activity": [
            {"action": e.action, "at": _iso(e.at)}
            for e in db.session.scalars(
                select(AuditEntry)
                .where(
                    (AuditEntry.actor_id == person.id) | (AuditEntry.on_behalf_of_id == person.id)
                )
                .order_by(AuditEntry.id)
            )
        ],
    }
    if household is not None:
        data["household"] = {
            "area": household.area.name,
            "postal_code": household.postal_code,
            "address": household.address,
            "adults": [
                {"name": a.name, "kana": a.kana} for a in household.adults if a.id != person.id
            ],
            "children": [
                {
                    "name": c.name,
                    "kana": c.kana,
                    "birth_year": c.birth_year,
                    "birth_month": c.birth_month,
                    "care_notes": c.care_notes,
                }
                for c in household.children
            ],
        }
    return data


def _flatten(prefix: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, rows)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            _flatten(f"{prefix}[{index}]", item, rows)
    else:
        rows.append((prefix, "" if value is None else str(value)))


def export_csv(data: dict) -> str:
    """Two columns, `field` and `value`, one row per item (opens in any spreadsheet)."""
    rows: list = []
    _flatten("", data, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["field", "value"])
    for field, value in rows:
        # A leading = + - @ would make a spreadsheet run the cell as a formula.
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
        writer.writerow([field, value])
    return out.getvalue()
