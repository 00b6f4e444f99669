/* A small Block Kit renderer: the JSON the bot sends to Slack, drawn as HTML.
 *
 * BlockKit.render(blocks, ctx) -> HTMLElement
 *   ctx.onAction(action, container)  a button click or a select/picker change, with
 *                                    the action object shaped as Slack sends it in
 *                                    block_actions (container: the rendered blocks)
 *   ctx.users      [{id, name}] for users_select and <@U…> mentions
 *   ctx.errors     {block_id: message} shown under input blocks
 * BlockKit.state(container) -> view.state.values, shaped as Slack sends them
 * BlockKit.mrkdwn(text, users) -> HTML string
 *
 * Every block is a .bk-block.bk-<type> with data-block-id; every interactive
 * element is a .bk-el.bk-<type> with data-action-id.
 */
(function (global) {
  "use strict";

  const EMOJI = {
    lock: "🔒", white_check_mark: "✅", x: "❌", warning: "⚠️", bell: "🔔", clock3: "🕒",
    hourglass: "⏳", hourglass_flowing_sand: "⏳", calendar: "📅", spiral_calendar_pad: "🗓️",
    memo: "📝", pencil: "✏️", speech_balloon: "💬", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
    wave: "👋", information_source: "ℹ️", heavy_check_mark: "✔️", no_entry: "⛔", rotating_light: "🚨",
    child: "🧒", baby: "👶", house: "🏠", inbox_tray: "📥", outbox_tray: "📤", mag: "🔍",
    large_green_circle: "🟢", red_circle: "🔴", large_yellow_circle: "🟡", white_circle: "⚪",
    arrow_right: "➡️", point_right: "👉", question: "❓", exclamation: "❗", tada: "🎉",
    raised_hand: "✋", handshake: "🤝", phone: "📞", door: "🚪", scroll: "📜", books: "📚",
    green_heart: "💚", sos: "🆘", heart: "❤️", date: "📅", alarm_clock: "⏰", stopwatch: "⏱️",
  };

  let uid = 0;
  const nextId = (prefix) => `${prefix}${++uid}`;

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function inline(text) {
    // text is already escaped; apply Slack's inline formatting
    return text
      .replace(/```([\s\S]+?)```/g, (m, code) => `<pre class="bk-pre">${code}</pre>`)
      .replace(/`([^`\n]+)`/g, (m, code) => `<code>${code}</code>`)
      .replace(/(^|[\s(>"'])\*([^*\n]+)\*(?=$|[\s).,:;!?<"'])/gm, "$1<b>$2</b>")
      .replace(/(^|[\s(>"'])_([^_\n]+)_(?=$|[\s).,:;!?<"'])/gm, "$1<i>$2</i>")
      .replace(/(^|[\s(>"'])~([^~\n]+)~(?=$|[\s).,:;!?<"'])/gm, "$1<s>$2</s>")
      .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  }

  function token(inner, users) {
    // <url|label>, <@U123>, <#C123|name>, <!here>
    const [target, label] = inner.split("|", 2);
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const user = (users || []).find((u) => u.id === id);
      return `<span class="bk-mention">@${esc(label || (user ? user.name : id))}</span>`;
    }
    if (target.startsWith("#")) return `<span class="bk-mention">#${esc(label || target.slice(1))}</span>`;
    if (target.startsWith("!")) return `<span class="bk-mention">@${esc(label || target.slice(1))}</span>`;
    return `<a href="${esc(target)}" target="_blank" rel="noopener">${esc(label || target)}</a>`;
  }

  function mrkdwn(text, users) {
    const lines = String(text || "").split("\n");
    const out = [];
    let quote = [];
    const flush = () => {
      if (quote.length) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
      quote = [];
    };
    for (const line of lines) {
      let html = "";
      let rest = line;
      const isQuote = /^(>|&gt;)\s?/.test(rest);
      if (isQuote) rest = rest.replace(/^(>|&gt;)\s?/, "");
      const re = /<([^<>]+)>/g;
      let last = 0;
      let m;
      while ((m = re.exec(rest))) {
        html += inline(esc(rest.slice(last, m.index))) + token(m[1], users);
        last = m.index + m[0].length;
      }
      html += inline(esc(rest.slice(last)));
      if (isQuote) quote.push(html);
      else {
        flush();
        out.push(html);
      }
    }
    flush();
    return out.join("<br>").replace(/<br>(<blockquote>)/g, "$1").replace(/(<\/blockquote>)<br>/g, "$1");
  }

  function el(tag, cls, html) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function textObj(obj, users) {
    if (!obj) return "";
    if (typeof obj === "string") return esc(obj);
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, users);
    return inline(esc(obj.text || "")).replace(/\n/g, "<br>");
  }

  function plain(obj) {
    return obj ? (typeof obj === "string" ? obj : obj.text || "") : "";
  }

  function optionObj(option) {
    return option ? { text: option.text, value: option.value } : null;
  }

  function allOptions(element) {
    if (element.options) return element.options;
    return (element.option_groups || []).flatMap((g) => g.options || []);
  }

  // ---------------------------------------------------------------- confirm dialog

  function confirmDialog(confirm, onYes) {
    const overlay = el("div", "bk-confirm-overlay");
    const box = el("div", "bk-confirm");
    box.appendChild(el("div", "bk-confirm-title", esc(plain(confirm.title) || "Are you sure?")));
    box.appendChild(el("div", "bk-confirm-text", textObj(confirm.text)));
    const row = el("div", "bk-confirm-buttons");
    const no = el("button", "bk-confirm-no", esc(plain(confirm.deny) || "Cancel"));
    const yes = el("button", `bk-confirm-yes ${confirm.style === "danger" ? "bk-danger" : "bk-primary"}`,
      esc(plain(confirm.confirm) || "Yes"));
    no.type = yes.type = "button";
    no.onclick = () => overlay.remove();
    yes.onclick = () => {
      overlay.remove();
      onYes();
    };
    row.append(no, yes);
    box.appendChild(row);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    return overlay;
  }

  // ---------------------------------------------------------------------- elements

  function fire(ctx, action, node) {
    if (!ctx.onAction) return;
    const container = node.closest(".bk-blocks");
    ctx.onAction(action, container);
  }

  function base(element, blockId) {
    const action = { type: element.type, action_id: element.action_id, block_id: blockId };
    return action;
  }

  function renderButton(element, blockId, ctx) {
    const node = el("button", `bk-el bk-button${element.style ? " bk-" + element.style : ""}`,
      textObj(element.text));
    node.type = "button";
    node.dataset.actionId = element.action_id || "";
    if (element.value !== undefined) node.value = element.value;
    if (element.url) node.dataset.url = element.url;
    if (element.confirm) node.dataset.confirm = "1";
    node.onclick = () => {
      const action = { ...base(element, blockId), text: element.text };
      if (element.value !== undefined) action.value = element.value;
      if (element.style) action.style = element.style;
      const go = () => {
        if (element.url) window.open(element.url, "_blank");
        fire(ctx, action, node);
      };
      if (element.confirm) confirmDialog(element.confirm, go);
      else go();
    };
    return node;
  }

  function selectShell(element, isInput) {
    const node = el("select", `bk-el bk-${element.type}`);
    node.dataset.actionId = element.action_id || "";
    node.dataset.type = element.type;
    if (isInput) node.dataset.input = "1";
    const ph = el("option", "bk-placeholder", esc(plain(element.placeholder) || "Velg …"));
    ph.value = "";
    node.appendChild(ph);
    return node;
  }

  function renderStaticSelect(element, blockId, ctx, isInput) {
    const node = selectShell(element, isInput);
    const addOpt = (parent, o) => {
      const opt = el("option", "", esc(plain(o.text)));
      opt.value = o.value;
      parent.appendChild(opt);
    };
    if (element.option_groups) {
      for (const group of element.option_groups) {
        const g = document.createElement("optgroup");
        g.label = plain(group.label);
        (group.options || []).forEach((o) => addOpt(g, o));
        node.appendChild(g);
      }
    } else {
      (element.options || []).forEach((o) => addOpt(node, o));
    }
    if (element.initial_option) node.value = element.initial_option.value;
    node.onchange = () => {
      if (isInput && !element.dispatch_action) return;
      const chosen = allOptions(element).find((o) => o.value === node.value);
      fire(ctx, { ...base(element, blockId), selected_option: optionObj(chosen) }, node);
    };
    return node;
  }

  function renderUsersSelect(element, blockId, ctx, isInput) {
    const node = selectShell(element, isInput);
    for (const user of ctx.users || []) {
      const opt = el("option", "", esc(user.name));
      opt.value = user.id;
      node.appendChild(opt);
    }
    if (element.initial_user) node.value = element.initial_user;
    node.onchange = () => {
      if (isInput && !element.dispatch_action) return;
      fire(ctx, { ...base(element, blockId), selected_user: node.value || null }, node);
    };
    return node;
  }

  function renderPicker(element, blockId, ctx, isInput) {
    const isDate = element.type === "datepicker";
    const node = el("input", `bk-el bk-${element.type}`);
    node.type = isDate ? "date" : "time";
    node.dataset.actionId = element.action_id || "";
    node.dataset.type = element.type;
    if (isInput) node.dataset.input = "1";
    const initial = isDate ? element.initial_date : element.initial_time;
    if (initial) node.value = initial;
    if (element.placeholder) node.placeholder = plain(element.placeholder);
    node.onchange = () => {
      if (isInput && !element.dispatch_action) return;
      const key = isDate ? "selected_date" : "selected_time";
      fire(ctx, { ...base(element, blockId), [key]: node.value || null }, node);
    };
    return node;
  }

  function renderTextInput(element, blockId, ctx, isInput) {
    const node = el(element.multiline ? "textarea" : "input", "bk-el bk-plain_text_input");
    if (!element.multiline) node.type = "text";
    else node.rows = 4;
    node.dataset.actionId = element.action_id || "";
    node.dataset.type = "plain_text_input";
    if (isInput) node.dataset.input = "1";
    if (element.initial_value) node.value = element.initial_value;
    if (element.placeholder) node.placeholder = plain(element.placeholder);
    if (element.max_length) node.maxLength = element.max_length;
    if (element.min_length) node.dataset.minLength = element.min_length;
    return node;
  }

  function renderChoices(element, blockId, ctx, isInput) {
    const isRadio = element.type === "radio_buttons";
    const node = el("div", `bk-el bk-${element.type}`);
    node.dataset.actionId = element.action_id || "";
    node.dataset.type = element.type;
    if (isInput) node.dataset.input = "1";
    const name = nextId("bk-choice-");
    const initial = isRadio
      ? [element.initial_option && element.initial_option.value]
      : (element.initial_options || []).map((o) => o.value);
    for (const option of element.options || []) {
      const label = el("label", "bk-choice");
      const box = document.createElement("input");
      box.type = isRadio ? "radio" : "checkbox";
      box.name = name;
      box.value = option.value;
      box.checked = initial.includes(option.value);
      box.onchange = () => {
        if (isInput && !element.dispatch_action) return;
        const action = base(element, blockId);
        const chosen = choiceValue(element, node);
        if (isRadio) action.selected_option = chosen.selected_option;
        else action.selected_options = chosen.selected_options;
        fire(ctx, action, node);
      };
      const text = el("span", "bk-choice-text", textObj(option.text, ctx.users));
      label.append(box, text);
      if (option.description) label.appendChild(el("span", "bk-choice-description", textObj(option.description)));
      node.appendChild(label);
    }
    node._element = element;
    return node;
  }

  function choiceValue(element, node) {
    const checked = [...node.querySelectorAll("input:checked")].map((b) => b.value);
    const options = (element.options || []).filter((o) => checked.includes(o.value)).map(optionObj);
    if (element.type === "radio_buttons") return { selected_option: options[0] || null };
    return { selected_options: options };
  }

  function renderOverflow(element, blockId, ctx) {
    const node = el("select", "bk-el bk-overflow");
    node.dataset.actionId = element.action_id || "";
    const ph = el("option", "", "⋯");
    ph.value = "";
    node.appendChild(ph);
    for (const o of element.options || []) {
      const opt = el("option", "", esc(plain(o.text)));
      opt.value = o.value;
      node.appendChild(opt);
    }
    node.onchange = () => {
      const chosen = (element.options || []).find((o) => o.value === node.value);
      node.value = "";
      fire(ctx, { ...base(element, blockId), selected_option: optionObj(chosen) }, node);
    };
    return node;
  }

  function renderImage(element) {
    const img = el("img", "bk-el bk-image");
    img.src = element.image_url || "";
    img.alt = element.alt_text || "";
    return img;
  }

  function renderElement(element, blockId, ctx, isInput) {
    switch (element.type) {
      case "button": return renderButton(element, blockId, ctx);
      case "static_select": return renderStaticSelect(element, blockId, ctx, isInput);
      case "users_select": return renderUsersSelect(element, blockId, ctx, isInput);
      case "datepicker":
      case "timepicker": return renderPicker(element, blockId, ctx, isInput);
      case "plain_text_input": return renderTextInput(element, blockId, ctx, isInput);
      case "checkboxes":
      case "radio_buttons": return renderChoices(element, blockId, ctx, isInput);
      case "overflow": return renderOverflow(element, blockId, ctx);
      case "image": return renderImage(element);
      default: {
        const node = el("span", "bk-el bk-unknown", esc(`[${element.type}]`));
        node.dataset.actionId = element.action_id || "";
        return node;
      }
    }
  }

  // ------------------------------------------------------------------------ blocks

  function renderBlock(block, index, ctx) {
    const blockId = block.block_id || `bk-auto-${index}`;
    const node = el("div", `bk-block bk-${block.type}`);
    node.dataset.blockId = blockId;
    const users = ctx.users;
    switch (block.type) {
      case "header":
        node.appendChild(el("div", "bk-header-text", textObj(block.text)));
        break;
      case "divider":
        node.appendChild(el("hr", "bk-hr"));
        break;
      case "section": {
        const body = el("div", "bk-section-body");
        if (block.text) body.appendChild(el("div", "bk-text", textObj(block.text, users)));
        if (block.fields && block.fields.length) {
          const fields = el("div", "bk-fields");
          block.fields.forEach((f) => fields.appendChild(el("div", "bk-field", textObj(f, users))));
          body.appendChild(fields);
        }
        node.appendChild(body);
        if (block.accessory) {
          const acc = el("div", "bk-accessory");
          acc.appendChild(renderElement(block.accessory, blockId, ctx, false));
          node.appendChild(acc);
        }
        break;
      }
      case "context":
        for (const item of block.elements || []) {
          if (item.type === "image") node.appendChild(renderImage(item));
          else node.appendChild(el("span", "bk-context-item", textObj(item, users)));
        }
        break;
      case "actions":
        for (const item of block.elements || []) node.appendChild(renderElement(item, blockId, ctx, false));
        break;
      case "input": {
        const label = el("label", "bk-label", esc(plain(block.label)));
        if (block.optional) label.appendChild(el("span", "bk-optional", " (valgfritt)"));
        node.appendChild(label);
        node.appendChild(renderElement(block.element || {}, blockId, ctx, true));
        if (block.hint) node.appendChild(el("div", "bk-hint", textObj(block.hint)));
        const error = ctx.errors && ctx.errors[blockId];
        if (error) {
          node.classList.add("bk-has-error");
          node.appendChild(el("div", "bk-error", esc(error)));
        }
        if (block.optional) node.dataset.optional = "1";
        break;
      }
      case "image":
        if (block.title) node.appendChild(el("div", "bk-image-title", textObj(block.title)));
        node.appendChild(renderImage(block));
        break;
      default:
        node.classList.add("bk-unknown-block");
        node.textContent = `[${block.type}]`;
    }
    return node;
  }

  function render(blocks, ctx) {
    ctx = ctx || {};
    const root = el("div", "bk-blocks");
    (blocks || []).forEach((block, i) => root.appendChild(renderBlock(block, i, ctx)));
    return root;
  }

  function state(container) {
    const values = {};
    if (!container) return values;
    for (const block of container.querySelectorAll(".bk-block")) {
      const blockId = block.dataset.blockId;
      for (const node of block.querySelectorAll("[data-type]")) {
        const type = node.dataset.type;
        const actionId = node.dataset.actionId;
        let entry;
        if (type === "plain_text_input") entry = { type, value: node.value === "" ? null : node.value };
        else if (type === "static_select") {
          const chosen = node.value ? allOptionsOf(node) : null;
          entry = { type, selected_option: chosen };
        } else if (type === "users_select") entry = { type, selected_user: node.value || null };
        else if (type === "datepicker") entry = { type, selected_date: node.value || null };
        else if (type === "timepicker") entry = { type, selected_time: node.value || null };
        else if (type === "checkboxes" || type === "radio_buttons") {
          entry = { type, ...choiceValue(node._element || { type, options: [] }, node) };
        } else continue;
        (values[blockId] = values[blockId] || {})[actionId] = entry;
      }
    }
    return values;
  }

  function allOptionsOf(select) {
    const opt = select.options[select.selectedIndex];
    return { text: { type: "plain_text", text: opt.textContent, emoji: true }, value: opt.value };
  }

  global.BlockKit = { render, state, mrkdwn, esc, textObj };
})(typeof window !== "undefined" ? window : globalThis);
