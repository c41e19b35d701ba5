/* agreement.js: turns a group-agreement page into a form that the group fills
 * in on screen. Plain ES2017 in one IIFE, no fetch/XHR/modules/eval, no
 * innerHTML and no inline styles: it runs under the pages' CSP, from file://.
 * Without it the page is still a readable template that prints with empty
 * boxes and lines to write on.
 *
 * What is typed stays in this browser: it is kept in localStorage under
 * "haven-agreement:" + data-agreement-key (both editions share it) on every
 * change, and is never sent anywhere. Suggested items are matched by their
 * original words, fields and blanks by their label (and how many came before
 * with the same words), so a rebuilt template keeps the group's choices with
 * the right items; edited words of an item the template no longer has come
 * back as one of the group's own items.
 *
 * Set by this script, for the CSS:
 *   article[data-agreement-key].is-live  the form works; on paper it prints
 *                                        as the group's agreement
 *   li.agreement-item.is-dropped         its box is unticked (not printed)
 *   li.agreement-item.is-editing         its words are being edited
 *   li.agreement-item.agreement-added    added by the group
 *   span.agreement-actions               its Edit/Done (and Remove) buttons
 *   textarea.agreement-wording           an item's words while editing
 *   span.agreement-print-text            an input's text, for paper
 *   p.agreement-add-row > button.agreement-add
 */
(() => {
  "use strict";
  const d = document;
  const norm = (s) => s.replace(/\s+/g, " ").trim();
  // el("button", "edit", w("edit", "Edit")) is <button class="agreement-edit">Edit</button>
  // (no form on the page, so a button needs no type).
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    if (cls) e.className = "agreement-" + cls;
    if (text) e.textContent = text;
    return e;
  };
  const has = (e, cls) => e.classList.contains("agreement-" + cls);
  // Runs f; returns what it threw, or null.
  const attempt = (f) => {
    try {
      f();
      return null;
    } catch (err) {
      return err || 1;
    }
  };
  // Counted keys: "words#2" for the second thing with the same words.
  const counter = () => {
    const seen = {};
    return (s) => (seen[s] = (seen[s] || 0) + 1) > 1 ? s + "#" + seen[s] : s;
  };
  // Markdown of an item's words: a bold lead-in stays bold, the rest is text.
  const md = (label) => norm(Array.from(label.childNodes, (n) => (n.tagName === "STRONG" ? "**" + n.textContent + "**" : n.textContent)).join(""));
  let uid = 0;

  const setup = (art) => {
    const name = art.getAttribute("data-agreement-key");
    const key = "haven-agreement:" + name;
    const tools = art.querySelector(".agreement-tools");
    const status = art.querySelector(".agreement-status");
    // The interface words, in the site's language (data-words, from the
    // theme's translation file); English when they are missing.
    let ui = {};
    attempt(() => (ui = JSON.parse(art.getAttribute("data-words") || "{}")));
    const w = (key, english, file) => (ui[key] || english).replace("{file}", file || "");
    const say = (text) => {
      if (status && status.textContent !== text) status.textContent = text;
    };
    let store = null;
    if (attempt(() => (store = window.localStorage).getItem(key))) store = null;
    const noStore = () => say(w("no_store", "This browser cannot keep what you type here, so save it as a file before you close the page."));

    const items = [];
    const byLi = new Map();
    const itemKey = counter();
    const addItem = (li, added) => {
      const cb = li.querySelector(".agreement-keep");
      const label = li.querySelector(".agreement-text");
      if (!cb || !label) return null;
      const first = label.firstElementChild;
      const it = { li, cb, label, added, text: null, words: norm(label.textContent) };
      it.orig = Array.from(label.childNodes, (n) => n.cloneNode(true));
      if (first && first.tagName === "STRONG" && it.words.indexOf(norm(first.textContent)) === 0) it.lead = norm(first.textContent);
      if (!added) it.key = itemKey(it.words);
      const acts = el("span", "actions");
      it.edit = acts.appendChild(el("button", "edit", w("edit", "Edit")));
      label.id = label.id || cb.id + "-text";
      it.edit.setAttribute("aria-describedby", label.id);
      if (added) acts.appendChild(el("button", "remove", w("remove", "Remove")));
      li.appendChild(acts);
      items.push(it);
      byLi.set(li, it);
      return it;
    };
    art.querySelectorAll(".agreement-item").forEach((li) => addItem(li, false));

    const inputs = [];
    const inputKey = counter();
    art.querySelectorAll("input.agreement-input").forEach((input) => {
      const label = input.labels && input.labels[0];
      const mirror = el("span", "print-text");
      mirror.setAttribute("aria-hidden", "true");
      input.after(mirror);
      inputs.push({ input, mirror, key: inputKey(label ? norm(label.textContent) : "") });
    });
    const mirror = (f) => {
      f.mirror.textContent = f.input.value;
    };

    // An item's words: the template's own markup until the group changes them.
    const render = (it) => {
      const l = it.label;
      if (it.text === null) l.replaceChildren(...it.orig.map((n) => n.cloneNode(true)));
      else if (it.lead && it.text.indexOf(it.lead) === 0) {
        const b = d.createElement("strong");
        b.textContent = it.lead;
        l.replaceChildren(b, it.text.slice(it.lead.length));
      } else l.textContent = it.text;
    };
    const setText = (it, s) => {
      s = norm(s);
      it.text = !it.added && s === it.words ? null : s;
      render(it);
    };
    const words = (it) => (it.text === null ? it.words : it.text);
    const mark = (it) => it.li.classList.toggle("is-dropped", !it.cb.checked);

    const lists = art.querySelectorAll("ul.agreement-items");
    const last = lists[lists.length - 1];
    const newItem = (keep, text) => {
      const li = el("li", "item agreement-added");
      const cb = li.appendChild(el("input", "keep"));
      const label = el("label", "text");
      cb.type = "checkbox";
      cb.id = "haven-added-" + ++uid;
      cb.checked = keep;
      label.htmlFor = cb.id;
      li.append(" ", label);
      last.appendChild(li);
      const it = addItem(li, true);
      setText(it, text);
      mark(it);
      return it;
    };
    const drop = (it) => {
      items.splice(items.indexOf(it), 1);
      byLi.delete(it.li);
      it.li.remove();
    };

    const save = () => {
      const s = { v: 1, items: {}, added: [], fields: {} };
      items.forEach((it) => {
        const v = { k: it.cb.checked };
        if (it.text !== null) v.t = it.text;
        if (!it.added) s.items[it.key] = v;
        else if (v.t) s.added.push(v);
      });
      inputs.forEach((f) => {
        if (f.input.value) s.fields[f.key] = f.input.value;
      });
      if (store && attempt(() => store.setItem(key, JSON.stringify(s)))) store = null;
      if (store) say(w("saved", "Saved in this browser."));
      else noStore();
    };

    let add = null;
    const startEditing = (it) => {
      const ta = el("textarea", "wording");
      ta.value = words(it);
      ta.rows = 4; // grows with its words where CSS field-sizing works
      ta.setAttribute("aria-label", w("item_words", "Words of this item"));
      it.before = it.text;
      it.li.classList.add("is-editing");
      it.label.after(ta);
      it.edit.textContent = w("done", "Done");
      ta.focus();
    };
    const stopEditing = (it) => {
      const ta = it.li.querySelector(".agreement-wording");
      if (ta) ta.remove();
      it.li.classList.remove("is-editing");
      it.edit.textContent = w("edit", "Edit");
    };
    // Done, or Escape (which puts the words back). An added item left empty goes.
    const finish = (it, cancel) => {
      if (cancel) {
        it.text = it.before;
        render(it);
      }
      stopEditing(it);
      if (it.added && !words(it)) {
        drop(it);
        save();
        say(w("empty_removed", "Empty item removed."));
        add.focus();
      } else {
        save();
        it.edit.focus();
      }
    };
    if (last) {
      const row = el("p", "add-row");
      add = row.appendChild(el("button", "add", w("add", "Add an item")));
      last.after(row);
      add.addEventListener("click", () => startEditing(newItem(true, "")));
    }

    // The template as it was built: no edits, no added items, empty inputs.
    const reset = () => {
      items.slice().forEach((it) => {
        if (it.added) return drop(it);
        stopEditing(it);
        it.cb.checked = it.cb.defaultChecked;
        it.text = null;
        render(it);
      });
      inputs.forEach((f) => {
        f.input.value = f.input.defaultValue;
      });
    };
    const refresh = () => {
      items.forEach(mark);
      inputs.forEach(mirror);
    };

    // Put back what this browser kept; what cannot be read leaves the template.
    let saved = null;
    if (store) attempt(() => {
      saved = JSON.parse(store.getItem(key));
    });
    if (saved && saved.v === 1 && !attempt(() => {
      const kept = Object.assign({}, saved.items);
      items.slice().forEach((it) => {
        const s = kept[it.key];
        if (!s) return;
        delete kept[it.key];
        it.cb.checked = !!s.k;
        if (typeof s.t === "string") setText(it, s.t);
      });
      if (last) {
        Object.keys(kept).forEach((k) => kept[k].t && newItem(!!kept[k].k, String(kept[k].t)));
        (saved.added || []).forEach((a) => a.t && newItem(!!a.k, String(a.t)));
      }
      inputs.forEach((f) => {
        const v = saved.fields && saved.fields[f.key];
        if (typeof v === "string") f.input.value = v;
      });
    })) say(w("restored", "Restored what was typed here before."));
    else {
      reset();
      if (!store) noStore();
    }
    refresh();

    // Every change (a box ticked, a letter typed) fires "input": keep it.
    art.addEventListener("input", (e) => {
      const it = has(e.target, "wording") && byLi.get(e.target.closest("li"));
      if (it) setText(it, e.target.value);
      refresh();
      save();
    });
    art.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      const it = b && byLi.get(b.closest("li"));
      if (!it) return;
      if (has(b, "remove")) {
        drop(it);
        save();
        say(w("removed", "Item removed."));
        add.focus();
      } else if (it.li.classList.contains("is-editing")) finish(it, false);
      else startEditing(it);
    });
    art.addEventListener("keydown", (e) => {
      const it = has(e.target, "wording") && byLi.get(e.target.closest("li"));
      if (!it || e.isComposing || (e.key !== "Enter" && e.key !== "Escape")) return;
      e.preventDefault();
      finish(it, e.key === "Escape");
    });

    // The agreement as Markdown: title, headings, kept items, filled blanks,
    // and every field ("Group name: ___" when empty).
    const markdown = () => {
      const h1 = art.querySelector("h1");
      const out = ["# " + norm(h1 ? h1.textContent : d.title)];
      let head = null;
      let block = "";
      const put = (line, kind) => {
        if (head) out.push("", head);
        if (head || kind !== block) out.push("");
        head = null;
        block = kind;
        out.push(line);
      };
      art.querySelectorAll(".content h2, .content h3, .agreement-item, .agreement-blank, .agreement-field").forEach((n) => {
        const it = byLi.get(n);
        const input = n.querySelector("input.agreement-input");
        const label = input && input.labels && input.labels[0];
        const v = input ? norm(input.value) : "";
        if (/^H\d$/.test(n.tagName)) head = (n.tagName === "H2" ? "## " : "### ") + norm(n.textContent);
        else if (it) {
          if (it.cb.checked && words(it)) put("- " + md(it.label), "list");
        } else if (has(n, "blank")) {
          if (v) put("- " + v, "list");
        } else if (input) put((label ? norm(label.textContent) : "") + ": " + (v || "___"), "field");
      });
      return out.join("\n") + "\n";
    };

    const tool = (cls, f) => {
      const b = tools && tools.querySelector(".agreement-" + cls);
      if (b) b.addEventListener("click", f);
    };
    tool("print", () => window.print());
    tool("save", () => {
      const a = d.createElement("a");
      a.href = URL.createObjectURL(new Blob([markdown()], { type: "text/markdown;charset=utf-8" }));
      a.download = name.split("/").pop().replace(/\.html?$/i, "") + ".md";
      d.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 5000);
      say(w("saved_file", "Saved as {file} in your downloads.", a.download));
    });
    tool("clear", () => {
      if (!window.confirm(w("confirm_clear", "Clear everything typed here and go back to the template? This cannot be undone."))) return;
      reset();
      refresh();
      if (store && attempt(() => store.removeItem(key))) store = null;
      say(w("cleared", "Cleared: the template is back."));
    });

    art.classList.add("is-live");
    if (tools) tools.hidden = false;
  };

  d.querySelectorAll("[data-agreement-key]").forEach(setup);
})();
