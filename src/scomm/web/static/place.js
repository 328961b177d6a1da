// The county list follows the state: when the state changes, the county picker is refilled
// with that state's counties (from /api/activation) and reset to the whole state.
(function () {
  "use strict";
  const state = document.getElementById("state");
  const county = document.getElementById("county");
  if (!state || !county) return;
  let all = null;
  async function counties() {
    if (all === null) {
      all = fetch("/api/activation").then((r) => r.json()).then((d) => d.counties);
    }
    return all;
  }
  state.addEventListener("change", async function () {
    const whole = county.options[0].cloneNode(true);
    const list = (await counties())
      .filter((c) => c.state === state.value)
      .sort((a, b) => a.name.localeCompare(b.name));
    county.replaceChildren(whole);
    for (const c of list) {
      const o = document.createElement("option");
      o.value = c.fips;
      o.textContent = c.name;
      county.appendChild(o);
    }
    county.value = "";
    county.dataset.state = state.value;
  });
})();
