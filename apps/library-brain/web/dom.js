// Small DOM helpers shared by the page's modules.
export const $ = (id) => document.getElementById(id);

export function show(element, visible = true) {
  element.hidden = !visible;
}
