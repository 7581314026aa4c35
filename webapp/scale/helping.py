"""What followed each request, consistent with its status and the clock (asking.py plans it):

- people it went to offered to help (help_offers), each opening a conversation (threads)
  with the requester, usually with a first message;
- matched and completed requests have one chosen helper (others not chosen), chosen after
  the offers and before the start; a first pick-up or childcare of two people needs the
  pre-meeting checklist, ticked by both before a completed one;
- a completed request has the helper's activity report, filed after the end and confirmed by
  the requester (which completed it);
- a cancelled one was cancelled before its start, by the requester or the chosen helper;
- an expired one ended without a helper (an offer may have gone unanswered or withdrawn).

Nothing here happens after `Seed.last_moment`.
"""

from datetime import datetime, timedelta

from ..builders import (
    activity_report_values,
    help_offer_values,
    message_values,
    thread_values,
)
from ..help_requests.models import (
    ActivityReport,
    HelpOffer,
    HelpRequest,
    OfferStatus,
    RequestStatus,
    help_request_children,
)
from ..threads.models import Message, Thread
from .names import CANCEL_REASONS, CHAT, OFFER_MESSAGES, REPORT_NOTES
from .world import AreaInfo, Seed

S = RequestStatus
OTHERS_OFFERING = ((0, 1, 2), (60, 30, 10))
OPEN_OFFERS = ((0, 1, 2), (45, 35, 20))


def follow_up(s: Seed, area: AreaInfo, asked) -> None:
    row = asked.row
    status = row["status"]
    chosen = None
    if status in (S.matched, S.completed) or (
        status is S.cancelled and asked.helpers and s.chance(0.5)
    ):
        chosen = s.pick(asked.helpers)
    window_end = min(row["start_at"], s.midnight) - timedelta(minutes=5)
    offers = _offerers(s, asked, status, chosen, single=row["first_offer_wins"])
    times = sorted(_offer_time(s, row["created_at"], window_end) for _ in offers)
    if chosen is not None:
        _match(s, row, chosen, times, window_end)
    if status is S.cancelled:
        _cancel(s, row, chosen, window_end)
    if status is S.completed:
        _complete(s, row)
    s.writer.add(HelpRequest, row)
    for child in _children_of(s, asked):
        s.writer.add(help_request_children, {"help_request_id": row["id"], "child_id": child.id})
    for helper, at in zip(offers, times, strict=True):
        _offer(s, area, row, helper, at, chosen, window_end)


def _offerers(s: Seed, asked, status, chosen, *, single: bool) -> list[int]:
    """Who offered, the chosen helper first."""
    pool = [h for h in asked.helpers if h != chosen]
    if chosen is not None:
        extra = 0 if single or status is S.cancelled else s.weighted(*OTHERS_OFFERING)
        return [chosen, *s.rng.sample(pool, min(extra, len(pool)))]
    if single:
        return []  # with "first offer wins", any offer would have matched it
    if status is S.open:
        wanted = s.weighted(*OPEN_OFFERS)
    else:
        wanted = 1 if s.chance(0.25) else 0  # expired or cancelled while open
    return s.rng.sample(pool, min(wanted, len(pool)))


def _offer_time(s: Seed, created_at: datetime, window_end: datetime) -> datetime:
    """Most offers come soon after the request is posted."""
    span = max((window_end - created_at).total_seconds(), 0)
    return created_at + timedelta(seconds=int(span * 0.6 * s.rng.random() ** 2))


def _match(s: Seed, row: dict, helper: int, times: list[datetime], window_end) -> None:
    matched_at = times[0] if row["first_offer_wins"] else s.between(times[-1], window_end)
    row.update(helper_id=helper, matched_at=matched_at)
    if not row["kind"].is_care:
        return
    pair = (min(helper, row["requester_id"]), max(helper, row["requester_id"]))
    if pair in s.care_pairs:
        return
    row["premeeting_required"] = True
    if row["status"] is S.completed:
        row["premeeting_requester_at"] = s.between(matched_at, window_end)
        row["premeeting_helper_at"] = s.between(matched_at, window_end)
    elif row["status"] is S.matched:
        for side in ("premeeting_requester_at", "premeeting_helper_at"):
            if s.chance(0.5):
                row[side] = s.between(matched_at, window_end)
    if row["premeeting_requester_at"] and row["premeeting_helper_at"]:
        s.care_pairs.add(pair)


def _cancel(s: Seed, row: dict, helper: int | None, window_end) -> None:
    by_helper = helper is not None and s.chance(0.3)
    row.update(
        cancelled_at=s.between(row["matched_at"] or row["created_at"], window_end),
        cancelled_by_id=helper if by_helper else row["requester_id"],
        cancel_reason=s.pick(CANCEL_REASONS),
    )


def _complete(s: Seed, row: dict) -> None:
    started = row["start_at"] + timedelta(minutes=s.rng.choice((0, 0, 5, 10)))
    ended = row["end_at"] + timedelta(minutes=s.rng.choice((-10, 0, 0, 10, 20)))
    filed = s.between(ended, min(ended + timedelta(days=1), s.last_moment))
    confirmed = s.between(filed, min(filed + timedelta(days=2), s.last_moment))
    hours = (ended - started).total_seconds() / 3600
    paid = row["thank_you_yen"]
    if paid is None:
        paid = round(600 * hours, -2) if row["kind"].is_care else 0
    row["completed_at"] = confirmed
    s.writer.add(
        ActivityReport,
        activity_report_values(
            row["id"],
            started_at=started,
            ended_at=ended,
            id=s.writer.next_id(ActivityReport),
            thank_you_yen=int(paid),
            notes=s.pick(REPORT_NOTES),
            filed_at=filed,
            filed_by_id=row["helper_id"],
            confirmed_at=confirmed,
            confirmed_by_id=row["requester_id"],
        ),
    )


def _children_of(s: Seed, asked) -> list:
    """Pick-ups and childcare name one or two of the household's children."""
    if not asked.row["kind"].is_care:
        return []
    children = asked.children
    if len(children) == 1 or s.chance(0.7):
        return [s.pick(children)]
    return s.rng.sample(children, 2)


def _offer(s: Seed, area, row, helper: int, at: datetime, chosen, window_end) -> None:
    if helper == chosen:
        status = OfferStatus.chosen
    elif chosen is not None:
        status = OfferStatus.not_chosen
    else:
        status = OfferStatus.withdrawn if s.chance(0.1) else OfferStatus.offered
    withdrawn_at = s.between(at, window_end) if status is OfferStatus.withdrawn else None
    s.writer.add(
        HelpOffer,
        help_offer_values(
            row["id"],
            helper,
            id=s.writer.next_id(HelpOffer),
            status=status,
            created_at=at,
            withdrawn_at=withdrawn_at,
        ),
    )
    _thread(s, area, row, helper, at, chosen_at=row["matched_at"] if helper == chosen else None)


def _thread(s: Seed, area, row, helper: int, at: datetime, *, chosen_at) -> None:
    """The conversation the offer opened: a first message from the helper, more once chosen."""
    thread_id = s.writer.next_id(Thread)
    said = []
    if s.chance(0.7):
        said.append((at, helper, s.pick(OFFER_MESSAGES)))
    if chosen_at is not None:
        until = min(row["start_at"], s.last_moment)
        moments = sorted(s.between(chosen_at, until) for _ in range(s.number(1, 4)))
        for n, moment in enumerate(moments):
            author = row["requester_id"] if n % 2 == 0 else helper
            said.append((moment, author, s.pick(CHAT)))
    s.writer.add(
        Thread,
        thread_values(
            row["id"],
            helper,
            id=thread_id,
            created_at=at,
            last_message_at=said[-1][0] if said else None,
        ),
    )
    for moment, author, body in said:
        s.writer.add(
            Message,
            message_values(
                thread_id, author, id=s.writer.next_id(Message), body=body, created_at=moment
            ),
        )
    if area.index == 0 and len(said) >= 2:
        talks = s.conversations.setdefault(row["requester_id"], [])
        talks.append((len(said), row["id"], thread_id))
