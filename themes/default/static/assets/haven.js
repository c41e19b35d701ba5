/* haven.js: the default theme's script. Plain ES2017 in one IIFE, no
 * framework, no fetch/XHR/modules/workers/eval, no inline styles and no
 * innerHTML: it runs under the pages' CSP (script-src 'self') and from
 * file://. Without it every page still reads; only search is missing.
 *
 * Search. The header holds <form class="search" hidden>; this script shows
 * it (removes hidden) when it can run search, and loads the index lazily
 * (first focus or input on the box, or ?q= in the page URL) from
 * EDITION/search/ with plain <script> elements that call window.havenSearch:
 *   index.js  havenSearch.index({pages: [[title, url, module]...],
 *             sections: [[page, anchor, heading, level]...],
 *             shards: {key: n}, texts: count, keylen: 2})
 *             (url: the page's path from the edition root, used as an
 *             href; anchor: the id of the section's heading, "" for the
 *             text before a page's first heading)
 *   t-n.js    havenSearch.terms(n, {term: [section, weight, ...]})
 *   x-n.js    havenSearch.texts(n, [text of section 100n, ...])
 * Terms are NFD, combining marks removed, lower case, runs of \p{L}\p{N}
 * of at least 2 characters; a shard's key is a term's first `keylen`
 * characters (2 when the index does not say). Query terms are prefixes,
 * all must match (AND); score = sum of each term's best weight.
 *
 * ARIA: the input is a combobox (aria-autocomplete=list, aria-expanded,
 * aria-activedescendant) that keeps the focus; the results list is a
 * listbox whose options are the results' links (tabindex=-1), each in an
 * <li role=none>. ArrowDown/Up
 * move the active option, Enter opens it (or the first), Escape clears,
 * and "/" anywhere outside a field focuses the box.
 *
 * Classes and attributes for the CSS (set by this script):
 *   form.search[hidden]          removed by this script when search works
 *   .search-results[hidden]      the list is hidden while there is nothing
 *                                to show or the search is not in use
 *   .search-results[aria-busy]   a search is under way (typing or loading)
 *   li.search-result             one result (role=none; its link is the option)
 *   li.search-result.is-active   the active result (its link has aria-selected=true)
 *   a.search-result-link         the whole result is this one link
 *   span.search-result-title     "Page title" or "Page title › Heading"
 *   span.search-result-module    the page's module (left out when none)
 *   span.search-result-excerpt   about 160 characters around the first hit
 *   mark                         each matching word, in title and excerpt
 * Status lines (in #haven-search-status): "1 result", "N results", "N
 * results, showing the best 10", "No results for “q”", "Type at least 2
 * letters", "Search is not available".
 */
(() => {
  "use strict";
  const d = document;
  const me = d.currentScript;
  // The edition's root, from this script's own URL: ROOT/assets/haven.js.
  const root = me && me.src ? me.src.replace(/assets\/haven\.js(?:[?#].*)?$/, "") : "";

  // Script loading: each file calls back with its key; the callback, not
  // the load event, resolves it (a load with no callback is a failure).
  const cache = {};
  const done = (key, v) => {
    const c = cache[key];
    if (c) c.ok(v);
  };
  window.havenSearch = {
    index: (v) => done("i", v),
    terms: (n, v) => done("t" + n, v),
    texts: (n, v) => done("x" + n, v),
  };
  const load = (key, file) => {
    let c = cache[key];
    if (!c) {
      c = cache[key] = {};
      c.p = new Promise((ok, fail) => {
        c.ok = ok;
        c.fail = fail;
      });
      const s = d.createElement("script");
      s.src = root + "search/" + file;
      s.onload = s.onerror = () => {
        s.remove();
        c.fail(new Error(file));
      };
      d.head.appendChild(s);
    }
    return c.p;
  };

  const search = () => {
    const form = d.querySelector("form.search");
    const input = d.getElementById("haven-search-input");
    const status = d.getElementById("haven-search-status");
    const list = d.getElementById("haven-search-results");
    if (!form || !input || !status || !list || !root) return;
    // The interface words, in the site's language, from the theme's
    // translation file (data-words); English when they are missing.
    let words = {};
    try {
      words = JSON.parse(form.getAttribute("data-words") || "{}");
    } catch (e) {
      words = e && {};
    }
    const word = (key, english, vars) =>
      (words[key] || english).replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));
    // Unicode property escapes (\p{L}) are ES2018: where they are missing,
    // leave search hidden. (The catch uses its binding so that a minifier
    // does not turn it into ES2019's optional catch binding.)
    const re = (s) => {
      try {
        return new RegExp(s, "gu");
      } catch (e) {
        return e && null;
      }
    };
    const WORD = re("[\\p{L}\\p{N}]+");
    const TEXTWORD = re("[\\p{L}\\p{N}\\p{M}]+");
    const MARK = re("\\p{M}");
    if (!MARK) return;
    // Same as the Go side: NFD, drop marks, lower case per character (so a
    // final Σ gives σ, as Go's unicode.ToLower does).
    const norm = (s) => Array.from(s.normalize("NFD").replace(MARK, ""), (c) => c.toLowerCase()).join("");

    const attr = (el, k, v) => el.setAttribute(k, v);
    const el = (tag, cls, text) => {
      const e = d.createElement(tag);
      e.className = cls;
      if (text) e.textContent = text;
      return e;
    };
    const say = (s) => {
      status.textContent = s;
    };

    // Appends text to parent with every word that starts with a term in a
    // <mark>; with size, only about size characters around the first hit.
    const fill = (parent, text, terms, size) => {
      const hits = [];
      let m;
      TEXTWORD.lastIndex = 0;
      while ((m = TEXTWORD.exec(text))) {
        const w = norm(m[0]);
        if (terms.some((t) => w.startsWith(t))) hits.push([m.index, m.index + m[0].length]);
      }
      let a = 0;
      let b = text.length;
      if (size && b > size) {
        const h = hits[0] || [0, 0];
        a = Math.max(0, Math.min(h[0] - 50, b - size));
        b = a + size;
        const sa = text.indexOf(" ", a);
        if (a > 0 && sa >= 0 && sa < h[0]) a = sa + 1;
        const sb = text.lastIndexOf(" ", b);
        if (b < text.length && sb > Math.max(a, h[1])) b = sb;
      }
      let at = a;
      const add = (s) => s && parent.append(s);
      if (a > 0) add("…");
      for (const [s, e] of hits) {
        if (s < at || e > b) continue;
        add(text.slice(at, s));
        parent.append(el("mark", "", text.slice(s, e)));
        at = e;
      }
      add(text.slice(at, b));
      if (b < text.length) add("…");
    };

    let active = -1;
    const items = list.children;
    const setActive = (i) => {
      const old = items[active];
      if (old) {
        old.classList.remove("is-active");
        old.firstChild.removeAttribute("aria-selected");
      }
      active = items[i] ? i : -1;
      const li = items[active];
      if (li) {
        li.classList.add("is-active");
        attr(li.firstChild, "aria-selected", "true");
        attr(input, "aria-activedescendant", li.firstChild.id);
        li.scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    const expand = (on) => {
      on = on && items.length > 0;
      if (!on) setActive(-1);
      list.hidden = !on;
      attr(input, "aria-expanded", on);
    };
    let shown = ""; // the query the list shows
    const clear = () => {
      list.textContent = "";
      shown = "";
      expand(false);
    };
    const open = (i) => {
      const li = items[i];
      if (li) {
        expand(false);
        location.href = li.firstChild.href;
      }
    };

    // The list is aria-busy from an input event until the results of the
    // latest query are shown (or it fails). seq tells a run that typing,
    // a later run or Escape superseded it, so that it shows nothing.
    let seq = 0;
    let timer = 0;
    const busy = (on) => (on ? attr(list, "aria-busy", "true") : list.removeAttribute("aria-busy"));
    const run = async () => {
      clearTimeout(timer);
      const my = ++seq;
      busy(1);
      const v = input.value;
      const q = v.trim();
      const terms = [...new Set(norm(q).match(WORD))].filter((t) => Array.from(t).length > 1);
      let ok = false;
      if (!terms.length) {
        clear();
        say(q ? word("short", "Type at least 2 letters") : "");
      } else {
        ok = await find(my, v, q, terms).catch(() => {
          if (my === seq) {
            clear();
            say(word("unavailable", "Search is not available"));
          }
          return false;
        });
      }
      if (my === seq) busy(0);
      return ok;
    };
    const find = async (my, v, q, terms) => {
      const ix = await load("i", "index.js");
      const kl = ix.keylen == null ? 2 : ix.keylen;
      // For each term, section -> best weight of any indexed term it
      // begins.
      const found = await Promise.all(
        terms.map(async (t) => {
          const best = new Map();
          const n = ix.shards[Array.from(t).slice(0, kl).join("")];
          if (n == null) return best;
          const shard = await load("t" + n, "t-" + n + ".js");
          for (const term in shard) {
            if (!term.startsWith(t)) continue;
            const p = shard[term];
            for (let i = 0; i < p.length; i += 2) if (!(best.get(p[i]) >= p[i + 1])) best.set(p[i], p[i + 1]);
          }
          return best;
        })
      );
      if (my !== seq) return false;
      const hits = [];
      for (const s of found[0].keys()) {
        if (found.every((b) => b.has(s))) hits.push([s, found.reduce((sum, b) => sum + b.get(s), 0)]);
      }
      hits.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      const top = hits.slice(0, 10);
      const texts = await Promise.all(
        top.map((h) => {
          const n = Math.floor(h[0] / 100);
          return load("x" + n, "x-" + n + ".js").catch(() => null);
        })
      );
      if (my !== seq) return false;

      setActive(-1);
      list.textContent = "";
      top.forEach((h, i) => {
        const sec = ix.sections[h[0]];
        const pg = ix.pages[sec[0]];
        // The link itself is the option (an option may not hold a link).
        const li = el("li", "search-result");
        attr(li, "role", "none");
        const a = el("a", "search-result-link");
        a.id = "haven-search-result-" + i;
        attr(a, "role", "option");
        a.href = root + pg[1] + (sec[1] ? "#" + encodeURIComponent(sec[1]) : "");
        a.tabIndex = -1;
        const title = el("span", "search-result-title");
        fill(title, sec[2] ? pg[0] + " › " + sec[2] : pg[0], terms, 0);
        a.append(title);
        if (pg[2]) a.append(el("span", "search-result-module", pg[2]));
        const text = texts[i] && texts[i][h[0] % 100];
        if (text) {
          const x = el("span", "search-result-excerpt");
          fill(x, text, terms, 160);
          a.append(x);
        }
        li.append(a);
        list.append(li);
      });
      shown = v;
      expand(true);
      const n = hits.length;
      say(
        n > top.length
          ? word("showing", "{n} results, showing the best {shown}", {n: n, shown: top.length})
          : n > 1
            ? word("result_other", "{n} results", {n: n})
            : n
              ? word("result_one", "1 result", {n: n})
              : word("none", "No results for “{q}”", {q: q})
      );
      return true;
    };

    const later = () => {
      clearTimeout(timer);
      seq++; // typing supersedes a search under way (and its Enter)
      busy(1);
      timer = setTimeout(run, 100);
    };
    const start = () => {
      load("i", "index.js").catch(() => say(word("unavailable", "Search is not available")));
    };

    attr(input, "role", "combobox");
    attr(input, "aria-autocomplete", "list");
    attr(list, "role", "listbox");
    attr(list, "aria-label", word("results", "Search results"));
    expand(false);
    form.hidden = false;

    input.addEventListener("focus", () => {
      start();
      if (shown && shown === input.value) expand(true);
    });
    input.addEventListener("input", () => {
      start();
      later();
    });
    input.addEventListener("keydown", (e) => {
      const k = e.key;
      const n = items.length;
      if (k === "ArrowDown" || k === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) {
          expand(true);
          if (list.hidden) return;
        }
        setActive(k === "ArrowDown" ? (active + 1) % n : active < 1 ? n - 1 : active - 1);
      } else if (k === "Enter") {
        e.preventDefault();
        if (input.value !== shown) {
          run().then((ok) => ok && open(0));
        } else {
          open(Math.max(active, 0));
        }
      } else if (k === "Escape") {
        e.preventDefault();
        clearTimeout(timer);
        seq++;
        busy(0);
        input.value = "";
        clear();
        say("");
      }
    });
    // The form never submits (the CSP has form-action 'none').
    form.addEventListener("submit", (e) => e.preventDefault());
    // A click on a result follows its link; close the list, for links to
    // the same page.
    list.addEventListener("click", () => expand(false));
    // Close the list when the focus or a click goes elsewhere.
    form.addEventListener("focusout", (e) => {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) expand(false);
    });
    d.addEventListener("click", (e) => {
      if (!form.contains(e.target)) expand(false);
    });
    d.addEventListener("keydown", (e) => {
      const t = e.target;
      if (
        e.key !== "/" ||
        e.ctrlKey ||
        e.metaKey ||
        e.altKey ||
        e.defaultPrevented ||
        t.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)
      )
        return;
      e.preventDefault();
      input.focus();
      input.select();
    });

    const q = new URLSearchParams(location.search).get("q");
    if (q) {
      input.value = q;
      run();
    }
  };

  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", search);
  else search();
})();
