// My profile: who my account stands for (masked by the server), my registers and my employer requests.
import { api, format, run, signedIn, t } from "./api.js";
import { cityName, fillTable, showClaims } from "./ui.js";

function fill(section, record) {
  const place = [cityName(record.city), record.unit_name].filter(Boolean).join(" · ");
  for (const cell of section.querySelectorAll("[data-field]")) {
    cell.textContent = cell.dataset.field === "place" ? place : (record[cell.dataset.field] ?? "");
  }
  section.hidden = false;
}

run(async () => {
  await signedIn();
  const profile = await api("me/profile/");
  document.getElementById("unlinked").hidden = Boolean(profile.kind);
  if (profile.person) fill(document.getElementById("person"), profile.person);
  if (profile.organization) fill(document.getElementById("organization"), profile.organization);
  showClaims(profile.claims);
  if (profile.kind === "person") {
    const section = document.getElementById("registers");
    const entries = await api("me/registers/");
    fillTable(section.querySelector("tbody"), entries, (entry) => [
      entry.register_name,
      entry.entered_on,
      entry.exited_on || entry.window_ends_on || "",
      entry.exited_on ? format(t.leftRegister, { reason: entry.exit_reason_label }) : t.onRegister,
      entry.unit_name,
    ]);
    section.hidden = false;
  }
});
