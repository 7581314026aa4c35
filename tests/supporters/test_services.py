"""Supporter certification rules: the training list, records, certifying and renewal, the
status on a day, and appointing supporters. Each rule leaves an audit entry."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_membership, make_area, make_person, make_training_record
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.supporters import services
from webapp.supporters.models import (
    CertificationStatus,
    TrainingModule,
    TrainingRecord,
    certification_status,
)

TODAY = date(2026, 11, 22)


@pytest.fixture
def town():
    misono = make_area(name="美園")
    hino = make_area(name="日野（一般）")
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, misono, Role.coordinator)
    supporter = make_person(area=misono, role=Role.supporter, display_name="さくら")
    member = make_person(area=misono, role=Role.member, phone="0425550001")
    hino_member = make_person(area=hino, role=Role.member)
    db.session.commit()
    return {
        "misono": misono,
        "hino": hino,
        "coordinator": coordinator,
        "supporter": supporter,
        "member": member,
        "hino_member": hino_member,
    }


def _actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _complete_all(area, person, *, on=TODAY):
    for module in services.training_modules(area):
        make_training_record(person, module, completed_on=on)
    db.session.commit()


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 11, 22), 24, date(2028, 11, 22)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 10), -24, date(2024, 1, 10)),
    ],
)
def test_add_months(start, months, expected):
    assert services.add_months(start, months) == expected


@pytest.mark.parametrize(
    "until, expected",
    [
        (None, CertificationStatus.not_certified),
        (date(2026, 11, 21), CertificationStatus.lapsed),
        (date(2026, 11, 22), CertificationStatus.lapsing),
        (date(2027, 1, 21), CertificationStatus.lapsing),  # 60 days ahead
        (date(2027, 1, 22), CertificationStatus.valid),  # 61 days ahead
        (date(2028, 11, 22), CertificationStatus.valid),
    ],
)
def test_status_on_a_day(until, expected):
    assert certification_status(until, TODAY) is expected


def test_default_modules_are_set_up_once(town):
    area = town["misono"]
    first = services.training_modules(area)
    again = services.training_modules(area)
    assert [m.name for m in first] == [name for name, _en in services.DEFAULT_MODULES]
    assert [m.id for m in again] == [m.id for m in first]
    assert first[1].display_name("en") == "Child safety and first aid"
    assert len(_actions("training.defaults_added")) == 1
    # Another area has its own list.
    assert {m.area_id for m in services.training_modules(town["hino"])} == {town["hino"].id}


def test_certify_is_refused_while_modules_are_missing(town):
    area, supporter = town["misono"], town["supporter"]
    modules = services.training_modules(area)
    make_training_record(supporter, modules[0], completed_on=TODAY)
    db.session.commit()
    with pytest.raises(services.SupporterError) as error:
        services.certify(area, supporter, actor=town["coordinator"], today=TODAY)
    assert error.value.code == "modules_missing"
    assert [m.id for m in error.value.modules] == [m.id for m in modules[1:]]
    db.session.refresh(supporter)
    assert not supporter.is_certified_supporter(TODAY, area.id)
    assert _actions("supporter.certified") == []


def test_certify_sets_the_date_and_the_badge_follows(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    _complete_all(area, supporter, on=date(2026, 10, 1))
    membership = services.certify(area, supporter, actor=coordinator, today=TODAY)
    assert membership.certified_until == date(2028, 11, 22)
    db.session.expire_all()
    assert supporter.is_certified_supporter(TODAY, area.id)
    assert not supporter.is_certified_supporter(date(2028, 11, 23), area.id)
    assert not supporter.is_certified_supporter(TODAY, town["hino"].id)
    (entry,) = _actions("supporter.certified")
    assert (entry.actor_id, entry.subject_id, entry.area_id) == (
        coordinator.id,
        supporter.id,
        area.id,
    )
    assert entry.data == {"until": "2028-11-22", "renewal": False}


def test_renewal_needs_training_within_the_period(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    _complete_all(area, supporter, on=date(2024, 11, 1))
    services.certify(area, supporter, actor=coordinator, today=date(2024, 11, 22))
    # Two years on, the 2024 training no longer counts: renewal is refused.
    with pytest.raises(services.SupporterError) as error:
        services.certify(area, supporter, actor=coordinator, today=TODAY)
    assert error.value.code == "modules_missing" and len(error.value.modules) == 4
    _complete_all(area, supporter, on=date(2026, 11, 1))
    membership = services.certify(area, supporter, actor=coordinator, today=TODAY)
    assert membership.certified_until == date(2028, 11, 22)
    assert [e.data["renewal"] for e in _actions("supporter.certified")] == [False, True]


def test_the_area_period_sets_the_length(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    services.set_certification_period(area, months=12, actor=coordinator)
    _complete_all(area, supporter)
    membership = services.certify(area, supporter, actor=coordinator, today=TODAY)
    assert membership.certified_until == date(2027, 11, 22)
    (entry,) = _actions("training.period_changed")
    assert entry.data == {"old": 24, "months": 12}


def test_a_module_added_later_is_needed_and_a_removed_one_is_not(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    _complete_all(area, supporter)
    extra = services.add_module(area, name="応急手当の実技", name_en=None, actor=coordinator)
    with pytest.raises(services.SupporterError) as error:
        services.certify(area, supporter, actor=coordinator, today=TODAY)
    assert [m.id for m in error.value.modules] == [extra.id]
    services.remove_module(extra, actor=coordinator)
    services.certify(area, supporter, actor=coordinator, today=TODAY)
    # Taking it back on the list revives the same module (its records stay attached).
    again = services.add_module(area, name="応急手当の実技", name_en="Practice", actor=coordinator)
    assert again.id == extra.id and again.is_active and again.name_en == "Practice"
    assert services.training_modules(area)[-1].id == extra.id


def test_module_names_are_unique_per_area(town):
    area, coordinator = town["misono"], town["coordinator"]
    modules = services.training_modules(area)
    with pytest.raises(services.SupporterError) as error:
        services.add_module(area, name=modules[0].name, name_en=None, actor=coordinator)
    assert error.value.code == "module_name_taken"
    with pytest.raises(services.SupporterError) as error:
        services.update_module(modules[1], name=modules[0].name, name_en=None, actor=coordinator)
    assert error.value.code == "module_name_taken"
    services.update_module(modules[1], name="安全と応急手当", name_en="Safety", actor=coordinator)
    (entry,) = _actions("training.module_changed")
    assert entry.data == {"old": "子どもの安全と応急手当", "name": "安全と応急手当"}
    # The same name in another area is fine.
    services.add_module(town["hino"], name="安全と応急手当", name_en=None, actor=coordinator)


def test_record_training_rules(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    module = services.training_modules(area)[0]
    record = services.record_training(
        area, supporter, module_id=module.id, completed_on=TODAY, actor=coordinator, today=TODAY
    )
    assert record.recorded_by_id == coordinator.id
    again = services.record_training(
        area, supporter, module_id=module.id, completed_on=TODAY, actor=coordinator, today=TODAY
    )
    assert again.id == record.id
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 1
    (entry,) = _actions("training.recorded")
    assert entry.data == {"module": module.name, "completed_on": "2026-11-22"}

    cases = [
        (supporter, module.id, date(2026, 11, 23), "date_in_future"),
        (supporter, services.training_modules(town["hino"])[0].id, TODAY, "module_not_found"),
        (supporter, 987654, TODAY, "module_not_found"),
        (town["member"], module.id, TODAY, "not_a_supporter"),
    ]
    for person, module_id, day, code in cases:
        with pytest.raises(services.SupporterError) as error:
            services.record_training(
                area, person, module_id=module_id, completed_on=day, actor=coordinator, today=TODAY
            )
        assert error.value.code == code


def test_removing_a_record_is_audited(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    module = services.training_modules(area)[0]
    record = make_training_record(supporter, module, completed_on=date(2026, 5, 1))
    db.session.commit()
    services.remove_training_record(area, record, actor=coordinator)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0
    (entry,) = _actions("training.record_removed")
    assert entry.data == {"module": module.name, "completed_on": "2026-05-01"}


def test_appoint_a_member_of_the_area(town):
    area, coordinator, member = town["misono"], town["coordinator"], town["member"]
    person = services.appoint_supporter(area, "０４２－５５５－０００１", actor=coordinator)
    assert person.id == member.id
    db.session.expire_all()
    assert member.role_in(area.id) is Role.supporter
    assert len(_actions("supporter.appointed")) == 1
    with pytest.raises(services.SupporterError) as error:
        services.appoint_supporter(area, member.member_number, actor=coordinator)
    assert error.value.code == "already_supporter"


@pytest.mark.parametrize("who", ["hino_member", "nobody", "coordinator"])
def test_appoint_only_finds_members_of_the_area(town, who):
    identifier = "99999999" if who == "nobody" else town[who].member_number
    with pytest.raises(services.SupporterError) as error:
        services.appoint_supporter(town["misono"], identifier, actor=town["coordinator"])
    expected = "person_not_found" if who != "coordinator" else "already_supporter"
    assert error.value.code == expected


def test_appoint_by_a_shared_phone_asks_for_the_member_number(town):
    make_person(household=town["member"].household, phone="0425550001")
    db.session.commit()
    with pytest.raises(services.SupporterError) as error:
        services.appoint_supporter(town["misono"], "0425550001", actor=town["coordinator"])
    assert error.value.code == "person_ambiguous"


def test_ending_the_role_ends_the_certification(town):
    area, supporter, coordinator = town["misono"], town["supporter"], town["coordinator"]
    _complete_all(area, supporter)
    services.certify(area, supporter, actor=coordinator, today=TODAY)
    services.end_supporter_role(area, supporter, actor=coordinator)
    db.session.expire_all()
    membership = supporter.memberships[0]
    assert (membership.role, membership.certified_until) == (Role.member, None)
    assert not supporter.is_certified_supporter(TODAY)
    with pytest.raises(services.SupporterError) as error:
        services.end_supporter_role(area, supporter, actor=coordinator)
    assert error.value.code == "not_a_supporter"


def test_default_modules_survive_concurrent_first_use(app, town):
    """Two requests that both find no modules still give the area one list."""
    import threading

    area_id = town["misono"].id
    db.session.commit()
    barrier = threading.Barrier(4)
    errors = []

    def open_list():
        with app.app_context():
            try:
                area = db.session.get(type(town["misono"]), area_id)
                barrier.wait()
                services.training_modules(area)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=open_list) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.commit()  # end this test's own read snapshot: look at what the threads wrote
    count = db.session.scalar(
        select(func.count(TrainingModule.id)).where(TrainingModule.area_id == area_id)
    )
    assert count == len(services.DEFAULT_MODULES)
