// The survey results' bars (CARE03): the mean and the top-2-box % of each question, drawn with ECharts from the
// page's json_script; the table beside them holds the same figures for screen readers and without script.
(() => {
  "use strict";

  const source = document.getElementById("survey-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  const draw = (element, values, max, label, colourName) => {
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      title: { text: label, left: "center", textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 32, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max },
      yAxis: { type: "category", inverse: true, data: data.questions, axisLabel: { width: 180, overflow: "truncate" } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: [
        {
          type: "bar",
          data: values,
          itemStyle: { color: colour(colourName) },
          label: { show: true, position: "right" },
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
    element.dataset.drawn = "true";
  };

  document.querySelectorAll("[data-survey-chart]").forEach((element) => {
    if (element.dataset.surveyChart === "mean") {
      draw(element, data.means, 5, data.labels.mean, "--primary");
    } else {
      draw(element, data.top2, 100, data.labels.top2, "--success");
    }
  });
})();
