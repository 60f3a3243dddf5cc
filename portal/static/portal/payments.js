// My grants (what was approved, from when to when, how much) and my payments (for which period, paid or not).
import { rows, run, signedIn } from "./api.js";
import { fillTable, money, status } from "./ui.js";

run(async () => {
  await signedIn();
  const [grants, payments] = await Promise.all([rows("me/entitlements/"), rows("me/payments/")]);
  fillTable(document.querySelector("#grants tbody"), grants, (grant) => [
    grant.program_name,
    grant.status_label,
    money(grant.amount_per_period, grant.period),
    grant.start,
    grant.once ? "" : grant.end || "", // a one-time grant has no period to end
  ]);
  fillTable(document.querySelector("#payments tbody"), payments, (line) => [
    line.program_name,
    line.period.slice(0, 7),
    money(line.amount_cny),
    status(line),
    line.message,
  ]);
});
