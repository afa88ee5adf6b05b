// Overview: counts per account and region (GET summary) and each churn budget as a gauge.
"use strict";
(() => {
  const { api, el, svg, time, keepCurrent, render } = Console;

  function gauge(budget) {
    const share = budget.limit > 0 ? Math.min(1, budget.releases_in_window / budget.limit) : 1;
    const tone = !budget.claims_allowed ? "fill-bad" : share >= 0.75 ? "fill-warn" : "fill-ok";
    const label = `${budget.releases_in_window} of ${budget.limit} releases in the window`;
    return el("span", {},
      svg("svg", { class: "gauge", viewBox: "0 0 100 10", role: "img", "aria-label": label },
        svg("title", {}, label),
        svg("rect", { class: "track", x: 0, y: 0, width: 100, height: 10, rx: 2 }),
        svg("rect", { class: tone, x: 0, y: 0, width: (share * 100).toFixed(1), height: 10, rx: 2 })),
      ` ${budget.releases_in_window} / ${budget.limit}`);
  }

  function claims(budget) {
    if (budget.claims_allowed) return `allowed · ${budget.releases_left_before_lockout} releases left`;
    if (budget.claims_resume_at === null) return el("strong", {}, "refused until the quota is raised");
    return el("span", {}, el("strong", {}, "refused"), " until ", time(budget.claims_resume_at));
  }

  function row(scope, budget) {
    const churn = `churn.html?account_id=${scope.account_id}&region=${scope.region}`;
    const numbers = `numbers.html?account_id=${scope.account_id}&region=${scope.region}`;
    return el("tr", {},
      el("td", {}, el("a", { href: numbers }, scope.account_id)),
      el("td", {}, scope.region),
      el("td", { class: "num" }, scope.claimed),
      el("td", { class: "num" }, scope.in_progress),
      el("td", { class: "num" }, scope.failed),
      el("td", { class: "num" }, el("a", { href: `cooldowns.html?account_id=${scope.account_id}&region=${scope.region}` }, scope.cooling)),
      el("td", {}, el("a", { href: churn }, gauge(budget))),
      el("td", { class: "wrap" }, claims(budget)));
  }

  async function refresh() {
    const summary = await api("GET", "summary");
    const budgets = await Promise.all(
      summary.scopes.map((s) => api("GET", `churn/${s.account_id}/${s.region}`)));
    const budgetsNow = budgets.map(({ now, ...rest }) => rest);
    render(document.querySelector("#scopes tbody"), [summary.scopes, budgetsNow], () => (summary.scopes.length
      ? summary.scopes.map((s, i) => row(s, budgets[i]))
      : el("tr", {}, el("td", { colspan: 8, class: "none" }, "No account holds or cools a number yet."))));
    const total = (key) => summary.scopes.reduce((sum, s) => sum + s[key], 0);
    render(document.querySelector("#scopes tfoot"), summary.scopes, () => el("tr", {},
      el("th", { scope: "row", colspan: 2 }, "All"),
      ...["claimed", "in_progress", "failed", "cooling"].map((k) => el("td", { class: "num" }, total(k))),
      el("td", { colspan: 2 })));
  }

  document.addEventListener("DOMContentLoaded", () => keepCurrent(refresh, 10));
})();
