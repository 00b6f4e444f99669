"""Training levels and Trinn 2 topics (memo §8.1), shared by the directory
file and ``/ifn opplæring``."""

from __future__ import annotations

LEVELS = (1, 2, 3)

#: Trinn 2 topics (memo §8.1) and the words that name them.
TOPICS = ("credibility", "vulnerable", "culture", "interview_method")
TOPIC_WORDS = {
    "credibility": "credibility", "troverdighet": "credibility", "troverdighetsvurdering": "credibility",
    "vulnerable": "vulnerable", "sårbare": "vulnerable", "sarbare": "vulnerable", "sårbarhet": "vulnerable",
    "culture": "culture", "kultur": "culture", "kommunikasjon": "culture",
    "interview_method": "interview_method", "intervjumetode": "interview_method",
    "metode": "interview_method", "method": "interview_method",
}


def parse_topic(word: str) -> str | None:
    """The topic a word names (Norwegian or English), or None."""
    return TOPIC_WORDS.get(word.strip().lower())
