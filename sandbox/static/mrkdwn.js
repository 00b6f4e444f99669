/* Slack's mrkdwn as HTML, following Slack's formatting reference: *bold*,
 * _italic_, ~strike~, `code`, ```preformatted blocks``` (kept verbatim, no
 * formatting inside), > quotes, lines that start with a bullet or a number as
 * list items, <url|links>, <@U…> user and <#C…> channel mentions, <!here>,
 * :emoji:, and the three escaped control characters (&amp; &lt; &gt;).
 *
 * Mrkdwn.render(text, ctx) -> HTML string; ctx.users [{id, name}],
 * ctx.channels [{id, name}] name mentions. Mrkdwn.esc(text) escapes for HTML.
 */
(function (global) {
  "use strict";

  const EMOJI = {
    lock: "🔒", white_check_mark: "✅", x: "❌", warning: "⚠️", bell: "🔔", clock3: "🕒",
    hourglass: "⏳", hourglass_flowing_sand: "⏳", calendar: "📅", spiral_calendar_pad: "🗓️",
    memo: "📝", pencil: "✏️", pencil2: "✏️", speech_balloon: "💬", busts_in_silhouette: "👥",
    bust_in_silhouette: "👤", wave: "👋", information_source: "ℹ️", heavy_check_mark: "✔️",
    no_entry: "⛔", rotating_light: "🚨", child: "🧒", baby: "👶", house: "🏠", inbox_tray: "📥",
    outbox_tray: "📤", mag: "🔍", large_green_circle: "🟢", red_circle: "🔴", large_yellow_circle: "🟡",
    white_circle: "⚪", arrow_right: "➡️", point_right: "👉", question: "❓", exclamation: "❗",
    tada: "🎉", raised_hand: "✋", handshake: "🤝", phone: "📞", door: "🚪", scroll: "📜",
    books: "📚", green_heart: "💚", sos: "🆘", heart: "❤️", date: "📅", alarm_clock: "⏰",
    stopwatch: "⏱️", clipboard: "📋", bar_chart: "📊", chart_with_upwards_trend: "📈",
    mortar_board: "🎓", link: "🔗", pushpin: "📌", sunny: "☀️", new: "🆕", calling: "📲",
    ok_hand: "👌", thumbsup: "👍", "+1": "👍", hammer_and_wrench: "🛠️", spiral_note_pad: "🗒️",
  };

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  /** Slack's three escaped control characters back to what they stand for. */
  function unescape(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emoji(html) {
    return html.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  }

  function token(inner, ctx) {
    const bar = inner.indexOf("|");
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? "" : unescape(inner.slice(bar + 1));
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const user = (ctx.users || []).find((u) => u.id === id);
      return `<span class="bk-mention" data-user-id="${esc(id)}">@${esc(user ? user.name : label || id)}</span>`;
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      const channel = (ctx.channels || []).find((c) => c.id === id);
      return `<span class="bk-mention bk-channel">#${esc(channel ? channel.name : label || id)}</span>`;
    }
    if (target.startsWith("!")) {
      const what = target.slice(1);
      if (what.startsWith("date^")) return esc(label || what);
      if (what.startsWith("subteam^")) return `<span class="bk-mention">${esc(label || "@gruppe")}</span>`;
      return `<span class="bk-mention">@${esc(label || what)}</span>`;
    }
    const url = unescape(target);
    return `<a href="${esc(url)}" target="_blank" rel="noopener">${esc(label || url)}</a>`;
  }

  /** One line of text (no code blocks) with its inline formatting. */
  function inline(line, ctx) {
    const held = [];
    const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
    // <…> tokens and `code` first: nothing inside them is formatted.
    let text = line.replace(/<([^<>\n]+)>/g, (m, inner) => hold(token(inner, ctx)));
    text = text.replace(/`([^`\n]+)`/g, (m, code) => hold(`<code>${esc(unescape(code))}</code>`));
    let html = esc(unescape(text));
    const edge = "(^|[\\s(\"'\u0000>])";
    const tail = "(?=$|[\\s).,:;!?\"'\u0000<-])";
    html = html
      .replace(new RegExp(`${edge}\\*([^*\\s](?:[^*]*[^*\\s])?)\\*${tail}`, "g"), "$1<b>$2</b>")
      .replace(new RegExp(`${edge}_([^_\\s](?:[^_]*[^_\\s])?)_${tail}`, "g"), "$1<i>$2</i>")
      .replace(new RegExp(`${edge}~([^~\\s](?:[^~]*[^~\\s])?)~${tail}`, "g"), "$1<s>$2</s>");
    html = emoji(html);
    return html.replace(/\u0000(\d+)\u0000/g, (m, i) => held[Number(i)]);
  }

  const QUOTE = /^(>|&gt;)\s?/;
  const LIST = /^(\s*)([•◦▪\-*]|\d{1,3}[.)])\s+(.*)$/;

  function lines(text, ctx) {
    const out = [];
    let quote = [];
    let pendingBreak = false;
    const flushQuote = () => {
      if (quote.length) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
      quote = [];
    };
    for (const line of text.split("\n")) {
      if (QUOTE.test(line)) {
        quote.push(inline(line.replace(QUOTE, ""), ctx));
        pendingBreak = false;
        continue;
      }
      flushQuote();
      const item = line.match(LIST);
      if (item) {
        // Slack shows the marker as written, with the item's lines hanging under its text.
        const depth = Math.min(3, Math.floor(item[1].replace(/\t/g, "    ").length / 2));
        out.push(`<div class="bk-li" data-depth="${depth}"><span class="bk-bullet">${esc(item[2])}</span>` +
          `<span class="bk-li-text">${inline(item[3], ctx)}</span></div>`);
        pendingBreak = false;
        continue;
      }
      if (pendingBreak) out.push("<br>");
      out.push(inline(line, ctx));
      pendingBreak = true;
    }
    flushQuote();
    return out.join("");
  }

  function render(text, ctx) {
    ctx = ctx || {};
    const source = String(text || "");
    const out = [];
    const fence = /```([\s\S]*?)```/g;
    let last = 0;
    let m;
    while ((m = fence.exec(source))) {
      const before = source.slice(last, m.index).replace(/\n$/, "");
      if (before) out.push(lines(before, ctx));
      const code = m[1].replace(/^\n/, "").replace(/\n$/, "");
      out.push(`<pre class="bk-pre">${esc(unescape(code))}</pre>`);
      last = m.index + m[0].length;
      if (source[last] === "\n") last += 1;
    }
    const rest = source.slice(last);
    if (rest || !out.length) out.push(lines(rest, ctx));
    return out.join("");
  }

  global.Mrkdwn = { render, esc, unescape, emoji };
})(typeof window !== "undefined" ? window : globalThis);
