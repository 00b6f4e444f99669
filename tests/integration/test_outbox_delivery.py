"""The outbox against the fake Slack: one message per logical message however
delivery goes wrong (issue 18 §5).

* a post whose answer is lost (a timeout after Slack stored it), and a process
  that dies between posting and recording, are found again by their delivery
  key instead of posted twice;
* rate limits are waited out by rescheduling (Retry-After), never by sleeping;
* a permanent refusal (user_not_found) stops the retries at once;
* a message claimed by one process is not sent by another.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.requests import RequestType
from bot.notifier import FailureKind, MessageRef, SlackFailure
from bot.services.outbox import LEASE, OutboxService
from bot.services.requests import NewRequest
from storage.models import OutboxMessage
from tests.flows import dms, person_id, text_of

CW_B, IFK_B = "U0CWB10001", "U0IFKB0001"


def live() -> NewRequest:
    return NewRequest(RequestType.LIVE, "B", False, "Søkeren svarer unnvikende.", {"room": "Rom 3",
                                                                                   "start_time": "10:15"})


class LostAnswer:
    """A notifier whose posts reach Slack but whose answer never comes back
    (``die``: the process stops right after the call, recording nothing)."""

    def __init__(self, real, *, die: bool = False, times: int = 1) -> None:
        self.real, self.die, self.left = real, die, times

    def __getattr__(self, name):
        return getattr(self.real, name)

    def post(self, channel, text, blocks=None, key=None) -> MessageRef:
        ref = self.real.post(channel, text, blocks, key=key)
        if self.left > 0:
            self.left -= 1
            if self.die:
                raise KeyboardInterrupt("the process died after posting")
            raise SlackFailure(FailureKind.UNKNOWN, "timeout")
        return ref


def outbox_row(bot, key: str) -> OutboxMessage:
    with bot.services.sessions() as s:
        return s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def test_a_post_whose_answer_was_lost_is_found_not_posted_again(org):
    delivery = org.services.delivery
    delivery._notifier = LostAnswer(delivery.notifier, times=2)  # the status DM and the offer DM
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1  # they did arrive
    row = outbox_row(org, f"status:{rid}")
    assert row.state == "pending" and row.doubt and row.ts is None
    org.clock.advance(timedelta(minutes=1))
    org.services.ticker.tick()
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1, "not posted twice"
    row = outbox_row(org, f"status:{rid}")
    assert row.state == "done" and row.ts == dms(org.fake, CW_B)[0]["ts"]
    assert org.fake.calls("conversations.history"), "looked it up by its delivery key"
    # later steps update that same message
    org.services.requests.decline(rid, person_id(org, IFK_B))
    assert len(dms(org.fake, CW_B)) == 1 and "Kari Nordmann" in text_of(dms(org.fake, CW_B)[0])


def test_a_process_that_dies_between_posting_and_recording_posts_once(org):
    delivery = org.services.delivery
    delivery._notifier = LostAnswer(delivery.notifier, die=True)
    try:
        org.services.requests.submit(person_id(org, CW_B), live())
    except KeyboardInterrupt:
        pass
    posted = len(dms(org.fake, CW_B)) + len(dms(org.fake, IFK_B))
    assert posted == 1  # the first DM went out, then the process "died"
    # another process takes over once the dead one's claim runs out
    real = org.services.delivery.notifier.real
    other = OutboxService(org.services.sessions, org.clock, real, org.settings.tz)
    for kind in ("status", "offer"):
        other._kinds[kind] = org.services.delivery._kinds[kind]
    assert other.deliver_due() == 0, "the claim still holds"
    org.clock.advance(LEASE + timedelta(seconds=1))
    other.deliver_due()
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1


def test_a_rate_limit_is_waited_out_by_rescheduling_not_sleeping(org):
    org.fake.fail_next("chat.postMessage", "ratelimited", 429, retry_after=30, times=2)
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    row = outbox_row(org, f"status:{rid}")
    assert row.state == "pending" and not row.doubt
    assert row.next_attempt_at == org.clock.now() + timedelta(seconds=30)
    org.clock.advance(timedelta(seconds=29))
    org.services.ticker.tick()
    assert dms(org.fake, CW_B) == []
    org.clock.advance(timedelta(seconds=2))
    org.services.ticker.tick()
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1


def test_a_permanent_refusal_stops_the_retries_at_once(org):
    org.fake.fail_next("conversations.open", "user_not_found", 200, retry_after=None, times=2)
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    for key in (f"status:{rid}", "offer:1"):
        row = outbox_row(org, key)
        assert row.state == "skipped" and row.last_error == "user_not_found"
    calls = len(org.fake.calls())
    for _minute in range(10):
        org.clock.advance(timedelta(minutes=1))
        org.services.ticker.tick()
    retried = [c for c in org.fake.calls()[calls:] if c.method == "conversations.open"
               and c.args.get("users") in (CW_B, IFK_B)]
    assert retried == [], "a permanent refusal is not retried"


def test_a_message_claimed_by_one_process_is_not_sent_by_another(org):
    delivery = org.services.delivery
    delivery.set_dispatcher(lambda keys: None)  # this process queues and claims, and is slow to send
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    other = OutboxService(org.services.sessions, org.clock, delivery.notifier, org.settings.tz)
    assert other.deliver_due() == 0 and dms(org.fake, CW_B) == []
    delivery.deliver([f"status:{rid}", f"offer:{1}"])
    assert len(dms(org.fake, CW_B)) == 1


def test_a_message_queued_before_a_savepoint_is_still_delivered_after_the_commit(org):
    """SQLAlchemy writes the outbox buffer at a savepoint's release too (a
    decision made after a message was queued): that message goes out at once,
    not two minutes later when its claim lapses."""
    from bot.services import decisions, outbox

    delivery = org.services.delivery
    ola = person_id(org, IFK_B)
    with delivery.unit_of_work() as (s, now, _queued):
        outbox.queue_dm(s, ola, "Før beslutningen", None, now)
        assert decisions.decide(s, "test:savepoint", "decided", ola, now) is None  # a savepoint
        outbox.queue_dm(s, ola, "Etter beslutningen", None, now)
    assert sorted(text_of(m) for m in dms(org.fake, IFK_B)) == ["Etter beslutningen", "Før beslutningen"]
