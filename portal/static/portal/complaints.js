// My complaints and suggestions (投诉与意见): write one (kind, category, subject, text), follow each: its status,
// the day the answer is due (working days, the job centre's calendar) and the answer.
import { api, format, onSubmit, rows, run, say, signedIn, t } from "./api.js";
import { fillTable, status } from "./ui.js";

const form = document.getElementById("complaint-form");

async function showAll() {
  const complaints = await rows("me/complaints/");
  fillTable(document.querySelector("#complaints tbody"), complaints, (complaint) => {
    const answer = document.createElement("span");
    answer.className = complaint.reply ? "pre" : "muted";
    answer.textContent = complaint.reply || t.noAnswerYet;
    return [
      complaint.subject,
      format(t.kindCategory, { kind: complaint.kind_label, category: complaint.category_label }),
      complaint.received_on,
      status(complaint),
      complaint.due_on,
      answer,
    ];
  });
}

onSubmit(form, async (data) => {
  const complaint = await api("me/complaints/", { method: "POST", json: Object.fromEntries(data) });
  form.reset();
  await showAll();
  say(format(t.complaintSent, { date: complaint.due_on }));
});

run(async () => {
  await signedIn();
  await showAll();
});
