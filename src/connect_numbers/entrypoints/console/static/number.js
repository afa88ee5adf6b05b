// One number: its state now (held, or cooling with a restore button) and its history.
"use strict";
(() => {
  const { api, el, time, query, keepCurrent, refreshAll, showError, showNotice, duration } = Console;
  const e164 = (query().get("e164") || "").replace(/^ /, "+").trim();
  const DERIVED = new Set(["SETTLE", "FAIL", "COOLDOWN_END"]);
  const SHOWN = ["phone_number_id", "account_id", "region", "principal", "request_id"];

  async function held() {
    const page = await api("GET", `numbers?prefix=${encodeURIComponent(e164)}&limit=5`);
    return page.numbers.find((n) => n.phone_number === e164) || null;
  }

  function cooling(events) {
    // the last release, unless a restore or the end of its cooldown came after it
    for (let i = events.length - 1; i >= 0; i--) {
      const kind = events[i].event;
      if (kind === "RELEASE") return events[i].cooldown_until ? events[i] : null;
      if (kind === "RESTORE" || kind === "COOLDOWN_END" || kind === "CLAIM" || kind === "IMPORT") return null;
    }
    return null;
  }

  function facts(pairs) {
    return el("dl", { class: "facts" }, pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  function heldState(n) {
    const tags = Object.entries(n.tags).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
    return [
      el("p", {}, el("span", { class: `status status-${n.status}` }, n.status), ` held by ${n.account_id} in ${n.region}`),
      facts([
        ["Phone number id", el("code", {}, n.phone_number_id)],
        ["ARN", el("code", {}, n.phone_number_arn)],
        ["Target", el("code", {}, n.target_arn)],
        ["Type, country", `${n.type}, ${n.country}`],
        ["Description", n.description || "—"],
        ["Tags", tags],
        ["Claimed", time(n.claimed_at)],
      ]),
    ];
  }

  function coolingState(release, now) {
    const button = el("button", { type: "button", id: "restore" }, `Restore to ${release.account_id}`);
    button.addEventListener("click", () => restore(button));
    return [
      el("p", {}, el("span", { class: "status status-COOLING" }, "COOLING"),
        ` released by ${release.account_id} in ${release.region}`),
      facts([
        ["Released", time(release.time)],
        ["Cooling until", el("span", {}, time(release.cooldown_until), " (", el("span", { id: "remaining" }, `in ${duration(release.cooldown_until - now)}`), ")")],
      ]),
      el("p", {}, "A restore gives the number back to its last owner, CLAIMED on its old target; its release then no longer counts toward the churn quota."),
      button,
    ];
  }

  async function restore(button) {
    button.disabled = true;
    try {
      await api("POST", `numbers/${encodeURIComponent(e164)}/restore`, {});
      showNotice(`${e164} is restored.`);
      refreshAll();
    } catch (error) {
      showError(error);
      button.disabled = false;
    }
  }

  function shown(key, value) {
    if (typeof value === "number" && (key.endsWith("_at") || key.endsWith("_until"))) return time(value);
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function item(event) {
    const details = Object.entries(event)
      .filter(([k, v]) => v !== null && !["time", "event", "phone_number", ...SHOWN].includes(k))
      .map(([k, v]) => [k.replaceAll("_", " "), shown(k, v)]);
    return el("li", { class: DERIVED.has(event.event) ? "derived" : "" },
      el("span", { class: "what" }, event.event), " · ", time(event.time),
      el("div", { class: "detail" }, `${event.account_id} · ${event.region} · by ${event.principal} · request ${event.request_id}`),
      details.length ? el("div", { class: "detail" }, details.flatMap(([k, v], i) => [i ? " · " : "", `${k} `, v])) : null);
  }

  async function refresh() {
    const [number, history, clock] = await Promise.all([
      held(), api("GET", `numbers/${encodeURIComponent(e164)}/history`), api("GET", "clock")]);
    const events = history.events;
    const state = document.getElementById("state");
    const release = number ? null : cooling(events);
    const key = JSON.stringify([number, release]);
    if (release && document.getElementById("remaining")) {
      document.getElementById("remaining").textContent = `in ${duration(release.cooldown_until - clock.now)}`;
    }
    if (state.dataset.key !== key) {
      state.dataset.key = key;
      state.replaceChildren(el("h2", { id: "state-title" }, "Now"), ...stateOf(number, release, events, clock.now));
    }
    const list = document.getElementById("history");
    list.replaceChildren(...(events.length ? events.map(item) : [el("li", { class: "none" }, "No events.")]));
  }

  function stateOf(number, release, events, now) {
    let shown;
    if (number) shown = heldState(number);
    else if (release) shown = coolingState(release, now);
    else shown = [el("p", {}, events.length ? "Not held by anyone and not cooling: available." : "Nobody has held this number.")];
    return shown;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("main h1").textContent = e164 || "Number";
    document.title = `${e164} · connect-numbers`;
    if (!/^\+[0-9]{1,15}$/.test(e164)) {
      showError(new Error("Give a number in E.164 form, as in number.html?e164=%2B12065550100"));
      return;
    }
    keepCurrent(refresh, 5);
  });
})();
