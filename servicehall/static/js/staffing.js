// The staffing planner's charts (RPT03): counters needed per half hour (bars) against the roster's open
// counters (a line), and the simulated share served within the wait as planned and with the what-if; drawn
// with ECharts from the page's json_script. The table beside them holds the same figures.
(() => {
  "use strict";

  const source = document.getElementById("staffing-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  const draw = (element, option) => {
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(
      Object.assign(
        {
          animation: false,
          grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
          tooltip: { trigger: "axis" },
          xAxis: { type: "category", data: data.labels },
        },
        option,
      ),
    );
    window.addEventListener("resize", () => chart.resize());
    element.dataset.drawn = "true";
  };

  document.querySelectorAll("[data-staffing-chart]").forEach((element) => {
    if (element.dataset.staffingChart === "day") {
      const series = [
        { name: data.names.needed, type: "bar", data: data.needed, itemStyle: { color: colour("--primary") } },
      ];
      if (data.rostered) {
        series.push({
          name: data.names.rostered,
          type: "line",
          step: "middle",
          data: data.rostered,
          itemStyle: { color: colour("--warning") },
        });
      }
      draw(element, {
        legend: { data: series.map((s) => s.name) },
        yAxis: { type: "value", minInterval: 1 },
        series,
      });
    } else if (data.what_if) {
      const names = data.what_if.names;
      draw(element, {
        legend: { data: [names.base, names.changed] },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [
          { name: names.base, type: "line", data: data.what_if.base, itemStyle: { color: colour("--muted") } },
          { name: names.changed, type: "line", data: data.what_if.changed, itemStyle: { color: colour("--success") } },
        ],
      });
    }
  });
})();
