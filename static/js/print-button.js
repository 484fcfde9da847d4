// A button marked data-print prints the page (the print stylesheet lays it out for A4).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
