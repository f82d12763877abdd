// The live dashboard's chart (RPT01): customers waiting per category (bars) and those waiting longer than
// the target, drawn with ECharts from the panel's json_script; drawn again whenever the panel is swapped in
// by a push of the hall's feed or the fallback poll. The table beside it holds the same figures.
(() => {
  "use strict";

  const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  const drawAll = () => {
    if (typeof window.echarts === "undefined") return;
    const source = document.getElementById("dashboard-chart-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-dashboard-chart]:not([data-drawn])").forEach((element) => {
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        legend: { data: [data.names.waiting, data.names.over_target] },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: data.names.waiting, type: "bar", data: data.waiting, itemStyle: { color: colour("--primary") } },
          {
            name: data.names.over_target,
            type: "bar",
            data: data.over_target,
            itemStyle: { color: colour("--warning") },
          },
        ],
      });
      const resize = () => chart.resize();
      window.addEventListener("resize", resize);
      element.addEventListener("htmx:beforeCleanupElement", () => {
        window.removeEventListener("resize", resize);
        chart.dispose();
      });
      element.dataset.drawn = "true";
    });
  };

  drawAll();
  document.body.addEventListener("htmx:afterSettle", drawAll);
})();
