"""How long an outbox claim holds (issue 18, the kill -9 rows): a claim lasts
``LEASE`` unless the process sending renews it (``keep_claims``, every
``KEEP_EVERY`` s from the dispatcher's keeper thread). A slow Slack therefore
never lets a claim run out under a send (another process would send the same
message), and a claim nobody renews — its process died, or the database is
away — runs out within one lease, after which another process sends it, once.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.services.dispatch import ThreadDispatcher
from bot.services.outbox import LEASE, SEND_MARGIN, OutboxService
from tests.flows import dms, person_id
from tests.integration.test_outbox_delivery import live

CW_B, IFK_B = "U0CWB10001", "U0IFKB0001"


def _other_process(org) -> OutboxService:
    """A second process's outbox on the same database and the same Slack."""
    delivery = org.services.delivery
    other = OutboxService(org.services.sessions, org.clock, delivery.notifier, org.settings.tz)
    for kind in ("status", "offer"):
        other._kinds[kind] = delivery._kinds[kind]
    return other


class SlowSlack:
    """Every post takes ``seconds`` of the bot's clock; ``meanwhile`` runs in that time."""

    def __init__(self, real, clock, seconds: float, meanwhile) -> None:
        self.real, self.clock, self.seconds, self.meanwhile = real, clock, seconds, meanwhile

    def __getattr__(self, name):
        return getattr(self.real, name)

    def post(self, channel, text, blocks=None, key=None):
        self.clock.advance(timedelta(seconds=self.seconds))
        self.meanwhile()
        return self.real.post(channel, text, blocks, key=key)


def _queued_unsent(org) -> list[str]:
    """A live request submitted by a process that claims its two messages and is slow to send them."""
    org.services.delivery.set_dispatcher(lambda keys: None)
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    assert dms(org.fake, CW_B) == [] and dms(org.fake, IFK_B) == []
    return [f"status:{rid}", "offer:1"]


def test_claims_renewed_while_slack_is_slow_are_not_taken_by_another_process(org):
    keys = _queued_unsent(org)
    delivery, other = org.services.delivery, _other_process(org)
    taken: list[int] = []
    renewed: list[int] = []

    def keeper_and_sweep() -> None:  # what the keeper thread and another process's sweep do meanwhile
        renewed.append(delivery.keep_claims())
        taken.append(other.deliver_due())

    seconds = (LEASE - SEND_MARGIN).total_seconds() + 7  # each post outlasts what is left of the lease
    delivery._notifier = SlowSlack(delivery.notifier, org.clock, seconds, keeper_and_sweep)
    assert delivery.deliver(keys) == 2
    assert taken == [0, 0], "the renewed claims held"
    assert renewed[0] == 2, "both claims were renewed while the first was sent"
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1


def test_a_claim_too_close_to_running_out_is_not_sent_and_the_sweep_sends_it_once_it_has(org):
    keys = _queued_unsent(org)
    delivery, other = org.services.delivery, _other_process(org)
    org.clock.advance(LEASE - SEND_MARGIN + timedelta(seconds=1))  # nobody renewed (the database was away)
    assert delivery.deliver(keys) == 0, "a send must not outlast its claim"
    assert dms(org.fake, CW_B) == [] and dms(org.fake, IFK_B) == []
    assert other.deliver_due() == 0, "the claim still holds"
    org.clock.advance(SEND_MARGIN)
    assert other.deliver_due() == 2
    assert len(dms(org.fake, CW_B)) == 1 and len(dms(org.fake, IFK_B)) == 1


def test_the_dispatchers_keeper_renews_while_a_delivery_runs_and_stops_with_it():
    sending, done = threading.Event(), threading.Event()
    kept: list[int] = []

    def deliver(keys: list[str]) -> int:
        sending.set()
        done.wait(5)
        return len(keys)

    def keep() -> int:
        kept.append(1)
        if len(kept) == 3:
            done.set()
        return 1

    dispatcher = ThreadDispatcher(deliver, lambda keys: None, workers=1, keep=keep, keep_every=0.01,
                                  name="claims-test").start()
    dispatcher(["a"])
    assert sending.wait(5)
    assert done.wait(5), "the keeper ran while the worker was sending"
    dispatcher.stop()
    after = len(kept)
    done.wait(0.1)  # (set already: returns at once) a stopped keeper renews nothing more
    assert not any(t.name == "claims-test-keeper" for t in threading.enumerate()), "the keeper stopped"
    assert len(kept) == after
