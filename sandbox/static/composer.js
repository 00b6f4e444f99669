/* The message box, as Slack's: typing @ offers people (↑/↓, Enter or Tab picks,
 * Esc closes), and a picked or fully typed @Name is sent as Slack sends a
 * mention with "escape users" on: <@U…|handle>. ↑ in an empty box (or at its
 * start) walks back through the commands sent before, ↓ forward.
 *
 * Composer.attach({input, popup, people: () => [...], onSend: (text) => ...})
 * Composer.toSlack(text, people) -> the text with @Name turned into <@U…|handle>
 */
(function (global) {
  "use strict";

  const { esc } = global.Mrkdwn;
  const MAX_SHOWN = 8;

  function toSlack(text, people) {
    const byLength = [...people].sort((a, b) => b.name.length - a.name.length);
    let out = text;
    for (const p of byLength) {
      const pattern = new RegExp(`@${p.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "gu");
      out = out.replace(pattern, `<@${p.id}|${p.handle || p.name}>`);
    }
    return out;
  }

  /** The @query being typed just before the caret, or null. */
  function queryAt(input) {
    const before = input.value.slice(0, input.selectionStart);
    const m = before.match(/(?:^|\s)@([\p{L}\p{N}.\-]*(?: [\p{L}\p{N}.\-]*)?)$/u);
    return m ? { text: m[1], start: before.length - m[1].length - 1 } : null;
  }

  function matches(people, query) {
    const q = query.toLowerCase().trim();
    return people.filter((p) => {
      const name = p.name.toLowerCase();
      return !q || name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
    }).slice(0, MAX_SHOWN);
  }

  function attach(opts) {
    const { input, popup } = opts;
    const history = [];
    let back = -1; // how far back in history the box is, -1: not browsing
    let shown = [];
    let active = 0;

    function close() {
      popup.hidden = true;
      shown = [];
    }

    function draw() {
      popup.innerHTML = "";
      shown.forEach((p, i) => {
        const item = document.createElement("div");
        item.className = "mention-item" + (i === active ? " active" : "");
        item.dataset.userId = p.id;
        item.innerHTML = `<b>${esc(p.name)}</b> <span class="mention-role">${esc(p.role_names.join(", "))}</span>`;
        item.onmousedown = (e) => {
          e.preventDefault();
          pick(p);
        };
        popup.appendChild(item);
      });
      popup.hidden = !shown.length;
    }

    function offer() {
      const q = queryAt(input);
      if (!q) return close();
      shown = matches(opts.people(), q.text);
      active = 0;
      draw();
    }

    function pick(person) {
      const q = queryAt(input);
      if (!q) return close();
      const after = input.value.slice(input.selectionStart);
      const head = input.value.slice(0, q.start) + `@${person.name} `;
      input.value = head + after.replace(/^ /, "");
      input.setSelectionRange(head.length, head.length);
      close();
      input.focus();
    }

    function recall(step) {
      if (!history.length) return;
      back = Math.max(-1, Math.min(history.length - 1, back + step));
      input.value = back < 0 ? "" : history[history.length - 1 - back];
      input.setSelectionRange(input.value.length, input.value.length);
    }

    function send() {
      const typed = input.value.trim();
      if (!typed) return;
      if (history[history.length - 1] !== typed) history.push(typed);
      back = -1;
      input.value = "";
      close();
      opts.onSend(typed, toSlack(typed, opts.people()));
    }

    input.addEventListener("input", () => {
      back = -1;
      offer();
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("keydown", (e) => {
      if (shown.length) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
          return draw();
        }
        if (e.key === "Enter" || e.key === "Tab") {
          e.preventDefault();
          return pick(shown[active]);
        }
        if (e.key === "Escape") return close();
      }
      if (e.key === "Enter") {
        e.preventDefault();
        return send();
      }
      const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      if (e.key === "ArrowUp" && (!input.value || atStart || back >= 0)) {
        e.preventDefault();
        return recall(1);
      }
      if (e.key === "ArrowDown" && back >= 0) {
        e.preventDefault();
        return recall(-1);
      }
    });
    return { send, history };
  }

  global.Composer = { attach, toSlack };
})(typeof window !== "undefined" ? window : globalThis);
