/*
 * Parley web chat widget — served as /webchat/widget.js.
 *
 * One tag embeds it on any site:
 *
 *   <script src="https://API/webchat/widget.js" data-server="https://RASA" defer></script>
 *
 * Optional attributes: data-title (the panel's title) and data-greeting-delay (seconds before
 * the proactive greeting; 0 turns it off). The greeting, its delay and an offer under it
 * are chosen by the server's triggers (bot/targeting) from what the widget sends with
 * `GET config`: the page's path, its UTM parameters, the referrer, how many times this
 * browser has visited (counted in localStorage, once per browser session) and the
 * conversation, if any. The widget loads widget.css from the folder it
 * came from and mounts inside a Shadow DOM root, so the host page's CSS and the widget's
 * cannot reach each other. It talks to the web chat channel of the Rasa server
 * (`{server}/webhooks/webchat/...`, see channels/webchat) and keeps the conversation id in
 * localStorage, so a conversation survives reloads. Everything the visitor or the bot says
 * is rendered as text (textContent / text nodes), never as HTML.
 *
 * The only global is window.ParleyChat = {open(), close()}; a second copy of this script
 * on the same page finds it and does nothing.
 */
(function () {
  "use strict";

  if (window.ParleyChat && typeof window.ParleyChat.open === "function") {
    return; // already on this page
  }

  const POLL_INTERVAL_MS = 1500;
  const POLL_LIMIT_MS = 30000;
  const REQUEST_TIMEOUT_MS = 20000;
  const UPDATES_TIMEOUT_MS = 40000; // the server answers a watch within 25 s
  const WATCH_RETRY_MS = 3000;
  const MAX_MESSAGE_LENGTH = 2000;
  const UTM_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  const DEFAULT_TITLE = "Chat";
  const DEFAULT_GREETING = "Hi! How can we help you today?";
  const LAUNCHER_LABEL = "Chat with us";
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
  const ICONS = {
    chat: [
      "M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21" +
        "l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5" +
        "a8.5 8.5 0 0 1 8 8v.5z",
    ],
    close: ["M18 6 6 18", "M6 6l12 12"],
    send: ["M22 2 11 13", "M22 2l-7 20-4-9-9-4 20-7z"],
  };

  const script = document.currentScript || findOwnScript();
  const server = serverUrl(script);
  const keys = {
    conversation: "parley:conversation:" + server,
    open: "parley:open:" + server,
    greeted: "parley:greeted:" + server,
    visits: "parley:visits:" + server,
    visitCounted: "parley:visit-counted:" + server,
  };
  const local = storage("localStorage");
  const session = storage("sessionStorage");
  const startedAt = Date.now();

  const state = {
    title: attribute("data-title") || DEFAULT_TITLE,
    greeting: DEFAULT_GREETING,
    greetingDelayS: 0,
    trigger: null, // the name of the trigger that chose the greeting, sent with messages
    offer: null, // {title, url}: content shown under the greeting
    conversationId: local.get(keys.conversation),
    userTurns: 0, // user messages the server holds for this conversation, as far as we know
    open: false,
    shown: null, // promise: history (or the local greeting) rendered
    creating: null, // promise: a conversation being created
    queue: Promise.resolve(), // messages are delivered one at a time, in order
    waiting: 0, // turns awaiting a reply (typing indicator)
    cursor: 0, // server timestamp of the newest bot message shown
    watching: false, // a long poll for the team's messages is under way
  };
  const ui = {};
  let resolveMounted;
  const mounted = new Promise(function (resolve) {
    resolveMounted = resolve;
  });

  window.ParleyChat = Object.freeze({
    open: function () {
      mounted.then(function () {
        openPanel({ focus: true });
      });
    },
    close: function () {
      mounted.then(function () {
        closePanel({ returnFocus: false });
      });
    },
  });

  const configReady = loadConfig();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount, { once: true });
  } else {
    mount();
  }

  // ---- configuration ------------------------------------------------------------------

  function findOwnScript() {
    const scripts = document.querySelectorAll("script[src*='/webchat/widget.js']");
    return scripts.length ? scripts[scripts.length - 1] : null;
  }

  function attribute(name) {
    const value = script && script.getAttribute(name);
    return value && value.trim() ? value.trim() : null;
  }

  function serverUrl(tag) {
    const configured = tag && tag.getAttribute("data-server");
    if (configured) {
      return configured.trim().replace(/\/+$/, "");
    }
    // Without data-server, assume the channel sits behind the same origin as this script.
    const origin = tag && tag.src ? new URL(tag.src, location.href).origin : location.origin;
    console.warn("Parley chat: no data-server attribute; using " + origin);
    return origin;
  }

  function storage(area) {
    // Storage may be missing or throw (privacy modes, sandboxed frames): degrade quietly.
    return {
      get: function (key) {
        try {
          return window[area].getItem(key);
        } catch (error) {
          return null;
        }
      },
      set: function (key, value) {
        try {
          window[area].setItem(key, value);
        } catch (error) {
          /* not persisted: fine */
        }
      },
      remove: function (key) {
        try {
          window[area].removeItem(key);
        } catch (error) {
          /* nothing stored */
        }
      },
    };
  }

  /** This browser's visits to the site, this one included (a new browser session is a visit). */
  function countVisit() {
    const counted = parseInt(local.get(keys.visits), 10);
    let visits = isFinite(counted) && counted > 0 ? counted : 0;
    if (!session.get(keys.visitCounted)) {
      visits += 1;
      local.set(keys.visits, String(visits));
      session.set(keys.visitCounted, "1");
    }
    return Math.max(visits, 1);
  }

  function visitQuery() {
    const query = new URLSearchParams({
      path: location.pathname,
      referrer: document.referrer,
      visits: String(countVisit()),
    });
    const params = new URLSearchParams(location.search);
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (key) {
      if (params.has(key)) {
        query.set(key, params.get(key));
      }
    });
    return "?" + query.toString();
  }

  async function loadConfig() {
    try {
      const response = await call("GET", "/config" + visitQuery(), {
        conversation: state.conversationId,
      });
      const config = response.status === 200 && response.data ? response.data : {};
      if (typeof config.title === "string" && config.title.trim() && !attribute("data-title")) {
        state.title = config.title.trim();
      }
      if (typeof config.greeting === "string" && config.greeting.trim()) {
        state.greeting = config.greeting;
      }
      if (typeof config.greeting_delay_s === "number" && isFinite(config.greeting_delay_s)) {
        state.greetingDelayS = config.greeting_delay_s;
      }
      if (typeof config.trigger === "string" && config.trigger) {
        state.trigger = config.trigger;
      }
      const offer = config.offer;
      if (offer && typeof offer.title === "string" && safeHref(String(offer.url))) {
        state.offer = { title: offer.title, url: safeHref(String(offer.url)) };
      }
    } catch (error) {
      /* the server is unreachable: defaults, and no proactive greeting */
    }
    const override = parseFloat(attribute("data-greeting-delay"));
    if (isFinite(override)) {
      state.greetingDelayS = override;
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------

  /** One request to the channel: resolves to {status, data}, rejects on network failure. */
  async function call(method, path, options) {
    const opts = options || {};
    const headers = {};
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (opts.conversation) {
      headers["X-Parley-Conversation"] = opts.conversation;
    }
    const controller = new AbortController();
    const timer = setTimeout(function () {
      controller.abort();
    }, opts.timeoutMs || REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(server + "/webhooks/webchat" + path, {
        method: method,
        headers: headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        mode: "cors",
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      const text = await response.text();
      let data = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch (error) {
        data = null;
      }
      return { status: response.status, data: data };
    } finally {
      clearTimeout(timer);
    }
  }

  function rememberConversation(id) {
    state.conversationId = id;
    state.userTurns = 0;
    local.set(keys.conversation, id);
  }

  function forgetConversation() {
    state.conversationId = null;
    state.userTurns = 0;
    local.remove(keys.conversation);
  }

  async function ensureConversation() {
    if (state.conversationId) {
      return state.conversationId;
    }
    if (!state.creating) {
      state.creating = call("POST", "/conversations", { body: {} })
        .then(function (response) {
          const id = response.data && response.data.conversation_id;
          if ((response.status === 201 || response.status === 200) && typeof id === "string") {
            rememberConversation(id);
            return id;
          }
          throw new Error("conversation not created (HTTP " + response.status + ")");
        })
        .finally(function () {
          state.creating = null;
        });
    }
    return state.creating;
  }

  function metadata() {
    const params = new URLSearchParams(location.search);
    const utm = {};
    UTM_KEYS.forEach(function (key) {
      if (params.has(key)) {
        utm[key] = params.get(key);
      }
    });
    const data = { page_url: location.href, referrer: document.referrer, utm: utm };
    if (state.trigger) {
      data.trigger = state.trigger;
    }
    return data;
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") {
      return crypto.randomUUID(); // secure contexts only
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
      .join("-");
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  // ---- DOM helpers --------------------------------------------------------------------

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      const value = attributes[name];
      if (name === "text") {
        node.textContent = value;
      } else if (value === true) {
        node.setAttribute(name, "");
      } else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(name, String(value));
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(child);
    });
    return node;
  }

  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon");
    ICONS[name].forEach(function (d) {
      const path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  function hiddenText(text) {
    return el("span", { class: "visually-hidden", text: text });
  }

  /** Text with http(s) URLs made into links; every piece goes in as a text node. */
  function appendRichText(parent, text) {
    let last = 0;
    URL_PATTERN.lastIndex = 0;
    let match;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      const url = trimUrl(match[0]);
      const href = safeHref(url);
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (href) {
        parent.appendChild(
          el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: url })
        );
      } else {
        parent.appendChild(document.createTextNode(url));
      }
      last = match.index + url.length;
      URL_PATTERN.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function trimUrl(url) {
    // Sentence punctuation after a URL, and a closing bracket it did not open, are not part of it.
    let trimmed = url;
    for (;;) {
      const end = trimmed.charAt(trimmed.length - 1);
      const opens = trimmed.split("(").length;
      const closes = trimmed.split(")").length;
      if (".,;:!?".indexOf(end) >= 0 || (end === ")" && closes > opens)) {
        trimmed = trimmed.slice(0, -1);
      } else {
        return trimmed;
      }
    }
  }

  function safeHref(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  // ---- mounting -----------------------------------------------------------------------

  function mount() {
    if (document.querySelector("parley-chat")) {
      return; // another copy (e.g. an older version) is already on the page
    }
    const host = document.createElement("parley-chat");
    // Nothing inherited from the page (fonts, colours, line height) reaches the widget.
    host.style.setProperty("all", "initial", "important");
    const root = host.attachShadow({ mode: "open" });

    const widget = el("div", { class: "parley" });
    // Hidden until styled. Set through the CSSOM: a strict CSP blocks style attributes.
    widget.style.visibility = "hidden";
    const stylesheet = el("link", { rel: "stylesheet", href: stylesheetUrl() });
    stylesheet.addEventListener("load", function () {
      widget.style.removeProperty("visibility");
    });
    stylesheet.addEventListener("error", function () {
      console.warn("Parley chat: could not load " + stylesheet.href);
    });

    ui.launcherLabel = el("span", { class: "launcher-label", text: LAUNCHER_LABEL });
    ui.launcher = el(
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "parley-panel" },
      [icon("chat"), ui.launcherLabel]
    );
    ui.greetingText = el("button", { type: "button", class: "greeting-open" });
    ui.greetingOffer = el("div", { class: "greeting-offer", hidden: true });
    ui.greeting = el("div", { class: "greeting", hidden: true }, [
      el("div", { class: "greeting-body" }, [ui.greetingText, ui.greetingOffer]),
      el("button", { type: "button", class: "greeting-dismiss", "aria-label": "Dismiss" }, [
        icon("close"),
      ]),
    ]);
    ui.title = el("h2", { class: "panel-title", id: "parley-title", text: state.title });
    ui.avatar = el("span", { class: "avatar", "aria-hidden": "true" });
    ui.close = el("button", { type: "button", class: "icon-button close", "aria-label": "Close chat" }, [
      icon("close"),
    ]);
    ui.log = el("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    ui.input = el("input", {
      id: "parley-input",
      class: "input",
      type: "text",
      autocomplete: "off",
      maxlength: MAX_MESSAGE_LENGTH,
      placeholder: "Type your message…",
      enterkeyhint: "send",
    });
    ui.send = el("button", { type: "submit", class: "send", "aria-label": "Send" }, [icon("send")]);
    ui.form = el("form", { class: "composer" }, [
      el("label", { class: "visually-hidden", for: "parley-input", text: "Your message" }),
      ui.input,
      ui.send,
    ]);
    ui.panel = el(
      "section",
      { class: "panel", id: "parley-panel", role: "dialog", "aria-label": state.title, hidden: true },
      [
        el("header", { class: "panel-header" }, [
          ui.avatar,
          el("div", { class: "panel-heading" }, [
            ui.title,
            el("p", { class: "panel-subtitle", text: "Typically replies in a few seconds" }),
          ]),
          ui.close,
        ]),
        ui.log,
        ui.form,
      ]
    );
    ui.typing = el("div", { class: "msg msg-bot typing" }, [
      el("div", { class: "bubble" }, [
        hiddenText("Assistant is typing"),
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { class: "dot", "aria-hidden": "true" }),
      ]),
    ]);
    ui.widget = widget;
    widget.appendChild(ui.panel);
    widget.appendChild(ui.greeting);
    widget.appendChild(ui.launcher);
    root.appendChild(stylesheet);
    root.appendChild(widget);
    document.body.appendChild(host);
    applyTitle();
    wireEvents();
    resolveMounted();

    configReady.then(function () {
      applyTitle();
      scheduleGreeting();
    });
    if (session.get(keys.open)) {
      openPanel({ focus: false }); // the visitor had the chat open on the previous page
    }
  }

  function stylesheetUrl() {
    const base = script && script.src ? script.src : server + "/webchat/widget.js";
    return new URL("widget.css", base).href;
  }

  function applyTitle() {
    ui.title.textContent = state.title;
    ui.panel.setAttribute("aria-label", state.title);
    ui.avatar.textContent = state.title.charAt(0).toUpperCase();
  }

  function wireEvents() {
    ui.launcher.addEventListener("click", function () {
      if (state.open) {
        closePanel({ returnFocus: true });
      } else {
        openPanel({ focus: true });
      }
    });
    ui.close.addEventListener("click", function () {
      closePanel({ returnFocus: true });
    });
    ui.greetingText.addEventListener("click", function () {
      openPanel({ focus: true });
    });
    ui.greeting.querySelector(".greeting-dismiss").addEventListener("click", function () {
      hideGreeting();
      ui.launcher.focus();
    });
    ui.widget.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && state.open) {
        event.stopPropagation(); // the host page's own Escape handlers are not ours to trigger
        closePanel({ returnFocus: true });
      } else if (event.key === "Escape" && !ui.greeting.hidden) {
        hideGreeting();
        ui.launcher.focus();
      }
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Tab") {
        keepFocusInFullScreenPanel(event);
      }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      const text = ui.input.value.trim();
      if (!text) {
        return;
      }
      ui.input.value = "";
      sendText(text, text);
    });
  }

  function keepFocusInFullScreenPanel(event) {
    // On a phone the panel covers the page, so Tab must not wander to what is hidden behind it.
    if (!window.matchMedia("(max-width: 480px)").matches) {
      return;
    }
    const focusable = Array.from(
      ui.panel.querySelectorAll("a[href], button:not([disabled]), input, [tabindex='0']")
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = ui.panel.getRootNode().activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- open / close / greeting --------------------------------------------------------

  function openPanel(options) {
    if (!state.open) {
      state.open = true;
      hideGreeting();
      ui.panel.hidden = false;
      ui.widget.classList.add("is-open");
      ui.launcher.setAttribute("aria-expanded", "true");
      session.set(keys.open, "1");
      showConversation();
      scrollToEnd();
    }
    if (options.focus) {
      ui.input.focus();
    }
  }

  function closePanel(options) {
    if (state.open) {
      state.open = false;
      ui.panel.hidden = true;
      ui.widget.classList.remove("is-open");
      ui.launcher.setAttribute("aria-expanded", "false");
      session.remove(keys.open);
    }
    if (options.returnFocus) {
      ui.launcher.focus();
    }
  }

  function scheduleGreeting() {
    if (!(state.greetingDelayS > 0)) {
      return;
    }
    const remaining = Math.max(0, state.greetingDelayS * 1000 - (Date.now() - startedAt));
    setTimeout(function () {
      // Shown locally only: no conversation is created until the visitor writes. A
      // visitor who already has a conversation sees only a greeting a trigger chose for
      // them (a returning visitor, a segment), never the default one again.
      const chosen = Boolean(state.trigger);
      if (state.open || (state.conversationId && !chosen) || session.get(keys.greeted)) {
        return;
      }
      session.set(keys.greeted, "1"); // once per visit, not on every page
      ui.greetingText.textContent = state.greeting;
      if (state.offer) {
        ui.greetingOffer.replaceChildren(offerLink(state.offer));
        ui.greetingOffer.hidden = false;
      }
      ui.greeting.hidden = false;
    }, remaining);
  }

  function hideGreeting() {
    session.set(keys.greeted, "1");
    ui.greeting.hidden = true;
  }

  // ---- the message log ----------------------------------------------------------------

  function showConversation() {
    if (!state.shown) {
      state.shown = (async function () {
        if (state.conversationId && (await loadHistory())) {
          return;
        }
        await configReady;
        const greeting = botMessage(state.greeting, [], false);
        if (state.offer) {
          greeting.querySelector(".bubble").appendChild(offerLink(state.offer));
        }
        prependToLog([greeting]);
      })();
    }
    return state.shown;
  }

  /** Renders the stored conversation; false when there is none to show. */
  async function loadHistory() {
    let response;
    try {
      response = await call("GET", "/history", { conversation: state.conversationId });
    } catch (error) {
      prependToLog([notice("Couldn't load the earlier messages.")]);
      return true;
    }
    if (response.status === 403 || response.status === 404) {
      forgetConversation(); // expired or unknown: start afresh when the visitor writes
      return false;
    }
    const messages = response.status === 200 && response.data && response.data.messages;
    if (!Array.isArray(messages) || !messages.length) {
      return false;
    }
    state.userTurns = messages.filter(isUser).length;
    advanceCursor(messages);
    if (response.data.live) {
      watch();
    }
    let lastBot = -1;
    messages.forEach(function (message, index) {
      if (!isUser(message)) {
        lastBot = index;
      }
    });
    let previousButtons = [];
    const nodes = messages.map(function (message, index) {
      if (isUser(message)) {
        // A clicked button was sent as its payload; show its title, as when it was clicked.
        const chosen = previousButtons.filter(function (b) {
          return b.payload === message.text;
        })[0];
        return userMessage(chosen ? chosen.title : textOf(message));
      }
      previousButtons = buttonsOf(message);
      return botMessage(textOf(message), previousButtons, index === lastBot, message.agent);
    });
    prependToLog(nodes);
    return true;
  }

  function isUser(message) {
    return message && message.sender === "user";
  }

  function textOf(message) {
    return message && typeof message.text === "string" ? message.text : "";
  }

  function buttonsOf(message) {
    const buttons = message && Array.isArray(message.buttons) ? message.buttons : [];
    return buttons.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    });
  }

  function prependToLog(nodes) {
    const fragment = document.createDocumentFragment();
    nodes.forEach(function (node) {
      fragment.appendChild(node);
    });
    ui.log.insertBefore(fragment, ui.log.firstChild);
    scrollToEnd();
  }

  function appendToLog(node) {
    if (ui.typing.parentNode === ui.log) {
      ui.log.insertBefore(node, ui.typing);
    } else {
      ui.log.appendChild(node);
    }
    scrollToEnd();
    return node;
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function botMessage(text, buttons, active, agent) {
    const bubble = el("div", { class: "bubble" });
    appendRichText(bubble, text);
    const who = agent ? agent + " from the team" : state.title;
    const node = el("div", { class: agent ? "msg msg-bot msg-agent" : "msg msg-bot" }, [
      hiddenText(who + " says:"),
    ]);
    if (agent) {
      node.appendChild(el("p", { class: "msg-from", text: who, "aria-hidden": "true" }));
    }
    node.appendChild(bubble);
    if (buttons.length) {
      const group = el("div", { class: "choices", role: "group", "aria-label": "Suggested replies" });
      buttons.forEach(function (choice) {
        const button = el("button", {
          type: "button",
          class: "choice",
          text: choice.title,
          disabled: !active,
        });
        button.addEventListener("click", function () {
          disableChoices();
          button.classList.add("chosen");
          sendText(choice.payload, choice.title);
          ui.input.focus();
        });
        group.appendChild(button);
      });
      node.appendChild(group);
    }
    return node;
  }

  /** Content offered with the greeting: a link that opens in a new tab. */
  function offerLink(offer) {
    return el("a", {
      class: "offer",
      href: offer.url,
      target: "_blank",
      rel: "noopener noreferrer",
      text: offer.title,
    });
  }

  function userMessage(text) {
    return el("div", { class: "msg msg-user" }, [
      hiddenText("You said:"),
      el("div", { class: "bubble", text: text }),
    ]);
  }

  function notice(text) {
    return el("p", { class: "notice", text: text });
  }

  function disableChoices() {
    ui.log.querySelectorAll(".choice").forEach(function (button) {
      button.disabled = true;
    });
  }

  /** The newest bot message shown: a watch asks for what came after it. */
  function advanceCursor(messages) {
    messages.forEach(function (message) {
      if (!isUser(message) && typeof message.timestamp === "number") {
        state.cursor = Math.max(state.cursor, message.timestamp);
      }
    });
  }

  function renderReplies(replies) {
    advanceCursor(replies);
    disableChoices(); // only the newest bot message's buttons stay clickable
    const withButtons = replies.filter(function (reply) {
      return buttonsOf(reply).length;
    });
    const lastWithButtons = withButtons[withButtons.length - 1];
    replies.forEach(function (reply) {
      appendToLog(
        botMessage(textOf(reply), buttonsOf(reply), reply === lastWithButtons, reply.agent)
      );
    });
  }

  function setWaiting(delta) {
    state.waiting += delta;
    if (state.waiting > 0) {
      ui.log.appendChild(ui.typing); // (re)placed last
    } else if (ui.typing.parentNode) {
      ui.typing.remove();
    }
    scrollToEnd();
  }

  // ---- sending ------------------------------------------------------------------------

  function sendText(text, display) {
    disableChoices();
    const message = { id: uuid(), text: text, node: appendToLog(userMessage(display)) };
    enqueue(message);
  }

  function enqueue(message) {
    state.queue = state.queue.then(function () {
      return deliver(message);
    });
  }

  async function deliver(message) {
    await showConversation();
    setWaiting(1);
    try {
      const response = await post(message);
      if (response.status === 200) {
        state.userTurns += 1;
        const replies = response.data && response.data.replies;
        renderReplies(Array.isArray(replies) ? replies : []);
        if (response.data && response.data.live) {
          watch();
        }
      } else if (response.status === 202) {
        state.userTurns += 1;
        await pollForReplies(message);
      } else if (response.status >= 400 && response.status < 500 && response.status !== 403 &&
        response.status !== 408 && response.status !== 429) {
        markFailed(message, false); // resending the same body would fail the same way
      } else {
        markFailed(message, true);
      }
    } catch (error) {
      markFailed(message, true); // network failure, time-out, no conversation
    } finally {
      setWaiting(-1);
    }
  }

  async function post(message) {
    const body = { message_id: message.id, text: message.text, metadata: metadata() };
    let response;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const conversation = await ensureConversation();
      response = await call("POST", "/messages", { conversation: conversation, body: body });
      if (response.status !== 403) {
        break;
      }
      forgetConversation(); // unknown or forged id: start a new conversation, resend once
    }
    return response;
  }

  function markFailed(message, retryable) {
    const old = message.node.querySelector(".send-error");
    if (old) {
      old.remove();
    }
    if (!retryable) {
      message.node.appendChild(el("p", { class: "send-error", text: "Couldn't send this message." }));
      return;
    }
    const retry = el("button", { type: "button", class: "send-error retry", text: "Couldn't send — retry" });
    retry.addEventListener("click", function () {
      retry.remove();
      ui.input.focus();
      enqueue(message); // same message_id: the server drops it if the first try got through
    });
    message.node.appendChild(retry);
  }

  /**
   * While someone from the team is in the conversation: their messages (and the bot's,
   * when it is back) arrive without the visitor writing. One long poll at a time.
   */
  async function watch() {
    if (state.watching) {
      return;
    }
    state.watching = true;
    try {
      for (;;) {
        let response;
        try {
          response = await call("GET", "/updates?after=" + encodeURIComponent(state.cursor), {
            conversation: state.conversationId,
            timeoutMs: UPDATES_TIMEOUT_MS,
          });
        } catch (error) {
          await sleep(WATCH_RETRY_MS);
          continue;
        }
        if (response.status !== 200 || !response.data) {
          if (response.status === 403) {
            return;
          }
          await sleep(WATCH_RETRY_MS);
          continue;
        }
        const fresh = (response.data.messages || []).filter(function (message) {
          return !isUser(message) && message.timestamp > state.cursor;
        });
        if (fresh.length) {
          renderReplies(fresh);
        }
        if (!response.data.live) {
          return;
        }
      }
    } finally {
      state.watching = false;
    }
  }

  /** After a 202: polls the history until the bot's answer to `message` shows up. */
  async function pollForReplies(message) {
    const turn = state.userTurns;
    const deadline = Date.now() + POLL_LIMIT_MS;
    while (Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS);
      let response;
      try {
        response = await call("GET", "/history", { conversation: state.conversationId });
      } catch (error) {
        continue;
      }
      const messages = response.status === 200 && response.data && response.data.messages;
      if (!Array.isArray(messages)) {
        continue;
      }
      const replies = repliesTo(messages, turn, message.text);
      if (replies.length) {
        state.userTurns = messages.filter(isUser).length;
        renderReplies(replies);
        return;
      }
    }
    waitLonger(message);
  }

  /** The bot messages after the visitor's `turn`-th message (1-based), which should be `text`. */
  function repliesTo(messages, turn, text) {
    const users = [];
    messages.forEach(function (m, index) {
      if (isUser(m)) {
        users.push(index);
      }
    });
    let at = users[turn - 1];
    if (at === undefined || messages[at].text !== text) {
      // Our count drifted (another tab wrote too): fall back to the last message with this text.
      const same = users.filter(function (index) {
        return messages[index].text === text;
      });
      at = same[same.length - 1];
    }
    if (at === undefined) {
      return [];
    }
    const replies = [];
    for (let i = at + 1; i < messages.length && !isUser(messages[i]); i += 1) {
      replies.push(messages[i]);
    }
    return replies;
  }

  function waitLonger(message) {
    const check = el("button", { type: "button", class: "link-button", text: "Check again" });
    const node = el("p", { class: "notice" }, [
      document.createTextNode("The reply is taking longer than usual. "),
      check,
    ]);
    check.addEventListener("click", function () {
      node.remove();
      ui.input.focus();
      state.queue = state.queue.then(async function () {
        setWaiting(1);
        try {
          await pollForReplies(message);
        } finally {
          setWaiting(-1);
        }
      });
    });
    appendToLog(node);
  }
})();
