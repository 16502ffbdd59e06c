/*
 * NOT jQuery: the few pieces of jQuery.ajax that Iamport's guide code uses, so that code runs as
 * published while this project has no jQuery package to serve (and no CDN is reachable offline).
 * What it copies from jQuery 1.x–3.x, because the API under test sees exactly this:
 *  - `data` as an object is sent form-urlencoded (`application/x-www-form-urlencoded; charset=UTF-8`,
 *    spaces as `+`, arrays as `key[]`), through XMLHttpRequest, without credentials;
 *  - `dataType: 'json'` parses the answer, and any 2xx (or 304) counts as success;
 *  - the result has chainable `done`, `fail` and `always`, run in the order they were added (no
 *    `then`: the guide does not use it).
 * A shop that loads the real jQuery needs none of this.
 */
(() => {
  function param(data) {
    if (typeof data === 'string') return data;
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(data ?? {})) {
      if (Array.isArray(value)) for (const item of value) form.append(`${key}[]`, String(item ?? ''));
      else if (value !== undefined) form.append(key, value === null ? '' : String(value));
    }
    return form.toString();
  }

  function ajax(settings) {
    const handlers = { done: [], fail: [], always: [] };
    let settled = null;
    const xhr = new XMLHttpRequest();
    const jqXHR = {
      readyState: 0,
      status: 0,
      statusText: '',
      responseText: '',
      responseJSON: undefined,
      done: (fn) => add('done', fn),
      fail: (fn) => add('fail', fn),
      always: (fn) => add('always', fn),
    };

    function add(kind, fn) {
      if (typeof fn !== 'function') return jqXHR;
      if (settled === null) handlers[kind].push(fn);
      else if (kind === 'always' || kind === settled.kind) fn(...settled.args);
      return jqXHR;
    }

    function settle(kind, args) {
      settled = { kind, args };
      for (const fn of handlers[kind]) fn(...args);
      for (const fn of handlers.always) fn(...args);
    }

    const method = String(settings.type ?? settings.method ?? 'GET').toUpperCase();
    const body = settings.data === undefined ? '' : param(settings.data);
    let url = settings.url ?? location.href;
    if ((method === 'GET' || method === 'HEAD') && body !== '') url += (url.includes('?') ? '&' : '?') + body;
    xhr.open(method, url, true);
    if (settings.dataType === 'json')
      xhr.setRequestHeader('Accept', 'application/json, text/javascript, */*; q=0.01');
    if (method !== 'GET' && method !== 'HEAD' && body !== '') {
      xhr.setRequestHeader(
        'Content-Type',
        settings.contentType ?? 'application/x-www-form-urlencoded; charset=UTF-8',
      );
    }
    xhr.onload = () => {
      Object.assign(jqXHR, { readyState: 4, status: xhr.status, statusText: xhr.statusText });
      jqXHR.responseText = xhr.responseText;
      const ok = (xhr.status >= 200 && xhr.status < 300) || xhr.status === 304;
      let data = xhr.responseText;
      try {
        if (settings.dataType === 'json' || /json/i.test(xhr.getResponseHeader('content-type') ?? '')) {
          data = JSON.parse(xhr.responseText);
          jqXHR.responseJSON = data;
        }
      } catch (error) {
        settle('fail', [jqXHR, 'parsererror', error]);
        return;
      }
      if (ok) settle('done', [data, 'success', jqXHR]);
      else settle('fail', [jqXHR, 'error', xhr.statusText]);
    };
    xhr.onerror = () => {
      Object.assign(jqXHR, { readyState: 4, status: 0, statusText: 'error' });
      settle('fail', [jqXHR, 'error', '']);
    };
    xhr.send(method === 'GET' || method === 'HEAD' || body === '' ? null : body);
    return jqXHR;
  }

  function jQuery() {
    throw new Error('This page loads a jQuery.ajax shim, not jQuery: only jQuery.ajax is available.');
  }
  jQuery.ajax = ajax;
  jQuery.param = param;
  window.jQuery = jQuery;
  window.$ = jQuery;
})();
