// Configuration (GET/PUT config) as a form built from what the server answers, and the
// quota of one account and region (GET/PUT quotas/{account}/{region}).
"use strict";
(() => {
  const { api, el, showError, showNotice, clearMessages } = Console;
  let loaded = {};

  function label(key) {
    return key.replaceAll("_", " ");
  }

  function field(path, value) {
    const id = `c-${path.join("-")}`;
    if (typeof value === "boolean") {
      return el("div", {}, el("label", { for: id }, label(path[path.length - 1])),
        el("input", { id, type: "checkbox", "data-path": path.join("."), checked: value }));
    }
    return el("div", {}, el("label", { for: id }, label(path[path.length - 1])),
      el("input", { id, type: "number", step: "any", min: "0", required: true,
        "data-path": path.join("."), value: String(value) }));
  }

  function fields(document_, path) {
    return Object.entries(document_).map(([key, value]) => {
      if (value !== null && typeof value === "object") {
        return el("fieldset", {}, el("legend", {}, label(key)), ...fields(value, [...path, key]));
      }
      return field([...path, key], value);
    });
  }

  async function load() {
    loaded = await api("GET", "config");
    document.getElementById("config-fields").replaceChildren(...fields(loaded, []));
  }

  // Only what was changed is sent (a partial update).
  function changes() {
    const found = {};
    for (const input of document.querySelectorAll("#config input[data-path]")) {
      const path = input.dataset.path.split(".");
      const before = path.reduce((d, k) => d[k], loaded);
      const value = input.type === "checkbox" ? input.checked : Number(input.value);
      if (value === before) continue;
      let into = found;
      for (const key of path.slice(0, -1)) into = into[key] = into[key] || {};
      into[path[path.length - 1]] = value;
    }
    return found;
  }

  async function save(event) {
    event.preventDefault();
    const changed = changes();
    if (Object.keys(changed).length === 0) {
      showNotice("Nothing was changed.");
      return;
    }
    try {
      await api("PUT", "config", changed);
      await load();
      showNotice(`Saved: ${Object.keys(changed).join(", ")}.`);
    } catch (error) {
      showError(error);
    }
  }

  function scope() {
    const account = document.getElementById("q-account").value.trim();
    const region = document.getElementById("q-region").value.trim();
    return `quotas/${encodeURIComponent(account)}/${encodeURIComponent(region)}`;
  }

  async function lookUp(event) {
    if (event) event.preventDefault();
    try {
      const quota = await api("GET", scope());
      document.getElementById("q-value").value = quota.phone_numbers_per_instance;
      clearMessages();
    } catch (error) {
      showError(error);
    }
  }

  async function saveQuota(event) {
    event.preventDefault();
    const value = Number(document.getElementById("q-value").value);
    try {
      const quota = await api("PUT", scope(), { phone_numbers_per_instance: value });
      showNotice(`The quota is now ${quota.phone_numbers_per_instance}.`);
    } catch (error) {
      showError(error);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("config").addEventListener("submit", save);
    document.getElementById("config-reload").addEventListener("click", () => load().catch(showError));
    document.getElementById("quota-scope").addEventListener("submit", lookUp);
    document.getElementById("quota").addEventListener("submit", saveQuota);
    load().catch(showError);
    lookUp();
  });
})();
