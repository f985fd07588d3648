// Live updates without inline script: every element marked data-live is refreshed from a fresh copy
// of the same page (server-rendered and escaped there), while the tab is visible.
(function () {
  'use strict';
  var INTERVAL_MS = 2000;
  function refresh() {
    var live = document.querySelectorAll('[data-live][id]');
    if (live.length === 0 || document.hidden) return;
    fetch(location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html');
        live.forEach(function (el) {
          var next = fresh.getElementById(el.id);
          if (next && next.innerHTML !== el.innerHTML) el.replaceChildren.apply(el, Array.from(next.childNodes));
        });
      })
      .catch(function () { /* the next tick tries again */ });
  }
  setInterval(refresh, INTERVAL_MS);
})();
