// Fault rules (GET/POST/DELETE faults): listed with their hits, added from a form, deleted.
"use strict";
(() => {
  const { api, el, keepCurrent, refreshAll, render, showError, showNotice } = Console;
  const NUMBERS = new Set(["latency_ms", "count", "probability", "seed", "status"]);

  function matches(rule) {
    const parts = ["account_id", "region", "phone_number"].filter((k) => rule[k]).map((k) => rule[k]);
    return parts.length ? parts.join(" · ") : "every caller";
  }

  function effect(rule) {
    const parts = [];
    if (rule.error) parts.push(`error ${rule.error.code} (${rule.error.status})`);
    if (rule.error && rule.error.message) parts.push(`message “${rule.error.message}”`);
    if (rule.latency_ms) parts.push(`wait ${rule.latency_ms} ms`);
    if (rule.outcome) parts.push(`settle ${rule.outcome}`);
    if (rule.probability !== undefined) parts.push(`probability ${rule.probability}`);
    if (rule.seed !== undefined) parts.push(`seed ${rule.seed}`);
    return parts.join(", ");
  }

  function row(rule) {
    const remove = el("button", { type: "button", class: "secondary" }, "Delete");
    remove.setAttribute("aria-label", `Delete rule ${rule.id}`);
    remove.addEventListener("click", () => act(() => api("DELETE", `faults/${encodeURIComponent(rule.id)}`),
      () => `Rule ${rule.id} deleted.`));
    return el("tr", {}, el("td", {}, el("code", {}, rule.id)), el("td", {}, rule.operation),
      el("td", {}, matches(rule)), el("td", { class: "wrap" }, effect(rule)),
      el("td", { class: "num" }, rule.hits),
      el("td", { class: "num" }, rule.remaining ?? "unlimited"), el("td", {}, remove));
  }

  // Runs an admin call, then says ``done(answer)`` and refreshes the page.
  async function act(call, done) {
    try {
      showNotice(done(await call()));
      refreshAll();
    } catch (error) {
      showError(error);
    }
  }

  async function refresh() {
    const rules = (await api("GET", "faults")).faults;
    render(document.querySelector("#faults tbody"), rules, () => (rules.length ? rules.map(row)
      : el("tr", {}, el("td", { colspan: 7, class: "none" }, "No fault rule is in force."))));
  }

  function rule() {
    const body = {};
    for (const input of document.querySelectorAll("#add [name]")) {
      const value = input.value.trim();
      if (!value || input.name === "status") continue;
      body[input.name] = NUMBERS.has(input.name) ? Number(value) : value;
    }
    if (body.error) {
      body.error = { code: body.error };
      const status = document.getElementById("r-status").value.trim();
      if (status) body.error.status = Number(status);
    }
    return body;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("add").addEventListener("submit", (event) => {
      event.preventDefault();
      act(() => api("POST", "faults", rule()), (added) => `Rule ${added.id} added.`);
    });
    document.getElementById("delete-all").addEventListener("click",
      () => act(() => api("DELETE", "faults"),
      ({ removed }) => `${removed} fault rule${removed === 1 ? "" : "s"} deleted.`));
    keepCurrent(refresh, 5);
  });
})();
