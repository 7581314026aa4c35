"""Supporters (地域サポーター): their training, certification (担い手認定) and desk activity.

A coordinator keeps each area's list of training modules and its certification period,
records which modules each supporter completed, and certifies them once every module is
current. The certification is `Membership.certified_until`; the badge next to a name comes from
it (see `templates/macros/ui.html`).
"""
