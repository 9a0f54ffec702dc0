// Logging in with the rep's SuiteCRM user name and password. The password goes only to
// the API (which hands it to SuiteCRM) and is never stored; the tokens are.

import { login, ApiError, NetworkError } from "../api.js";
import { t } from "../i18n.js";
import { h, clear } from "../ui.js";

export function showLogin(view) {
  const error = h("p", { class: "error", role: "alert" });
  const user = h("input", { id: "login-user", name: "username", autocomplete: "username",
                            required: true, autocapitalize: "none", spellcheck: false });
  const password = h("input", { id: "login-password", name: "password", type: "password",
                                autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "primary" }, t("log_in"));
  const form = h("form", { class: "login", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!user.value || !password.value) {
      error.textContent = `${t(!user.value ? "user_name" : "password")}: ${t("required")}`;
      (!user.value ? user : password).focus();
      return;
    }
    submit.disabled = true;
    try {
      await login(user.value.trim(), password.value);
      if (!location.hash || location.hash === "#/") location.hash = "#/feed";
    } catch (failure) {
      error.textContent = failure instanceof NetworkError ? t("login_offline")
        : failure instanceof ApiError && failure.status === 429 ? t("login_throttled")
        : failure instanceof ApiError && failure.status === 401 ? t("login_failed")
        : t("error", { m: failure.message });
    } finally {
      submit.disabled = false;
    }
  } },
  h("div", { class: "field" }, h("label", { for: "login-user" }, t("user_name")), user),
  h("div", { class: "field" }, h("label", { for: "login-password" }, t("password")), password),
  error, submit);
  clear(view, h("h1", {}, t("login_title")), form);
  user.focus();
  return null;
}
