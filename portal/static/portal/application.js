// One of my applications: its status and steps in my words, the documents asked for and sent, upload, submit
// and withdraw. The id comes from the address; the API answers 404 for anyone else's.
import { api, attempt, format, onSubmit, run, say, signedIn, t } from "./api.js";
import { fillTable, money, status, when } from "./ui.js";

const root = document.getElementById("application");
const base = `me/applications/${root.dataset.id}/`;
const form = document.getElementById("upload-form");
const EDITABLE = ["preparing", "documents_needed"];
const OPEN = ["preparing", "under_review", "documents_needed"];

function grantText(grant) {
  const amount = money(grant.amount_per_period, grant.period);
  return grant.end && !grant.once
    ? format(t.grant, { amount, start: grant.start, end: grant.end })
    : format(t.grantOpen, { amount, start: grant.start });
}

function show(application) {
  document.getElementById("program-name").textContent = application.program_name;
  document.getElementById("status").replaceChildren(status(application));
  const message = document.getElementById("message");
  message.textContent = application.message;
  message.hidden = !application.message;
  const grant = document.getElementById("grant");
  grant.hidden = !application.entitlement;
  if (application.entitlement) grant.textContent = grantText(application.entitlement);
  document.getElementById("timeline").replaceChildren(
    ...application.timeline.map((step) => {
      const item = document.createElement("li");
      const time = document.createElement("time");
      time.dateTime = step.date;
      time.textContent = when(step.date);
      const label = document.createElement("span");
      label.className = "step";
      label.textContent = step.label;
      item.append(time, " ", label);
      if (step.note) {
        const note = document.createElement("p");
        note.className = "step-note";
        note.textContent = step.note;
        item.append(note);
      }
      return item;
    }),
  );
  document.getElementById("checklist").replaceChildren(
    ...application.checklist.map((entry) => {
      const item = document.createElement("li");
      item.className = entry.attached ? "done" : "todo";
      const files = entry.files.length ? `（${entry.files.join("、")}）` : "";
      item.textContent = `${entry.document} · ${entry.attached ? t.attached : t.notAttached}${files}`;
      return item;
    }),
  );
  document.getElementById("checklist-empty").hidden = application.checklist.length !== 0;
  // the items still missing first, the first of them chosen
  const ordered = [...application.checklist.filter((e) => !e.attached), ...application.checklist.filter((e) => e.attached)];
  document.getElementById("f-item").replaceChildren(
    ...ordered.map((entry) => new Option(entry.document, entry.item)),
    new Option(t.otherDocument, ""),
  );
  fillTable(document.querySelector("#evidence tbody"), application.evidence, (evidence) => {
    const link = document.createElement("a");
    link.href = `/api/v1/${base}evidence/${evidence.id}/`;
    link.textContent = evidence.original_name;
    return [evidence.label, link, format(t.sizeKb, { size: Math.ceil(evidence.size / 1024) }), when(evidence.uploaded_at)];
  });
  form.hidden = !EDITABLE.includes(application.status);
  document.getElementById("submit").hidden = !EDITABLE.includes(application.status);
  document.getElementById("withdraw").hidden = !OPEN.includes(application.status);
}

onSubmit(form, async (data) => {
  const evidence = await api(`${base}evidence/`, { method: "POST", form: data });
  form.reset();
  show(await api(base));
  say(format(t.uploaded, { name: evidence.original_name }));
});

document.getElementById("submit").addEventListener("click", () =>
  attempt(root, async () => {
    show(await api(`${base}submit/`, { method: "POST" }));
    say(t.submitted);
  }),
);
document.getElementById("withdraw").addEventListener("click", () => {
  if (!window.confirm(t.confirmWithdraw)) return;
  attempt(root, async () => {
    show(await api(`${base}withdraw/`, { method: "POST" }));
    say(t.withdrawn);
  });
});

run(async () => {
  await signedIn();
  show(await api(base));
});
