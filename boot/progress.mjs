// Trunk's initializer for the app (data-initializer in index.html): shows how much of
// the WebAssembly has arrived on the loading screen, "Starting…" while it compiles
// and starts, and a message if it fails. The app removes the loading screen when it
// mounts.
const el = (id) => document.getElementById(id);

export default function initializer() {
  return {
    onProgress({ current, total }) {
      const bar = el("rw-boot-bar");
      const fill = el("rw-boot-fill");
      const status = el("rw-boot-status");
      if (!bar || !fill || !status || !total) return; // no size known: the bar keeps waiting
      if (el("rw-boot")?.classList.contains("rw-boot--failed")) return; // a message stands
      const pct = Math.min(100, Math.floor((100 * current) / total));
      bar.classList.remove("rw-boot__bar--waiting");
      bar.setAttribute("aria-valuenow", String(pct));
      fill.style.width = `${pct}%`;
      status.textContent = current >= total ? "Starting the simulator…" : `Loading the simulator… ${pct} %`;
    },
    onFailure(error) {
      const detail = error && error.message ? ` (${error.message})` : "";
      const fail = window.__rwBootFail;
      const message = `Routewave could not start${detail}. Check the connection and reload the page.`;
      if (fail) fail(message);
      else console.error(message);
    },
  };
}
