/*
 * Registers the Caseport service worker (/sw.js, scope /).
 * Loaded as an external script because the Content-Security-Policy forbids inline scripts.
 * The service worker only provides an offline page; it never stores account data.
 */
(function () {
  'use strict';

  if (!('serviceWorker' in navigator)) {
    return;
  }

  function register() {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function (error) {
      // Registration failure only loses the offline page; the site works without it.
      if (window.console && console.warn) {
        console.warn('Caseport: service worker registration failed', error);
      }
    });
  }

  if (document.readyState === 'complete') {
    register();
  } else {
    window.addEventListener('load', register, { once: true });
  }
})();
