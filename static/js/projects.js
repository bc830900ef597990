// Suggestions and projects: small progressive enhancements (everything works without JS).
(function () {
  "use strict";

  // Triage list: "tick all on this page".
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-check-all")) {
      document.querySelectorAll(".js-row-check").forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });

  // Plan funnel: an ECharts funnel from the json_script data next to the chart.
  function drawFunnel(el) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    el.style.height = "320px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    // Widths on a log scale: 450 suggestions and 4 candidates both stay readable; the
    // labels carry the real numbers.
    var scaled = data.values.map(function (v) {
      return Math.log10(v + 1) + 0.3;
    });
    var max = Math.max.apply(null, scaled.concat([1]));
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          return params.name + ": " + data.values[params.dataIndex];
        },
      },
      color: ["#a4161a", "#c1121f", "#e85d04", "#f48c06", "#2a9d8f"],
      series: [
        {
          type: "funnel",
          sort: "none",
          min: 0,
          max: max,
          minSize: "30%",
          left: "5%",
          width: "90%",
          gap: 2,
          label: {
            show: true,
            position: "inside",
            color: "#fff",
            fontWeight: "bold",
            formatter: function (params) {
              return params.name + " " + data.values[params.dataIndex];
            },
          },
          data: data.labels.map(function (label, i) {
            return { name: label, value: scaled[i] };
          }),
        },
      ],
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.querySelectorAll(".js-funnel").forEach(drawFunnel);
})();
