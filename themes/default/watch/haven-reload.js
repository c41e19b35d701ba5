/* haven watch: pages opened from disk reload themselves after each rebuild.
   Only `haven watch` builds carry this file. Every second it re-inserts a
   <script> for haven-watch.js at the edition's root, which calls
   havenWatch({build, errors}). A new build id reloads the page, keeping the
   scroll position; errors show in a calm banner (text only). No server, no
   fetch: this works from file:// under the site's Content-Security-Policy. */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me ? me.src.replace(/assets\/haven-reload\.js(\?.*)?$/, "") : "";
  var key = "haven-watch-scroll:" + location.pathname;
  var first = null;
  var n = 0;
  var el = null;
  var banner = null;

  try {
    var y = sessionStorage.getItem(key);
    if (y !== null) {
      sessionStorage.removeItem(key);
      window.scrollTo(0, +y);
    }
  } catch (e) { /* storage may be off; reloading still works */ }

  function showErrors(errors) {
    if (!errors || !errors.length) {
      if (banner) { banner.remove(); banner = null; }
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "watch-banner";
      banner.setAttribute("role", "status");
      document.body.insertBefore(banner, document.body.firstChild);
    }
    banner.textContent = "";
    var p = document.createElement("p");
    p.className = "watch-banner-title";
    p.textContent = "The last change could not be built, so this page shows the last good version. Fix the problem and save again:";
    banner.appendChild(p);
    var ul = document.createElement("ul");
    errors.slice(0, 10).forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e;
      ul.appendChild(li);
    });
    banner.appendChild(ul);
  }

  window.havenWatch = function (s) {
    if (first === null) {
      first = s.build;
    } else if (s.build !== first) {
      try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
      location.reload();
      return;
    }
    showErrors(s.errors);
  };

  function tick() {
    if (el) { el.remove(); }
    el = document.createElement("script");
    el.src = root + "haven-watch.js?" + (++n);
    document.head.appendChild(el);
  }
  tick();
  setInterval(tick, 1000);
})();
