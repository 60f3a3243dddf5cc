// One of my applications: its status and steps in my words, the documents asked for and sent, upload, submit
// and withdraw; for a rejection, the review right (复核): ask with reasons and documents, follow the request,
// withdraw it while it waits. The id comes from the address; the API answers 404 for anyone else's.
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

// --- The review request (复核申请) ------------------------------------------------------------------------------

const review = document.getElementById("review");
const appealForm = document.getElementById("appeal-form");
const appealDocumentForm = document.getElementById("appeal-document-form");
let appealId = null;

function showAppeal(appeal) {
  document.getElementById("appeal").hidden = !appeal;
  appealId = appeal?.id ?? null;
  if (!appeal) return;
  document.getElementById("appeal-status").replaceChildren(status(appeal));
  document.getElementById("appeal-filed").textContent = when(appeal.filed_at);
  document.getElementById("appeal-reasons").textContent = appeal.reasons;
  document.getElementById("appeal-documents").replaceChildren(
    ...(appeal.documents.length ? appeal.documents : [null]).map((doc) => {
      const item = document.createElement("li");
      if (!doc) {
        item.textContent = t.none;
        return item;
      }
      // the file itself comes from the API, to the request's applicant only
      const link = document.createElement("a");
      link.href = `/api/v1/me/appeals/${appeal.id}/documents/${doc.id}/`;
      link.textContent = doc.original_name;
      item.append(`${doc.label} · `, link, ` · ${format(t.sizeKb, { size: Math.ceil(doc.size / 1024) })}`);
      return item;
    }),
  );
  const decided = Boolean(appeal.review_reason);
  document.getElementById("appeal-answer").hidden = !decided;
  document.getElementById("appeal-reviewed").textContent = decided ? format(t.reviewedOn, { date: appeal.reviewed_on }) : "";
  document.getElementById("appeal-review-reason").textContent = appeal.review_reason;
  appealDocumentForm.hidden = appeal.status !== "pending";
}

async function showReview(right) {
  review.hidden = !right || (!right.deadline && !right.appeal);
  if (review.hidden) return;
  const text = document.getElementById("review-right");
  text.hidden = !right.may_ask;
  text.textContent = right.may_ask ? format(t.reviewRight, { date: right.deadline }) : "";
  const closed = document.getElementById("review-closed");
  closed.hidden = !right.why_not;
  closed.textContent = right.why_not ? format(t.reviewClosed, { reason: right.why_not }) : "";
  appealForm.hidden = !right.may_ask;
  showAppeal(right.appeal ? await api(`me/appeals/${right.appeal.id}/`) : null);
}

async function refresh() {
  const application = await api(base);
  show(application);
  await showReview(application.review);
}

/** Attach each file to the review request; the names of those refused (with the first error) are returned. */
async function attachAll(id, files, label = "") {
  const failed = [];
  let error = null;
  for (const file of files) {
    const data = new FormData();
    data.append("file", file);
    data.append("label", label);
    try {
      await api(`me/appeals/${id}/documents/`, { method: "POST", form: data });
    } catch (problem) {
      failed.push(file.name);
      error ??= problem;
    }
  }
  return { failed, error };
}

onSubmit(appealForm, async (data) => {
  const appeal = await api("me/appeals/", {
    method: "POST",
    json: { application: Number(root.dataset.id), reasons: data.get("reasons") },
  });
  const files = data.getAll("files").filter((file) => file.size || file.name);
  const { failed, error } = await attachAll(appeal.id, files);
  appealForm.reset();
  await refresh();
  if (failed.length) {
    say(`${format(t.appealFilesFailed, { name: failed.join("、") })} ${error.message}`, "error");
  } else {
    say(t.appealFiled);
  }
});

onSubmit(appealDocumentForm, async (data) => {
  const added = await api(`me/appeals/${appealId}/documents/`, { method: "POST", form: data });
  appealDocumentForm.reset();
  await refresh();
  say(format(t.uploaded, { name: added.original_name }));
});

document.getElementById("appeal-withdraw").addEventListener("click", () => {
  if (!window.confirm(t.confirmAppealWithdraw)) return;
  attempt(appealDocumentForm, async () => {
    await api(`me/appeals/${appealId}/withdraw/`, { method: "POST" });
    await refresh();
    say(t.appealWithdrawn);
  });
});

onSubmit(form, async (data) => {
  const evidence = await api(`${base}evidence/`, { method: "POST", form: data });
  form.reset();
  await refresh();
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
  await refresh();
});
