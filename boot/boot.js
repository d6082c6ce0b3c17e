// The loading screen's script (classic, same origin, deferred: it runs once the page is
// parsed, before the app's loader): says so at once if this browser has no WebAssembly,
// and turns the loading screen into a message if a file of the app fails to load. It
// only sets text and classes on the loading screen's own elements; the app removes the
// screen when it mounts. boot/progress.mjs reports the download's progress to the same
// elements.
"use strict";
(function () {
  /** Replaces the progress bar with `message` (text only, never HTML). */
  function fail(message) {
    var boot = document.getElementById("rw-boot");
    var status = document.getElementById("rw-boot-status");
    if (!boot || !status || boot.classList.contains("rw-boot--failed")) return;
    boot.classList.add("rw-boot--failed");
    status.setAttribute("role", "alert");
    status.textContent = message;
  }
  window.__rwBootFail = fail;

  function whenReady(f) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", f);
    else f();
  }

  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    whenReady(function () {
      fail(
        "Routewave needs WebAssembly, which this browser does not offer (it may be turned off, as some " +
          "hardened or lockdown modes do). Open the page in a current Firefox, Chrome, Edge or Safari, " +
          "or turn WebAssembly back on.",
      );
    });
    return;
  }

  // A script, module or the wasm of the app that fails to load fires "error" on its
  // element; it does not bubble, so listen while it travels down (capture).
  window.addEventListener(
    "error",
    function (event) {
      var el = event.target;
      if (!el || el === window || !el.tagName) return;
      var tag = el.tagName.toLowerCase();
      if (tag !== "script" && tag !== "link") return;
      if (tag === "link" && el.rel === "icon") return;
      if (!document.getElementById("rw-boot")) return; // the app is already running
      whenReady(function () {
        fail("Routewave could not be loaded: a file of the app did not arrive. Check the connection and reload the page.");
      });
    },
    true,
  );
})();
