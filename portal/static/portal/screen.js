// The anonymous screener: the form's answers become a facts document (docs/facts.md), POSTed to /screen/.
import { api, onSubmit, say } from "./api.js";
import { today } from "./ui.js";
import { showResults } from "./results.js";

const form = document.getElementById("screen-form");
const city = form.elements.namedItem("city");

function showCityRegisters() {
  for (const field of form.querySelectorAll(".registers [data-cities]")) {
    const here = field.dataset.cities.split(" ").includes(city.value);
    field.hidden = !here;
    if (!here) field.querySelector("input").checked = false;
  }
}

/** The facts document the form describes: what was left empty is absent (the rules then say what is missing);
 *  the registers and checkboxes say what is and is not the case today. */
function facts(data) {
  const since = today();
  const person = { registers: data.getAll("registers").map((code) => ({ code, since })) };
  for (const name of ["birth_date", "sex", "retirement_category", "hukou_type", "education", "graduation_date"]) {
    if (data.get(name)) person[name] = data.get(name);
  }
  for (const name of ["hukou_local", "is_disabled", "has_student_loan", "is_orphan"]) person[name] = data.has(name);
  if (data.get("employment")) person.employment = [{ status: data.get("employment"), from: since }];
  const household = {
    registers: [
      ...(data.has("dibao") ? [{ code: "dibao_households", since }] : []),
      ...(data.has("zero_employment") ? [{ code: "zero_employment_households", since }] : []),
    ],
    is_poverty_registered: data.has("poverty_registered"),
    is_poor_disabled: data.has("poor_disabled"),
  };
  return { city: data.get("city"), subject: "person", person, household };
}

city.addEventListener("change", showCityRegisters);
showCityRegisters();
onSubmit(form, async (data) => {
  const answer = await api("screen/", { method: "POST", json: facts(data) });
  say(showResults(answer.results), "info");
  document.getElementById("results").focus(); // the answer is below the form: take the reader there
});
