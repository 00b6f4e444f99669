/* The sandbox workspace page: who you are, your conversations, your Home tab,
 * your modals, and the bot's clock. Everything is drawn by BlockKit from the JSON
 * the bot sent to the fake Slack; every gesture goes to the sandbox server, which
 * sends it to the bot signed as Slack signs it. */
(function () {
  "use strict";

  const $ = (sel) => document.querySelector(sel);
  const state = { user: null, people: [], view: "dm", last: null, modalKey: null, errors: {}, busy: 0 };

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

  function person(id) {
    return state.people.find((p) => p.id === id);
  }

  function ctxFor(extra) {
    return { users: state.people, ...extra };
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
      const where = p.unit || p.area || "";
      opt.textContent = `${p.name} — ${p.roles.join(", ")}${where ? " (" + where + ")" : ""}`;
      select.appendChild(opt);
    }
    const saved = localStorage.getItem("ifn-sandbox-user");
    const fromHash = decodeURIComponent(location.hash.slice(1));
    const pick = [fromHash, saved].find((id) => id && person(id)) || data.people[0].id;
    select.value = pick;
    setUser(pick);
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
    document.querySelectorAll(".nav-item").forEach((n) => n.classList.toggle("active", n.dataset.view === view));
    state.last = null;
    if (view === "home") openHome();
    else refresh();
  }

  async function openHome() {
    await api("/api/home", { user: state.user });
    state.last = null;
    await refresh();
  }

  // ------------------------------------------------------------------ drawing

  function messageNode(message, channel) {
    const node = document.createElement("div");
    node.className = "msg" + (message.ephemeral ? " msg-ephemeral" : "") + (message.typed ? " msg-typed" : "");
    if (message.ts) node.dataset.ts = message.ts;
    const who = message.typed ? (person(state.user) || {}).name || "Du" : "ifn-bot";
    const head = document.createElement("div");
    head.className = "msg-head";
    head.innerHTML = `<span class="msg-author">${BlockKit.esc(who)}</span>` +
      (message.typed ? "" : ' <span class="msg-app">APP</span>') +
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
      text.innerHTML = message.typed ? `<code>${BlockKit.esc(message.text)}</code>` : BlockKit.mrkdwn(message.text, state.people);
      node.appendChild(text);
    }
    return node;
  }

  function drawConversation(data) {
    const main = $("#conversation");
    const channel = data.channel_ids[state.view];
    let items = data.channels[state.view].map((m) => ({ ...m }));
    const own = data.ephemerals.filter((e) => (state.view === "dm" ? !e.channel || e.channel === channel : e.channel === channel));
    items = items.concat(own).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    const stick = main.scrollTop + main.clientHeight >= main.scrollHeight - 40;
    main.innerHTML = "";
    if (!items.length) main.innerHTML = '<div class="empty">Ingen meldinger ennå.</div>';
    for (const m of items) main.appendChild(messageNode(m, m.channel || channel));
    if (stick) main.scrollTop = main.scrollHeight;
    for (const key of ["dm", "network", "management"]) {
      const badge = document.querySelector(`.nav-item[data-view="${key}"] .count`);
      if (badge) badge.textContent = data.channels[key].length || "";
    }
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
    holder.innerHTML = "";
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
      };
      foot.appendChild(submit);
    }
    box.append(title, body, foot);
    overlay.appendChild(box);
    holder.appendChild(overlay);
  }

  function draw(data) {
    $("#clock").textContent = data.clock.text;
    $("#clock").dataset.iso = data.clock.iso;
    if (state.view === "home") drawHome(data);
    else drawConversation(data);
    const composer = $("#composer-row");
    composer.hidden = state.view !== "dm";
    $("#view-title").textContent = {
      dm: "ifn-bot", network: "#ifn-nettverk", management: "#ifn-ledelse", home: "ifn-bot — Hjem",
    }[state.view];
  }

  async function refresh() {
    if (!state.user) return;
    const data = await api(`/api/state?user=${encodeURIComponent(state.user)}`);
    if (data.error) return;
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

  async function send(text) {
    text = text.trim();
    if (!text) return;
    const m = text.match(/^\/ifn\b\s*(.*)$/);
    if (!m) {
      showNotice("Bare /ifn-kommandoer når boten. Prøv /ifn hjelp.");
      return;
    }
    $("#composer").value = "";
    state.errors = {};
    await api("/api/command", { user: state.user, text: m[1] });
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
    document.querySelectorAll(".nav-item").forEach((n) => (n.onclick = () => setView(n.dataset.view)));
    $("#composer").addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        send(e.target.value);
      }
    });
    $("#send").onclick = () => send($("#composer").value);
    document.querySelectorAll("[data-step]").forEach((b) => (b.onclick = () => moveClock(b.dataset.step)));
    loadPeople();
    setInterval(() => {
      if (!state.busy) refresh();
    }, 1000);
  }

  window.addEventListener("DOMContentLoaded", init);
})();
