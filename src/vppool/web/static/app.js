// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A form marked data-once sends once: its submit buttons are disabled after the first
  // submit (the server also ignores a repeated one-time key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var submitter = event.submitter;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      });
      document.querySelectorAll("button[form='" + form.id + "']").forEach(function (b) { b.disabled = true; });
      if (submitter) submitter.classList.add("is-busy");
    }, 0);
  });
  // Copy buttons: data-copy names the input whose value is copied.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    var status = document.querySelector(".copy-status");
    var done = function () {
      button.textContent = button.getAttribute("data-copied") || "✓";
      if (status) status.textContent = input.value;
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();

// Pickers: a search field that lists matches as you type (organisations, trust persons among
// thousands) and keeps the chosen id in a hidden input. Arrow keys move, Enter chooses,
// Escape closes; typing again clears the choice until a new one is made.
(function () {
  "use strict";
  function setup(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var value = picker.querySelector("[data-picker-value]");
    var list = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[role=status]");
    var url = picker.getAttribute("data-picker");
    var timer = null, active = -1, items = [], asked = 0;
    function close() {
      list.hidden = true; search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant"); active = -1;
    }
    function choose(index) {
      var item = items[index];
      if (!item) return;
      value.value = item.id; search.value = item.label; close();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function mark(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) {
        search.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }
    function show(found) {
      items = found; list.innerHTML = "";
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = search.id + "-option-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false"); li.textContent = item.label;
        if (item.hint) { var small = document.createElement("span"); small.className = "muted"; small.textContent = " " + item.hint; li.appendChild(small); }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      search.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = found.length ? found.length + " ✓" : "0";
      active = -1;
    }
    function ask() {
      var text = search.value.trim();
      var mine = ++asked;
      if (!text) { show([]); return; }
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { accept: "application/json" }, credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : []; })
        .then(function (found) { if (mine === asked) show(found); })
        .catch(function () { show([]); });
    }
    search.addEventListener("input", function () {
      value.value = "";
      window.clearTimeout(timer); timer = window.setTimeout(ask, 150);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) ask(); else mark(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && !list.hidden) { event.preventDefault(); choose(active >= 0 ? active : 0); }
      else if (event.key === "Escape") { close(); }
    });
    search.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }
  function init(root) { root.querySelectorAll("[data-picker]").forEach(setup); }
  if (document.readyState !== "loading") init(document);
  else document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
