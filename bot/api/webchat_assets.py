"""The web chat widget's files and the demo page that embeds it.

    GET /webchat/widget.js    the widget (bot/api/static/webchat.js)
    GET /webchat/widget.css   its styles (bot/api/static/webchat.css), which widget.js loads
                              from the folder it was itself loaded from
    GET /                     a landing page for the brand, with the widget embedded by the
                              same one-tag snippet it shows site owners

Any site may embed the widget, so its files are served to every origin; the conversation
itself goes to the ingress's web chat (`settings.ingress_url`), which decides which origins
may talk to it.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from string import Template

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.settings import Settings

ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
}
ASSETS = {
    "widget.js": ("webchat.js", "text/javascript; charset=utf-8"),
    "widget.css": ("webchat.css", "text/css; charset=utf-8"),
}


def asset_text(filename: str) -> str:
    """A file under bot/api/static, read per request: small, and edits show without a restart."""
    return (resources.files("bot.api") / "static" / filename).read_text(encoding="utf-8")


def embed_snippet(*, widget_url: str, server_url: str) -> str:
    return f'<script src="{escape(widget_url)}" data-server="{escape(server_url)}" defer></script>'


def webchat_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/webchat/widget.js")
    def widget_js() -> Response:
        return asset_response("widget.js")

    @router.get("/webchat/widget.css")
    def widget_css() -> Response:
        return asset_response("widget.css")

    @router.get("/", response_class=HTMLResponse)
    def demo(request: Request) -> HTMLResponse:
        # The URL this request came in on: what a visitor's browser can reach the API by.
        widget_url = str(request.url_for("widget_js"))
        return HTMLResponse(demo_page(settings, widget_url=widget_url))

    return router


def asset_response(name: str) -> Response:
    filename, media_type = ASSETS[name]
    return Response(asset_text(filename), media_type=media_type, headers=ASSET_HEADERS)


def demo_page(settings: Settings, *, widget_url: str) -> str:
    snippet = embed_snippet(widget_url=widget_url, server_url=settings.ingress_url)
    return DEMO_PAGE.substitute(
        brand=escape(settings.brand_name), snippet=snippet, snippet_text=escape(snippet)
    )


# string.Template ($name), so the CSS needs no doubled braces.
DEMO_PAGE = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$brand — turn website visitors into qualified leads</title>
<meta name="description" content="$brand's assistant answers your visitors, qualifies them
and books the meeting, with their consent on record.">
<style>
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, "Noto Sans", sans-serif; line-height: 1.55; color: #1d2430; background: #fff; }
a { color: #3730a3; }
a:focus-visible, button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.wrap { max-width: 68rem; margin: 0 auto; padding: 0 1.5rem; }
.site-header .wrap { display: flex; align-items: center; justify-content: space-between;
                     gap: 1rem; min-height: 4rem; flex-wrap: wrap; }
.logo { font-weight: 800; font-size: 1.25rem; color: #1d2430; text-decoration: none; }
.logo::before { content: ""; display: inline-block; width: .8rem; height: .8rem;
                margin-right: .5rem; border-radius: 50%; background: #4338ca; }
nav { display: flex; gap: 1.25rem; flex-wrap: wrap; }
nav a { color: #3d4655; text-decoration: none; font-weight: 500; }
nav a:hover { color: #3730a3; text-decoration: underline; }
.hero { padding: 4.5rem 0 4rem;
        background: linear-gradient(160deg, #eef0ff 0%, #f7f8fb 55%, #fff 100%); }
.eyebrow { margin: 0 0 .75rem; color: #3730a3; font-weight: 700; letter-spacing: .06em;
           text-transform: uppercase; font-size: .8rem; }
h1 { max-width: 22ch; margin: 0 0 1.25rem; font-size: clamp(2rem, 5vw, 3.25rem);
     line-height: 1.1; letter-spacing: -.02em; }
.lede { max-width: 40rem; margin: 0 0 2rem; font-size: 1.15rem; color: #3d4655; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; margin: 0; }
.cta { padding: .85rem 1.5rem; border: 0; border-radius: .6rem; background: #4338ca;
       color: #fff; font: inherit; font-weight: 650; cursor: pointer; }
.cta:hover { background: #3730a3; }
.secondary { font-weight: 600; }
section { padding: 3.5rem 0; }
h2 { margin: 0 0 1rem; font-size: 1.75rem; letter-spacing: -.01em; }
.cards { display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
         padding: 0; margin: 0; list-style: none; }
.cards li { padding: 1.5rem; border: 1px solid #e3e7ee; border-radius: .9rem; background: #fff; }
.cards h3 { margin: 0 0 .5rem; font-size: 1.1rem; }
.cards p { margin: 0; color: #3d4655; }
#install { background: #f7f8fb; }
pre { margin: 1.25rem 0 0; padding: 1.1rem 1.25rem; overflow-x: auto; border-radius: .6rem;
      background: #1d2430; color: #e8ebf2; font-size: .9rem; line-height: 1.5; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono",
       monospace; }
p code { padding: .1rem .3rem; border-radius: .25rem; background: #e6e9f0; font-size: .9em; }
footer { padding: 2rem 0 6rem; color: #5b6472; font-size: .95rem; }
</style>
</head>
<body>
<header class="site-header"><div class="wrap">
  <a class="logo" href="/">$brand</a>
  <nav aria-label="Main">
    <a href="#how">How it works</a><a href="#install">Install</a>
    <a href="/docs">API docs</a><a href="/privacy">Privacy</a>
  </nav>
</div></header>
<main>
  <section class="hero"><div class="wrap">
    <p class="eyebrow">Conversational marketing</p>
    <h1>Turn website visitors into qualified leads while they are still on the page.</h1>
    <p class="lede">The $brand assistant greets visitors, answers their questions, asks the
    qualifying questions your sales team would ask and books the demo, then hands a scored
    lead to your CRM with the visitor's consent on record.</p>
    <p class="actions">
      <button type="button" class="cta" id="talk-to-us">Talk to our assistant</button>
      <a class="secondary" href="#install">Add it to your site →</a>
    </p>
  </div></section>
  <section id="how"><div class="wrap">
    <h2>How it works</h2>
    <ul class="cards">
      <li><h3>Answers in seconds</h3><p>Pricing, integrations, security: the questions
      visitors ask before they ever fill in a form.</p></li>
      <li><h3>Qualifies as it chats</h3><p>Company size, budget and timeline become a lead
      score and a segment, so sales calls the right people first.</p></li>
      <li><h3>Consent built in</h3><p>Marketing opt-ins are asked for, recorded with the
      wording shown, and honoured the moment someone says stop. See our
      <a href="/privacy">privacy notice</a>.</p></li>
    </ul>
  </div></section>
  <section id="install"><div class="wrap">
    <h2>One tag on your site</h2>
    <p>Paste this before <code>&lt;/body&gt;</code> on every page where the chat should
    appear, and add your site's origin to <code>PARLEY_WEBCHAT_ORIGINS</code>. Optional
    attributes: <code>data-title</code> and <code>data-greeting-delay</code> (seconds,
    <code>0</code> for no greeting). The CRM API is described in the
    <a href="/docs">API reference</a>.</p>
    <pre><code>$snippet_text</code></pre>
  </div></section>
</main>
<footer><div class="wrap">© $brand · <a href="/privacy">Privacy notice</a> ·
<a href="/docs">API reference</a></div></footer>
$snippet
<script>
document.getElementById("talk-to-us").addEventListener("click", function () {
  if (window.ParleyChat) { window.ParleyChat.open(); }
});
</script>
</body>
</html>
""")
