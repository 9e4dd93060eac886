/* Gatehouse settings: progressive enhancement only.
 *
 * Copy buttons: <button type="button" class="copy" data-copy="ID" hidden>
 * are hidden in the HTML (they need JavaScript); this unhides them and, on
 * click, copies the value of the element with id ID to the clipboard. */
(function () {
  "use strict";

  var RESET_MS = 2000;

  function fallbackCopy(el) {
    var ok = false;
    var wasReadOnly = el.readOnly;
    try {
      el.readOnly = false; /* iOS will not select in some read-only fields */
      el.focus();
      el.select();
      if (typeof el.setSelectionRange === "function") {
        el.setSelectionRange(0, el.value.length);
      }
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    el.readOnly = wasReadOnly;
    return ok;
  }

  function copyText(el) {
    var text = el.value !== undefined ? el.value : el.textContent;
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" &&
        window.isSecureContext !== false) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(el); }
      );
    }
    return Promise.resolve(fallbackCopy(el));
  }

  function feedback(button, ok) {
    if (!button.hasAttribute("data-label")) {
      button.setAttribute("data-label", button.textContent);
    }
    var label = button.getAttribute("data-label");
    button.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
    button.classList.toggle("copied", ok);
    if (button._copyTimer) {
      window.clearTimeout(button._copyTimer);
    }
    button._copyTimer = window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
      button._copyTimer = null;
    }, RESET_MS);
  }

  function setUp(button) {
    var id = button.getAttribute("data-copy");
    var target = id ? document.getElementById(id) : null;
    if (!target) {
      return;
    }
    /* Announce the result to screen readers without moving focus. */
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    button.parentNode.insertBefore(status, button.nextSibling);

    button.addEventListener("click", function () {
      copyText(target).then(function (ok) {
        feedback(button, ok);
        status.textContent = ok ? "Copied to the clipboard." : "";
        window.setTimeout(function () { status.textContent = ""; }, RESET_MS);
        if (!ok) {
          target.focus();
          target.select();
        }
      });
    });
    button.hidden = false;
  }

  function init() {
    var buttons = document.querySelectorAll("button.copy[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      setUp(buttons[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
