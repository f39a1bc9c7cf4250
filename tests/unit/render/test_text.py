"""Safe text helpers: one per output format, each neutralising what is dangerous there."""

from __future__ import annotations

from m365gov.render.text import csv_cell, md_text, xml_text


def test_md_text_escapes_cell_breaking_and_code_syntax() -> None:
    assert md_text("a|b") == "a\\|b" and md_text("`x`") == "\\`x\\`"
    assert md_text("<img src=x>") == "&lt;img src=x&gt;" and md_text("@team") == "&#64;team"
    assert md_text("line1\nline2") == "line1 line2"


def test_md_text_breaks_autolinks() -> None:
    assert "://" not in md_text("https://evil.example").replace("\\://", "") and "www\\." in md_text("www.x.fr")


def test_csv_cell_neutralises_every_formula_trigger() -> None:
    for trigger in ("=", "+", "-", "@", "\t"):
        assert csv_cell(trigger + "1").startswith("'")
    assert csv_cell("\r=1") == "'=1"  # CR is a control character: removed, then the formula is caught
    assert csv_cell("plain") == "plain" and csv_cell(None) == ""


def test_xml_text_drops_characters_xml_forbids() -> None:
    assert xml_text("a\x00b\x1bc\ufffed") == "abcd" and xml_text("tab\tnl\n") == "tab\tnl\n"


def test_json_visible_escapes_invisible_characters_without_changing_the_values() -> None:
    import json

    from m365gov.render.text import json_visible

    doc = {"name": "facture\u202egpj.exe", "n\u200bote": "a\x85b\x7f"}
    text = json_visible(json.dumps(doc, ensure_ascii=False))
    assert "\u202e" not in text and "\x85" not in text and "\u200b" not in text and "\\u202e" in text
    assert json.loads(text) == doc
