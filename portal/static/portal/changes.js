// My change requests (我的信息变更): each with where it stands and its outcome in my words, a link to it, and a new
// bank account of mine waiting for the code sent by SMS (confirmed here). The outcome comes from the API.
import { api, rows, run, signedIn, t } from "./api.js";
import { showAccountChange, wireAccountCode } from "./account_code.js";
import { fillTable, status, when } from "./ui.js";

async function refresh() {
  const changes = await rows("me/change-requests/");
  fillTable(document.querySelector("#changes tbody"), changes, (change) => {
    const link = document.createElement("a");
    link.href = t.detailUrl.replace("/0/", `/${change.id}/`);
    link.textContent = change.kind_label;
    return [link, when(change.raised_at), status(change), change.outcome];
  });
  const accounts = await rows("me/account-changes/");
  const pending = accounts.find((change) => change.status === "pending");
  document.getElementById("pending-account").hidden = !pending;
  if (pending) showAccountChange(pending);
}

wireAccountCode(refresh);

run(async () => {
  await signedIn();
  const profile = await api("me/profile/");
  if (profile.kind !== "person") {
    document.getElementById("unlinked").hidden = false;
    document.getElementById("ask").hidden = true;
  }
  await refresh();
});
