"""The bot's clock and the messages' times as a Norwegian Slack client shows them.

The sandbox page is Norwegian; these few names are its own, like the rest of
its page (the bot's texts live in ``bot/i18n``)."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")


def clock_text(local: datetime) -> str:
    """``tirsdag 1. desember 2026 kl. 08:00``"""
    day = f"{WEEKDAYS[local.weekday()]} {local.day}. {MONTHS[local.month - 1]} {local.year}"
    return f"{day} kl. {local:%H:%M}"


def day_text(day: date, today: date) -> str:
    """The divider above a day's messages: ``i dag``, ``i går`` or ``mandag 30. november``
    (with the year when it is not this year's)."""
    if day == today:
        return "i dag"
    if (today - day).days == 1:
        return "i går"
    text = f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"
