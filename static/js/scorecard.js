// Running totals of the self-scoring page while points are typed. The server computes the
// same totals with campaigns/scoring.py on every save; this script only mirrors those rules:
// a leaf counts between 0 and its maximum, a group is the sum of its leaves, and base, bonus
// and penalty are capped by the table. Points are kept in hundredths to avoid float drift.
(function () {
  "use strict";
  var form = document.getElementById("scorecard-form");
  var box = document.getElementById("totals");
  if (!form || !box) { return; }
  var locale = document.documentElement.lang || "vi";

  function hundredths(text) {
    if (text === undefined || text === null) { return 0; }
    var clean = String(text).trim().replace(/\s/g, "").replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(clean)) { return 0; }
    return Math.round(parseFloat(clean) * 100);
  }

  function show(value) {
    return (value / 100).toLocaleString(locale, { maximumFractionDigits: 2 });
  }

  var baseMax = hundredths(box.dataset.baseMax);
  var bonusCap = hundredths(box.dataset.bonusCap);
  var penaltyCap = hundredths(box.dataset.penaltyCap);
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-points]"));

  function recompute() {
    var sums = { scored: 0, bonus: 0, penalty: 0 };
    var groups = {};
    inputs.forEach(function (input) {
      var max = hundredths(input.dataset.max);
      var value = Math.min(Math.max(hundredths(input.value), 0), max);
      sums[input.dataset.kind] += value;
      (input.dataset.groups || "").split(" ").forEach(function (id) {
        if (id) { groups[id] = (groups[id] || 0) + value; }
      });
    });
    document.querySelectorAll("[data-group-sum]").forEach(function (cell) {
      cell.textContent = show(groups[cell.dataset.groupSum] || 0);
    });
    var base = Math.min(sums.scored, baseMax);
    var bonus = Math.min(sums.bonus, bonusCap);
    var penalty = Math.min(sums.penalty, penaltyCap);
    box.querySelector('[data-total="base"]').textContent = show(base);
    box.querySelector('[data-total="bonus"]').textContent = show(bonus);
    box.querySelector('[data-total="penalty"]').textContent = show(penalty);
    box.querySelector('[data-total="total"]').textContent = show(base + bonus - penalty);
    box.querySelector('[data-capped="bonus"]').hidden = bonus === sums.bonus;
    box.querySelector('[data-capped="penalty"]').hidden = penalty === sums.penalty;
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-points]")) { recompute(); }
  });
})();
