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
})();
