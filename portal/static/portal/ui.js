// What the portal's pages share besides the API: copies of the page's <template>s, amounts, dates, tables.
import { format, t } from "./api.js";

/** A copy of the page's `<template id=…>`, with `fill` = {selector: text} written as text (never as HTML). */
export function fromTemplate(id, fill = {}) {
  const node = document.getElementById(id).content.firstElementChild.cloneNode(true);
  for (const [selector, text] of Object.entries(fill)) {
    const target = node.matches(selector) ? node : node.querySelector(selector);
    if (target) target.textContent = text ?? "";
  }
  return node;
}

/** "1000.00 元 per month" in the page's words. */
export function money(amount, period) {
  if (amount === null || amount === undefined || amount === "") return "";
  const words = { month: t.perMonth, quarter: t.perQuarter, year: t.perYear, day: t.perDay, once: t.once };
  const text = format(t.amount, { amount });
  return period && words[period] ? `${text} ${words[period]}` : text;
}

/** A timestamp in the page's language (the API sends ISO 8601). */
export function when(value) {
  if (!value) return "";
  const lang = document.documentElement.lang;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return new Date(value).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Fill `tbody` with one row per item (`row(item)` returns the cells' text or nodes); `empty` when there are none. */
export function fillTable(tbody, items, row) {
  tbody.replaceChildren();
  // each cell carries its column's heading: on a phone the rows are cards, a heading beside each value
  const headings = [...tbody.closest("table").querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const item of items) {
    const tr = document.createElement("tr");
    row(item).forEach((cell, index) => {
      const td = document.createElement(index === 0 ? "th" : "td");
      if (headings[index]) td.dataset.label = headings[index];
      if (index === 0) td.scope = "row";
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell ?? "";
      tr.append(td);
    });
    tbody.append(tr);
  }
  const table = tbody.closest("table");
  table.hidden = items.length === 0;
  const empty = table.closest("section")?.querySelector(".empty");
  if (empty) empty.hidden = items.length !== 0;
}

/** My employer requests (the profile's `claims`) in the page's #claims table, shown when there are any. */
export function showClaims(claims) {
  const section = document.getElementById("claims");
  section.hidden = claims.length === 0;
  fillTable(section.querySelector("tbody"), claims, (claim) => [
    claim.organization_name,
    claim.credit_code,
    claim.status_label,
    when(claim.created_at),
  ]);
}

const cities = JSON.parse(document.getElementById("city-names").textContent);

export function cityName(code) {
  return cities[code] || code || "";
}

/** A status badge: the applicant-facing label the API sends, coloured by its code. */
export function status(record) {
  const badge = document.createElement("span");
  badge.className = `status status-${record.status}`;
  badge.textContent = record.status_label;
  return badge;
}
