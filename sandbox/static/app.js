/* The sandbox workspace page: who you are, your conversations (the app's DM,
 * the channels you are in, your group DMs), your Home tab, your modals, and the
 * bot's clock. Everything is drawn by BlockKit from the JSON the bot sent to the
 * fake Slack; every gesture goes to the sandbox server, which sends it to the
 * bot signed as Slack signs it. */
(function () {
  "use strict";

  const $ = (sel) => document.querySelector(sel);
  const { esc } = Mrkdwn;
  const state = {
    user: null, people: [], view: "dm", data: null, last: null, modalKey: null, modal: null,
    errors: {}, busy: 0,
  };

  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    state.busy++;
    document.body.classList.add("busy");
    try {
      const resp = await fetch(path, opts);
      const data = await resp.json();
      if (!resp.ok || data.error) showNotice(`Feil: ${data.error || resp.status}`);
      return data;
    } finally {
      if (--state.busy === 0) document.body.classList.remove("busy");
    }
  }

  function showNotice(text) {
    const box = $("#notice");
    box.textContent = text;
    box.hidden = !text;
    clearTimeout(showNotice.timer);
    if (text) showNotice.timer = setTimeout(() => (box.hidden = true), 6000);
  }

  const person = (id) => state.people.find((p) => p.id === id);
  const conversations = () => (state.data ? state.data.conversations : []);
  const current = () => conversations().find((c) => c.key === state.view);

  function ctxFor(extra) {
    const list = conversations().map((c) => ({ id: c.id, name: c.name, kind: c.kind }));
    return { users: state.people, conversations: list, current: (current() || {}).id, ...extra };
  }

  // ------------------------------------------------------------------ who am I

  async function loadPeople() {
    const data = await api("/api/people");
    state.people = data.people;
    const select = $("#who");
    select.innerHTML = "";
    for (const p of data.people) {
      const opt = document.createElement("option");
      opt.value = p.id;
      opt.textContent = p.label;
      select.appendChild(opt);
    }
    const saved = localStorage.getItem("ifn-sandbox-user");
    const fromHash = decodeURIComponent(location.hash.slice(1));
    const pick = [fromHash, saved].find((id) => id && person(id)) || data.people[0].id;
    select.value = pick;
    drawDirectories(data.directories || []);
    setUser(pick);
  }

  // ------------------------------------------------- which directory is loaded

  function drawDirectories(directories) {
    const select = $("#directory");
    select.innerHTML = "";
    for (const d of directories) {
      const opt = document.createElement("option");
      opt.value = d.name;
      opt.textContent = d.label;
      opt.selected = d.current;
      select.appendChild(opt);
    }
  }

  async function loadDirectory(name) {
    const data = await api("/api/directory", { name });
    if (data.error) return; // api() has shown it
    showNotice(`Katalogen ${name}.yaml er lastet (koordinatorer per ${data.scope === "unit" ? "enhet" : "område"}): ` +
      `${data.created} nye, ${data.updated} endret. Åpne forespørsler er beholdt.`);
    await loadPeople();
  }

  function setUser(id) {
    state.user = id;
    localStorage.setItem("ifn-sandbox-user", id);
    const p = person(id);
    $("#me").textContent = p ? p.name : id;
    state.last = null;
    state.modalKey = null;
    state.errors = {};
    if (state.view === "home") openHome();
    else refresh();
  }

  // --------------------------------------------------------------- navigation

  function setView(view) {
    state.view = view;
    state.last = null;
    if (view === "home") openHome();
    else refresh();
  }

  async function openHome() {
    await api("/api/home", { user: state.user });
    state.last = null;
    await refresh();
  }

  function navItem(key, label, count) {
    const item = document.createElement("div");
    item.className = "nav-item" + (key === state.view ? " active" : "");
    item.dataset.view = key;
    item.innerHTML = `${label} <span class="count">${count || ""}</span>`;
    item.onclick = () => setView(key);
    return item;
  }

  function drawSidebar(data) {
    const nav = $("#nav");
    nav.innerHTML = "";
    const head = (text) => nav.appendChild(Object.assign(document.createElement("div"), { className: "nav-head", textContent: text }));
    const count = (c) => c.messages.filter((m) => !m.ephemeral).length;
    head("Apper");
    nav.appendChild(navItem("home", "🏠 ifn-bot — Hjem"));
    const dm = data.conversations.find((c) => c.key === "dm");
    nav.appendChild(navItem("dm", "💬 ifn-bot", count(dm)));
    head("Kanaler");
    for (const c of data.conversations.filter((c) => c.kind === "channel")) {
      nav.appendChild(navItem(c.key, `# ${esc(c.name)}`, count(c)));
    }
    const groups = data.conversations.filter((c) => c.kind === "group");
    if (groups.length) {
      head("Direktemeldinger");
      for (const c of groups) nav.appendChild(navItem(c.key, `👥 ${esc(c.name)}`, count(c)));
    }
  }

  // ------------------------------------------------------------------ drawing

  function messageNode(message, channel) {
    const node = document.createElement("div");
    node.className = "msg" + (message.ephemeral ? " msg-ephemeral" : "") + (message.typed ? " msg-typed" : "");
    if (message.ts) node.dataset.ts = message.ts;
    const head = document.createElement("div");
    head.className = "msg-head";
    head.innerHTML = `<span class="msg-author">${esc(message.author || "ifn-bot")}</span>` +
      (message.is_app ? ' <span class="msg-app">APP</span>' : "") +
      ` <span class="msg-time" title="${esc(message.day || "")}">${esc(message.time || "")}</span>` +
      (message.edited ? ' <span class="msg-edited">(redigert)</span>' : "") +
      (message.ephemeral && !message.typed ? ' <span class="msg-only-you">Bare synlig for deg</span>' : "");
    node.appendChild(head);
    if (message.blocks && message.blocks.length) {
      node.appendChild(BlockKit.render(message.blocks, ctxFor({
        onAction: (action, container) => act(message.ephemeral
          ? { ephemeral_ts: message.ts, action, state_values: BlockKit.state(container) }
          : { channel, ts: message.ts, action, state_values: BlockKit.state(container) }),
      })));
    } else {
      const text = document.createElement("div");
      text.className = "msg-text";
      text.innerHTML = BlockKit.mrkdwn(message.text, ctxFor());
      node.appendChild(text);
    }
    return node;
  }

  function drawConversation(conversation) {
    const main = $("#conversation");
    const stick = main.scrollTop + main.clientHeight >= main.scrollHeight - 40;
    main.innerHTML = "";
    const items = conversation ? conversation.messages : [];
    if (!items.length) main.innerHTML = '<div class="empty">Ingen meldinger ennå.</div>';
    let day = null;
    for (const m of items) {
      if (m.day && m.day !== day) {
        day = m.day;
        main.appendChild(Object.assign(document.createElement("div"), { className: "day-divider", textContent: day }));
      }
      main.appendChild(messageNode(m, conversation.id));
    }
    if (stick) main.scrollTop = main.scrollHeight;
  }

  function drawHome(data) {
    const main = $("#conversation");
    main.innerHTML = "";
    if (!data.home) {
      main.innerHTML = '<div class="empty">Hjem-fanen er ikke publisert ennå.</div>';
      return;
    }
    main.appendChild(BlockKit.render(data.home.blocks, ctxFor({
      onAction: (action, container) => act({ view_id: data.home.id, action, state_values: BlockKit.state(container) }),
    })));
  }

  function drawModal(data) {
    const top = data.modals[data.modals.length - 1];
    const holder = $("#modal-holder");
    const key = top ? `${top.id}:${top.hash}:${JSON.stringify(state.errors)}` : "none";
    if (key === state.modalKey) return;
    state.modalKey = key;
    // What was typed stays when the same view is drawn again (field errors,
    // response_action update, views.update), as in Slack.
    const kept = state.modal && top && state.modal.id === top.id ? BlockKit.state(state.modal.blocks) : null;
    holder.innerHTML = "";
    state.modal = null;
    if (!top) return;
    const overlay = document.createElement("div");
    overlay.className = "modal-overlay";
    const box = document.createElement("div");
    box.className = "modal";
    box.dataset.viewId = top.id;
    box.dataset.callbackId = top.callback_id || "";
    const title = document.createElement("div");
    title.className = "modal-title";
    title.textContent = top.title ? top.title.text : "";
    const body = document.createElement("div");
    body.className = "modal-body";
    const blocks = BlockKit.render(top.blocks, ctxFor({
      errors: state.errors,
      onAction: (action, container) => act({ view_id: top.id, action, state_values: BlockKit.state(container) }),
    }));
    if (kept) BlockKit.apply(blocks, kept);
    body.appendChild(blocks);
    const foot = document.createElement("div");
    foot.className = "modal-foot";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "modal-close";
    close.textContent = top.close ? top.close.text : "Lukk";
    close.onclick = async () => {
      state.errors = {};
      await api("/api/close", { user: state.user, view_id: top.id });
      state.modalKey = null;
      refresh();
    };
    foot.appendChild(close);
    if (top.submit) {
      const submit = document.createElement("button");
      submit.type = "button";
      submit.className = "modal-submit bk-primary";
      submit.textContent = top.submit.text;
      submit.onclick = async () => {
        submit.disabled = true;
        const result = await api("/api/submit", { user: state.user, view_id: top.id, state_values: BlockKit.state(blocks) });
        state.errors = result.errors || {};
        state.modalKey = null;
        await refresh();
        submit.disabled = false;
      };
      foot.appendChild(submit);
    }
    box.append(title, body, foot);
    overlay.appendChild(box);
    holder.appendChild(overlay);
    state.modal = { id: top.id, blocks };
  }

  function draw(data) {
    $("#clock").textContent = data.clock.text;
    $("#clock").dataset.iso = data.clock.iso;
    if (state.view !== "home" && !current()) state.view = "dm";
    drawSidebar(data);
    const conversation = current();
    if (state.view === "home") drawHome(data);
    else drawConversation(conversation);
    $("#composer-row").hidden = state.view === "home";
    if (state.view === "home") {
      $("#view-title").textContent = "ifn-bot — Hjem";
      return;
    }
    const hash = conversation.kind === "channel" ? "#" : "";
    $("#composer").placeholder = state.view === "dm"
      ? "Skriv /ifn … (f.eks. /ifn veiledning, /ifn hjelp); @ foreslår personer, ↑ henter forrige kommando"
      : `Skriv en melding til ${hash}${conversation.name}, eller /ifn …`;
    $("#view-title").textContent = `${hash}${conversation.name}`;
  }

  async function refresh() {
    if (!state.user) return;
    const data = await api(`/api/state?user=${encodeURIComponent(state.user)}`);
    if (data.error) return;
    state.data = data;
    drawModal(data);
    const { modals, ...rest } = data;
    const key = JSON.stringify([state.view, rest]);
    if (key !== state.last) {
      state.last = key;
      draw(data);
    }
  }

  // ---------------------------------------------------------------- gestures

  async function act(req) {
    const data = await api("/api/action", { user: state.user, ...req });
    if (data.status && data.status !== 200) showNotice(`Boten svarte HTTP ${data.status}`);
    await refresh();
  }

  async function send(typed, text) {
    const conversation = current();
    const m = text.match(/^\/ifn\b\s*([\s\S]*)$/);
    state.errors = {};
    if (m) {
      await api("/api/command", { user: state.user, text: m[1], channel: conversation.id });
    } else if (conversation.key === "dm") {
      showNotice("Meldingsfanen til ifn-bot tar bare /ifn-kommandoer. Prøv /ifn hjelp.");
      return;
    } else {
      await api("/api/write", { user: state.user, channel: conversation.id, text });
    }
    await refresh();
  }

  async function moveClock(step) {
    const data = await api("/api/clock", { step });
    if (data.tick) {
      const t = data.tick;
      showNotice(`Klokka er nå ${data.clock.text}: ${t.timeouts} tidsavbrudd, ${t.timers} påminnelser, ` +
        `${t.daily} daglige jobber, ${t.delivered} meldinger levert.`);
    }
    await refresh();
  }

  function init() {
    $("#who").onchange = (e) => setUser(e.target.value);
    $("#directory").onchange = (e) => loadDirectory(e.target.value);
    const composer = Composer.attach({
      input: $("#composer"), popup: $("#mentions"), people: () => state.people, onSend: send,
    });
    $("#send").onclick = () => composer.send();
    document.querySelectorAll("[data-step]").forEach((b) => (b.onclick = () => moveClock(b.dataset.step)));
    loadPeople();
    setInterval(() => {
      if (!state.busy) refresh();
    }, 1000);
  }

  window.addEventListener("DOMContentLoaded", init);
})();
