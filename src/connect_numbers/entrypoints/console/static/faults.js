// Fault rules (GET/POST/DELETE faults): listed with their hits, added from a form, deleted.
"use strict";
(() => {
  const { api, el, keepCurrent, refreshAll, render, showError, showNotice } = Console;
  const NUMBERS = new Set(["latency_ms", "count", "probability", "status"]);
  let missing = false;

  function matches(rule) {
    const parts = ["account_id", "region", "phone_number"].filter((k) => rule[k]).map((k) => rule[k]);
    return parts.length ? parts.join(" · ") : "every caller";
  }

  function effect(rule) {
    const parts = [];
    if (rule.error) parts.push(`error ${rule.error.code || JSON.stringify(rule.error)}`);
    if (rule.latency_ms) parts.push(`wait ${rule.latency_ms} ms`);
    if (rule.outcome) parts.push(`settle ${rule.outcome}`);
    if (rule.probability !== undefined && rule.probability !== null) parts.push(`probability ${rule.probability}`);
    return parts.join(", ");
  }

  function row(rule) {
    const remove = el("button", { type: "button", class: "secondary" }, "Delete");
    remove.setAttribute("aria-label", `Delete rule ${rule.id}`);
    remove.addEventListener("click", () => act(() => api("DELETE", `faults/${encodeURIComponent(rule.id)}`), `Rule ${rule.id} deleted.`));
    return el("tr", {}, el("td", {}, el("code", {}, rule.id)), el("td", {}, rule.operation || "*"),
      el("td", {}, matches(rule)), el("td", { class: "wrap" }, effect(rule)),
      el("td", { class: "num" }, rule.hits ?? 0),
      el("td", { class: "num" }, rule.remaining ?? "unlimited"), el("td", {}, remove));
  }

  async function act(call, done) {
    try {
      await call();
      showNotice(done);
      refreshAll();
    } catch (error) {
      showError(error);
    }
  }

  function unavailable() {
    missing = true;
    document.querySelector("#faults tbody").replaceChildren(el("tr", {}, el("td", { colspan: 7 },
      "This server has no fault injection: GET /_connect-numbers/faults answers 404. ",
      "Fault rules need a version of connect-numbers that has them.")));
    for (const control of document.querySelectorAll("#add button, #delete-all")) control.disabled = true;
  }

  async function refresh() {
    if (missing) return;
    let answer;
    try {
      answer = await api("GET", "faults");
    } catch (error) {
      if (error.status === 404) return unavailable();
      throw error;
    }
    const rules = answer.faults || [];
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
      act(async () => {
        const added = await api("POST", "faults", rule());
        showNotice(`Rule ${added.id} added.`);
      }, "Rule added.");
    });
    document.getElementById("delete-all").addEventListener("click",
      () => act(() => api("DELETE", "faults"), "Every fault rule is deleted."));
    keepCurrent(refresh, 5);
  });
})();
