// Numbers: a filtered page of GET numbers, in E.164 order; the next page by its token.
"use strict";
(() => {
  const { api, el, time, pagedList, render } = Console;
  const FILTERS = ["account_id", "region", "status", "instance_id", "prefix", "limit"];

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

  async function load(params) {
    const page = await api("GET", `numbers?${params}`);
    render(document.querySelector("#numbers tbody"), page.numbers, () => (page.numbers.length
      ? page.numbers.map(row)
      : el("tr", {}, el("td", { colspan: 10, class: "none" }, "No number matches."))));
    return [page.numbers.length, page.next_token];
  }

  document.addEventListener("DOMContentLoaded", () => pagedList(FILTERS, load));
})();
