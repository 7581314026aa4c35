"""`flask backup` and `flask restore`: a consistent copy while the site is being written to,
checks before anything is replaced, and PostgreSQL pointed at pg_dump.

Each test runs its own small site on an SQLite file built by the real migrations (so backups
carry an Alembic revision), whatever database the rest of the suite uses.
"""

import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade

from tests.conftest import FormClient
from tests.factories import make_area, make_person
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.operations.backup import (
    BackupError,
    backup_sqlite,
    check_backup,
    known_revisions,
    restore_sqlite,
)

AREA_FORM = {
    "thank_you_min_yen": "500",
    "thank_you_max_yen": "700",
    "insured_age_min": "1",
    "insured_age_max": "18",
    "request_audience": "connections",
}


def _config(url: str) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = url
    return config


@pytest.fixture
def site(tmp_path):
    """A site on its own migrated SQLite file, with an admin (member number in .admin_number)."""
    path = tmp_path / "site.sqlite3"
    app = create_app(_config(f"sqlite:///{path}"))
    app.test_client_class = FormClient
    with app.app_context():
        upgrade()
        admin = make_person(with_household=False, role=None, is_admin=True)
        make_area(name="美園")
        db.session.commit()
        app.admin_number = admin.member_number
    app.database_path = path
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _cli(app, args, **kwargs):
    """Run a command against `app` (the suite's own app context is current otherwise)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args, **kwargs)


def _rows(path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _area_names(path) -> set[str]:
    return {name for (name,) in _rows(path, "SELECT name FROM areas")}


def _integrity(path) -> str:
    return _rows(path, "PRAGMA integrity_check")[0][0]


def test_backup_while_requests_are_writing_restores_every_committed_row(site, tmp_path):
    """Four desks create areas (each POST commits an area and an audit entry) without pause;
    a backup is taken in the middle. The copy passes the integrity check and holds every area
    whose POST had been answered before the backup began."""
    committed: list[tuple[float, str]] = []  # (when the answer arrived, area name)
    failures: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def desk(n: int):
        client = site.test_client()
        client.sign_in(type("P", (), {"member_number": site.admin_number})())
        i = 0
        while not stop.is_set():
            name = f"地区{n}-{i}"
            response = client.post_form("/areas/new", {"name": name, **AREA_FORM})
            with lock:
                if response.status_code == 302:
                    committed.append((time.monotonic(), name))
                else:
                    failures.append(response.status_code)
            i += 1

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    while len(committed) < 40:  # let the desks get going
        time.sleep(0.02)
    with lock:
        before = {name for at, name in committed}
    target = tmp_path / "backup.sqlite3"
    backup_sqlite(site.database_path, target)
    during = len(committed)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()

    assert failures == []
    assert len(committed) > during  # the site went on writing after the backup
    assert _integrity(target) == "ok"
    assert not target.with_name(target.name + "-wal").exists()
    in_backup = _area_names(target)
    assert before <= in_backup
    assert in_backup <= {name for _, name in committed} | {"美園"}
    # A consistent snapshot: every area in the copy has its audit entry, and nothing else.
    audited = {
        name
        for (name,) in _rows(
            target,
            "SELECT json_extract(data, '$.name') FROM audit_entries WHERE action = 'area.created'",
        )
    }
    assert audited == in_backup - {"美園"}

    # Restored into a new place, the copy is a working database with the same rows.
    restored = tmp_path / "restored.sqlite3"
    checked, saved = restore_sqlite(target, restored, now=datetime.now(UTC))
    assert saved is None and checked.is_head
    assert _integrity(restored) == "ok"
    assert _area_names(restored) == in_backup


def test_backup_command(site, tmp_path):
    target = tmp_path / "nightly" / "otagai.sqlite3"
    result = _cli(site, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    assert _area_names(target) == {"美園"}
    again = _cli(site, ["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_restore_puts_the_backup_back_while_the_site_runs(site, tmp_path):
    target = tmp_path / "backup.sqlite3"
    backup_sqlite(site.database_path, target)
    with site.app_context():
        make_area(name="後から")
        db.session.commit()
    client = site.test_client()  # the running site has open connections
    client.sign_in(type("P", (), {"member_number": site.admin_number})())
    assert "後から" in client.get("/areas").get_data(as_text=True)

    result = _cli(site, ["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored." in result.output
    assert _area_names(site.database_path) == {"美園"}
    assert _integrity(site.database_path) == "ok"
    page = client.get("/areas").get_data(as_text=True)
    assert "美園" in page and "後から" not in page
    saved = list(tmp_path.glob("site.sqlite3.before-restore-*"))
    assert len(saved) == 1 and _area_names(saved[0]) == {"美園", "後から"}


def test_restore_asks_first(site, tmp_path):
    target = tmp_path / "backup.sqlite3"
    backup_sqlite(site.database_path, target)
    with site.app_context():
        make_area(name="後から")
        db.session.commit()
    result = _cli(site, ["restore", str(target)], input="n\n")
    assert result.exit_code != 0
    assert "後から" in _area_names(site.database_path)


def _corrupt(path):
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(data), 97):  # leave the header, scramble the rest
        data[offset] = (data[offset] + 101) % 256
    path.write_bytes(bytes(data))


def _without_revision(path):
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE alembic_version")
    conn.commit()
    conn.close()


def _with_revision(revision):
    def change(path):
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()
        conn.close()

    return change


@pytest.mark.parametrize(
    "spoil, codes, message",
    [
        (lambda p: p.write_text("name,phone\n"), {"not_a_database"}, "not an SQLite database"),
        (_corrupt, {"integrity", "not_a_database"}, "nothing was changed"),
        (_without_revision, {"no_revision"}, "no schema revision"),
        (_with_revision("ffffffffffff"), {"unknown_revision"}, "unknown to this version"),
    ],
)
def test_restore_refuses_bad_files_and_changes_nothing(site, tmp_path, spoil, codes, message):
    target = tmp_path / "backup.sqlite3"
    backup_sqlite(site.database_path, target)
    spoil(target)
    with pytest.raises(BackupError) as error:
        check_backup(target)
    assert error.value.code in codes
    with site.app_context():
        make_area(name="今の")
        db.session.commit()
    result = _cli(site, ["restore", str(target), "--yes"])
    assert result.exit_code != 0
    assert message.lower() in result.output.lower()
    assert "今の" in _area_names(site.database_path)
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_of_an_older_revision_says_to_upgrade(site, tmp_path):
    revisions, heads = known_revisions()
    older = next(iter(revisions - heads))
    target = tmp_path / "backup.sqlite3"
    backup_sqlite(site.database_path, target)
    _with_revision(older)(target)
    result = _cli(site, ["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "db upgrade" in result.output


def test_missing_file(site, tmp_path):
    result = _cli(site, ["restore", str(tmp_path / "nope"), "--yes"])
    assert result.exit_code != 0 and "does not exist" in result.output


@pytest.mark.parametrize("command", [["backup", "x.sqlite3"], ["restore", "x.sqlite3", "--yes"]])
def test_postgresql_is_pointed_at_pg_dump(tmp_path, command):
    # The engine is built but never connects: the commands stop before touching the database.
    app = create_app(_config("postgresql+psycopg://otagai@127.0.0.1:1/otagai"))
    result = _cli(app, [command[0], str(tmp_path / command[1])] + command[2:])
    assert result.exit_code != 0
    assert "pg_dump" in result.output and "pg_restore" in result.output
    assert not (tmp_path / command[1]).exists()
