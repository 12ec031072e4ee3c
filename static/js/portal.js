/* Optional behaviour on top of pages that work without JavaScript.
   - htmx is loaded only on a page whose markup asks for it (hx-get, hx-post...);
   - an open drop-down of the main menu closes when another opens, on Escape, or on a click
     elsewhere. */
(function () {
  "use strict";
  var script = document.currentScript;
  var htmxAttributes = ["get", "post", "put", "patch", "delete", "boost"];
  var selector = htmxAttributes.map(function (a) { return "[hx-" + a + "],[data-hx-" + a + "]"; }).join(",");

  function start() {
    if (script && script.dataset.htmx && document.querySelector(selector)) {
      var htmx = document.createElement("script");
      htmx.src = script.dataset.htmx;
      // htmx starts itself on DOMContentLoaded, or at once when the page is already
      // "complete"; a script added in between would wait for an event that has passed, so
      // the page is handed to it here (processing a node twice is harmless).
      htmx.addEventListener("load", function () {
        if (window.htmx) { window.htmx.process(document.body); }
      });
      document.head.appendChild(htmx);
    }
    var dropdowns = document.querySelectorAll(".nav-dropdown");
    function closeAll(except) {
      dropdowns.forEach(function (d) { if (d !== except) { d.open = false; } });
    }
    dropdowns.forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) { closeAll(d); } });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".nav-dropdown")) { closeAll(null); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        var open = document.querySelector(".nav-dropdown[open]");
        if (open) { open.open = false; open.querySelector("summary").focus(); }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
