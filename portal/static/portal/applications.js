// My applications, newest first, each with its status in my words and a link to its page.
import { rows, run, signedIn, t } from "./api.js";
import { fillTable, status, when } from "./ui.js";

run(async () => {
  await signedIn();
  const applications = await rows("me/applications/");
  fillTable(document.querySelector("tbody"), applications, (application) => {
    const link = document.createElement("a");
    link.href = t.applicationUrl.replace("/0/", `/${application.id}/`);
    link.textContent = application.program_name;
    return [link, status(application), when(application.created_at), when(application.submitted_at)];
  });
});
