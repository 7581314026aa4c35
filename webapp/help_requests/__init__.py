"""Requests (お願い): asking for help, offering to help, choosing a helper, the pre-meeting,
the activity report, cancellation, expiry and the resolution rate."""
