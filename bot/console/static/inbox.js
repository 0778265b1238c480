// The inbox pages, live: the server sends "changed" over server-sent events whenever the
// inbox (or this conversation) changes, and the page fetches its live part again. The
// rep's own typing is outside that part, so it is never lost. On the list, a new visitor
// in the queue raises a desktop notification once the rep has allowed them. Without
// JavaScript the pages show the state at each reload.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.EventSource || !window.fetch) return;
  var eventsUrl = live.getAttribute("data-events-url");
  var fragmentUrl = live.getAttribute("data-fragment-url");
  var notify = document.getElementById("notify");
  var refreshing = false;
  var again = false;

  function attribute(name) {
    var root = live.firstElementChild;
    return root ? root.getAttribute(name) : null;
  }

  function announce(before) {
    var waiting = Number(attribute("data-waiting") || 0);
    if (waiting > before && window.Notification && Notification.permission === "granted") {
      new Notification("A visitor is waiting", {
        body: (attribute("data-newest") || "Someone") + " asked to talk to the team.",
        tag: "parley-inbox",
      });
    }
  }

  function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    var status = attribute("data-status");
    var waiting = Number(attribute("data-waiting") || 0);
    fetch(fragmentUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) {
          window.location.assign("/console/login");
          throw new Error("signed out");
        }
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        live.innerHTML = html; // rendered by the server, escaped there
        if (status && attribute("data-status") !== status) {
          window.location.reload(); // claimed or ended: the page's actions change
          return;
        }
        announce(waiting);
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new EventSource(eventsUrl);
  source.addEventListener("changed", refresh);
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) refresh(); // refused: signed out?
  });

  if (notify && window.Notification && Notification.permission === "default") {
    notify.hidden = false;
    notify.addEventListener("click", function () {
      Notification.requestPermission().then(function () {
        notify.hidden = true;
      });
    });
  }
})();
