// The header of every portal page: the signed-in applicant's name and the sign-out button.
import { api, showError, signedIn, t } from "./api.js";

const name = document.getElementById("who-name");
if (name) {
  signedIn().then((me) => {
    name.textContent = me.full_name ? ` · ${me.full_name}` : "";
  });
  document.getElementById("sign-out").addEventListener("click", async () => {
    try {
      await api("auth/logout/", { method: "POST" });
      location.assign(t.homeUrl);
    } catch (error) {
      showError(error);
    }
  });
}
