// The Web Worker of trials, sweeps and imports (src/app/workers.rs starts it). It loads
// the simulation core's glue, then waits for the page's first message: the core already
// compiled by the page (one compile shared by every worker; the browser keeps its
// optimised code for the next run), or, if the page could not compile it, the wasm's
// address to load from. A core that cannot start is thrown outside the promise, so the
// page's `error` handler hears of it at once.
importScripts("./routewave-worker.js");
self.onmessage = (e) => {
  self.onmessage = null;
  wasm_bindgen({ module_or_path: e.data }).catch((err) =>
    setTimeout(() => {
      throw err;
    }),
  );
};
