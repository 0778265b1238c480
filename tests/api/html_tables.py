"""Reading the console's report tables in a test: text without tags, rows by header."""

from __future__ import annotations

import re

import httpx


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(response: httpx.Response, caption: str) -> dict[str, list[str]]:
    """The rows of the table with this caption: its row header's text → its cells' texts."""
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", response.text, re.S)
    assert table, response.text
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table.group(1), re.S)
    return {
        text(header): [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        for header, body in rows
    }
