// The retraining page's progress bar: poll the run's status and update the bar and the
// status line; when the run ends, reload the page to show its outcome. Without
// JavaScript the page shows the state at each reload.
(function () {
  "use strict";
  var run = document.getElementById("run");
  var bar = document.getElementById("run-progress");
  var status = document.getElementById("run-status");
  if (!run || !bar || !status || !window.fetch) return;
  var url = run.getAttribute("data-status-url");
  var POLL_MS = 1000;
  var RETRY_MS = 5000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        if (status.textContent !== state.text) status.textContent = state.text;
        if (state.active) {
          window.setTimeout(poll, POLL_MS);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        status.textContent = "The progress could not be read just now; trying again.";
        window.setTimeout(poll, RETRY_MS);
      });
  }
  window.setTimeout(poll, POLL_MS);
})();
