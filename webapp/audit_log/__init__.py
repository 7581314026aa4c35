"""The audit log viewer: coordinators read their areas' entries, admins all of them.

Read-only: there is no route that changes or deletes an entry (and the ORM refuses it, see
`webapp.audit`). Each domain describes its actions with `webapp.audit.register_action`.
"""
