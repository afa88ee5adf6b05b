// Cooldowns: a page of GET cooldowns (soonest end first) and a per-day timeline of it.
"use strict";
(() => {
  const { api, el, svg, time, day, duration, query, keepCurrent, refreshAll, render } = Console;
  const FILTERS = ["account_id", "region", "limit"];
  const tokens = [null];
  let next = null;

  function filters() {
    const given = new URLSearchParams();
    for (const name of FILTERS) {
      const value = (query().get(name) || "").trim();
      if (value) given.set(name, value);
    }
    return given;
  }

  function row(c, now) {
    return el("tr", {},
      el("th", { scope: "row" }, el("a", { href: `number.html?e164=${encodeURIComponent(c.phone_number)}` }, c.phone_number)),
      el("td", {}, c.account_id), el("td", {}, c.region),
      el("td", {}, time(c.released_at)), el("td", {}, time(c.cooldown_until)),
      el("td", {}, duration(c.cooldown_until - now)));
  }

  function localDay(epoch) {
    const d = new Date(epoch * 1000);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 1000;
  }

  // Bars: how many of the page's numbers come back on each local day, from today on
  // (at least 30 days shown, so that one day is one narrow bar on a calendar).
  function timeline(cooldowns, now) {
    const holder = document.getElementById("timeline");
    render(holder, [cooldowns, localDay(now)], () => (cooldowns.length
      ? chart(cooldowns, now)
      : el("p", { class: "none" }, "Nothing is cooling.")));
  }

  function chart(cooldowns, now) {
    const days = new Map();
    for (const c of cooldowns) {
      const key = localDay(c.cooldown_until);
      days.set(key, (days.get(key) || 0) + 1);
    }
    const first = localDay(now);
    const last = Math.max(...days.keys());
    const span = Math.max(30, Math.round((last - first) / 86400) + 1);
    const most = Math.max(...days.values());
    const width = 1000, height = 160, left = 40, right = 10, bottom = 130;
    const step = (width - left - right) / span;
    const parts = [
      svg("line", { class: "axis", x1: left, y1: bottom, x2: width - right, y2: bottom }),
      svg("text", { x: 4, y: 24 }, String(most)),
      svg("text", { x: 4, y: bottom }, "0"),
    ];
    for (let tick = 0; tick <= 4; tick++) {
      const offset = Math.round((span - 1) * tick / 4);
      const at = first + offset * 86400;
      const anchor = tick === 0 ? "start" : tick === 4 ? "end" : "middle";
      const x = left + offset * step + (tick === 4 ? step : 0);
      parts.push(svg("text", { x: x.toFixed(1), y: bottom + 20, "text-anchor": anchor }, day(at)));
    }
    for (const [start, count] of days) {
      const x = left + Math.round((start - first) / 86400) * step;
      const h = (count / most) * (bottom - 24);
      const label = `${count} back on ${day(start)}`;
      parts.push(svg("rect", { class: "bar", x: x.toFixed(1), y: (bottom - h).toFixed(1),
        width: Math.max(2, step - 1).toFixed(1), height: h.toFixed(1) }, svg("title", {}, label)));
    }
    const summary = `${cooldowns.length} numbers come back between ${day(Math.min(...days.keys()))} and ${day(last)}`;
    return svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`,
      role: "img", "aria-label": summary }, svg("title", {}, summary), ...parts);
  }

  async function refresh() {
    const params = filters();
    const current = tokens[tokens.length - 1];
    if (current) params.set("next_token", current);
    const [page, clock] = await Promise.all([api("GET", `cooldowns?${params}`), api("GET", "clock")]);
    next = page.next_token;
    render(document.querySelector("#cooldowns tbody"), [page.cooldowns, clock.now], () => (page.cooldowns.length
      ? page.cooldowns.map((c) => row(c, clock.now))
      : el("tr", {}, el("td", { colspan: 6, class: "none" }, "No number is cooling."))));
    timeline(page.cooldowns, clock.now);
    document.getElementById("next").disabled = !next;
    document.getElementById("previous").disabled = tokens.length < 2;
    document.getElementById("first").disabled = tokens.length < 2;
    document.getElementById("page-number").textContent =
      `Page ${tokens.length} · ${page.cooldowns.length} numbers${next ? "" : " · last page"}`;
  }

  function move(change) {
    change();
    refreshAll();
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const name of FILTERS) {
      const value = query().get(name);
      if (value) document.querySelector(`#filters [name="${name}"]`).value = value;
    }
    document.getElementById("next").addEventListener("click", () => move(() => tokens.push(next)));
    document.getElementById("previous").addEventListener("click", () => move(() => tokens.pop()));
    document.getElementById("first").addEventListener("click", () => move(() => tokens.splice(1)));
    keepCurrent(refresh, 5);
  });
})();
