from bot.messages.text import SECTION_LIMIT, chunks, escape, quote, sections


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


def test_typed_markup_is_escaped_so_it_shows_as_typed():
    assert escape("<!channel> & <@U1|x> <http://a|b> 1<2>0") == \
        "&lt;!channel&gt; &amp; &lt;@U1|x&gt; &lt;http://a|b&gt; 1&lt;2&gt;0"
    assert escape("Vanlig tekst, ingen tegn") == "Vanlig tekst, ingen tegn"


def test_escaped_text_is_never_split_inside_an_entity():
    text = escape("<&>" * 2000)  # 6,000 characters typed, 27,000 escaped
    pieces = chunks(text)
    assert "".join(pieces) == text
    assert all(len(p) <= SECTION_LIMIT and p.endswith(";") for p in pieces)


def test_a_mention_is_never_split():
    text = "x" * 2995 + "<@U0IFKB0001> og mer"
    pieces = chunks(text)
    assert pieces[0] == "x" * 2995 and pieces[1].startswith("<@U0IFKB0001>")


def test_every_quoted_piece_is_a_quote_also_when_it_starts_mid_line():
    blocks = [b.to_dict() for b in sections("z" * 7000, quoted=True)]
    assert [b["text"]["text"][0] for b in blocks] == [">", ">", ">"]
    assert "".join(b["text"]["text"].lstrip(">") for b in blocks) == "z" * 7000
