// The daily and monthly reports' chart (RPT02): the share of the tickets called in each wait band, drawn
// with ECharts from the page's json_script. The table beside it holds the same figures.
(() => {
  "use strict";

  const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  const draw = () => {
    if (typeof window.echarts === "undefined") return;
    const source = document.getElementById("report-chart-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-report-chart]:not([data-drawn])").forEach((element) => {
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        legend: { data: [data.name] },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value", max: 100 },
        series: [{ name: data.name, type: "bar", data: data.percent, itemStyle: { color: colour("--primary") } }],
      });
      window.addEventListener("resize", () => chart.resize());
      element.dataset.drawn = "true";
    });
  };

  draw();
})();
