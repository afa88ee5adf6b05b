// Numbers: a filtered page of GET numbers, in E.164 order; the next page by its token.
"use strict";
(() => {
  const { api, el, time, query, keepCurrent, refreshAll, render } = Console;
  const FILTERS = ["account_id", "region", "status", "instance_id", "prefix", "limit"];
  const tokens = [null]; // the token of each page seen so far; the last is the current one
  let next = null;

  function filters() {
    const given = new URLSearchParams();
    const from = query();
    for (const name of FILTERS) {
      const value = (from.get(name) || "").replace(/^ /, "+").trim(); // a bare '+' reads as ' '
      if (value) given.set(name, value);
    }
    return given;
  }

  function fillForm() {
    const from = filters();
    for (const name of FILTERS) {
      const field = document.querySelector(`#filters [name="${name}"]`);
      if (from.has(name)) field.value = from.get(name);
    }
  }

  function target(n) {
    if (n.instance_id) return el("code", { title: n.target_arn }, n.instance_id);
    return el("code", {}, n.target_arn);
  }

  function row(n) {
    const tags = Object.entries(n.tags).map(([k, v]) => `${k}=${v}`).join(", ");
    return el("tr", {},
      el("th", { scope: "row" }, el("a", { href: `number.html?e164=${encodeURIComponent(n.phone_number)}` }, n.phone_number)),
      el("td", {}, el("span", { class: `status status-${n.status}` }, n.status)),
      el("td", {}, n.account_id), el("td", {}, n.region), el("td", {}, n.type),
      el("td", {}, n.country), el("td", {}, target(n)),
      el("td", { class: "wrap" }, n.description || ""), el("td", {}, time(n.claimed_at)),
      el("td", { class: "wrap" }, tags));
  }

  async function refresh() {
    const params = filters();
    const current = tokens[tokens.length - 1];
    if (current) params.set("next_token", current);
    const page = await api("GET", `numbers?${params}`);
    next = page.next_token;
    render(document.querySelector("#numbers tbody"), page.numbers, () => (page.numbers.length
      ? page.numbers.map(row)
      : el("tr", {}, el("td", { colspan: 10, class: "none" }, "No number matches."))));
    document.getElementById("next").disabled = !next;
    document.getElementById("previous").disabled = tokens.length < 2;
    document.getElementById("first").disabled = tokens.length < 2;
    document.getElementById("page-number").textContent =
      `Page ${tokens.length} · ${page.numbers.length} numbers${next ? "" : " · last page"}`;
  }

  function move(change) {
    change();
    refreshAll();
  }

  document.addEventListener("DOMContentLoaded", () => {
    fillForm();
    document.getElementById("next").addEventListener("click", () => move(() => tokens.push(next)));
    document.getElementById("previous").addEventListener("click", () => move(() => tokens.pop()));
    document.getElementById("first").addEventListener("click", () => move(() => tokens.splice(1)));
    keepCurrent(refresh, 5);
  });
})();
