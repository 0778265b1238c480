"""The plain page the API serves to people (the privacy notice, double opt-in pages)."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 42rem; margin: 3rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1d2430; }}
code {{ background: #eef1f5; padding: 0 .25rem; border-radius: 3px; }}
button {{ font: inherit; padding: .6rem 1.2rem; border: 0; border-radius: 6px;
         background: #1d4ed8; color: #fff; cursor: pointer; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def page(title: str, body: str, *, status_code: int = 200) -> HTMLResponse:
    """`body` is HTML: escape what it holds."""
    return HTMLResponse(PAGE.format(title=escape(title), body=body), status_code=status_code)
