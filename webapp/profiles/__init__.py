"""Profiles: a member's own details, household and children, password, data download and
account deletion."""
