// UI text in English, Russian and Chinese. The language comes from the rep's choice, else
// from the browser's; dates and durations are written by the browser's Intl in it.

const TEXT = {
  en: {
    app_name: "SocialCRM", language: "Language", log_in: "Log in", log_out: "Log out",
    user_name: "User name", password: "Password", login_title: "Log in with your SuiteCRM account",
    login_failed: "Wrong user name or password.", login_offline: "No network: log in when you are online.",
    login_throttled: "Too many attempts: try again later.",
    feed: "Feed", inbox: "Inbox", queue: "Queue", main_nav: "Main",
    refresh: "Refresh", pull_to_refresh: "Pull down to refresh", loading: "Loading…",
    load_more: "Load more", no_items: "Nothing here yet.", end_of_feed: "That is everything.",
    filters: "Show", all: "All", social: "Social", cases: "Cases", leads: "Leads", my_tasks: "My tasks",
    new_items: "{n} new", new_marker: "New", unread: "unread",
    sentiment_positive: "positive", sentiment_negative: "negative", sentiment_neutral: "neutral",
    sentiment_mixed: "mixed", sentiment: "Sentiment",
    network_facebook: "Facebook", network_linkedin: "LinkedIn",
    online: "Online", offline: "Offline: your actions are kept and sent later.",
    waiting_n: "{n} waiting to send", sending: "Sending…", all_saved: "All saved",
    complete_task: "Complete", task_done: "Completed", move_deal: "Move deal",
    log_call: "Log call", add_note: "Add note", edit_contact: "Phone or email", reply: "Reply",
    back: "Back", close: "Close", save: "Save", send: "Send", cancel: "Cancel",
    subject: "Subject", text: "Text", direction: "Direction", inbound: "Inbound", outbound: "Outbound",
    duration: "Minutes", description: "Notes", phone_mobile: "Mobile phone", phone_work: "Office phone",
    email: "Email", sales_stage: "Sales stage", amount: "Amount", date_closed: "Expected close",
    profiles: "Social profiles", advocate: "Advocate score", recent: "Recent interactions",
    followers: "{n} followers", account: "Account", title: "Title", status: "Status",
    no_sla: "No SLA", time_left: "{t} left", overdue: "Overdue by {t}", waiting_total: "{n} waiting, {o} overdue",
    inbox_empty: "Nobody is waiting for an answer.", template: "Template", free_text: "Your reply",
    check: "Check", verdict_allowed: "Allowed: it can be posted.",
    verdict_needs_approval: "Needs a manager's approval before it is posted.",
    verdict_blocked: "Blocked: it will not be posted.",
    tpl_thanks: "Thank you for your message! We will get back to you shortly.",
    tpl_sorry: "We are sorry for the trouble. We have sent you a private message to sort it out.",
    tpl_kind: "Thank you for the kind words, it means a lot to us!",
    queue_title: "Your actions", queue_empty: "No actions waiting.",
    state_waiting: "Waiting to send", state_sent: "Sent, being saved", state_applied: "Saved in SuiteCRM",
    state_conflict: "Conflict", state_failed: "Failed", state_rejected: "Refused",
    conflict_title: "Someone changed this meanwhile", field: "Field", theirs: "Theirs (in SuiteCRM)",
    mine: "Mine", keep_mine: "Keep mine", take_theirs: "Take theirs", dismiss: "Remove",
    queued_ok: "Saved on this phone; it is sent as soon as possible.",
    open_card: "Open", not_found: "This record is not available.", error: "Something went wrong: {m}",
    cached_copy: "Offline copy", by: "by {who}", signed_out: "Your session ended: log in again.",
    required: "Required", skip: "Skip to content", offline_short: "Offline", signature: "Signature", send_for_approval: "Send for approval",
    kind_interaction: "Social", kind_case: "Case", kind_lead: "Lead", kind_call: "Call",
    kind_meeting: "Meeting", kind_task: "Task", kind_note: "Note", kind_opportunity: "Deal",
    kind_contact: "Contact", kind_alert: "Alert", kind_kudos: "Kudos", kind_crm_change: "Change", who: "Who", when: "When",
  },
  ru: {
    app_name: "SocialCRM", language: "Язык", log_in: "Войти", log_out: "Выйти",
    user_name: "Имя пользователя", password: "Пароль", login_title: "Вход с учётной записью SuiteCRM",
    login_failed: "Неверное имя пользователя или пароль.", login_offline: "Нет сети: войдите, когда появится связь.",
    login_throttled: "Слишком много попыток: попробуйте позже.",
    feed: "Лента", inbox: "Входящие", queue: "Очередь", main_nav: "Главное",
    refresh: "Обновить", pull_to_refresh: "Потяните вниз, чтобы обновить", loading: "Загрузка…",
    load_more: "Ещё", no_items: "Пока ничего нет.", end_of_feed: "Это всё.",
    filters: "Показать", all: "Все", social: "Соцсети", cases: "Обращения", leads: "Лиды", my_tasks: "Мои задачи",
    new_items: "Новых: {n}", new_marker: "Новое", unread: "не прочитано",
    sentiment_positive: "позитивно", sentiment_negative: "негативно", sentiment_neutral: "нейтрально",
    sentiment_mixed: "смешанно", sentiment: "Тональность",
    network_facebook: "Facebook", network_linkedin: "LinkedIn",
    online: "В сети", offline: "Нет сети: действия сохранены и будут отправлены позже.",
    waiting_n: "Ждут отправки: {n}", sending: "Отправка…", all_saved: "Всё сохранено",
    complete_task: "Выполнить", task_done: "Выполнено", move_deal: "Сдвинуть сделку",
    log_call: "Звонок", add_note: "Заметка", edit_contact: "Телефон или почта", reply: "Ответить",
    back: "Назад", close: "Закрыть", save: "Сохранить", send: "Отправить", cancel: "Отмена",
    subject: "Тема", text: "Текст", direction: "Направление", inbound: "Входящий", outbound: "Исходящий",
    duration: "Минуты", description: "Примечания", phone_mobile: "Мобильный телефон", phone_work: "Рабочий телефон",
    email: "Эл. почта", sales_stage: "Стадия продажи", amount: "Сумма", date_closed: "Ожидаемое закрытие",
    profiles: "Профили в соцсетях", advocate: "Индекс лояльности", recent: "Последние сообщения",
    followers: "Подписчиков: {n}", account: "Контрагент", title: "Должность", status: "Статус",
    no_sla: "Без SLA", time_left: "Осталось {t}", overdue: "Просрочено на {t}", waiting_total: "Ждут: {n}, просрочено: {o}",
    inbox_empty: "Никто не ждёт ответа.", template: "Шаблон", free_text: "Ваш ответ",
    check: "Проверить", verdict_allowed: "Можно публиковать.",
    verdict_needs_approval: "Нужно одобрение руководителя.",
    verdict_blocked: "Заблокировано: не будет опубликовано.",
    tpl_thanks: "Спасибо за сообщение! Мы скоро с вами свяжемся.",
    tpl_sorry: "Просим прощения за неудобства. Мы написали вам в личные сообщения.",
    tpl_kind: "Спасибо за добрые слова, для нас это очень важно!",
    queue_title: "Ваши действия", queue_empty: "Нет ожидающих действий.",
    state_waiting: "Ждёт отправки", state_sent: "Отправлено, сохраняется", state_applied: "Сохранено в SuiteCRM",
    state_conflict: "Конфликт", state_failed: "Ошибка", state_rejected: "Отклонено",
    conflict_title: "Запись изменили, пока вы её правили", field: "Поле", theirs: "Их (в SuiteCRM)",
    mine: "Моё", keep_mine: "Оставить моё", take_theirs: "Принять их", dismiss: "Убрать",
    queued_ok: "Сохранено на телефоне; будет отправлено при первой возможности.",
    open_card: "Открыть", not_found: "Запись недоступна.", error: "Что-то пошло не так: {m}",
    cached_copy: "Сохранённая копия", by: "{who}", signed_out: "Сеанс завершён: войдите снова.",
    required: "Обязательно", skip: "К содержимому", offline_short: "Нет сети", signature: "Подпись", send_for_approval: "Отправить на одобрение",
    kind_interaction: "Соцсети", kind_case: "Обращение", kind_lead: "Лид", kind_call: "Звонок",
    kind_meeting: "Встреча", kind_task: "Задача", kind_note: "Заметка", kind_opportunity: "Сделка",
    kind_contact: "Контакт", kind_alert: "Сигнал", kind_kudos: "Благодарность", kind_crm_change: "Изменение", who: "Кто", when: "Когда",
  },
  zh: {
    app_name: "SocialCRM", language: "语言", log_in: "登录", log_out: "退出登录",
    user_name: "用户名", password: "密码", login_title: "使用 SuiteCRM 账户登录",
    login_failed: "用户名或密码错误。", login_offline: "没有网络：请联网后登录。",
    login_throttled: "尝试次数过多：请稍后再试。",
    feed: "动态", inbox: "收件箱", queue: "队列", main_nav: "主导航",
    refresh: "刷新", pull_to_refresh: "下拉刷新", loading: "加载中…",
    load_more: "加载更多", no_items: "暂无内容。", end_of_feed: "已经到底了。",
    filters: "显示", all: "全部", social: "社交", cases: "工单", leads: "线索", my_tasks: "我的任务",
    new_items: "{n} 条新动态", new_marker: "新", unread: "未读",
    sentiment_positive: "正面", sentiment_negative: "负面", sentiment_neutral: "中性",
    sentiment_mixed: "混合", sentiment: "情绪",
    network_facebook: "Facebook", network_linkedin: "LinkedIn",
    online: "在线", offline: "离线：您的操作已保存，稍后发送。",
    waiting_n: "{n} 项等待发送", sending: "发送中…", all_saved: "全部已保存",
    complete_task: "完成", task_done: "已完成", move_deal: "推进商机",
    log_call: "记录通话", add_note: "添加备注", edit_contact: "电话或邮箱", reply: "回复",
    back: "返回", close: "关闭", save: "保存", send: "发送", cancel: "取消",
    subject: "主题", text: "内容", direction: "方向", inbound: "呼入", outbound: "呼出",
    duration: "分钟", description: "备注", phone_mobile: "手机", phone_work: "办公电话",
    email: "邮箱", sales_stage: "销售阶段", amount: "金额", date_closed: "预计成交日期",
    profiles: "社交资料", advocate: "拥护者评分", recent: "最近互动",
    followers: "{n} 位关注者", account: "客户", title: "职位", status: "状态",
    no_sla: "无 SLA", time_left: "剩余 {t}", overdue: "已超时 {t}", waiting_total: "{n} 项等待，{o} 项超时",
    inbox_empty: "没有客户在等待回复。", template: "模板", free_text: "您的回复",
    check: "检查", verdict_allowed: "允许：可以发布。",
    verdict_needs_approval: "发布前需要经理批准。",
    verdict_blocked: "已阻止：不会发布。",
    tpl_thanks: "感谢您的留言！我们会尽快回复您。",
    tpl_sorry: "很抱歉给您带来不便，我们已通过私信与您联系。",
    tpl_kind: "感谢您的好评，这对我们意义重大！",
    queue_title: "您的操作", queue_empty: "没有等待中的操作。",
    state_waiting: "等待发送", state_sent: "已发送，保存中", state_applied: "已保存到 SuiteCRM",
    state_conflict: "冲突", state_failed: "失败", state_rejected: "被拒绝",
    conflict_title: "在此期间有人修改了记录", field: "字段", theirs: "对方的（SuiteCRM 中）",
    mine: "我的", keep_mine: "保留我的", take_theirs: "采用对方的", dismiss: "移除",
    queued_ok: "已保存在手机上，将尽快发送。",
    open_card: "打开", not_found: "无法查看此记录。", error: "出错了：{m}",
    cached_copy: "离线副本", by: "{who}", signed_out: "会话已结束：请重新登录。",
    required: "必填", skip: "跳到内容", offline_short: "离线", signature: "签名", send_for_approval: "提交审批",
    kind_interaction: "社交", kind_case: "工单", kind_lead: "线索", kind_call: "通话",
    kind_meeting: "会议", kind_task: "任务", kind_note: "备注", kind_opportunity: "商机",
    kind_contact: "联系人", kind_alert: "提醒", kind_kudos: "点赞", kind_crm_change: "变更", who: "谁", when: "时间",
  },
};

export const LANGUAGES = [["en", "English"], ["ru", "Русский"], ["zh", "中文"]];
const STORED = "socialcrm-language";
let current = pick();

function pick() {
  const chosen = localStorage.getItem(STORED);
  if (chosen && TEXT[chosen]) return chosen;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = tag.toLowerCase().split("-")[0];
    if (TEXT[base]) return base;
  }
  return "en";
}

export function language() {
  return current;
}

export function setLanguage(code) {
  if (!TEXT[code]) return;
  current = code;
  localStorage.setItem(STORED, code);
  document.documentElement.lang = code === "zh" ? "zh-CN" : code;
  translateStatic();
}

// t("waiting_n", {n: 2}) → "2 waiting to send"; a key missing in a language falls back to English.
export function t(key, values = {}) {
  const text = TEXT[current][key] ?? TEXT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// Elements of the page itself: data-i18n (text), data-i18n-label (aria-label).
export function translateStatic(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
  document.title = t("app_name");
}

// Intl formatters are costly to build (a feed page of 20 items built 20 of them, which
// cost frames while scrolling on a slow phone), so each is built once per language.
const formatters = new Map();
function formatter(Kind, options, variant = "") {
  const key = `${Kind.name}:${variant}:${current}`;
  if (!formatters.has(key)) formatters.set(key, new Kind(current, options));
  return formatters.get(key);
}

export function relativeTime(iso) {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  return formatter(Intl.RelativeTimeFormat, { numeric: "auto" }).format(...unitOf(seconds));
}

// A duration in the largest whole unit: "2 hours", "35 minutes".
export function duration(seconds) {
  const [value, unit] = unitOf(Math.abs(seconds));
  return formatter(Intl.NumberFormat, { style: "unit", unit, unitDisplay: "long" }, unit)
    .format(Math.abs(value));
}

function unitOf(seconds) {
  const abs = Math.abs(seconds);
  if (abs < 60) return [seconds, "second"];
  if (abs < 3600) return [Math.round(seconds / 60), "minute"];
  if (abs < 86400) return [Math.round(seconds / 3600), "hour"];
  return [Math.round(seconds / 86400), "day"];
}

export function dateTime(iso) {
  return formatter(Intl.DateTimeFormat, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}
