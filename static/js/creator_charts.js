// Creator profile charts: engagement per post and follower growth with spikes marked.
// Data comes from the json_script element "creator-charts" (CSP: no inline scripts).
(function () {
  "use strict";
  var source = document.getElementById("creator-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  var erCanvas = document.getElementById("chart-er");
  if (erCanvas && data.posts.length) {
    new Chart(erCanvas, {
      type: "line",
      data: {
        labels: data.posts.map(function (p) { return p.date; }),
        datasets: [{ label: "ER per post (%)", data: data.posts.map(function (p) {
          return p.er === null ? null : +(p.er * 100).toFixed(2); }), borderColor: "#3b5bdb", tension: 0.2 }]
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } } }
    });
  }

  var fCanvas = document.getElementById("chart-followers");
  if (fCanvas && data.followers.length) {
    var spikeDates = {};
    (data.spikes || []).forEach(function (s) { if (s && s.date) { spikeDates[s.date] = s; } });
    var points = data.followers.map(function (s) { return s.followers; });
    var labels = data.followers.map(function (s) { return s.date; });
    new Chart(fCanvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: "Followers", data: points, borderColor: "#3b5bdb", pointRadius: 0, tension: 0.1 },
          { label: "Spike", type: "scatter", data: labels.map(function (d, i) {
              return spikeDates[d] ? { x: d, y: points[i] } : null; }).filter(Boolean),
            backgroundColor: labels.filter(function (d) { return spikeDates[d]; }).map(function (d) {
              return spikeDates[d].explained ? "#2b8a3e" : "#c92a2a"; }), pointRadius: 5 }
        ]
      },
      options: { maintainAspectRatio: false, plugins: { tooltip: { callbacks: { afterLabel: function (ctx) {
        var s = spikeDates[ctx.label];
        return s ? (s.explained ? "Explained" : "Unexplained") + (s.explanation ? ": " + s.explanation : "") : "";
      } } } } }
    });
  }
})();
