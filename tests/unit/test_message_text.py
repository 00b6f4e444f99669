from bot.messages.text import SECTION_LIMIT, chunks, quote, sections


def test_long_text_is_split_into_sections_slack_accepts_without_losing_anything():
    text = "\n".join(f"Linje {i}: " + "x" * 90 for i in range(100))  # ~10,000 characters
    blocks = [b.to_dict() for b in sections(text, quoted=True)]  # to_dict() enforces Slack's limits
    assert len(blocks) > 3
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks)
    assert "\n".join(b["text"]["text"] for b in blocks) == quote(text)


def test_a_line_longer_than_a_section_is_cut_hard():
    pieces = chunks("y" * 7000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


def test_short_text_stays_one_section():
    assert chunks("kort") == ["kort"]
