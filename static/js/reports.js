// Dashboards: ECharts charts from the JSON data island, and sortable tables.
// Everything is readable without JavaScript (the tables carry every figure).
(function () {
  "use strict";

  var COLORS = ["#a4161a", "#e85d04", "#2a9d8f", "#457b9d", "#6c757d"];

  function data() {
    var el = document.getElementById("dashboard-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function bars(names, values, label, color) {
    return {
      color: [color || COLORS[0]],
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", name: label, data: values, label: { show: true, position: "right" } }],
    };
  }

  var builders = {
    bars: function (d) {
      return bars(d.townships, d.elected, d.labels.elected);
    },
    investment: function (d) {
      return bars(d.townships, d.investment, d.labels.investment, COLORS[1]);
    },
    yes_rate: function (d) {
      var option = bars(d.projects, d.yes_rate, d.labels.yes_rate, COLORS[2]);
      option.xAxis.max = 100;
      return option;
    },
    trend: function (d) {
      return {
        color: COLORS,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.years.map(String) },
        yAxis: [{ type: "value" }, { type: "value" }],
        series: [
          { type: "bar", name: d.labels.elected, data: d.trend_elected },
          { type: "line", name: d.labels.investment, yAxisIndex: 1, data: d.trend_investment },
        ],
      };
    },
    funnel: function (d) {
      return {
        color: COLORS,
        tooltip: { trigger: "item" },
        series: [
          {
            type: "funnel",
            sort: "none",
            left: "10%",
            width: "80%",
            minSize: "25%",
            label: { show: true, position: "inside", color: "#fff", formatter: "{b} {c}" },
            data: d.funnel_labels.map(function (name, i) {
              return { name: name, value: d.funnel_values[i] };
            }),
          },
        ],
      };
    },
  };

  function drawCharts() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var d = data();
    if (!d) {
      return;
    }
    var charts = [];
    document.querySelectorAll(".js-chart").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) {
        return;
      }
      var rows = (d.townships || d.projects || []).length;
      var kind = el.getAttribute("data-chart");
      var tall = kind === "bars" || kind === "investment" || kind === "yes_rate";
      el.style.height = (tall ? Math.max(220, rows * 28 + 40) : 280) + "px";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option = build(d);
      option.animation = false;
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) {
        c.resize();
      });
    });
  }

  // Sortable tables: a button in each heading; numbers sort as numbers, unknown (—) last.
  function sortTable(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = button.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.children[index].getAttribute("data-sort") || "";
      var y = b.children[index].getAttribute("data-sort") || "";
      if (numeric) {
        if (x === "" && y === "") return 0;
        if (x === "") return 1;
        if (y === "") return -1;
        return ascending ? parseFloat(x) - parseFloat(y) : parseFloat(y) - parseFloat(x);
      }
      return ascending ? x.localeCompare(y, "zh-Hans-CN") : y.localeCompare(x, "zh-Hans-CN");
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".js-sort");
    if (button) {
      sortTable(button);
    }
  });

  drawCharts();
})();
