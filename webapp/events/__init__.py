"""Local exchange events (交流イベント): announcing, signing up (with or without an account),
the waitlist, check-in at the door, printed flyers and sheets, and what happened afterwards.

    models.py        Event, Signup, EventStaff and their states
    errors.py        EventError with stable codes
    permissions.py   who may manage an event, who may see it
    managing.py      creating, editing, publishing, copying events; pictures; event staff
    signups.py       signing up, capacity, the waitlist, cancelling, promotion
    checkin.py       check-in at the door, walk-ins, attendance keyed in from paper
    queries.py       lists and counts for pages, sheets and feeds (bounded queries)
    pictures.py      re-encoding uploaded pictures
    notices.py       notification wording and who is told what, how
    printing.py      flyer, monthly flyer and signup sheet documents
    ical.py          iCalendar files
    routes_public.py, routes_staff.py   the web pages
"""
