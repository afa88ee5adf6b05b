// The service clock: now, offset and frozen (GET clock), and changing it (POST clock).
"use strict";
(() => {
  const { api, time, duration, keepCurrent, refreshAll, showError, showNotice } = Console;
  let frozen = false;

  async function refresh() {
    const clock = await api("GET", "clock");
    frozen = clock.frozen;
    document.getElementById("clock-now").replaceChildren(time(clock.now));
    const offset = clock.offset_seconds;
    document.getElementById("clock-offset").textContent = frozen
      ? "none while frozen: the service time stands still"
      : offset === 0 ? "none" : `${duration(offset)} (${offset} s)`;
    const ahead = clock.now - Date.now() / 1000;
    document.getElementById("clock-browser").textContent = Math.abs(ahead) < 1
      ? "the same"
      : `${duration(Math.abs(ahead))} ${ahead > 0 ? "ahead" : "behind"}`;
    document.getElementById("clock-frozen").textContent = frozen ? "yes" : "no";
    document.getElementById("freeze").textContent = frozen ? "Unfreeze" : "Freeze";
  }

  async function change(body, done) {
    try {
      const clock = await api("POST", "clock", body);
      showNotice(`${done}: the service time is now ${Console.when(clock.now)}.`);
      refreshAll();
    } catch (error) {
      showError(error);
    }
  }

  function advance(event) {
    event.preventDefault();
    const amount = Number(document.getElementById("amount").value);
    const unit = Number(document.getElementById("unit").value);
    change({ advance_seconds: amount * unit }, "Advanced");
  }

  function set(event) {
    event.preventDefault();
    const value = document.getElementById("set-to").value;
    const epoch = new Date(value).getTime() / 1000;
    if (!Number.isFinite(epoch)) {
      showError(new Error("Give a date and time"));
      return;
    }
    change({ set: epoch }, "Set");
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("advance").addEventListener("submit", advance);
    document.getElementById("set").addEventListener("submit", set);
    document.getElementById("freeze").addEventListener("click", () =>
      change({ freeze: !frozen }, frozen ? "Unfrozen" : "Frozen"));
    document.getElementById("reset").addEventListener("click", () => change({ reset: true }, "Reset"));
    keepCurrent(refresh, 2);
  });
})();
