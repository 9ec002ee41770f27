// Katalog: progressive enhancement of the server-rendered pages. Every page
// works without this file: the search box submits, the basket buttons post a
// form. With it, the search box suggests as you type (an ARIA 1.2 combobox),
// the basket buttons change the list in place, and the share link copies.
'use strict';

(function () {
  const live = document.getElementById('live');

  // announce tells screen readers (and everyone) what just happened.
  function announce(text) {
    if (!live) return;
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // --- Basket buttons ---------------------------------------------------

  function setCount(n) {
    const el = document.getElementById('basket-count');
    if (el) el.textContent = String(n);
  }

  // markToggles shows every button of variable id on the page as in the
  // basket or not.
  function markToggles(id, inBasket) {
    for (const form of document.querySelectorAll('form.basket-toggle')) {
      if (form.elements.id.value !== id) continue;
      form.elements.op.value = inBasket ? 'remove' : 'add';
      const button = form.querySelector('button');
      button.classList.toggle('in', inBasket);
      button.querySelector('.label').textContent = inBasket ? form.dataset.remove : form.dataset.add;
    }
  }

  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('basket-toggle')) return;
    event.preventDefault();
    const id = form.elements.id.value;
    const adding = form.elements.op.value === 'add';
    const name = form.querySelector('.vh') ? form.querySelector('.vh').textContent.replace(/^:\s*/, '') : id;
    const button = form.querySelector('button');
    button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
        return data;
      });
    }).then(function (data) {
      markToggles(id, data.ids.indexOf(id) >= 0);
      setCount(data.count);
      announce(name + ' ' + (adding ? form.dataset.added : form.dataset.removed) + ' (' + data.count + ')');
    }).catch(function (err) {
      announce(err.message);
    }).finally(function () {
      button.disabled = false;
      button.focus();
    });
  });

  // --- Share link ---------------------------------------------------------

  for (const button of document.querySelectorAll('button.copy[data-copy]')) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener('click', function () {
      input.select();
      const done = function () { announce(button.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand('copy'); done(); });
      } else {
        document.execCommand('copy');
        done();
      }
    });
  }

  // --- Suggestions as you type ----------------------------------------------

  const input = document.querySelector('input[data-suggest]');
  if (!input) return;
  const listId = input.id + '-suggest';
  const list = document.createElement('ul');
  list.id = listId;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', input.labels && input.labels[0] ? input.labels[0].textContent : 'Suggestions');
  list.className = 'suggest';
  list.hidden = true;
  input.parentNode.appendChild(list);
  const hint = document.createElement('span');
  hint.id = input.id + '-hint';
  hint.className = 'vh';
  hint.textContent = input.dataset.hint || '';
  input.parentNode.appendChild(hint);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listId);
  input.setAttribute('aria-describedby', hint.id);

  let items = [];
  let active = -1;
  let timer = 0;
  let pending = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function setActive(i) {
    const options = list.querySelectorAll('[role=option]');
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    active = i;
    if (i < 0) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    options[i].setAttribute('aria-selected', 'true');
    options[i].scrollIntoView({ block: 'nearest' });
    input.setAttribute('aria-activedescendant', options[i].id);
  }

  function choose(i) {
    const s = items[i];
    if (!s) return;
    if (s.count === 1 && s.identifier) {
      window.location.href = (s.type === 'dataset' ? '/datasets/' : '/variables/') + encodeURIComponent(s.identifier);
      return;
    }
    input.value = s.text;
    close();
    input.form.submit();
  }

  function render(suggestions) {
    items = suggestions;
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    suggestions.forEach(function (s, i) {
      const li = document.createElement('li');
      li.id = listId + '-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const text = document.createElement('span');
      text.textContent = s.text;
      li.appendChild(text);
      if (s.count > 1) {
        const n = document.createElement('span');
        n.className = 'n';
        n.textContent = String(s.count);
        li.appendChild(n);
      }
      li.addEventListener('mousedown', function (e) { e.preventDefault(); });
      li.addEventListener('click', function () { choose(i); });
      list.appendChild(li);
    });
    const open = suggestions.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (open) announce(suggestions.length + ' ' + (document.documentElement.lang === 'en' ? 'suggestions' : 'forslag'));
  }

  function fetchSuggestions() {
    const q = input.value.trim();
    if (q.length < 2) {
      render([]);
      return;
    }
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(input.dataset.suggest + '?size=8&q=' + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
      .catch(function () { /* aborted or offline: the form still submits */ });
  }

  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 120);
  });
  input.addEventListener('keydown', function (e) {
    const open = !list.hidden && items.length > 0;
    switch (e.key) {
      case 'ArrowDown':
        if (!open) { fetchSuggestions(); return; }
        e.preventDefault();
        setActive((active + 1) % items.length);
        break;
      case 'ArrowUp':
        if (!open) return;
        e.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
        break;
      case 'Enter':
        if (open && active >= 0) {
          e.preventDefault();
          choose(active);
        }
        break;
      case 'Escape':
        if (open) {
          e.preventDefault();
          close();
        }
        break;
    }
  });
  input.addEventListener('blur', function () { window.setTimeout(close, 150); });
})();
