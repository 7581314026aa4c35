"""Posting a request: the area decides who may be asked, children are named for care, times
make sense, the recommended thank-you and the insured-age warning, and who is told."""

from datetime import time, timedelta

import pytest

from tests.factories import make_child, make_offer
from tests.help_requests.conftest import draft
from webapp.areas.models import RequestAudience
from webapp.audit import AuditEntry
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests.errors import HelpRequestError
from webapp.help_requests.models import Audience, HelpRequest, RequestKind, RequestStatus
from webapp.help_requests.posting import (
    allowed_audiences,
    default_audience,
    post_request,
    recommended_thank_you,
    uninsured_children,
)
from webapp.notifications.models import Notification


def _notified(kind):
    return sorted(
        n.person_id
        for n in db.session.scalars(db.select(Notification).where(Notification.kind == kind))
    )


def test_post_a_childcare_request_for_connections(town):
    hanako = town["hanako"]
    request = post_request(draft(town), requester=hanako, actor=hanako, now=clock_now())
    assert request.status is RequestStatus.open
    assert request.area_id == town["misono"].id and request.household_id == hanako.household_id
    assert [c.id for c in request.children] == [town["child"].id]
    assert request.hours == 2
    # Her connection is told; nobody else.
    assert _notified("help_request.new") == [town["taro"].id]
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "help_request.posted")
    )
    assert entry.actor_id == hanako.id and entry.subject_id == request.id
    assert entry.data["uninsured_child_ids"] == []


def test_area_setting_decides_the_audiences_for_care(town):
    misono = town["misono"]
    assert allowed_audiences(misono, RequestKind.childcare) == [
        Audience.connections,
        Audience.supporters,
    ]
    assert default_audience(misono, RequestKind.pickup) is Audience.connections
    assert Audience.area in allowed_audiences(misono, RequestKind.lend)
    assert default_audience(misono, RequestKind.lend) is Audience.area
    hanako = town["hanako"]
    with pytest.raises(HelpRequestError) as error:
        post_request(
            draft(town, audience=Audience.area), requester=hanako, actor=hanako, now=clock_now()
        )
    assert error.value.code == "audience_not_allowed"
    misono.request_audience = RequestAudience.area
    db.session.commit()
    assert default_audience(misono, RequestKind.childcare) is Audience.area
    request = post_request(
        draft(town, audience=Audience.area), requester=hanako, actor=hanako, now=clock_now()
    )
    assert request.audience is Audience.area


def test_supporters_audience_tells_certified_supporters(town):
    hanako = town["hanako"]
    post_request(
        draft(town, audience=Audience.supporters), requester=hanako, actor=hanako, now=clock_now()
    )
    assert _notified("help_request.new") == [town["supporter"].id]


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"children": []}, "children_required"),
        ({"start": time(17, 0), "end": time(15, 0)}, "end_before_start"),
        ({"day_offset": -1}, "start_passed"),
    ],
)
def test_rules_of_a_request(town, overrides, code):
    if "day_offset" in overrides:
        overrides = {"day": (clock_now() + timedelta(days=overrides["day_offset"])).date()}
    hanako = town["hanako"]
    with pytest.raises(HelpRequestError) as error:
        post_request(draft(town, **overrides), requester=hanako, actor=hanako, now=clock_now())
    assert error.value.code == code
    assert db.session.scalar(db.select(db.func.count(HelpRequest.id))) == 0


def test_children_of_another_household_are_refused(town):
    hanako = town["hanako"]
    other_child = make_child(town["taro"].household)
    with pytest.raises(HelpRequestError) as error:
        post_request(
            draft(town, children=[other_child]), requester=hanako, actor=hanako, now=clock_now()
        )
    assert error.value.code == "unknown_child"


def test_lending_needs_no_children(town):
    hanako = town["hanako"]
    request = post_request(
        draft(town, kind=RequestKind.lend, children=[], audience=Audience.area),
        requester=hanako,
        actor=hanako,
        now=clock_now(),
    )
    assert request.children == []
    # Area-wide requests are announced to connections living in the area only.
    assert _notified("help_request.new") == [town["taro"].id]


def test_staff_without_household_cannot_ask(town):
    coordinator = town["coordinator"]
    with pytest.raises(HelpRequestError) as error:
        post_request(draft(town), requester=coordinator, actor=coordinator, now=clock_now())
    assert error.value.code == "no_household"


def test_recommended_thank_you_is_hours_times_the_area_range(town):
    misono = town["misono"]
    assert recommended_thank_you(misono, 2) == (1000, 1400)
    assert recommended_thank_you(misono, 1.5) == (750, 1050)
    misono.thank_you_min_yen, misono.thank_you_max_yen = 600, 900
    assert recommended_thank_you(misono, 0.5) == (300, 450)


def test_insured_age_warning(town):
    misono = town["misono"]
    day = clock_now().date()
    baby = make_child(town["household"], birth_year=day.year, birth_month=day.month)
    teen = make_child(town["household"], birth_year=day.year - 19, birth_month=1)
    warnings = uninsured_children(misono, [town["child"], baby, teen], day)
    assert [(child.id, age) for child, age in warnings] == [(baby.id, 0), (teen.id, 19)]
    hanako = town["hanako"]
    request = post_request(
        draft(town, children=[baby]), requester=hanako, actor=hanako, now=clock_now()
    )
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "help_request.posted")
    )
    assert entry.data["uninsured_child_ids"] == [baby.id]
    assert request.children == [baby]


def test_request_from_an_offer_goes_to_its_owner_only(town):
    hanako, jiro = town["hanako"], town["jiro"]
    offer = make_offer(town["taro"], kind=RequestKind.pickup)
    request = post_request(
        draft(town, kind=RequestKind.pickup, offer=offer, audience=None),
        requester=hanako,
        actor=hanako,
        now=clock_now(),
    )
    assert request.audience is Audience.person
    assert request.addressed_to_id == town["taro"].id and request.offer_id == offer.id
    assert _notified("help_request.new") == [town["taro"].id]
    # A stranger's offer of childcare cannot be asked where care stays among connections.
    stranger_offer = make_offer(jiro, kind=RequestKind.childcare)
    with pytest.raises(HelpRequestError) as error:
        post_request(
            draft(town, offer=stranger_offer), requester=hanako, actor=hanako, now=clock_now()
        )
    assert error.value.code == "audience_not_allowed"
    # ... but lending can.
    post_request(
        draft(town, kind=RequestKind.lend, children=[], offer=stranger_offer),
        requester=hanako,
        actor=hanako,
        now=clock_now(),
    )
    with pytest.raises(HelpRequestError) as error:
        post_request(
            draft(town, offer=make_offer(hanako)), requester=hanako, actor=hanako, now=clock_now()
        )
    assert error.value.code == "own_offer"
    stranger_offer.active = False
    with pytest.raises(HelpRequestError) as error:
        post_request(
            draft(town, kind=RequestKind.lend, children=[], offer=stranger_offer),
            requester=hanako,
            actor=hanako,
            now=clock_now(),
        )
    assert error.value.code == "offer_not_available"
