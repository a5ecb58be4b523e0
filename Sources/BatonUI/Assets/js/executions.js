// Baton UI: the Executions list — search, server-side paging and sorting, bulk signals.
'use strict';

(function () {
  const { h, replace, api, fmtTime, fmtDuration, toMillis, badge, openDialog, toast, showError, hideError, setHashParams, WORKFLOW_STATUSES } = Baton;

  const SORTABLE = { startTime: 'Start time', workflowType: 'Name', version: 'Version', workflowId: 'Workflow ID', status: 'Status', endTime: 'End time' };

  /** Bulk actions: label, endpoint, method, query and what it does (shown in the confirmation). */
  const BULK = [
    { key: 'pause', label: 'Pause', method: 'PUT', path: '/workflow/bulk/pause', explain: 'Running workflows stop handing out new tasks until resumed; tasks already in progress may finish.' },
    { key: 'resume', label: 'Resume', method: 'PUT', path: '/workflow/bulk/resume', explain: 'Paused workflows continue where they stopped.' },
    { key: 'restart', label: 'Restart (current definitions)', method: 'POST', path: '/workflow/bulk/restart', query: { useLatestDefinitions: 'false' }, explain: 'Ended workflows start again from the beginning, same ids and input, with the definition each ran with.' },
    { key: 'restart-latest', label: 'Restart (latest definitions)', method: 'POST', path: '/workflow/bulk/restart', query: { useLatestDefinitions: 'true' }, explain: 'Ended workflows start again from the beginning, same ids and input, with the latest version of their definition.' },
    { key: 'retry', label: 'Retry', method: 'POST', path: '/workflow/bulk/retry', explain: 'Failed, timed-out or terminated workflows retry their last failed task; earlier attempts are kept, marked CANCELED.' },
    { key: 'terminate', label: 'Terminate', method: 'POST', path: '/workflow/bulk/terminate', danger: true, reason: true, explain: 'Running or paused workflows end as TERMINATED; their pending tasks are canceled.' },
  ];

  function readFilters(params) {
    return {
      names: params.get('names') || '',
      statuses: (params.get('status') || '').split(',').filter(Boolean),
      correlationId: params.get('correlationId') || '',
      workflowId: params.get('workflowId') || '',
      from: params.get('from') || '',
      to: params.get('to') || '',
      freeText: params.get('q') || '',
      sort: params.get('sort') || 'startTime:DESC',
      start: Number(params.get('start') || 0),
      size: Number(params.get('size') || 25),
    };
  }
  function filtersToParams(f) {
    const params = new URLSearchParams();
    if (f.names) params.set('names', f.names);
    if (f.statuses.length) params.set('status', f.statuses.join(','));
    if (f.correlationId) params.set('correlationId', f.correlationId);
    if (f.workflowId) params.set('workflowId', f.workflowId);
    if (f.from) params.set('from', f.from);
    if (f.to) params.set('to', f.to);
    if (f.freeText) params.set('q', f.freeText);
    if (f.sort !== 'startTime:DESC') params.set('sort', f.sort);
    if (f.start) params.set('start', f.start);
    if (f.size !== 25) params.set('size', f.size);
    return params;
  }
  const quote = (value) => "'" + value.replace(/'/g, '') + "'";
  /** Builds Conductor's structured query from the filters. */
  function buildQuery(f) {
    const clauses = [];
    const names = f.names.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length) clauses.push(`workflowType IN (${names.join(',')})`);
    if (f.statuses.length) clauses.push(`status IN (${f.statuses.join(',')})`);
    if (f.correlationId) clauses.push(`correlationId=${quote(f.correlationId.trim())}`);
    if (f.workflowId) clauses.push(`workflowId=${quote(f.workflowId.trim())}`);
    if (f.from && !isNaN(Date.parse(f.from))) clauses.push(`startTime>${Date.parse(f.from)}`);
    if (f.to && !isNaN(Date.parse(f.to))) clauses.push(`startTime<${Date.parse(f.to)}`);
    return clauses.join(' AND ');
  }

  function render(root, route) {
    const f = readFilters(route.params);
    const selected = new Set();
    let results = [];
    let total = 0;

    const nameInput = h('input', { type: 'text', id: 'f-names', value: f.names, list: 'f-names-list', placeholder: 'any (comma-separated)', autocomplete: 'off' });
    const nameList = h('datalist', { id: 'f-names-list' });
    api('GET', '/metadata/workflow/names').then((names) => replace(nameList, (names || []).map((n) => h('option', { value: n })))).catch(() => {});
    const statusChecks = WORKFLOW_STATUSES.map((status) => h('label', {},
      h('input', { type: 'checkbox', name: 'status', value: status, checked: f.statuses.includes(status) }), status.replace('_', ' ')));
    const correlationInput = h('input', { type: 'text', id: 'f-correlation', value: f.correlationId });
    const idInput = h('input', { type: 'text', id: 'f-workflow-id', value: f.workflowId });
    const fromInput = h('input', { type: 'datetime-local', id: 'f-from', value: f.from, step: 1 });
    const toInput = h('input', { type: 'datetime-local', id: 'f-to', value: f.to, step: 1 });
    const freeInput = h('input', { type: 'search', id: 'f-free', value: f.freeText, placeholder: 'search ids, names, input…' });

    const applyFilters = (event) => {
      if (event) event.preventDefault();
      f.names = nameInput.value.trim();
      f.statuses = statusChecks.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      f.correlationId = correlationInput.value.trim();
      f.workflowId = idInput.value.trim();
      f.from = fromInput.value;
      f.to = toInput.value;
      f.freeText = freeInput.value.trim();
      f.start = 0;
      load();
    };
    const resetFilters = () => {
      nameInput.value = ''; correlationInput.value = ''; idInput.value = ''; fromInput.value = ''; toInput.value = ''; freeInput.value = '';
      statusChecks.forEach((l) => { l.querySelector('input').checked = false; });
      applyFilters();
    };
    const form = h('form', { class: 'card', onsubmit: applyFilters, 'aria-label': 'Search executions' },
      h('div', { class: 'filters' },
        h('div', { class: 'field' }, h('label', { for: 'f-names' }, 'Workflow name'), nameInput, nameList),
        h('div', { class: 'field' }, h('label', { for: 'f-workflow-id' }, 'Workflow ID'), idInput),
        h('div', { class: 'field' }, h('label', { for: 'f-correlation' }, 'Correlation ID'), correlationInput),
        h('div', { class: 'field' }, h('label', { for: 'f-free' }, 'Free text'), freeInput),
        h('div', { class: 'field' }, h('label', { for: 'f-from' }, 'Started after'), fromInput),
        h('div', { class: 'field' }, h('label', { for: 'f-to' }, 'Started before'), toInput),
        h('fieldset', { class: 'field', style: 'border:none;padding:0;margin:0;grid-column:span 2;min-width:0' },
          h('legend', { style: 'font-size:12.5px;color:var(--muted);font-weight:500;padding:0;margin-bottom:3px' }, 'Status'),
          h('div', { class: 'status-checks' }, statusChecks)),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'primary', 'data-role': 'search' }, 'Search'),
          h('button', { type: 'button', onclick: resetFilters }, 'Reset'))));

    const bulkCount = h('strong', {}, '0 selected');
    const bulkButtons = BULK.map((action) => h('button', {
      type: 'button', class: 'small' + (action.danger ? ' danger' : ''), 'data-bulk': action.key, onclick: () => runBulk(action),
    }, action.label));
    const bulkbar = h('div', { class: 'bulkbar', hidden: true, role: 'toolbar', 'aria-label': 'Bulk actions' },
      bulkCount, h('span', { class: 'muted' }, '→'), bulkButtons,
      h('button', { type: 'button', class: 'link small', onclick: () => { selected.clear(); renderTable(); } }, 'Clear selection'));

    const summary = h('span', { class: 'muted', 'data-role': 'result-count' });
    const tableHolder = h('div', { class: 'table-wrap' });
    const pager = h('div', { class: 'pager' });
    const refreshButton = h('button', { type: 'button', onclick: () => load(), 'data-role': 'refresh' }, '↻ Refresh');

    replace(root,
      h('div', { class: 'page-head' }, h('h1', {}, 'Executions'), summary, h('span', { class: 'spacer' }), refreshButton,
        h('a', { class: 'btn primary', href: '#/run' }, '▶ Run workflow')),
      form, bulkbar, h('div', { style: 'margin-top:12px' }, tableHolder), pager);

    function sortHeader(field) {
      const [current, dir] = f.sort.split(':');
      const active = current === field;
      const arrow = active ? (dir === 'ASC' ? '▲' : '▼') : '↕';
      return h('th', { scope: 'col', 'aria-sort': active ? (dir === 'ASC' ? 'ascending' : 'descending') : 'none', class: ['startTime', 'endTime', 'version'].includes(field) ? '' : '' },
        h('button', {
          type: 'button', class: 'sort', 'data-sort': field, onclick: () => {
            f.sort = field + ':' + (active && dir === 'DESC' ? 'ASC' : 'DESC');
            f.start = 0;
            load();
          },
        }, SORTABLE[field], h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow)));
    }

    function renderTable() {
      bulkbar.hidden = selected.size === 0;
      bulkCount.textContent = `${selected.size} selected`;
      if (!results.length) {
        replace(tableHolder, h('div', { class: 'empty' }, 'No executions match. ', h('a', { href: '#/run' }, 'Run a workflow')));
        replace(pager);
        return;
      }
      const allChecked = results.every((r) => selected.has(r.workflowId));
      const headCheck = h('input', {
        type: 'checkbox', 'aria-label': 'Select all on this page', checked: allChecked, 'data-role': 'select-all',
        onchange: (e) => { results.forEach((r) => (e.target.checked ? selected.add(r.workflowId) : selected.delete(r.workflowId))); renderTable(); },
      });
      const rows = results.map((r) => {
        const check = h('input', {
          type: 'checkbox', 'aria-label': 'Select ' + r.workflowId, checked: selected.has(r.workflowId), 'data-role': 'row-check',
          onchange: (e) => { if (e.target.checked) selected.add(r.workflowId); else selected.delete(r.workflowId); renderTable(); },
        });
        const start = toMillis(r.startTime);
        const end = toMillis(r.endTime);
        const duration = end ? end - start : (r.status === 'RUNNING' || r.status === 'PAUSED' ? Date.now() - start : 0);
        return h('tr', { class: selected.has(r.workflowId) ? 'selected' : '', 'data-workflow-id': r.workflowId },
          h('td', { class: 'check' }, check),
          h('td', { class: 'nowrap' }, fmtTime(r.startTime)),
          h('td', {}, r.workflowType),
          h('td', {}, String(r.version)),
          h('td', { class: 'mono' }, h('a', { href: '#/execution/' + encodeURIComponent(r.workflowId) }, r.workflowId)),
          h('td', { class: 'hide-narrow' }, r.correlationId || ''),
          h('td', {}, badge(r.status)),
          h('td', { class: 'nowrap hide-narrow' }, fmtTime(r.endTime)),
          h('td', { class: 'nowrap' }, duration ? fmtDuration(duration) + (end ? '' : ' …') : ''));
      });
      replace(tableHolder, h('table', { class: 'data', 'data-role': 'executions' },
        h('thead', {}, h('tr', {}, h('th', { class: 'check' }, headCheck), sortHeader('startTime'), sortHeader('workflowType'), sortHeader('version'),
          sortHeader('workflowId'), h('th', { class: 'hide-narrow' }, 'Correlation ID'), sortHeader('status'),
          (() => { const th = sortHeader('endTime'); th.classList.add('hide-narrow'); return th; })(), h('th', {}, 'Duration'))),
        h('tbody', {}, rows)));
      const last = Math.min(f.start + results.length, total);
      const sizeSelect = h('select', { 'aria-label': 'Rows per page', onchange: (e) => { f.size = Number(e.target.value); f.start = 0; load(); } },
        [10, 25, 50, 100].map((n) => h('option', { value: n, selected: n === f.size }, `${n} / page`)));
      replace(pager,
        h('span', { class: 'muted', 'data-role': 'page-range' }, `${f.start + 1}–${last} of ${total}`), sizeSelect,
        h('button', { type: 'button', disabled: f.start === 0, 'data-role': 'prev-page', onclick: () => { f.start = Math.max(0, f.start - f.size); load(); } }, '‹ Previous'),
        h('button', { type: 'button', disabled: last >= total, 'data-role': 'next-page', onclick: () => { f.start += f.size; load(); } }, 'Next ›'));
    }

    async function load() {
      setHashParams('/executions', filtersToParams(f));
      summary.textContent = 'Loading…';
      try {
        const reply = await api('GET', '/workflow/search', {
          query: { query: buildQuery(f), freeText: f.freeText || '*', sort: f.sort, start: f.start, size: f.size },
        });
        results = reply.results || [];
        total = reply.totalHits || 0;
        summary.textContent = `${total} execution${total === 1 ? '' : 's'}`;
        hideError();
      } catch (error) {
        results = [];
        total = 0;
        summary.textContent = '';
        showError(error, 'Search failed');
      }
      renderTable();
    }

    async function runBulk(action) {
      const ids = Array.from(selected);
      const reasonInput = action.reason ? h('input', { type: 'text', id: 'bulk-reason', 'data-role': 'reason', placeholder: 'why (recorded with each workflow)', autofocus: true }) : null;
      const confirmed = await openDialog({
        title: `${action.label} ${ids.length} workflow${ids.length === 1 ? '' : 's'}?`,
        danger: action.danger,
        confirmLabel: action.label,
        body: [h('p', {}, action.explain),
          h('p', { class: 'muted' }, `${action.method} /api${action.path}${action.query ? '?' + new URLSearchParams(action.query) : ''}`),
          h('ul', { class: 'result-list mono' }, ids.slice(0, 12).map((id) => h('li', {}, id)), ids.length > 12 ? h('li', {}, `… and ${ids.length - 12} more`) : null),
          reasonInput ? h('div', { class: 'field' }, h('label', { for: 'bulk-reason' }, 'Reason'), reasonInput) : null],
        onConfirm: () => {
          const query = Object.assign({}, action.query || {});
          if (reasonInput && reasonInput.value.trim()) query.reason = reasonInput.value.trim();
          return api(action.method, action.path, { body: ids, query });
        },
      });
      if (!confirmed) return;
      const ok = confirmed.bulkSuccessfulResults || [];
      const failed = Object.entries(confirmed.bulkErrorResults || {});
      await openDialog({
        title: `${action.label}: ${ok.length} succeeded, ${failed.length} failed`,
        confirmLabel: null, cancelLabel: 'Close',
        body: [
          h('div', { 'data-role': 'bulk-result' },
            h('h3', {}, `Succeeded (${ok.length})`),
            ok.length ? h('ul', { class: 'result-list mono', 'data-role': 'bulk-ok' }, ok.map((id) => h('li', {}, h('a', { href: '#/execution/' + id }, String(id))))) : h('p', { class: 'muted' }, 'None.'),
            h('h3', {}, `Failed (${failed.length})`),
            failed.length ? h('ul', { class: 'result-list', 'data-role': 'bulk-failed' }, failed.map(([id, message]) => h('li', {}, h('span', { class: 'mono' }, id), ' — ', h('span', { class: 'error-text' }, message)))) : h('p', { class: 'muted' }, 'None.')),
        ],
      });
      toast(`${action.label}: ${ok.length} succeeded${failed.length ? `, ${failed.length} failed` : ''}`, failed.length ? 'warn' : 'ok');
      selected.clear();
      load();
    }

    load();
    return { dispose() {} };
  }

  Baton.pages = Baton.pages || {};
  Baton.pages.executions = render;
})();
