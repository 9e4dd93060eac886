/* Gatehouse settings: progressive enhancement only.  Every page works
 * without this file; it is loaded with defer (CSP script-src 'self', no
 * inline scripts or handlers).
 *
 * Copy buttons: <button type="button" class="copy" data-copy="ID" hidden>
 * are hidden in the HTML (they need JavaScript); this unhides them and, on
 * click, copies the value of the element with id ID to the clipboard.
 *
 * .js-hide: hidden (fallbacks for browsers without JavaScript, such as the
 * page-size "Show" button and "Use company email").
 *
 * select[data-fills=ID] (adding a portal user): on change, the chosen
 * option's data-email goes into the input with id ID, but only while that
 * input holds nothing typed (empty, or the email this filled in last): an
 * address the office typed is never replaced as a side effect.
 *
 * button[data-fill-from=SELECT][data-fill=ID] ("Use company email" on a
 * portal user's edit page): an explicit choice; on click, the data-email of
 * the option chosen in select SELECT goes into input ID at once, instead of
 * the button's re-render (without JavaScript the button re-renders).
 *
 * fieldset.sites-pick[data-customer=N] and the select #customer: while the
 * company chosen is not N, the fieldset's inputs are disabled and its
 * p.sites-stale shown (those sites are another company's; "Choose company"
 * shows the new one's).
 *
 * input.select-all (hidden in the HTML): unhidden; ticks or unticks every
 * enabled input[type=checkbox][name=id] of its form, and shows whether all,
 * some or none are ticked.  Buttons with data-needs-selection=NAME (their
 * form, also through the form attribute) are disabled while no checkbox
 * named NAME of that form is ticked.
 *
 * select.autosubmit: submits its form on change.
 *
 * details.menu: closes on Escape and on a click elsewhere. */
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

  /* ---------------------------------------------------------- lists, forms */

  function each(selector, fn, root) {
    var list = (root || document).querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) {
      fn(list[i]);
    }
  }

  function submitForm(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function chosenEmail(select) {
    var option = select.options[select.selectedIndex];
    return option && option.hasAttribute("data-email") ? option.getAttribute("data-email") : null;
  }

  function setUpFills(select) {
    var target = document.getElementById(select.getAttribute("data-fills"));
    if (!target) {
      return;
    }
    /* What this filled in last: the page may start with the chosen
     * company's email already in the field. */
    var filled = chosenEmail(select) === target.value ? target.value : "";
    select.addEventListener("change", function () {
      var email = chosenEmail(select);
      if (email === null || (target.value !== "" && target.value !== filled)) {
        return;
      }
      target.value = email;
      filled = email;
    });
  }

  function setUpFillButton(button) {
    var select = document.getElementById(button.getAttribute("data-fill-from"));
    var target = document.getElementById(button.getAttribute("data-fill"));
    if (!select || !target) {
      return;
    }
    button.addEventListener("click", function (e) {
      var email = chosenEmail(select);
      if (email === null || email === "") {
        return; /* nothing to copy: let the server say so */
      }
      e.preventDefault();
      target.value = email;
      target.focus();
    });
  }

  function setUpSitesPick(fieldset) {
    var select = document.getElementById("customer");
    var stale = fieldset.querySelector(".sites-stale");
    if (!select) {
      return;
    }
    function sync() {
      var other = select.value !== fieldset.getAttribute("data-customer");
      each("input", function (input) { input.disabled = other; }, fieldset);
      if (stale) {
        stale.hidden = !other;
      }
    }
    select.addEventListener("change", sync);
    sync();
  }

  /* The checkboxes named name of form (including those tied to it with the
   * form attribute). */
  function boxes(form, name) {
    var out = [];
    if (!form) {
      return out;
    }
    var all = form.elements;
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.type === "checkbox" && el.name === name) {
        out.push(el);
      }
    }
    return out;
  }

  /* Brings the select-all boxes and the data-needs-selection buttons of
   * form up to date with its ticked rows. */
  function syncSelection(form) {
    var rows = boxes(form, "id").filter(function (b) { return !b.disabled; });
    var ticked = rows.filter(function (b) { return b.checked; }).length;
    each("input.select-all", function (all) {
      if (all.form === form) {
        all.checked = rows.length > 0 && ticked === rows.length;
        all.indeterminate = ticked > 0 && ticked < rows.length;
      }
    });
    each("button[data-needs-selection]", function (button) {
      if (button.form === form) {
        var name = button.getAttribute("data-needs-selection");
        button.disabled = !boxes(form, name).some(function (b) { return b.checked; });
      }
    });
  }

  function setUpSelectAll(all) {
    var form = all.form;
    if (!form) {
      return;
    }
    all.addEventListener("change", function () {
      boxes(form, "id").forEach(function (b) {
        if (!b.disabled) {
          b.checked = all.checked;
        }
      });
      syncSelection(form);
    });
    all.hidden = false;
  }

  function setUpSelection() {
    var forms = [];
    each("input.select-all, button[data-needs-selection]", function (el) {
      if (el.form && forms.indexOf(el.form) < 0) {
        forms.push(el.form);
      }
    });
    forms.forEach(function (form) {
      form.addEventListener("change", function (e) {
        if (e.target && e.target.type === "checkbox") {
          syncSelection(form);
        }
      });
      syncSelection(form);
    });
    /* Back/forward restores ticks without change events. */
    window.addEventListener("pageshow", function () {
      forms.forEach(syncSelection);
    });
  }

  function setUpMenus() {
    var menus = document.querySelectorAll("details.menu");
    if (menus.length === 0) {
      return;
    }
    document.addEventListener("click", function (e) {
      each("details.menu[open]", function (menu) {
        if (!menu.contains(e.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" && e.key !== "Esc") {
        return;
      }
      each("details.menu[open]", function (menu) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary && menu.contains(document.activeElement)) {
          summary.focus();
        }
      });
    });
  }

  function init() {
    each("button.copy[data-copy]", setUp);
    each(".js-hide", function (el) { el.hidden = true; });
    each("select[data-fills]", setUpFills);
    each("button[data-fill-from]", setUpFillButton);
    each("fieldset.sites-pick[data-customer]", setUpSitesPick);
    each("input.select-all", setUpSelectAll);
    setUpSelection();
    each("select.autosubmit", function (select) {
      select.addEventListener("change", function () {
        if (select.form) {
          submitForm(select.form);
        }
      });
    });
    setUpMenus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
