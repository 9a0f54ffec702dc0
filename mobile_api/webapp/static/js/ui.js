// Small DOM helpers. Text from SuiteCRM and the networks is always set as text, never as
// HTML: a customer's comment cannot inject markup.

import { t } from "./i18n.js";

// h("button", {class: "x", onclick: fn, "aria-label": "..."}, "text", child, ...)
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && !name.includes("-") && name !== "list") element[name] = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function clear(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

// A polite announcement for screen readers (and a short visible toast).
export function announce(message) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  requestAnimationFrame(() => { region.textContent = message; });
}

// A modal sheet (the platform's <dialog>: focus is trapped and Escape closes it).
// `build(close)` returns the content; resolves with what close() was given.
export function sheet(titleText, build) {
  return new Promise((resolve) => {
    const headingId = `sheet-${Math.random().toString(36).slice(2)}`;
    const dialog = h("dialog", { class: "sheet", "aria-labelledby": headingId });
    const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(null); });
    dialog.append(
      h("div", { class: "sheet-head" },
        h("h2", { id: headingId }, titleText),
        h("button", { type: "button", class: "icon-button", "aria-label": t("close"),
                      onclick: () => close(null) }, "×")),
      build(close));
    document.body.append(dialog);
    dialog.showModal();
  });
}

// A labelled form field; `control` is an input, select or textarea.
export function field(labelText, control, hint = null) {
  const id = control.id || (control.id = `f-${Math.random().toString(36).slice(2)}`);
  return h("div", { class: "field" }, h("label", { for: id }, labelText), control,
    hint ? h("small", {}, hint) : null);
}

export function sentimentBadge(label) {
  if (!label) return null;
  return h("span", { class: `sentiment sentiment-${label}`, title: t("sentiment") },
    h("span", { class: "dot", "aria-hidden": "true" }), t(`sentiment_${label}`));
}

export function networkBadge(network) {
  if (!network) return null;
  const short = network === "facebook" ? "f" : network === "linkedin" ? "in" : network.slice(0, 2);
  return h("span", { class: `network network-${network}`, role: "img",
                     "aria-label": t(`network_${network}`) }, short);
}
