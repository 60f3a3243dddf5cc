// Apply: the programs of my city with my likely eligibility (GET /me/programs/); "Apply for this" starts a draft
// (POST /me/applications/) and opens its page, where the documents are added and it is submitted.
import { ApiError, api, onSubmit, run, signedIn, t } from "./api.js";
import { showResults } from "./results.js";
import { fillTable, fromTemplate, today } from "./ui.js";
import { answerError, ask, messagesOf, nextQuestion } from "./questions.js";

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

// The open questions my record leaves, one at a time: an answer is stated on my record (POST /me/answers/) for
// the job centre to confirm; the programs below are screened again with it. A skipped one is not asked again
// on this page.
const skipped = new Set();
let asked = 0;

async function showMine() {
  const mine = await api("me/programs/");
  showResults(mine.results, { actions: applyButton });
  const question = nextQuestion(mine.open_questions, skipped);
  document.getElementById("asking-lead").hidden = !question;
  ask(question, asked + 1, { onAnswer, onSkip });
  // an employer's account has no answers of its own to give (403): nothing to list
  const answers = await api("me/answers/").catch((error) => (error.status === 403 ? [] : Promise.reject(error)));
  const section = document.getElementById("my-answers");
  section.hidden = answers.length === 0;
  fillTable(section.querySelector("tbody"), answers, (a) => [
    a.label,
    a.answer,
    a.confirmed ? t.confirmed : t.stated,
  ]);
}

async function onAnswer(question, value) {
  try {
    await api("me/answers/", { method: "POST", json: { fact: question.fact, value } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return answerError(messagesOf(error.fields).length ? messagesOf(error.fields) : [error.message]);
  }
  asked += 1;
  await showMine();
}

async function onSkip(question) {
  skipped.add(question.fact);
  asked += 1;
  await showMine();
}

run(async () => {
  await signedIn();
  try {
    await showMine();
  } catch (error) {
    // 403 here: the account has no record yet (signed in, but nothing to screen)
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    document.getElementById("unlinked").hidden = false;
  } finally {
    document.getElementById("loading").hidden = true;
  }
});
