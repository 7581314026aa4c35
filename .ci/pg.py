"""Tiny PostgreSQL helper for CI: ping a server, create or drop a database."""

import sys

import psycopg


def main() -> int:
    command, url = sys.argv[1], sys.argv[2]
    try:
        conn = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError:
        return 1
    with conn:
        if command == "create":
            conn.execute(f'CREATE DATABASE "{sys.argv[3]}"')
        elif command == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[3]}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
