"""The view rules match on, and the map back to the original."""

from __future__ import annotations

import pytest

from clean_reports.view import make_view


def test_view_without_carriage_returns_is_the_text_itself() -> None:
    view = make_view("一\n二\n")
    assert view.text == "一\n二\n"
    assert view.offsets is None
    assert view.original_span(1, 3) == (1, 3)


@pytest.mark.parametrize("original", ["ab\r\ncd\r\n", "ab\rcd\r", "ab\r\ncd\nef\rgh", "\r\n\r\n"])
def test_line_breaks_become_lf_and_map_back(original: str) -> None:
    view = make_view(original)
    assert "\r" not in view.text
    assert view.text == original.replace("\r\n", "\n").replace("\r", "\n")
    for start in range(len(view.text) + 1):
        for end in range(start, len(view.text) + 1):
            o_start, o_end = view.original_span(start, end)
            mapped = original[o_start:o_end].replace("\r\n", "\n").replace("\r", "\n")
            assert mapped == view.text[start:end]
