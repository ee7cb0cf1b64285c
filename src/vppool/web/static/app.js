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
