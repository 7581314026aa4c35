"""Every model, imported in one place (for Alembic, the tests and the shell)."""

from .areas.models import Area, Membership, Role  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .connections.models import Connection, ConnectionCode, ConnectionInvite  # noqa: F401
from .events.models import Event, EventStaff, Signup  # noqa: F401
from .help_requests.models import ActivityReport, HelpOffer, HelpRequest  # noqa: F401
from .households.models import Child, Household, Person  # noqa: F401
from .login_cards.models import SignInCode  # noqa: F401
from .notifications.models import FollowUpCall, Notification, OutboxEmail  # noqa: F401
from .offers.models import Offer  # noqa: F401
from .profiles.models import DepartureCount  # noqa: F401
from .registration.models import RegistrationDraft  # noqa: F401
from .reports.models import AreaMonth, AreaMonthKind  # noqa: F401
from .supporters.models import TrainingModule, TrainingRecord  # noqa: F401
from .threads.models import Message, Thread  # noqa: F401
