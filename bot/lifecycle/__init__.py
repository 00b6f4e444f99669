"""The request lifecycle as a pure function: ``step(snapshot, event, world, now)``
returns a :class:`~bot.lifecycle.model.Transition` (new state, offers to make or
close, timers, audit rows, messages, decisions) and does no I/O.
``bot.services.requests`` is the thin executor that loads, steps and persists."""

from bot.lifecycle.step import step

__all__ = ["step"]
