// Runs the book's demos in the static pages, with no kernel. Each demo is a placeholder
// <div class="lib-widget" data-module="NAME"> holding its state as JSON (lib/widgets.py); its
// module, widgets/NAME.js beside this file, is the one Jupyter runs as an anywidget. Here it
// runs against a small local model with anywidget's interface: get, set, on, off, save_changes.

function localModel(state) {
  const listeners = new Map();
  return {
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
      for (const callback of listeners.get(`change:${name}`) ?? []) callback();
    },
    on(event, callback) {
      listeners.set(event, [...(listeners.get(event) ?? []), callback]);
    },
    off(event, callback) {
      listeners.set(event, (listeners.get(event) ?? []).filter((c) => c !== callback));
    },
    save_changes() {},
    send() {},
  };
}

for (const el of document.querySelectorAll(".lib-widget")) {
  const state = JSON.parse(el.querySelector("script[type='application/json']").textContent);
  const { default: widget } = await import(new URL(`widgets/${el.dataset.module}.js`, import.meta.url));
  widget.render({ model: localModel(state), el });
  el.dataset.live = "1";
}
