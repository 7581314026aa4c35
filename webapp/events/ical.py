"""iCalendar files (RFC 5545) for one event and for an area's feed, with `icalendar`."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import Event, EventStatus
from .urls import absolute_url, site_base

FEED_PAST_DAYS = 90
FEED_LIMIT = 300


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Otagai//Events//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    return calendar


def _component(event: Event) -> CalendarEvent:
    host = urlsplit(site_base()).hostname or "otagai"
    item = CalendarEvent()
    item.add("uid", f"event-{event.id}@{host}")
    item.add("dtstamp", event.updated_at or event.created_at)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("location", " ".join(part for part in (event.venue, event.address) if part))
    if event.description:
        item.add("description", event.description)
    item.add("url", absolute_url("events.show", event_id=event.id))
    cancelled = event.status is EventStatus.cancelled
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def event_calendar(event: Event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_component(event))
    return calendar.to_ical()


def area_calendar(area, *, now: datetime | None = None) -> bytes:
    """The area's public events from three months ago on (at most FEED_LIMIT)."""
    since = (now or clock.now()) - timedelta(days=FEED_PAST_DAYS)
    events = db.session.scalars(
        select(Event)
        .where(
            Event.area_id == area.id,
            Event.status != EventStatus.draft,
            Event.ends_at >= since,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_LIMIT)
    )
    calendar = _calendar(area.name)
    for event in events:
        calendar.add_component(_component(event))
    return calendar.to_ical()
