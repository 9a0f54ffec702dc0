// One-tap actions. Each builds the body POST /api/v1/updates takes (see the OpenAPI
// document) and hands it to the outbox, which keeps it with its Idempotency-Key until the
// server has it. Edits carry what the rep saw (`base_version.fields`), so a colleague's
// change made meanwhile comes back as a conflict instead of being overwritten.

import { currentUser, hasOperation, request, NetworkError } from "./api.js";
import { t } from "./i18n.js";
import { queueAction } from "./outbox.js";
import { h, sheet, field, announce } from "./ui.js";

export const SALES_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
  "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
  "Closed Won", "Closed Lost"];

async function queued(body, label, about) {
  const entry = await queueAction(body, label, about);
  announce(t("queued_ok"));
  return entry;
}

function form(close, controls, onsubmit, submitText = t("save")) {
  return h("form", { class: "sheet-form", onsubmit: async (event) => {
    event.preventDefault();
    const result = await onsubmit();
    if (result !== false) close(result);
  } }, controls, h("div", { class: "sheet-actions" },
    h("button", { type: "button", onclick: () => close(null) }, t("cancel")),
    h("button", { type: "submit", class: "primary" }, submitText)));
}

// parent: {module: "Contacts", id, name}
export function logCall(parent) {
  return sheet(`${t("log_call")}: ${parent.name || ""}`, (close) => {
    const subject = h("input", { name: "subject", required: true, maxLength: 50 });
    const direction = h("select", { name: "direction" },
      h("option", { value: "outbound" }, t("outbound")), h("option", { value: "inbound" }, t("inbound")));
    const minutes = h("input", { name: "duration", type: "number", min: 0, max: 5999, value: 5,
                                 inputMode: "numeric" });
    const notes = h("textarea", { name: "description", rows: 3 });
    return form(close, [field(t("subject"), subject), field(t("direction"), direction),
      field(t("duration"), minutes), field(t("description"), notes)], () => {
      if (!subject.value.trim()) { subject.focus(); return false; }
      const body = { type: "log_call", subject: subject.value.trim(), direction: direction.value,
                     duration_minutes: Number(minutes.value || 0),
                     parent: { module: parent.module, id: parent.id } };
      if (notes.value.trim()) body.description = notes.value.trim();
      return queued(body, `${t("log_call")}: ${body.subject}`, parent);
    });
  });
}

export function addNote(parent) {
  return sheet(`${t("add_note")}: ${parent.name || ""}`, (close) => {
    const subject = h("input", { name: "subject", required: true, maxLength: 255 });
    const text = h("textarea", { name: "text", rows: 4, required: true });
    return form(close, [field(t("subject"), subject), field(t("text"), text)], () => {
      if (!subject.value.trim()) { subject.focus(); return false; }
      if (!text.value.trim()) { text.focus(); return false; }
      const body = { type: "add_note", subject: subject.value.trim(), text: text.value,
                     parent: { module: parent.module, id: parent.id } };
      return queued(body, `${t("add_note")}: ${body.subject}`, parent);
    });
  });
}

export function completeTask(task) {
  return queued({ type: "complete_task", task_id: task.id }, `${t("complete_task")}: ${task.name}`,
    { module: "Tasks", id: task.id, name: task.name });
}

// person: the card's contact (phone_mobile, phone_work, email1)
export function editContact(person) {
  return sheet(`${t("edit_contact")}: ${person.name || ""}`, (close) => {
    const seen = { phone_mobile: person.phone_mobile ?? "", phone_work: person.phone_work ?? "",
                   email: person.email1 ?? "" };
    const inputs = {
      phone_mobile: h("input", { name: "phone_mobile", type: "tel", value: seen.phone_mobile, autocomplete: "tel" }),
      phone_work: h("input", { name: "phone_work", type: "tel", value: seen.phone_work }),
      email: h("input", { name: "email", type: "email", value: seen.email, autocomplete: "email" }),
    };
    return form(close, Object.entries(inputs).map(([name, input]) => field(t(name), input)), () => {
      const body = { type: "update_contact", contact_id: person.id };
      const fields = {};
      for (const [name, input] of Object.entries(inputs)) {
        const value = input.value.trim();
        if (value === seen[name] || (name === "email" && !value)) continue;
        body[name] = value;
        fields[name] = person[name === "email" ? "email1" : name] ?? null;
      }
      if (Object.keys(fields).length === 0) return null;
      body.base_version = { fields };
      return queued(body, `${t("edit_contact")}: ${person.name || ""}`,
        { module: "Contacts", id: person.id, name: person.name });
    });
  });
}

// deal: {id, name, sales_stage, amount} as the app last saw it
export function moveDeal(deal) {
  return sheet(`${t("move_deal")}: ${deal.name || ""}`, (close) => {
    const stage = h("select", { name: "sales_stage" },
      SALES_STAGES.map((name) => h("option", { value: name, selected: name === deal.sales_stage }, name)));
    const amount = h("input", { name: "amount", type: "number", min: 0, step: "0.01",
                                value: deal.amount ?? "", inputMode: "decimal" });
    return form(close, [field(t("sales_stage"), stage), field(t("amount"), amount)], () => {
      const body = { type: "move_opportunity", opportunity_id: deal.id };
      const fields = {};
      if (stage.value !== deal.sales_stage) {
        body.sales_stage = stage.value;
        fields.sales_stage = deal.sales_stage ?? null;
      }
      if (amount.value !== "" && Number(amount.value) !== Number(deal.amount)) {
        body.amount = Number(amount.value);
        fields.amount = deal.amount === null || deal.amount === undefined ? null : Number(deal.amount);
      }
      if (Object.keys(fields).length === 0) return null;
      body.base_version = { fields };
      return queued(body, `${t("move_deal")}: ${deal.name || ""}`,
        { module: "Opportunities", id: deal.id, name: deal.name });
    });
  });
}

const TEMPLATES = ["tpl_thanks", "tpl_sorry", "tpl_kind"];
const CHECK_PAUSE_MS = 500;  // check once the rep pauses typing, not on every key

// interaction: {id, customer_name, body}. When the server offers POST /replies/check (the
// OpenAPI document says), the compliance verdict is shown as the rep writes, and again
// before sending: a blocked reply is not sent, one needing approval takes a second tap.
export async function reply(interaction) {
  const checks = await hasOperation("post", "/replies/check");
  return sheet(`${t("reply")}: ${interaction.customer_name || ""}`, (close) => {
    const verdict = h("div", { class: "verdict", role: "status", "aria-live": "polite" });
    const send = h("button", { type: "submit", class: "primary" }, t("send"));
    let checked = { text: null, decision: null };  // the text the shown verdict is about
    let confirmed = null;  // the text the rep chose to send for approval
    let pause = null;

    async function check() {
      const wanted = text.value;
      try {
        const answer = await request("POST", "/replies/check",
          { json: { interaction_id: interaction.id, text: wanted } });
        if (wanted !== text.value) return null;  // typed on meanwhile
        checked = { text: wanted, decision: answer.decision };
        verdict.dataset.decision = answer.decision;
        verdict.replaceChildren(h("strong", {}, t(`verdict_${answer.decision}`)),
          answer.reasons.length ? h("ul", {}, answer.reasons.map((r) => h("li", {}, r.message))) : null);
        send.textContent = answer.decision === "needs_approval" ? t("send_for_approval") : t("send");
        return answer.decision;
      } catch (error) {
        if (error instanceof NetworkError) return "unchecked";  // the server checks it again
        throw error;
      }
    }

    function changed() {
      delete verdict.dataset.decision;
      verdict.textContent = "";
      send.textContent = t("send");
      clearTimeout(pause);
      if (checks && text.value.trim()) pause = setTimeout(check, CHECK_PAUSE_MS);
    }

    // Public replies are signed "— <first name>" (the policy checks it). The API does not
    // tell the rep's name, so the app asks once and remembers it on the phone.
    const signatureKey = `signature:${currentUser().id}`;
    const userName = currentUser().user_name;
    const signature = h("input", { name: "signature", autocomplete: "given-name",
      value: localStorage.getItem(signatureKey) || userName.charAt(0).toUpperCase() + userName.slice(1),
      onchange: () => localStorage.setItem(signatureKey, signature.value.trim()) });
    const template = h("select", { name: "template", onchange: () => {
      if (template.value) text.value = `${t(template.value)}\n— ${signature.value.trim()}`;
      changed();
    } }, h("option", { value: "" }, "—"), TEMPLATES.map((key) => h("option", { value: key }, t(key))));
    const text = h("textarea", { name: "text", rows: 5, required: true, oninput: changed });

    return h("form", { class: "sheet-form", onsubmit: async (event) => {
      event.preventDefault();
      if (!text.value.trim()) { text.focus(); return; }
      clearTimeout(pause);
      if (checks) {
        const decision = checked.text === text.value ? checked.decision : await check();
        if (decision === "blocked") return;
        if (decision === "needs_approval" && confirmed !== text.value) {
          confirmed = text.value;
          if (send.textContent !== t("send_for_approval")) send.textContent = t("send_for_approval");
          return;
        }
      }
      close(await queued({ type: "reply", interaction_id: interaction.id, text: text.value },
        `${t("reply")}: ${interaction.customer_name || ""}`,
        { module: "SCRM_SocialInteractions", id: interaction.id, name: interaction.customer_name }));
    } }, field(t("template"), template), field(t("signature"), signature),
    field(t("free_text"), text), verdict,
    h("div", { class: "sheet-actions" },
      h("button", { type: "button", onclick: () => close(null) }, t("cancel")), send));
  });
}
