// Charts of the staff statistics dashboard. The figures come from the page's json_script
// element; each chart has a table beside it with the same numbers for screen readers.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("statistik-grafik");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    };
    [
      ["chart-by-month", data.byMonth, {}],
      ["chart-by-region", data.byRegion, { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }],
    ].forEach(function (entry) {
      var canvas = document.getElementById(entry[0]);
      if (!canvas) {
        return;
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: entry[1].labels,
          datasets: [{ label: entry[1].label, data: entry[1].values, backgroundColor: "#0b4f8a" }],
        },
        options: Object.assign({}, common, entry[2]),
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
