// One of my change requests: where it stands and the outcome in my words (a refusal with its reason), each field as
// on file, as asked and as changed (numbers masked), documents added while it waits, withdrawing it; for a new bank
// account, the code sent by SMS to confirm it. The id comes from the address; the API answers 404 for anyone else's.
import { api, attempt, format, onSubmit, run, say, signedIn, t } from "./api.js";
import { showAccountChange, wireAccountCode } from "./account_code.js";
import { fillTable, status, when } from "./ui.js";

const root = document.getElementById("change");
const base = `me/change-requests/${root.dataset.id}/`;
const documentForm = document.getElementById("document-form");
const OUTCOME_BOX = { applied: "ok-box", refused: "notice-box", submitted: "notice-box", withdrawn: "muted" };

function show(change) {
  document.getElementById("kind-label").textContent = change.kind_label;
  document.getElementById("status").replaceChildren(status(change));
  const outcome = document.getElementById("outcome");
  outcome.textContent = change.outcome;
  outcome.className = OUTCOME_BOX[change.status] || "notice-box";
  document.getElementById("raised-at").textContent = when(change.raised_at);
  document.getElementById("raised-by").textContent = change.on_behalf ? t.askedByStaff : t.askedByYou;
  document.getElementById("statement").textContent = change.statement || t.none;
  document.getElementById("decided-at").textContent = change.decided_at ? when(change.decided_at) : t.notYet;
  document.getElementById("decision-note").textContent = change.decision_note || t.none;
  fillTable(document.querySelector("#values tbody"), change.values, (row) => [
    row.label,
    row.on_file,
    row.asked,
    row.applied,
  ]);
  document.getElementById("documents").replaceChildren(
    ...(change.documents.length ? change.documents : [null]).map((doc) => {
      const item = document.createElement("li");
      item.textContent = doc
        ? `${doc.label} · ${doc.original_name} · ${format(t.sizeKb, { size: Math.ceil(doc.size / 1024) })}`
        : t.none;
      return item;
    }),
  );
  const waiting = change.status === "submitted";
  documentForm.hidden = !waiting;
  document.getElementById("withdraw").hidden = !waiting;
  const account = document.getElementById("account");
  account.hidden = !change.account_change;
  if (change.account_change) showAccountChange(change.account_change);
}

async function refresh() {
  show(await api(base));
}

onSubmit(documentForm, async (data) => {
  const added = await api(`${base}documents/`, { method: "POST", form: data });
  documentForm.reset();
  await refresh();
  say(format(t.uploaded, { name: added.original_name }));
});

document.getElementById("withdraw").addEventListener("click", () => {
  if (!window.confirm(t.confirmWithdraw)) return;
  attempt(root, async () => {
    show(await api(`${base}withdraw/`, { method: "POST" }));
    say(t.withdrawn);
  });
});

wireAccountCode(refresh);

run(async () => {
  await signedIn();
  await refresh();
  // just sent from the form: say so (naming the files that could not be attached), once
  const params = new URLSearchParams(location.search);
  if (params.has("sent")) {
    const failed = params.get("sent");
    say(failed ? format(t.sentWithout, { name: failed }) : t.sent, failed ? "error" : "ok");
    history.replaceState(null, "", location.pathname);
  }
});
