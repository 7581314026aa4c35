"""Domain errors of events, each with a stable string code.

Codes: `not_open` (event not taking signups), `deadline_passed`, `already_started`,
`already_signed_up`, `not_found` (no signup with this code and phone), `already_cancelled`,
`bad_transition`, `not_a_supporter`, `already_staff`, `person_not_found`, `person_ambiguous`,
`not_an_image`, `image_too_large`, `not_checked_in`, `cannot_check_in`.
"""


class EventError(Exception):
    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details
