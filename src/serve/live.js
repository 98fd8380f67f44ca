// Added by `runbook serve` to every page it serves: reloads the page when a rebuild changed it
// (or a stylesheet), and shows a failed build's error over the page until the next good build.
(function () {
  "use strict";
  var overlay = null;
  var here = location.pathname.replace(/\/$/, "/index.html");

  function show(text) {
    if (!overlay) {
      overlay = document.createElement("pre");
      overlay.id = "runbook-serve-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
        "background:#1b1b1b;color:#f2f2f2;font:14px/1.5 ui-monospace,monospace;" +
        "white-space:pre-wrap;opacity:.96";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "runbook serve: the last change does not build; still showing the " +
      "last good version.\n\n" + text;
  }

  var events = new EventSource("/__runbook/events");
  events.addEventListener("reload", function (event) {
    var changed = JSON.parse(event.data);
    var affected = changed.some(function (path) {
      return path === here || /\.css$/.test(path);
    });
    if (overlay || affected) {
      location.reload();
    }
  });
  events.addEventListener("build-error", function (event) {
    show(JSON.parse(event.data));
  });
})();
