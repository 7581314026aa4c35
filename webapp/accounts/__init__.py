"""Accounts: signing in and out, passwords, member numbers, the signed-in person."""
