"""The markup of rendered sections: pure, no database."""

import pytest
from django.template import TemplateDoesNotExist

from plenary.letters.markup import (
    BulletList,
    Heading,
    Paragraph,
    Span,
    Table,
    compile_section,
    parse,
    render_section,
)
from plenary.letters.templatetags.letter_tags import linkify


def test_it_reads_headings_paragraphs_and_lists():
    blocks = parse("# ANNEX A\n## Title\n\nFirst line\nsecond line\n- one\n- two\n\n### HEAD")
    assert blocks == (
        Heading(1, "ANNEX A"),
        Heading(2, "Title"),
        Paragraph(((Span("First line"),), (Span("second line"),))),
        BulletList(((Span("one"),), (Span("two"),))),
        Heading(3, "HEAD"),
    )


def test_it_reads_bold_marks():
    (paragraph,) = parse("**LABEL:** text")
    assert paragraph.lines == ((Span("LABEL:", bold=True), Span(" text")),)


def test_it_reads_a_table_with_a_header_and_escaped_bars():
    (table,) = parse("| # | Item |\n|---|---|\n| 1 | a \\| b |\n| 2 | c")
    assert table == Table(
        header=((Span("#"),), (Span("Item"),)),
        rows=(((Span("1"),), (Span("a | b"),)), ((Span("2"),), (Span("c"),))),
    )
    assert table.columns == 2


def test_it_reads_a_table_without_a_header():
    (table,) = parse("| 19 September 2020 | Translation")
    assert table.header is None
    assert table.rows == (((Span("19 September 2020"),), (Span("Translation"),)),)


def test_it_separates_a_table_from_the_text_around_it():
    blocks = parse("Key deadlines:\n| a | b\nAfter")
    assert [block.kind for block in blocks] == ["paragraph", "table", "paragraph"]


def test_it_renders_without_escaping():
    assert render_section("{{ value }}", {"value": "A & <B>"}) == "A & <B>"


def test_it_cannot_include_other_templates():
    with pytest.raises(TemplateDoesNotExist):
        render_section('{% include "base.html" %}', {})


def test_it_reports_a_syntax_error_as_a_value_error():
    with pytest.raises(ValueError, match="Template error"):
        compile_section("{% for x in y %}")


def test_it_links_addresses_and_keeps_the_punctuation_after_them():
    html = linkify("homepage (www.itu.int/go/tsg11). <b> & http://itu.int/x)")
    assert html == (
        'homepage (<a href="https://www.itu.int/go/tsg11">www.itu.int/go/tsg11</a>). '
        '&lt;b&gt; &amp; <a href="http://itu.int/x">http://itu.int/x</a>)'
    )
