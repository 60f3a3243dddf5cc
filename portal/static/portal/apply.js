// Apply: the programs of my city with my likely eligibility (GET /me/programs/); "Apply for this" starts a draft
// (POST /me/applications/) and opens its page, where the documents are added and it is submitted.
import { ApiError, api, onSubmit, run, signedIn, t } from "./api.js";
import { showResults } from "./results.js";
import { fromTemplate, today } from "./ui.js";

const dialog = document.getElementById("apply-dialog");
const form = document.getElementById("apply-form");

function applyButton(result, group) {
  if (group === "no") return null;
  const button = fromTemplate("tpl-apply");
  button.addEventListener("click", () => {
    form.elements.program.value = result.program;
    form.elements.requested_start.value = today();
    document.getElementById("apply-program").textContent = result.name;
    dialog.showModal();
  });
  return button;
}

document.getElementById("apply-cancel").addEventListener("click", () => dialog.close());
onSubmit(form, async (data) => {
  const application = await api("me/applications/", { method: "POST", json: Object.fromEntries(data) });
  location.assign(t.applicationUrl.replace("/0/", `/${application.id}/`));
});

run(async () => {
  await signedIn();
  try {
    showResults((await api("me/programs/")).results, { actions: applyButton });
  } catch (error) {
    // 403 here: the account has no record yet (signed in, but nothing to screen)
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    document.getElementById("unlinked").hidden = false;
  } finally {
    document.getElementById("loading").hidden = true;
  }
});
