// National map: counties colored by S-Comm status in the chosen month (vendored Vega-Lite,
// geometry from the vendored us-atlas TopoJSON, activation dates from /api/activation).
(async function () {
  "use strict";
  const [topo, act] = await Promise.all([
    fetch("/vendor/geo/counties-10m.json").then((r) => r.json()),
    fetch("/api/activation").then((r) => r.json()),
  ]);
  const byAtlas = new Map(act.counties.map((c) => [c.atlas_id, c]));
  const features = topojson
    .feature(topo, topo.objects.counties)
    .features.filter((f) => byAtlas.has(f.id))
    .map((f) => {
      const c = byAtlas.get(f.id);
      const m = c.activation.slice(0, 7).split("-").map(Number);
      return { ...f, properties: { ...c, act: (m[0] - 2000) * 12 + m[1] - 1 } };
    });
  const first = Math.min(...features.map((f) => f.properties.act));
  const last = Math.max(...features.map((f) => f.properties.act));
  const totalPop = features.reduce((s, f) => s + f.properties.population, 0);
  const label = (i) => new Date(Date.UTC(2000 + Math.floor(i / 12), i % 12, 1))
    .toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

  const slider = document.getElementById("month");
  slider.min = first;
  slider.max = last;
  slider.value = Number(new URLSearchParams(location.search).get("m")) || first + 24;

  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container",
    height: 520,
    autosize: { type: "fit", contains: "padding" },
    params: [{ name: "cutoff", value: Number(slider.value) }],
    data: { values: features },
    projection: { type: "albersUsa" },
    mark: { type: "geoshape", stroke: "#fff", strokeWidth: 0.15 },
    encoding: {
      color: {
        condition: { test: "datum.properties.act <= cutoff", value: "#1f4e79" },
        value: "#dcdcdc",
      },
      tooltip: [
        { field: "properties.name", title: "county" },
        { field: "properties.state", title: "state" },
        { field: "properties.activation", title: "S-Comm activated" },
      ],
    },
  };
  const result = await vegaEmbed("#map", spec, { actions: false, renderer: "svg" });
  const view = result.view;
  view.addEventListener("click", (_event, item) => {
    if (item && item.datum && item.datum.properties) {
      location.href = "/place?county=" + item.datum.properties.fips;
    }
  });

  const fmt = new Intl.NumberFormat("en-US");
  function update() {
    const cutoff = Number(slider.value);
    let n = 0, pop = 0, fresh = 0;
    const states = new Set();
    for (const f of features) {
      const p = f.properties;
      if (p.act <= cutoff) { n += 1; pop += p.population; states.add(p.state); }
      if (p.act === cutoff) fresh += 1;
    }
    document.getElementById("month-label").textContent = label(cutoff);
    document.getElementById("active-counties").textContent = fmt.format(n);
    document.getElementById("total-counties").textContent = fmt.format(features.length);
    document.getElementById("active-states").textContent = fmt.format(states.size);
    document.getElementById("population-share").textContent = (100 * pop / totalPop).toFixed(1) + "%";
    document.getElementById("newly-active").textContent = fmt.format(fresh);
    view.signal("cutoff", cutoff).runAsync();
  }
  slider.addEventListener("input", update);
  update();
  document.getElementById("map").dataset.ready = "true";
})();
