// The try-it panel without page reloads: send the form with fetch, then take the new
// transcript from the page the server answers with. Without JavaScript the form posts.
(function () {
  "use strict";
  var form = document.getElementById("try-form");
  var turns = document.getElementById("turns");
  if (!form || !turns || !window.fetch) return;
  var input = form.querySelector("#message");
  var button = form.querySelector("button");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.value.trim()) return;
    button.disabled = true;
    button.textContent = "Sending…";
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var answer = new DOMParser().parseFromString(html, "text/html");
        var fresh = answer.getElementById("turns");
        var error = answer.querySelector('[role="alert"]');
        var shown = document.querySelector("main > .error");
        if (shown) shown.remove();
        if (error) {
          turns.before(error);  // the message stays in the box, to send again
          return;
        }
        if (fresh) turns.replaceChildren.apply(turns, Array.from(fresh.childNodes));
        input.value = "";
        var latest = document.getElementById("latest");
        if (latest) latest.scrollIntoView({ block: "nearest" });
      })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "error";
        note.setAttribute("role", "alert");
        note.textContent = "The console did not answer. Check your connection and send again.";
        turns.after(note);
      })
      .finally(function () {
        button.disabled = false;
        button.textContent = "Send";
        input.focus();
      });
  });
})();
