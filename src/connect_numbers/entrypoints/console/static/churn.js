// Churn budget of one account and region (GET churn/{account}/{region}): the verdict,
// the facts, and a chart of releases in the window as they leave it.
"use strict";
(() => {
  const { api, el, svg, time, day, duration, query, keepCurrent } = Console;
  let shown = null;

  function scope() {
    return {
      account: (query().get("account_id") || "000000000000").trim(),
      region: (query().get("region") || "us-east-1").trim(),
    };
  }

  function verdict(b) {
    const node = document.getElementById("verdict");
    node.className = `verdict ${b.claims_allowed ? "allowed" : "refused"}`;
    if (b.claims_allowed) {
      node.replaceChildren(`Claims allowed: ${b.releases_left_before_lockout} more releases stop them.`);
    } else if (b.claims_never_resume) {
      node.replaceChildren("Claims refused until the quota is raised (the limit is 0).");
    } else {
      node.replaceChildren("Claims refused until ", time(b.claims_resume_at),
        ` (in ${duration(b.claims_resume_at - b.now)}).`);
    }
  }

  function facts(b) {
    const pairs = [
      ["Releases in the window", `${b.releases_in_window} of ${b.limit}`],
      ["Limit", `${b.limit} releases (${b.churn_percent} % of the quota of ${b.quota})`],
      ["Window", `${b.window_days} days`],
      ["Claims resume", b.claims_allowed ? "now" : b.claims_never_resume ? "never" : time(b.claims_resume_at)],
    ];
    document.getElementById("facts").replaceChildren(...pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  // The count in the window after each scheduled departure, as (time, count) steps.
  function steps(b) {
    let count = b.releases_in_window;
    const points = [[b.now, count]];
    for (const s of b.schedule) {
      count -= s.releases_leaving_window;
      points.push([s.at, count]);
    }
    return points;
  }

  function chart(b) {
    const width = 1000, height = 300, left = 50, right = 20, top = 20, bottom = 260;
    const points = steps(b);
    const last = Math.max(b.now + b.window_days * 86400, ...points.map((p) => p[0]));
    const end = last + (last - b.now) * 0.04; // room to see the last step
    const most = Math.max(1, b.limit, b.releases_in_window) * 1.15;
    const x = (t) => left + ((t - b.now) / (end - b.now)) * (width - left - right);
    const y = (n) => bottom - (n / most) * (bottom - top);
    let path = `M ${x(points[0][0]).toFixed(1)} ${y(points[0][1]).toFixed(1)}`;
    for (const [t, n] of points.slice(1)) path += ` H ${x(t).toFixed(1)} V ${y(n).toFixed(1)}`;
    path += ` H ${x(end).toFixed(1)}`;
    const parts = [
      svg("rect", { class: "refused-zone", x: left, y: top, width: width - left - right,
        height: Math.max(0, y(b.limit) - top) }),
      svg("text", { class: "label-bad", x: left + 6, y: top + 14 }, "claims refused at or above the limit"),
      svg("line", { class: "axis", x1: left, y1: bottom, x2: width - right, y2: bottom }),
      svg("line", { class: "axis", x1: left, y1: top, x2: left, y2: bottom }),
      svg("text", { x: left - 6, y: bottom, "text-anchor": "end" }, "0"),
      svg("text", { x: left, y: bottom + 20 }, `now (${day(b.now)})`),
      svg("text", { x: x(last), y: bottom + 20, "text-anchor": "end" }, day(last)),
      svg("path", { class: "series", d: path }),
      svg("line", { class: "limit", x1: left, y1: y(b.limit), x2: width - right, y2: y(b.limit) }),
      svg("text", { class: "label-bad", x: left - 6, y: y(b.limit) + 4, "text-anchor": "end" }, String(b.limit)),
    ];
    if (b.releases_in_window !== b.limit) {
      parts.push(svg("text", { x: left - 6, y: y(b.releases_in_window) + 4, "text-anchor": "end" },
        String(b.releases_in_window)));
    }
    if (b.claims_resume_at !== null) {
      const at = x(b.claims_resume_at);
      const before = at > width / 2; // the label on the side with room
      parts.push(svg("line", { class: "resume", x1: at, y1: top, x2: at, y2: bottom }),
        svg("text", { class: "label-ok", x: before ? at - 6 : at + 6, y: bottom - 8,
          "text-anchor": before ? "end" : "start" }, `claims resume ${day(b.claims_resume_at)}`));
    }
    const label = b.claims_allowed
      ? `${b.releases_in_window} releases in the window, below the limit of ${b.limit}`
      : `${b.releases_in_window} releases in the window, at or above the limit of ${b.limit}`;
    document.getElementById("chart").replaceChildren(svg("svg", { class: "chart",
      viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label }, svg("title", {}, label), ...parts));
  }

  function schedule(b) {
    let left = b.releases_in_window;
    const rows = b.schedule.map((s) => {
      left -= s.releases_leaving_window;
      return el("tr", {}, el("td", {}, time(s.at)), el("td", { class: "num" }, s.releases_leaving_window),
        el("td", { class: "num" }, left));
    });
    document.querySelector("#schedule tbody").replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 3, class: "none" }, "No release is in the window."))]));
  }

  async function choices() {
    const summary = await api("GET", "summary");
    const fill = (id, values) => document.getElementById(id).replaceChildren(
      ...[...new Set(values)].map((v) => el("option", { value: v })));
    fill("accounts", summary.scopes.map((s) => s.account_id));
    fill("regions", summary.scopes.map((s) => s.region));
  }

  async function refresh() {
    const { account, region } = scope();
    const b = await api("GET", `churn/${encodeURIComponent(account)}/${encodeURIComponent(region)}`);
    const key = JSON.stringify(b);
    if (key === shown) return; // the same budget: leave the page as it is
    shown = key;
    verdict(b);
    facts(b);
    chart(b);
    schedule(b);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const { account, region } = scope();
    document.getElementById("f-account").value = account;
    document.getElementById("f-region").value = region;
    document.querySelector("main h1").textContent = `Churn budget of ${account} in ${region}`;
    keepCurrent(refresh, 5);
    // the accounts and regions to pick from cost a count of every number: read them only
    // when the operator goes to pick one
    let asked = false;
    for (const id of ["f-account", "f-region"]) {
      document.getElementById(id).addEventListener("focus", () => {
        if (!asked) choices().catch(() => {});
        asked = true;
      });
    }
  });
})();
