/* Charts of the results pages. Data comes from a data-json attribute (CSP: no inline scripts,
   and htmx drops <script> tags, json_script included, from swapped content);
   charts are redrawn after an htmx swap of the results body so recorded results show at once. */
(function () {
  "use strict";
  var charts = {};

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(canvas, config);
    canvas.dataset.points = String(
      config.data.datasets.reduce(function (n, d) { return n + d.data.filter(function (v) { return v !== null; }).length; }, 0)
    );
  }

  // Axis titles carry the unit; Chart.js writes the tick numbers with the page's separators.
  function axes(xTitle, yTitle) {
    return {
      x: { title: { display: true, text: xTitle } },
      y: { beginAtZero: true, title: { display: true, text: yTitle } }
    };
  }

  function percent(fraction) {
    return (Math.round(fraction * 1000) / 10).toFixed(1) + "%";
  }

  function readData(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.dataset.json) : null;
  }

  function campaignCharts() {
    var data = readData("results-chart-data");
    if (!data) return;
    draw("chart-timeline", {
      type: "line",
      data: {
        labels: data.timeline.map(function (p) { return p.label || p.day; }),
        datasets: [
          { label: "Reach", data: data.timeline.map(function (p) { return p.reach; }) },
          { label: "Engagements", data: data.timeline.map(function (p) { return p.engagements; }) }
        ]
      },
      options: {
        animation: false, spanGaps: true, maintainAspectRatio: false,
        elements: { point: { radius: data.timeline.length === 1 ? 6 : 3 } },
        scales: axes("Reading day", "People / actions")
      }
    });
    var handles = data.creators.map(function (c) { return "@" + c.handle; });
    draw("chart-creators", {
      type: "bar",
      data: {
        labels: handles,
        datasets: [
          { label: "Reach", data: data.creators.map(function (c) { return c.reach; }) },
          { label: "Engagements", data: data.creators.map(function (c) { return c.engagements; }) }
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: axes("Creator", "People / actions") }
    });
    draw("chart-predicted", {
      type: "bar",
      data: {
        labels: handles,
        datasets: [
          { label: "Predicted reach", data: data.creators.map(function (c) { return c.predicted_reach; }) },
          { label: "Actual reach", data: data.creators.map(function (c) { return c.reach; }) }
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: axes("Creator", "People reached") }
    });
  }

  function overviewCharts() {
    var data = readData("overview-chart-data");
    if (!data) return;
    draw("chart-calibration", {
      type: "scatter",
      data: {
        datasets: ["reach", "engagements"].map(function (metric) {
          return {
            label: metric,
            data: data.calibration.filter(function (p) { return p.metric === metric; })
              .map(function (p) { return { x: p.predicted, y: p.actual }; })
          };
        })
      },
      options: { animation: false, scales: { x: { title: { display: true, text: "Predicted" } }, y: { title: { display: true, text: "Actual" } } } }
    });
    draw("chart-error-trend", {
      type: "line",
      data: {
        labels: data.trend.map(function (p) { return p.campaign; }),
        datasets: [{ label: "Reach MAPE", data: data.trend.map(function (p) { return p.mape; }) }]
      },
      // MAPE is a fraction: its axis and tooltips read as percentages, like the pages' rates.
      options: {
        animation: false, spanGaps: true,
        scales: { y: { ticks: { callback: percent } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return "Reach MAPE " + percent(c.parsed.y); } } } }
      }
    });
  }

  function all() { campaignCharts(); overviewCharts(); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSwap", all);
})();
