"""Printed documents: the event flyer, the monthly area flyer and the signup sheet.

Each is an ordinary template under templates/print/events/, rendered by WeasyPrint through
the static-only URL fetcher (webapp/pdf.py); `?format=html` shows the same template in the
browser. The event's picture goes in as a `data:` URL: the fetcher reads nothing else.
Everything people typed is escaped by the templates, so text that looks like HTML or a URL
is printed as text and fetches nothing.
"""

from ..pdf import pdf_response
from . import pictures, queries
from .models import Event
from .urls import absolute_url

# Empty rows at the end of the signup sheet, for walk-ins written in by hand.
BLANK_ROWS = 15


def contact_phone(event: Event) -> str | None:
    return event.contact_phone or event.area.help_phone


def flyer(event: Event):
    places = queries.places_for([event])[event.id]
    return pdf_response(
        "print/events/flyer.html",
        f"event-{event.id}-flyer.pdf",
        event=event,
        places=places,
        phone=contact_phone(event),
        event_url=absolute_url("events.show", event_id=event.id),
        picture=pictures.data_url(event.picture_file),
    )


def month_flyer(area, year: int, month: int):
    events = queries.month_events(area.id, year, month)
    return pdf_response(
        "print/events/month.html",
        f"events-{area.id}-{year}-{month:02d}.pdf",
        area=area,
        year=year,
        month=month,
        events=events,
        places=queries.places_for(events),
        first_day=queries.month_bounds(year, month)[0],
        list_url=absolute_url("events.index", area=area.id, month=f"{year}-{month:02d}"),
    )


def signup_sheet(event: Event):
    rows = queries.sheet_rows(event)
    return pdf_response(
        "print/events/signup_sheet.html",
        f"event-{event.id}-signup-sheet.pdf",
        event=event,
        confirmed=rows["confirmed"],
        waiting=rows["waiting"],
        counts=queries.counts(event),
        blank_rows=BLANK_ROWS,
    )
