"""The set-up commands the README names: `flask seed-demo` and `flask create-admin`."""

from sqlalchemy import func, select

from webapp import clock
from webapp.areas.models import Area, Membership, Role
from webapp.extensions import db
from webapp.households.models import Child, Household, Person


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def test_seed_demo_builds_a_small_believable_town(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "10000001" in result.output and "otagai-demo" in result.output

    areas = db.session.scalars(select(Area).order_by(Area.id)).all()
    assert [a.name for a in areas] == ["美園", "日野（一般）"]
    assert _count(select(Person.id).where(Person.is_admin)) == 1
    for area in areas:
        coordinators = select(Membership.id).where(
            Membership.area_id == area.id, Membership.role == Role.coordinator
        )
        assert _count(coordinators) == 1, area.name
    assert _count(select(Membership.id).where(Membership.role == Role.supporter)) == 3
    assert _count(select(Household.id)) == 30
    today = clock.today()
    ages = [child.age_on(today) for child in db.session.scalars(select(Child))]
    assert len(ages) >= 20 and len(set(ages)) >= 8, ages  # babies to teenagers
    assert all(0 <= age <= 18 for age in ages), ages  # whatever year the demo is built in

    # The demo accounts sign in with the published password.
    response = client.post_form("/sign-in", {"identifier": "10000001", "password": "otagai-demo"})
    assert response.status_code == 302

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "already present" in again.output
    assert _count(select(Household.id)) == 30


def test_create_admin_makes_an_account_that_signs_in(runner, client):
    result = runner.invoke(
        args=["create-admin", "--name", "市役所 太郎", "--display-name", "市役所"],
        input="a-long-secret\na-long-secret\n",
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(Person).where(Person.is_admin))
    assert admin.name == "市役所 太郎" and admin.member_number in result.output
    response = client.post_form(
        "/sign-in", {"identifier": admin.member_number, "password": "a-long-secret"}
    )
    assert response.status_code == 302
    assert client.get("/areas/new").status_code == 200


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["create-admin", "--name", "x", "--display-name", "x"], input="short\nshort\n"
    )
    assert result.exit_code != 0 and "at least 8 characters" in result.output
    assert _count(select(Person.id)) == 0
