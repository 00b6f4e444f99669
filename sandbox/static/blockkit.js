/* A Block Kit renderer: the JSON the bot sends to Slack, drawn as HTML.
 *
 * BlockKit.render(blocks, ctx) -> HTMLElement
 *   ctx.onAction(action, container)  a click or a dispatched choice, with the
 *                                    action shaped as Slack sends it in block_actions
 *   ctx.users          [{id, name}]  users selects and <@U…> mentions
 *   ctx.conversations  [{id, name, kind}]  conversations/channels selects, <#C…>
 *   ctx.errors         {block_id: message} shown under input blocks
 * BlockKit.state(container) -> view.state.values, shaped as Slack sends them
 * BlockKit.apply(container, values) puts values back into inputs with the same
 *   block_id and action_id (what Slack keeps across errors and view updates)
 * BlockKit.mrkdwn(text, ctx) -> HTML string (see mrkdwn.js)
 *
 * Every block is a .bk-block.bk-<type> with data-block-id; every interactive
 * element is a .bk-el.bk-<type> with data-action-id; every element with a state
 * has data-type and node._bk = {get() -> state entry, set(entry)}.
 */
(function (global) {
  "use strict";

  const { esc } = global.Mrkdwn;
  let uid = 0;
  const nextId = (prefix) => `${prefix}${++uid}`;

  function mrkdwn(text, ctx) {
    return global.Mrkdwn.render(text, mentionCtx(ctx));
  }

  function mentionCtx(ctx) {
    ctx = ctx || {};
    return { users: ctx.users || [], channels: (ctx.conversations || []).filter((c) => c.kind !== "app") };
  }

  function el(tag, cls, html) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function textObj(obj, ctx) {
    if (!obj) return "";
    if (typeof obj === "string") return esc(obj);
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
    const html = esc(obj.text || "").replace(/\n/g, "<br>");
    return obj.emoji === false ? html : global.Mrkdwn.emoji(html);
  }

  function plain(obj) {
    return obj ? (typeof obj === "string" ? obj : obj.text || "") : "";
  }

  function optionObj(option) {
    if (!option) return null;
    const out = { text: option.text, value: option.value };
    if (option.description) out.description = option.description;
    return out;
  }

  function allOptions(element) {
    if (element.options) return element.options;
    return (element.option_groups || []).flatMap((g) => g.options || []);
  }

  // ------------------------------------------------------------- confirm dialog

  function confirmDialog(confirm, onYes, onNo) {
    const overlay = el("div", "bk-confirm-overlay");
    const box = el("div", "bk-confirm");
    box.appendChild(el("div", "bk-confirm-title", esc(plain(confirm.title) || "Er du sikker?")));
    box.appendChild(el("div", "bk-confirm-text", textObj(confirm.text)));
    const row = el("div", "bk-confirm-buttons");
    const no = el("button", "bk-confirm-no", esc(plain(confirm.deny) || "Avbryt"));
    const yes = el("button", `bk-confirm-yes ${confirm.style === "danger" ? "bk-danger" : "bk-primary"}`,
      esc(plain(confirm.confirm) || "Ja"));
    no.type = yes.type = "button";
    no.onclick = () => {
      overlay.remove();
      if (onNo) onNo();
    };
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

  // ------------------------------------------------------------------- elements

  function fire(ctx, element, action, node, undo) {
    if (!ctx.onAction) return;
    const go = () => ctx.onAction(action, node.closest(".bk-blocks"));
    if (element.confirm) confirmDialog(element.confirm, go, undo);
    else go();
  }

  function base(element, blockId) {
    return { type: element.type, action_id: element.action_id, block_id: blockId };
  }

  function stateful(node, element, isInput, get, set) {
    node.dataset.actionId = element.action_id || "";
    node.dataset.type = element.type;
    if (isInput) node.dataset.input = "1";
    node._bk = { get, set };
    return node;
  }

  /** Whether a change of this element is sent to the bot at once (Slack: outside
   * input blocks always, inside them only with dispatch_action). */
  function dispatches(element, isInput, block) {
    return !isInput || Boolean(block && block.dispatch_action);
  }

  function renderButton(element, blockId, ctx) {
    const node = el("button", `bk-el bk-button${element.style ? " bk-" + element.style : ""}`, textObj(element.text));
    node.type = "button";
    node.dataset.actionId = element.action_id || "";
    if (element.value !== undefined) node.value = element.value;
    if (element.url) node.dataset.url = element.url;
    if (element.confirm) node.dataset.confirm = "1";
    node.onclick = () => {
      const action = { ...base(element, blockId), text: element.text };
      if (element.value !== undefined) action.value = element.value;
      if (element.style) action.style = element.style;
      if (element.url) window.open(element.url, "_blank", "noopener");
      fire(ctx, element, action, node);
    };
    return node;
  }

  /** Choices of a select: static options, people or conversations. */
  function choicesOf(element, ctx) {
    const kind = element.type.replace(/^multi_/, "");
    if (kind === "users_select") return (ctx.users || []).map((u) => ({ value: u.id, label: u.name }));
    if (kind === "conversations_select" || kind === "channels_select") {
      return (ctx.conversations || [])
        .filter((c) => kind === "conversations_select" || c.kind === "channel")
        .map((c) => ({ value: c.id, label: c.kind === "channel" ? `#${c.name}` : c.name }));
    }
    return null;
  }

  const SELECTED = {
    static_select: "selected_option", users_select: "selected_user",
    conversations_select: "selected_conversation", channels_select: "selected_channel",
    multi_static_select: "selected_options", multi_users_select: "selected_users",
    multi_conversations_select: "selected_conversations", multi_channels_select: "selected_channels",
  };

  function initialOf(element, ctx) {
    switch (element.type) {
      case "static_select": return element.initial_option ? [element.initial_option.value] : [];
      case "multi_static_select": return (element.initial_options || []).map((o) => o.value);
      case "users_select": return element.initial_user ? [element.initial_user] : [];
      case "multi_users_select": return element.initial_users || [];
      case "conversations_select":
        if (element.initial_conversation) return [element.initial_conversation];
        return element.default_to_current_conversation && ctx.current ? [ctx.current] : [];
      case "multi_conversations_select":
        if (element.initial_conversations) return element.initial_conversations;
        return element.default_to_current_conversation && ctx.current ? [ctx.current] : [];
      case "channels_select": return element.initial_channel ? [element.initial_channel] : [];
      case "multi_channels_select": return element.initial_channels || [];
      default: return [];
    }
  }

  function renderSelect(element, blockId, ctx, isInput, block) {
    const multi = element.type.startsWith("multi_");
    const node = el("select", `bk-el bk-select bk-${element.type}`);
    node.multiple = multi;
    const people = choicesOf(element, ctx);
    if (!multi) {
      const ph = el("option", "bk-placeholder", esc(plain(element.placeholder) || "Velg …"));
      ph.value = "";
      node.appendChild(ph);
    }
    const add = (parent, value, label) => {
      const opt = el("option", "", esc(label));
      opt.value = value;
      parent.appendChild(opt);
    };
    if (people) people.forEach((c) => add(node, c.value, c.label));
    else if (element.option_groups) {
      for (const group of element.option_groups) {
        const g = document.createElement("optgroup");
        g.label = plain(group.label);
        (group.options || []).forEach((o) => add(g, o.value, plain(o.text)));
        node.appendChild(g);
      }
    } else (element.options || []).forEach((o) => add(node, o.value, plain(o.text)));
    if (multi) node.size = Math.min(6, Math.max(2, node.options.length));
    const key = SELECTED[element.type];
    const chosen = () => [...node.selectedOptions].map((o) => o.value).filter((v) => v !== "");
    const entryOf = (values) => {
      if (people) return multi ? values : values[0] || null;
      const options = values.map((v) => optionObj(allOptions(element).find((o) => o.value === v))).filter(Boolean);
      return multi ? options : options[0] || null;
    };
    const set = (values) => {
      for (const opt of node.options) opt.selected = values.includes(opt.value);
      if (!multi && !values.length) node.value = "";
    };
    set(initialOf(element, ctx));
    let previous = chosen();
    node.onchange = () => {
      if (multi && element.max_selected_items && chosen().length > element.max_selected_items) {
        set(previous);
        return;
      }
      const was = previous;
      previous = chosen();
      if (!dispatches(element, isInput, block)) return;
      fire(ctx, element, { ...base(element, blockId), [key]: entryOf(previous) }, node, () => {
        set(was);
        previous = was;
      });
    };
    return stateful(node, element, isInput,
      () => ({ type: element.type, [key]: entryOf(chosen()) }),
      (entry) => {
        const value = entry[key];
        const list = value == null ? [] : Array.isArray(value) ? value : [value];
        set(list.map((v) => (typeof v === "object" ? v.value : v)));
        previous = chosen();
      });
  }

  function renderExternalSelect(element, blockId, ctx, isInput) {
    const node = el("select", `bk-el bk-select bk-${element.type}`);
    node.disabled = true;
    node.appendChild(el("option", "", esc(plain(element.placeholder) || "Velg …")));
    node.title = "Valg fra appen (external_select) finnes ikke i sandkassen";
    return stateful(node, element, isInput, () => ({ type: element.type, selected_option: null }), () => {});
  }

  function renderPicker(element, blockId, ctx, isInput, block) {
    const kinds = { datepicker: ["date", "selected_date", "initial_date"], timepicker: ["time", "selected_time", "initial_time"],
      datetimepicker: ["datetime-local", "selected_date_time", "initial_date_time"] };
    const [inputType, key, initialKey] = kinds[element.type];
    const node = el("input", `bk-el bk-${element.type}`);
    node.type = inputType;
    const toValue = (v) => {
      if (element.type !== "datetimepicker" || v == null || v === "") return v || "";
      const d = new Date(Number(v) * 1000);
      const pad = (n) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    const fromValue = () => {
      if (!node.value) return null;
      return element.type === "datetimepicker" ? Math.floor(new Date(node.value).getTime() / 1000) : node.value;
    };
    if (element[initialKey] != null) node.value = toValue(element[initialKey]);
    if (element.placeholder) node.placeholder = plain(element.placeholder);
    node.onchange = () => {
      if (!dispatches(element, isInput, block)) return;
      fire(ctx, element, { ...base(element, blockId), [key]: fromValue() }, node);
    };
    return stateful(node, element, isInput, () => ({ type: element.type, [key]: fromValue() }),
      (entry) => (node.value = toValue(entry[key])));
  }

  function renderTextInput(element, blockId, ctx, isInput) {
    const multiline = element.type === "plain_text_input" && element.multiline;
    const node = el(multiline ? "textarea" : "input", `bk-el bk-${element.type}`);
    if (multiline) node.rows = 4;
    else node.type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[element.type] || "text";
    if (element.type === "number_input") {
      node.step = element.is_decimal_allowed ? "any" : "1";
      if (element.min_value != null) node.min = element.min_value;
      if (element.max_value != null) node.max = element.max_value;
    }
    if (element.initial_value != null) node.value = element.initial_value;
    if (element.placeholder) node.placeholder = plain(element.placeholder);
    if (element.max_length) node.maxLength = element.max_length;
    if (element.min_length) node.dataset.minLength = element.min_length;
    return stateful(node, element, isInput, () => ({ type: element.type, value: node.value === "" ? null : node.value }),
      (entry) => (node.value = entry.value == null ? "" : entry.value));
  }

  function renderChoices(element, blockId, ctx, isInput, block) {
    const isRadio = element.type === "radio_buttons";
    const node = el("div", `bk-el bk-${element.type}`);
    const name = nextId("bk-choice-");
    const initial = isRadio
      ? [element.initial_option && element.initial_option.value]
      : (element.initial_options || []).map((o) => o.value);
    const value = () => {
      const checked = [...node.querySelectorAll("input:checked")].map((b) => b.value);
      const options = (element.options || []).filter((o) => checked.includes(o.value)).map(optionObj);
      return isRadio ? { selected_option: options[0] || null } : { selected_options: options };
    };
    const set = (values) => node.querySelectorAll("input").forEach((b) => (b.checked = values.includes(b.value)));
    const checkedValues = () => [...node.querySelectorAll("input:checked")].map((b) => b.value);
    let previous = [];
    for (const option of element.options || []) {
      const label = el("label", "bk-choice");
      const box = document.createElement("input");
      box.type = isRadio ? "radio" : "checkbox";
      box.name = name;
      box.value = option.value;
      box.onchange = () => {
        const was = previous;
        previous = checkedValues();
        if (!dispatches(element, isInput, block)) return;
        fire(ctx, element, { ...base(element, blockId), ...value() }, node, () => {
          set(was);
          previous = was;
        });
      };
      label.append(box, el("span", "bk-choice-text", textObj(option.text, ctx)));
      if (option.description) label.appendChild(el("span", "bk-choice-description", textObj(option.description, ctx)));
      node.appendChild(label);
    }
    set(initial);
    previous = checkedValues();
    return stateful(node, element, isInput, () => ({ type: element.type, ...value() }), (entry) => {
      const chosen = isRadio ? [entry.selected_option] : entry.selected_options || [];
      set(chosen.filter(Boolean).map((o) => o.value));
      previous = checkedValues();
    });
  }

  function renderOverflow(element, blockId, ctx) {
    const wrap = el("div", "bk-el bk-overflow");
    wrap.dataset.actionId = element.action_id || "";
    const toggle = el("button", "bk-overflow-toggle", "⋯");
    toggle.type = "button";
    toggle.setAttribute("aria-label", "Flere valg");
    const menu = el("div", "bk-overflow-menu");
    menu.hidden = true;
    for (const o of element.options || []) {
      const item = el("button", "bk-overflow-item", esc(plain(o.text)));
      item.type = "button";
      item.dataset.value = o.value;
      item.onclick = () => {
        menu.hidden = true;
        if (o.url) window.open(o.url, "_blank", "noopener");
        fire(ctx, element, { ...base(element, blockId), selected_option: optionObj(o) }, wrap);
      };
      menu.appendChild(item);
    }
    toggle.onclick = () => (menu.hidden = !menu.hidden);
    wrap.append(toggle, menu);
    return wrap;
  }

  function renderImage(element) {
    const img = el("img", "bk-el bk-image");
    img.src = element.image_url || "";
    img.alt = element.alt_text || "";
    return img;
  }

  function renderElement(element, blockId, ctx, isInput, block) {
    switch (element.type) {
      case "button": return renderButton(element, blockId, ctx);
      case "static_select": case "users_select": case "conversations_select": case "channels_select":
      case "multi_static_select": case "multi_users_select": case "multi_conversations_select":
      case "multi_channels_select":
        return renderSelect(element, blockId, ctx, isInput, block);
      case "external_select": case "multi_external_select": return renderExternalSelect(element, blockId, ctx, isInput);
      case "datepicker": case "timepicker": case "datetimepicker": return renderPicker(element, blockId, ctx, isInput, block);
      case "plain_text_input": case "email_text_input": case "url_text_input": case "number_input":
        return renderTextInput(element, blockId, ctx, isInput);
      case "checkboxes": case "radio_buttons": return renderChoices(element, blockId, ctx, isInput, block);
      case "overflow": return renderOverflow(element, blockId, ctx);
      case "image": return renderImage(element);
      default: {
        const node = el("span", "bk-el bk-unknown", esc(`[${element.type}]`));
        node.dataset.actionId = element.action_id || "";
        return node;
      }
    }
  }

  // --------------------------------------------------------------------- blocks

  function renderBlock(block, index, ctx) {
    const blockId = block.block_id || `bk-auto-${index}`;
    const node = el("div", `bk-block bk-${block.type}`);
    node.dataset.blockId = blockId;
    switch (block.type) {
      case "header":
        node.appendChild(el("div", "bk-header-text", textObj(block.text)));
        break;
      case "divider":
        node.appendChild(el("hr", "bk-hr"));
        break;
      case "section": {
        const body = el("div", "bk-section-body");
        if (block.text) body.appendChild(el("div", "bk-text", textObj(block.text, ctx)));
        if (block.fields && block.fields.length) {
          const fields = el("div", "bk-fields");
          block.fields.forEach((f) => fields.appendChild(el("div", "bk-field", textObj(f, ctx))));
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
          else node.appendChild(el("span", "bk-context-item", textObj(item, ctx)));
        }
        break;
      case "actions":
        for (const item of block.elements || []) node.appendChild(renderElement(item, blockId, ctx, false));
        break;
      case "input": {
        const label = el("label", "bk-label", esc(plain(block.label)));
        if (block.optional) label.appendChild(el("span", "bk-optional", " (valgfritt)"));
        node.appendChild(label);
        node.appendChild(renderElement(block.element || {}, blockId, ctx, true, block));
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

  function eachStateful(container, fn) {
    if (!container) return;
    for (const block of container.querySelectorAll(".bk-block")) {
      for (const node of block.querySelectorAll("[data-type]")) {
        if (node._bk) fn(block.dataset.blockId, node.dataset.actionId, node);
      }
    }
  }

  function state(container) {
    const values = {};
    eachStateful(container, (blockId, actionId, node) => {
      (values[blockId] = values[blockId] || {})[actionId] = node._bk.get();
    });
    return values;
  }

  function apply(container, values) {
    eachStateful(container, (blockId, actionId, node) => {
      const entry = values && values[blockId] && values[blockId][actionId];
      if (entry && entry.type === node.dataset.type) node._bk.set(entry);
    });
  }

  global.BlockKit = { render, state, apply, mrkdwn, esc, textObj, confirmDialog };
})(typeof window !== "undefined" ? window : globalThis);
