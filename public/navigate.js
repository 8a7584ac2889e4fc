/*
 * Client-side navigation between Caseport's server-rendered pages.
 *
 * Every page works without scripts: links are links and forms post to the server, which answers
 * with a page or a redirect to one. When scripts run, this file makes the same requests with fetch
 * and puts the new page's <body> in place of the old one, so the document, the loaded wasm module
 * and the browser's scroll and focus handling stay; the islands (the hydrated parts) of the new
 * page are then hydrated. A page built by another deploy of Caseport (another bundle) is loaded
 * as a whole document instead. A link that cannot be fetched falls back to the browser's own
 * navigation; a form whose request got no answer is never sent again (the server may have acted on
 * it): the page says so above the form, in its own language, and the form keeps what was typed.
 */
(function () {
  'use strict';

  if (!window.fetch || !window.DOMParser || !window.history || !window.history.pushState) {
    return;
  }

  // Each navigation has a number; a response that arrives after a newer navigation began is dropped.
  var latest = 0;
  // The path and query of the page on show, to tell a change of page from a change of #fragment.
  var shown = location.pathname + location.search;

  function bundleOf(doc) {
    var stylesheet = doc.querySelector('link#leptos');
    return stylesheet ? stylesheet.getAttribute('href') : null;
  }

  function isHtml(response) {
    return (response.headers.get('Content-Type') || '').indexOf('text/html') === 0;
  }

  function hydrateIslands() {
    if (typeof window.__hydrateIsland !== 'function' || !document.documentElement.hasAttribute('data-hydrated')) {
      // The module has not hydrated its first page yet: when it does, it hydrates the page on show.
      return;
    }
    var islands = document.body.querySelectorAll('leptos-island');
    for (var i = 0; i < islands.length; i++) {
      window.__hydrateIsland(islands[i], islands[i].dataset.component);
    }
  }

  // Values typed into a form that came back (e.g. with errors) are kept, except secrets.
  function keepTypedValues(oldForm, action) {
    if (!oldForm) {
      return;
    }
    var forms = document.forms;
    for (var f = 0; f < forms.length; f++) {
      if (forms[f].action !== action) {
        continue;
      }
      var fields = forms[f].elements;
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        var kind = (field.type || '').toLowerCase();
        if (!field.name || ['password', 'hidden', 'submit', 'button', 'file', 'checkbox', 'radio'].indexOf(kind) >= 0 ||
            field.getAttribute('autocomplete') === 'one-time-code') {
          continue;
        }
        var previous = oldForm.elements.namedItem(field.name);
        if (previous && typeof previous.value === 'string' && field.value === '') {
          field.value = previous.value;
        }
      }
      return;
    }
  }

  function focusNewPage(url) {
    var target = null;
    var hash = new URL(url).hash;
    if (hash.length > 1) {
      try {
        target = document.getElementById(decodeURIComponent(hash.slice(1)));
      } catch (error) {
        target = null;
      }
    }
    if (!target) {
      target = document.querySelector('.usa-error-summary') || document.getElementById('main-content');
      window.scrollTo(0, 0);
    }
    if (target) {
      if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute('tabindex', '-1');
      }
      target.focus({ preventScroll: !hash });
    }
  }

  function show(doc, url, replace) {
    if (replace || url === location.href) {
      window.history.replaceState(null, '', url);
    } else {
      window.history.pushState(null, '', url);
    }
    shown = location.pathname + location.search;
    document.title = doc.title;
    var lang = doc.documentElement.getAttribute('lang');
    if (lang) {
      document.documentElement.setAttribute('lang', lang);
    }
    document.body.replaceWith(document.adoptNode(doc.body));
    hydrateIslands();
    addPasswordToggles();
    watchIdleTime();
  }

  // "Show password" next to each password field inside [data-show-password] (its words are the
  // attribute values, in the page's language). Without scripts the field stays a password field.
  function addPasswordToggles() {
    var holders = document.querySelectorAll('[data-show-password]');
    Array.prototype.forEach.call(holders, function (holder) {
      var input = holder.querySelector('input[type=password]');
      if (!input || holder.querySelector('.caseport-show-password')) {
        return;
      }
      var toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'usa-button usa-button--unstyled caseport-show-password';
      toggle.setAttribute('aria-controls', input.id);
      toggle.setAttribute('aria-pressed', 'false');
      toggle.textContent = holder.getAttribute('data-show-password');
      toggle.addEventListener('click', function () {
        var showing = input.type === 'text';
        input.type = showing ? 'password' : 'text';
        toggle.setAttribute('aria-pressed', showing ? 'false' : 'true');
        toggle.textContent = holder.getAttribute(showing ? 'data-show-password' : 'data-hide-password');
      });
      input.insertAdjacentElement('afterend', toggle);
    });
  }
  addPasswordToggles();

  // The idle warning of signed-in pages (#idle-warning): shown `data-warn-before` seconds before
  // the session idles out (`data-idle-left`, as the server counted it when it sent the page);
  // "Stay signed in" records activity; when the time is up the page is loaded again, and the
  // server sends it to sign-in if the session really ended (another tab may have kept it alive).
  var idleTimers = [];
  function watchIdleTime() {
    idleTimers.forEach(clearTimeout);
    idleTimers = [];
    var warning = document.getElementById('idle-warning');
    if (!warning) {
      return;
    }
    var left = parseInt(warning.getAttribute('data-idle-left'), 10);
    var before = parseInt(warning.getAttribute('data-warn-before'), 10);
    if (!(left > 0)) {
      return;
    }
    var button = warning.querySelector('[data-stay-signed-in]');
    function start(seconds) {
      idleTimers.forEach(clearTimeout);
      warning.hidden = true;
      idleTimers = [
        setTimeout(function () {
          warning.hidden = false;
          if (button) {
            button.focus();
          }
        }, Math.max(seconds - before, 0) * 1000),
        setTimeout(function () {
          window.location.reload();
        }, (seconds + 1) * 1000),
      ];
    }
    if (button && !button.hasAttribute('data-watched')) {
      button.setAttribute('data-watched', '');
      button.addEventListener('click', function () {
        fetch(warning.getAttribute('data-keep-alive'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: '',
        }).then(function (response) {
          return response.ok ? response.json() : Promise.reject(response.status);
        }).then(start, function () {
          window.location.reload();
        });
      });
    }
    start(left);
  }
  watchIdleTime();

  // A problem with a form's request, shown above the form in the page's language (the server puts
  // the words on <main>), and focused; the form stays as it was, so nothing typed is lost.
  function showProblem(form, key) {
    var main = document.getElementById('main-content');
    var text = main && main.getAttribute(key);
    if (!text) {
      return;
    }
    var alert = document.getElementById('navigation-problem') || document.createElement('div');
    alert.id = 'navigation-problem';
    alert.className = 'usa-alert usa-alert--error';
    alert.setAttribute('role', 'alert');
    alert.setAttribute('tabindex', '-1');
    alert.textContent = text;
    if (form && form.parentNode) {
      form.parentNode.insertBefore(alert, form);
    } else {
      main.insertBefore(alert, main.firstChild);
    }
    alert.focus();
  }

  function sameOrigin(url) {
    return new URL(url).origin === location.origin;
  }

  // The address the new page is shown at: the answer's, with the #fragment asked for (fetch drops it).
  function shownAt(response, requested) {
    var url = new URL(response.url);
    if (!url.hash && requested.hash && url.pathname === requested.pathname && url.search === requested.search) {
      url.hash = requested.hash;
    }
    return url.href;
  }

  // `unsent` runs only for a GET that got no answer; a form's POST is never sent a second time
  // (the server may have acted on it before the connection dropped).
  function navigate(request, options) {
    var number = ++latest;
    var requested = new URL(request.url);
    var isGet = request.method === 'GET';
    var form = options.form;
    var busy = form || document.getElementById('main-content');
    if (busy) {
      busy.setAttribute('aria-busy', 'true');
    }
    function done() {
      if (busy) {
        busy.removeAttribute('aria-busy');
      }
    }
    return fetch(request).then(function (response) {
      if (!sameOrigin(response.url)) {
        // Never expected (the server only redirects within the site), but if it happens the
        // browser goes there itself, as it would without scripts.
        window.location.assign(response.url);
        return;
      }
      // A POST's answer that is not a redirect has no address of its own to show or load again.
      var loadable = isGet || response.redirected;
      return response.text().then(function (text) {
        if (number !== latest) {
          return;
        }
        if (!isHtml(response)) {
          if (isGet) {
            // A download or another kind of file: the browser's own navigation handles it.
            window.location.assign(response.url);
          } else {
            showProblem(form, 'data-not-completed');
          }
          return;
        }
        var doc = new DOMParser().parseFromString(text, 'text/html');
        if (bundleOf(doc) !== bundleOf(document) && loadable) {
          // Another deploy: its page needs its own bundle.
          window.location.assign(response.url);
          return;
        }
        if (!loadable) {
          showProblem(form, 'data-not-completed');
          return;
        }
        var url = shownAt(response, requested);
        try {
          show(doc, url, options.replace);
          if (form) {
            keepTypedValues(form, form.action);
          }
          if (!options.quiet) {
            focusNewPage(url);
          }
        } catch (error) {
          console.error(error);
          window.location.assign(url);
        }
      });
    }, function () {
      if (number !== latest) {
        return;
      }
      if (isGet) {
        window.location.assign(request.url);
      } else {
        showProblem(form, 'data-not-sent');
      }
    }).then(done, done);
  }

  function linkToFollow(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return null;
    }
    if (leavesAsNewDocument()) {
      return null;
    }
    var link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) {
      return null;
    }
    if ((link.getAttribute('rel') || '').split(/\s+/).indexOf('external') >= 0) {
      return null;
    }
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
      return null;
    }
    if (url.pathname + url.search === shown && url.hash) {
      // Only the fragment changes: the browser scrolls to it.
      return null;
    }
    return url;
  }

  document.addEventListener('click', function (event) {
    var url = linkToFollow(event);
    if (!url) {
      return;
    }
    event.preventDefault();
    navigate(new Request(url.href, { headers: { Accept: 'text/html' } }), {});
  });

  // A page marked [data-new-document] is left by the browser's own navigation: its document's
  // Referrer-Policy (no-referrer, for a token in its address) would otherwise stay with every page
  // swapped in after it.
  function leavesAsNewDocument() {
    return document.body.querySelector('[data-new-document]') !== null;
  }

  document.addEventListener('submit', function (event) {
    if (event.defaultPrevented) {
      // An island handles this form itself.
      return;
    }
    var form = event.target;
    var submitter = event.submitter || null;
    var method = ((submitter && submitter.getAttribute('formmethod')) || form.getAttribute('method') || 'get').toLowerCase();
    var action = new URL((submitter && submitter.getAttribute('formaction')) || form.action, location.href);
    if ((method !== 'get' && method !== 'post') || action.origin !== location.origin || (form.target && form.target !== '_self')) {
      return;
    }
    if (leavesAsNewDocument()) {
      return;
    }
    var data;
    try {
      data = new FormData(form, submitter);
    } catch (error) {
      data = new FormData(form);
    }
    var init = { method: method.toUpperCase(), headers: { Accept: 'text/html' } };
    if (method === 'get') {
      action.search = new URLSearchParams(data).toString();
    } else {
      init.body = (form.enctype === 'multipart/form-data') ? data : new URLSearchParams(data);
    }
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      // Already on its way: a second press must not send it twice.
      return;
    }
    navigate(new Request(action.href, init), { form: form });
  });

  // The live-updates island asks for the page on show again when the server says it changed: it is
  // fetched and put in place like a navigation, without moving focus or scroll.
  // A page whose form is being filled in is left alone (what was typed would be lost); the change
  // shows on the next navigation.
  window.addEventListener('caseport:refresh', function () {
    var active = document.activeElement;
    if (active && active.form) {
      return;
    }
    navigate(new Request(location.href, { headers: { Accept: 'text/html' } }), { replace: true, quiet: true });
  });

  // On a page about something else, only its counts change: each element with `data-live-count`
  // asks the server function named in `data-live-count-from` for its number and writes it into its
  // `data-live-count-text` ("{n} unread"). Nothing else on the page moves (focus, scroll, what is
  // typed). Only the answers to the newest request are used, so a late answer cannot undo a newer one.
  var countsAsked = 0;
  window.addEventListener('caseport:refresh-counts', function () {
    var number = ++countsAsked;
    var counts = document.querySelectorAll('[data-live-count][data-live-count-from][data-live-count-text]');
    Array.prototype.forEach.call(counts, function (element) {
      var from = new URL(element.getAttribute('data-live-count-from'), location.href);
      if (from.origin !== location.origin) {
        return;
      }
      fetch(from.href, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: '',
        credentials: 'same-origin',
        redirect: 'error',
      }).then(function (response) {
        return response.ok && (response.headers.get('Content-Type') || '').indexOf('application/json') === 0 ? response.json() : null;
      }).then(function (count) {
        if (number !== countsAsked || !element.isConnected || !Number.isInteger(count) || count < 0) {
          return;
        }
        element.setAttribute('data-live-count', String(count));
        element.textContent = element.getAttribute('data-live-count-text').split('{n}').join(String(count));
      }).catch(function () {
        // Offline, signed out or the server is away: the count is corrected on the next page.
      });
    });
  });

  window.addEventListener('popstate', function () {
    if (location.pathname + location.search === shown) {
      return;
    }
    var url = location.href;
    navigate(new Request(url, { headers: { Accept: 'text/html' } }), { replace: true });
  });
})();
