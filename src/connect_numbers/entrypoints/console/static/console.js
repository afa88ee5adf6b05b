// What every console page shares: calling the admin API (with the bearer token the
// operator gives, kept in session storage), messages, times and a little SVG.
"use strict";

const Console = (() => {
  const ADMIN = "/_connect-numbers/";
  const TOKEN_KEY = "connect-numbers-admin-token";
  const SVG = "http://www.w3.org/2000/svg";
  let waiting = []; // calls held until the operator gives a token
  let refreshers = [];

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token()) headers.Authorization = `Bearer ${token()}`;
    let response;
    try {
      response = await fetch(ADMIN + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      throw new ApiError(0, `The server cannot be reached (${error.message})`);
    }
    if (response.status === 401 || (response.status === 403 && token())) {
      askForToken(response.status === 403);
      return new Promise((resolve, reject) => waiting.push(() => api(method, path, body).then(resolve, reject)));
    }
    const text = await response.text();
    let answer = {};
    try {
      answer = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(response.status, `${method} ${path} answered ${response.status} without JSON`);
    }
    if (!response.ok) {
      throw new ApiError(response.status, answer.message || `${method} ${path} answered ${response.status}`);
    }
    return answer;
  }

  function askForToken(rejected) {
    const section = document.getElementById("token");
    if (!section.hidden) return;
    if (rejected) sessionStorage.removeItem(TOKEN_KEY);
    section.hidden = false;
    const title = document.getElementById("token-title");
    title.textContent = rejected
      ? "That admin token was refused: give the right one"
      : "This server asks for its admin token";
    document.getElementById("token-input").focus();
  }

  function useToken(event) {
    event.preventDefault();
    const input = document.getElementById("token-input");
    sessionStorage.setItem(TOKEN_KEY, input.value);
    input.value = "";
    document.getElementById("token").hidden = true;
    showForget();
    const held = waiting;
    waiting = [];
    held.forEach((retry) => retry());
    document.getElementById("main").focus();
  }

  function showForget() {
    const button = document.getElementById("forget-token");
    button.hidden = !token();
  }

  function forgetToken() {
    sessionStorage.removeItem(TOKEN_KEY);
    showForget();
    location.reload();
  }

  // --- messages -----------------------------------------------------------------------

  function showError(error) {
    const box = document.getElementById("messages");
    box.replaceChildren(el("p", { class: "error" }, error.message || String(error)));
  }

  function showNotice(text) {
    const box = document.getElementById("messages");
    box.replaceChildren(el("p", { class: "notice" }, text));
  }

  function clearMessages() {
    document.getElementById("messages").replaceChildren();
  }

  // --- elements and times -------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const dateFormat = new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "medium",
  });
  const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

  function when(epoch) {
    return dateFormat.format(new Date(epoch * 1000));
  }

  // A <time> in the browser's zone, the epoch seconds on hover.
  function time(epoch) {
    if (epoch === null || epoch === undefined) return el("span", { class: "none" }, "—");
    const iso = new Date(epoch * 1000).toISOString();
    return el("time", { datetime: iso, title: `epoch ${epoch}` }, when(epoch));
  }

  function day(epoch) {
    return dayFormat.format(new Date(epoch * 1000));
  }

  function duration(seconds) {
    const sign = seconds < 0 ? "-" : "";
    let left = Math.abs(Math.round(seconds));
    const parts = [];
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
      if (left >= size || (unit === "s" && parts.length === 0)) {
        parts.push(`${Math.floor(left / size)} ${unit}`);
        left %= size;
      }
      if (parts.length === 2) break;
    }
    return sign + parts.join(" ");
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  // Replace what ``node`` shows only when ``data`` changed: a refresh that finds the same
  // data leaves the page alone (focus, selection and the reader's place stay put).
  function render(node, data, build) {
    const key = JSON.stringify(data);
    if (node.dataset.shown === key) return;
    node.dataset.shown = key;
    node.replaceChildren(...[build()].flat());
  }

  function query() {
    return new URLSearchParams(location.search);
  }

  // --- keeping a page current ---------------------------------------------------------

  // Runs ``refresh`` now and every ``seconds`` while the page is visible.
  function keepCurrent(refresh, seconds, marks = true) {
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      if (document.hidden || !document.getElementById("token").hidden) return;
      running = true;
      again = false;
      try {
        await refresh();
        document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
        if (marks && performance.getEntriesByName("console-data").length === 0) {
          performance.mark("console-data"); // the page's first data is on screen
        }
      } catch (error) {
        showError(error);
      } finally {
        running = false;
      }
      if (again) run();
    };
    refreshers.push(run);
    run();
    setInterval(run, seconds * 1000);
    document.addEventListener("visibilitychange", run);
    return run;
  }

  function refreshAll() {
    refreshers.forEach((run) => run());
  }

  async function footerClock() {
    try {
      const clock = await api("GET", "clock");
      const now = document.getElementById("service-now");
      now.replaceChildren(time(clock.now), clock.frozen ? " (frozen)" : "");
    } catch {
      /* the page itself reports errors */
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("token-form").addEventListener("submit", useToken);
    document.getElementById("forget-token").addEventListener("click", forgetToken);
    document.getElementById("zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
    showForget();
    keepCurrent(footerClock, 5, false);
  });

  return {
    ApiError, api, clearMessages, day, duration, el, keepCurrent, query, refreshAll,
    render, showError, showNotice, svg, time, when,
  };
})();
