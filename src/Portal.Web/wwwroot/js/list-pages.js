// The server-rendered list pages (/runs, /leaderboards; no circuit). Their filter forms (form[data-live-form]) submit at
// once when a choice changes and 300 ms after typing stops, to an address with the blank fields left out (the same query
// GET /api/runs and GET /api/leaderboards read), by Blazor's enhanced navigation; the runs list's ticked rows make the
// compare link. Listeners sit on the document, so they serve a page however it was reached.
(() => {
  if (window.portalListPages) return;
  window.portalListPages = true;
  const timers = new WeakMap();

  const liveForm = el => {
    const form = el.form ?? el.closest('form');
    return form && form.hasAttribute('data-live-form') ? form : null;
  };

  const shrink = el => el.closest('.mud-input')?.classList.toggle('mud-shrink', el.value !== '');

  // The runs list's sort is one parameter, sort=[-]key, from the key's select and the direction's switch.
  const syncSort = form => {
    const key = form.querySelector('#sort-key'), descending = form.querySelector('#sort-descending'), value = form.querySelector('[data-sort-value]');
    if (!key || !descending || !value) return;
    value.value = key.value === 'created' && descending.checked ? '' : (descending.checked ? '-' : '') + key.value;
  };

  const address = form => {
    const url = new URL(form.getAttribute('action') || location.pathname, location.href);
    // A field's default (data-default: the page size, the order) is left out as a blank one is.
    const defaults = new Map([...form.elements].filter(el => el.name && el.dataset.default).map(el => [el.name, el.dataset.default]));
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim() !== '' && value !== defaults.get(name)) query.append(name, value.trim());
    }
    url.search = query.toString();
    return url.toString();
  };

  // What was typed since the last submit, by field id. An enhanced navigation writes the new page's fields over the
  // current ones, so text typed into another field while the last filter's page was on its way would be lost: once
  // the page lands, it is put back and submitted in its turn.
  const typed = new Map();
  let watching = false;
  const watchLoads = () => {
    if (watching || !window.Blazor?.addEventListener) return;
    watching = true;
    window.Blazor.addEventListener('enhancedload', () => {
      let form = null;
      for (const [id, value] of typed) {
        const el = document.getElementById(id);
        if (!(el instanceof HTMLInputElement) || el.value === value) continue;
        el.value = value;
        shrink(el);
        form = liveForm(el) ?? form;
      }
      if (form) {
        clearTimeout(timers.get(form));
        timers.set(form, setTimeout(() => submit(form), 300));
      }
    });
  };

  const go = (url, replace) => {
    watchLoads();
    return window.Blazor?.navigateTo ? window.Blazor.navigateTo(url, { replaceHistoryEntry: replace }) : (replace ? location.replace(url) : location.assign(url));
  };

  const submit = form => {
    clearTimeout(timers.get(form));
    typed.clear();
    syncSort(form);
    const url = address(form);
    if (url !== location.href) go(url, true);
  };

  // Capture phase: ahead of Blazor's own handling of the form, which would keep the blank fields in the address.
  document.addEventListener('submit', e => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-live-form')) return;
    e.preventDefault();
    submit(form);
  }, true);

  document.addEventListener('input', e => {
    const el = e.target;
    if (!(el instanceof HTMLInputElement) || el.dataset.live !== 'text') return;
    shrink(el);
    const form = liveForm(el);
    if (!form) return;
    if (el.id) typed.set(el.id, el.value);
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(() => submit(form), 300));
  });

  document.addEventListener('change', e => {
    const el = e.target;
    if (!(el instanceof HTMLElement)) return;
    if (el.classList.contains('run-tick')) {
      updateCompare();
      return;
    }
    if (el.dataset.live !== 'select') return;
    if (el.id === 'sort-descending') {
      el.closest('.mud-switch-base')?.classList.toggle('mud-checked', el.checked);
      const label = el.closest('label')?.querySelector('[data-on]');
      if (label) label.textContent = el.checked ? label.dataset.on : label.dataset.off;
    } else if (el instanceof HTMLSelectElement) {
      shrink(el);
    }
    const form = liveForm(el);
    if (form) submit(form);
  });

  // Compare: /compare?runs=ID,ID,… from the ticked rows, enabled from two.
  const ticked = () => [...document.querySelectorAll('.run-tick:checked')].map(b => b.value);
  function updateCompare() {
    const button = document.getElementById('compare-selected');
    if (!button) return;
    const ids = ticked();
    button.disabled = ids.length < 2;
    const text = button.querySelector('.compare-text');
    if (text) text.textContent = ids.length >= 2 ? button.dataset.compareLabel.replace('{0}', ids.length) : button.dataset.compareNone;
    document.getElementById('compare-hint')?.setAttribute('title', ids.length < 2 ? 'Tick two or more runs to compare them' : '');
  }
  document.addEventListener('click', e => {
    const button = e.target instanceof Element ? e.target.closest('#compare-selected') : null;
    if (!button || button.disabled) return;
    const ids = ticked();
    if (ids.length >= 2) go('/compare?runs=' + ids.join(','), false);
  });
  window.Blazor?.addEventListener?.('enhancedload', updateCompare);
  window.addEventListener('pageshow', updateCompare);
})();
