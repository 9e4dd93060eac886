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
 * details.menu: closes on Escape and on a click elsewhere.
 *
 * nav.tabs[data-tabs=FORM-ID]: in-page links to the sections of one form
 * (anchors without JavaScript) become ARIA tabs (tablist / tab / tabpanel):
 * one section at a time, arrow keys, Home and End; the section first shown
 * holds a field error (a 422), else the one the address's #fragment names,
 * else the first.  A field the browser finds invalid on submit opens its
 * section.
 *
 * select[data-role-switch]: the office user form's role.  The elements
 * [data-role-panel=ROLE] of its form show for their role only (the preset
 * roles' read-only summaries, Customize's matrix); the controls of a hidden
 * one are disabled, so only Customize ever posts a matrix.
 *
 * button[data-enable-all]: "Enable All" works in the page instead of
 * submitting (nothing typed can be lost): the role becomes Customize and
 * each select of the matrix takes its data-all level. */
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

  /* ------------------------------------------------------------ tabs */

  function setUpTabs(nav) {
    var tabs = [];
    var panels = [];
    each("a[href^='#']", function (a) {
      var panel = document.getElementById(a.getAttribute("href").slice(1));
      if (panel) {
        tabs.push(a);
        panels.push(panel);
      }
    }, nav);
    if (tabs.length === 0) {
      return;
    }
    nav.setAttribute("role", "tablist");
    tabs.forEach(function (tab, i) {
      if (!tab.id) {
        tab.id = "tab-" + panels[i].id;
      }
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", tab.id);
    });

    function select(i, focus) {
      tabs.forEach(function (tab, j) {
        var on = i === j;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[j].hidden = !on;
      });
      if (focus) {
        tabs[i].focus();
      }
    }

    function remember(i) {
      if (window.history && typeof window.history.replaceState === "function") {
        window.history.replaceState(null, "", "#" + panels[i].id);
      }
    }

    /* The section holding el, or -1. */
    function holding(el) {
      for (var j = 0; j < panels.length; j++) {
        if (el && panels[j].contains(el)) {
          return j;
        }
      }
      return -1;
    }

    function named(hash) {
      var id = hash ? decodeURIComponent(hash.slice(1)) : "";
      return id ? holding(document.getElementById(id)) : -1;
    }

    nav.addEventListener("click", function (e) {
      var i = tabs.indexOf(e.target.closest ? e.target.closest("a") : e.target);
      if (i < 0) {
        return;
      }
      e.preventDefault();
      select(i, false);
      remember(i);
    });
    nav.addEventListener("keydown", function (e) {
      var i = tabs.indexOf(document.activeElement);
      var n = tabs.length;
      var next;
      if (i < 0) {
        return;
      }
      switch (e.key) {
      case "ArrowRight":
      case "Right":
        next = (i + 1) % n;
        break;
      case "ArrowLeft":
      case "Left":
        next = (i - 1 + n) % n;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = n - 1;
        break;
      case " ":
      case "Spacebar":
        next = i;
        break;
      default:
        return;
      }
      e.preventDefault();
      select(next, true);
      remember(next);
    });
    window.addEventListener("hashchange", function () {
      var i = named(window.location.hash);
      if (i >= 0) {
        select(i, false);
      }
    });
    var form = document.getElementById(nav.getAttribute("data-tabs"));
    if (form) {
      /* The browser cannot show an invalid field of a hidden section. */
      form.addEventListener("invalid", function (e) {
        var j = holding(e.target);
        if (j >= 0 && panels[j].hidden) {
          select(j, false);
        }
      }, true);
    }
    var start = -1;
    panels.forEach(function (panel, j) {
      if (start < 0 && panel.querySelector(".field-error, [aria-invalid='true']")) {
        start = j;
      }
    });
    if (start < 0) {
      start = named(window.location.hash);
    }
    select(start < 0 ? 0 : start, false);
  }

  /* ------------------------------------------------- office user's role */

  function setUpRoleSwitch(role) {
    var form = role.form;
    if (!form) {
      return;
    }
    function apply() {
      each("[data-role-panel]", function (panel) {
        var on = panel.getAttribute("data-role-panel") === role.value;
        panel.hidden = !on;
        each("select, input, textarea", function (c) { c.disabled = !on; }, panel);
      }, form);
    }
    role.addEventListener("change", apply);
    /* Back/forward may restore another role than the page was made for. */
    window.addEventListener("pageshow", apply);
    apply();
  }

  function setUpEnableAll(button) {
    var form = button.form;
    var role = form ? form.querySelector("select[data-role-switch]") : null;
    if (!role) {
      return;
    }
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    button.parentNode.insertBefore(status, button.nextSibling);
    button.addEventListener("click", function (e) {
      e.preventDefault();
      role.value = "customize";
      role.dispatchEvent(new Event("change", { bubbles: true }));
      each("[data-role-panel='customize'] select[data-all]", function (s) {
        s.value = s.getAttribute("data-all");
      }, form);
      status.textContent = "Customize: every module at its highest level. Save to keep it.";
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
    each("select[data-role-switch]", setUpRoleSwitch);
    each("button[data-enable-all]", setUpEnableAll);
    each("nav.tabs[data-tabs]", setUpTabs);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
