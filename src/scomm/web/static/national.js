// National map: counties colored by S-Comm status in the chosen month, or by a model outcome
// (removals, detainers, per 100,000 residents) in the chosen year, 2008-2025 (vendored
// Vega-Lite, geometry from the vendored us-atlas TopoJSON, activation dates from
// /api/activation, outcomes from /api/outcomes). Words come from the page's catalog.
(async function () {
  "use strict";
  const t = JSON.parse(document.getElementById("i18n").textContent);
  const status = document.getElementById("outcomes-status");
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
      return { ...f, properties: { ...c, act: (m[0] - 2000) * 12 + m[1] - 1, value: 0 } };
    });
  const first = Math.min(...features.map((f) => f.properties.act));
  const last = Math.max(...features.map((f) => f.properties.act));
  const totalPop = features.reduce((s, f) => s + f.properties.population, 0);
  const fmt = new Intl.NumberFormat(t.locale);
  const monthLabel = (i) => new Date(Date.UTC(2000 + Math.floor(i / 12), i % 12, 1))
    .toLocaleDateString(t.locale, { month: "long", year: "numeric", timeZone: "UTC" });

  const slider = document.getElementById("month");
  const measure = document.getElementById("measure");
  let outcomes = null; // {years, byAtlas: Map(atlas_id -> {removals: [], detainers: []})}

  function spec(outcome) {
    const color = outcome
      ? { field: "properties.value", type: "quantitative",
          scale: { type: "sqrt", scheme: "orangered" }, legend: { title: null, orient: "bottom" } }
      : { condition: { test: "datum.properties.act <= cutoff", value: "#1f4e79" }, value: "#d4d4d4" };
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width: "container",
      height: 520,
      autosize: { type: "fit", contains: "padding" },
      params: [{ name: "cutoff", value: first + 24 }],
      data: { name: "counties", values: features },
      projection: { type: "albersUsa" },
      mark: { type: "geoshape", stroke: "#fff", strokeWidth: 0.15 },
      encoding: {
        color,
        tooltip: [
          { field: "properties.name", title: t.county },
          { field: "properties.state", title: t.state },
          { field: "properties.activation", title: t.activated },
          ...(outcome ? [{ field: "properties.value", title: t[measure.value], format: "," }] : []),
        ],
      },
    };
  }
  let view = null;
  let drawn = null; // which kind of map is drawn: "activation" or "outcome"
  async function draw(kind) {
    if (drawn === kind) return;
    if (view) view.finalize();
    const result = await vegaEmbed("#map", spec(kind === "outcome"), { actions: false, renderer: "svg" });
    view = result.view;
    drawn = kind;
    view.addEventListener("click", (_event, item) => {
      if (item && item.datum && item.datum.properties) {
        const lang = new URLSearchParams(location.search).get("lang");
        location.href = "/place?county=" + item.datum.properties.fips + (lang ? "&lang=" + lang : "");
      }
    });
  }

  function monthMode() {
    slider.min = first;
    slider.max = last;
    slider.value = Number(new URLSearchParams(location.search).get("m")) || first + 24;
  }

  function yearMode() {
    slider.min = 0;
    slider.max = outcomes.years.length - 1;
    slider.value = Math.max(outcomes.years.indexOf(2012), 0);
  }

  function countActive(cutoff) {
    let n = 0, pop = 0, fresh = 0;
    const states = new Set();
    for (const f of features) {
      const p = f.properties;
      if (p.act <= cutoff) { n += 1; pop += p.population; states.add(p.state); }
      if (p.act === cutoff) fresh += 1;
    }
    document.getElementById("active-counties").textContent = fmt.format(n);
    document.getElementById("total-counties").textContent = fmt.format(features.length);
    document.getElementById("active-states").textContent = fmt.format(states.size);
    document.getElementById("population-share").textContent = (100 * pop / totalPop).toFixed(1) + "%";
    return fresh;
  }

  async function update() {
    const m = measure.value;
    const i = Number(slider.value);
    if (m === "activation" || outcomes === null) {
      const fresh = countActive(i);
      document.getElementById("month-label").textContent = monthLabel(i);
      document.getElementById("measure-total").textContent = fmt.format(fresh);
      document.getElementById("measure-what").textContent = t.activatedThatMonth;
      await draw("activation");
      await view.signal("cutoff", i).runAsync();
      return;
    }
    const year = outcomes.years[i];
    const base = m.replace("_per_100k", "");
    let total = 0;
    for (const f of features) {
      const row = outcomes.byAtlas.get(f.id);
      const n = row ? row[base][i] : 0;
      total += n;
      f.properties.value = m.endsWith("_per_100k") ? Math.round(n / f.properties.population * 1e6) / 10 : n;
    }
    countActive((year - 2000) * 12 + 11);
    document.getElementById("month-label").textContent = String(year);
    document.getElementById("measure-total").textContent = fmt.format(total);
    document.getElementById("measure-what").textContent = t[base] + ", " + year + " (" + t.inYear + ")";
    await draw("outcome");
    await view.change("counties", vega.changeset().remove(() => true).insert(features)).runAsync();
  }

  async function loadOutcomes() {
    status.textContent = t.loading;
    try {
      const doc = await fetch("/api/outcomes").then((r) => {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      });
      outcomes = { years: doc.years, byAtlas: new Map(doc.counties.map((c) => [c.atlas_id, c])) };
      status.textContent = t.ready;
    } catch (e) {
      status.textContent = t.failed;
    }
  }

  measure.addEventListener("change", async () => {
    if (measure.value === "activation") {
      monthMode();
    } else {
      if (outcomes === null) await loadOutcomes();
      if (outcomes !== null) yearMode();
    }
    await update();
    document.getElementById("map").dataset.measure = measure.value;
  });
  slider.addEventListener("input", update);
  monthMode();
  await update();
  document.getElementById("map").dataset.ready = "true";
})();
