// Filter a list of agencies as one types, ignoring Vietnamese tone marks and letter shapes
// ("so giao duc" finds "Sở Giáo dục và Đào tạo"). Without JavaScript every row stays shown.
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  document.querySelectorAll("input[data-filter-rows]").forEach(function (input) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(input.dataset.filterRows));
    var count = document.getElementById(input.id + "-count");
    rows.forEach(function (row) {
      row.dataset.folded = fold(row.textContent);
    });
    function apply() {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var filled = Array.prototype.some.call(row.querySelectorAll("input"), function (i) {
          return i.value !== "";
        });
        var match = filled || words.every(function (w) {
          return row.dataset.folded.indexOf(w) !== -1;
        });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) {
        var text = shown ? count.dataset.some : count.dataset.none;
        count.textContent = words.length
          ? text.replace("{shown}", shown).replace("{total}", rows.length)
          : "";
      }
    }
    input.addEventListener("input", apply);
    // Enter in the search box filters; it must not send the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        apply();
      }
    });
  });
})();
