// Behaviour that templates ask for with data- attributes, since the Content-Security-Policy
// allows no inline script or event handler.
(function () {
  "use strict";
  // <select data-submit-on-change>: submit its form when another option is chosen.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-submit-on-change]") && field.form) { field.form.submit(); }
  });
  // <button data-confirm="question">: ask first, and do nothing unless confirmed.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });
  // A form whose files together exceed what the server reads is not sent: the server would
  // refuse it unread (413) and what was typed would be lost with the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var limit = parseInt(document.body.dataset.maxRequestBytes || "0", 10);
    if (!limit || form.enctype !== "multipart/form-data") { return; }
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
    });
    if (total <= limit) { return; }
    event.preventDefault();
    var alert = form.querySelector(".js-too-large");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-danger js-too-large";
      alert.setAttribute("role", "alert");
      form.prepend(alert);
    }
    alert.textContent = document.body.dataset.tooLarge;
    alert.scrollIntoView({ block: "center" });
  });
})();
