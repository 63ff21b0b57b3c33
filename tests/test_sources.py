from pathlib import Path

from sage.sources import count_words, first_paragraph, parse_source


def test_header_fields_keep_their_line_numbers():
    text = "Title: A tip\nDate: 2026-11-16\nSummary: first line\n    continued\n\nBody here.\n"
    source = parse_source(text, Path("x.md"), "tips/x.md")
    assert source.folder == "tips"
    assert source.get("title") == "A tip"
    assert source.line_of("date") == 2
    assert source.get("summary") == "first line continued"
    assert source.body.strip() == "Body here."
    assert source.body_line == 6


def test_header_stops_at_the_first_line_that_is_not_a_field():
    source = parse_source("Title: x\nNot a field\nDate: 2026-01-01\n", Path("x.md"), "laws/x.md")
    assert source.get("date") is None
    assert source.body.startswith("Not a field")


def test_yaml_style_delimiters_are_accepted():
    source = parse_source("---\nTitle: x\nDate: 2026-01-05\n---\nBody\n", Path("x.md"), "tips/x.md")
    assert source.get("date") == "2026-01-05"
    assert source.line_of("date") == 3
    assert source.body == "Body"


def test_count_words_ignores_markup_and_link_targets():
    assert (
        count_words("## Try this\n\n- Call [the customer](https://x.org/a-b-c) back. It's *easy*.")
        == 8
    )
    assert count_words("") == 0


def test_first_paragraph_skips_headings():
    assert (
        first_paragraph("## Heading\n\nThe law.\nStill it.\n\nCommentary.") == "The law.\nStill it."
    )
