// Ask for a change (申请变更): what to change, then only that kind's fields (the others are disabled, so they are
// neither sent nor checked), why, and documents. The job centre's service checks every value; its errors are shown
// beside the fields they name. The communities of my city and what is on file now come from the API.
import { ApiError, api, onSubmit, run, signedIn, t } from "./api.js";

const form = document.getElementById("change-form");
const groups = [...form.querySelectorAll("fieldset[data-kind]")];
let waiting = [];

function choose(kind) {
  for (const group of groups) {
    group.hidden = group.dataset.kind !== kind;
    group.disabled = group.hidden;
  }
  document.getElementById("kind-waiting").hidden = !waiting.includes(kind);
}

function showAdding() {
  const adding = form.elements.action.value !== "remove";
  for (const node of form.querySelectorAll("[data-adding]")) node.hidden = !adding;
}

form.addEventListener("change", (event) => {
  if (event.target.name === "kind") choose(event.target.value);
  if (event.target.name === "action") showAdding();
});

/** The values of the chosen kind's fields, as the API takes them (blank ones left out). */
function valuesOf(kind) {
  const values = {};
  const group = groups.find((node) => node.dataset.kind === kind);
  if (!group) return values;
  const removing = kind === "household" && form.elements.action.value === "remove";
  for (const control of group.elements) {
    if (!control.name || (removing && control.closest("[data-adding]"))) continue;
    if (control.type === "checkbox") values[control.name] = control.checked;
    else if (control.type === "radio") {
      if (control.checked) values[control.name] = control.value;
    } else if (control.value.trim() !== "") {
      values[control.name] = control.name === "residence_unit" ? Number(control.value) : control.value.trim();
    }
  }
  return values;
}

async function attachAll(id, files) {
  const failed = [];
  for (const file of files) {
    const data = new FormData();
    data.append("file", file);
    try {
      await api(`me/change-requests/${id}/documents/`, { method: "POST", form: data });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      failed.push(file.name);
    }
  }
  return failed;
}

onSubmit(form, async (data) => {
  const kind = data.get("kind") || "";
  const change = await api("me/change-requests/", {
    method: "POST",
    json: { kind, values: valuesOf(kind), statement: data.get("statement") || "" },
  });
  const failed = await attachAll(change.id, data.getAll("files").filter((file) => file.size || file.name));
  const query = failed.length ? `?sent=${encodeURIComponent(failed.join("、"))}` : "?sent=";
  location.assign(t.detailUrl.replace("/0/", `/${change.id}/`) + query);
});

run(async () => {
  await signedIn();
  let options;
  try {
    options = await api("me/change-requests/options/");
  } catch (error) {
    // 403: no person record linked to this account (or an employer's)
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    document.getElementById("unlinked").hidden = false;
    return;
  }
  waiting = options.waiting;
  form.elements.residence_unit.append(...options.communities.map((unit) => new Option(unit.name, unit.id)));
  for (const node of form.querySelectorAll("[data-on-file]")) {
    node.textContent = options.on_file[node.dataset.onFile] || t.none;
  }
  form.hidden = false;
  showAdding();
});
