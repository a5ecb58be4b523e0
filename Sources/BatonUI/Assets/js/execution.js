// Baton UI: one workflow execution — header, actions menu, Diagram / Task list / Timeline / Input-Output /
// JSON / Events tabs, the task panel (attempts, Update task, Re-Run from Task), live by short polling.
'use strict';

(function () {
  const {
    h, clear, replace, api, fmtTime, fmtDuration, badge, jsonView, jsonEditor, openDialog, toast, showError, hideError,
    setHashParams, navigate, copyButton, TERMINAL_WORKFLOW, TERMINAL_TASK,
  } = Baton;

  const TABS = [
    ['diagram', 'Diagram'], ['tasks', 'Task list'], ['timeline', 'Timeline'], ['io', 'Input / Output'],
    ['json', 'JSON'], ['events', 'Events'],
  ];
  const PANEL_TABS = [['summary', 'Summary'], ['input', 'Input'], ['output', 'Output'], ['logs', 'Logs'], ['json', 'JSON'], ['definition', 'Definition']];
  const UPDATE_STATUSES = ['COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR'];
  const POLL_ACTIVE_MS = Number(localStorage.getItem('baton.pollMs')) || 2000;
  const POLL_ENDED_MS = 8000;

  function render(root, route) {
    const id = route.parts[1];
    const state = {
      id, workflow: null, signature: '', tab: route.params.get('tab') || 'diagram',
      selectedRef: route.params.get('task') || null, selectedTaskId: route.params.get('attempt') || null,
      panelTab: 'summary', drafts: {}, timer: null, disposed: false, scale: 1, taskFilter: '', events: null, parentStatus: null,
      panelSignature: '', lastUpdated: 0, menuOpen: false,
    };

    const headEl = h('div', { 'data-role': 'exec-head' });
    const tabButtons = TABS.map(([key, label]) => h('button', {
      type: 'button', role: 'tab', id: 'tab-' + key, 'data-tab': key, 'aria-controls': 'tabpanel',
      onclick: () => selectTab(key),
    }, label));
    const tabBar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Execution views', onkeydown: tabKeys(tabButtons) }, tabButtons);
    const tabPanel = h('div', { class: 'tabpanel', id: 'tabpanel', role: 'tabpanel' });
    const mainCol = h('div', { class: 'card', style: 'min-width:0' }, tabBar, tabPanel);
    const panelEl = h('aside', { class: 'panel', 'aria-label': 'Task details', 'data-role': 'task-panel', hidden: true });
    const body = h('div', { class: 'exec-body no-panel' }, mainCol, panelEl);
    replace(root, h('div', { class: 'card' }, headEl), body);

    // ---- data -----------------------------------------------------------------------------------

    async function refresh(force) {
      if (state.disposed) return;
      clearTimeout(state.timer);
      try {
        const workflow = await api('GET', '/workflow/' + encodeURIComponent(id), { query: { includeTasks: 'true' } });
        // The parent's status too: a retry, restart or rerun of this workflow revives its ancestors.
        const parent = workflow.parentWorkflowId
          ? await api('GET', '/workflow/' + encodeURIComponent(workflow.parentWorkflowId), { query: { includeTasks: 'false' } }).catch(() => null)
          : null;
        if (state.disposed) return;
        state.lastUpdated = Date.now();
        state.parentStatus = parent ? parent.status : null;
        const signature = JSON.stringify(workflow) + (state.parentStatus || '');
        if (force || signature !== state.signature) {
          state.signature = signature;
          state.workflow = workflow;
          update();
        } else {
          renderLive();
        }
        if (state.tab === 'events') loadEvents();
      } catch (error) {
        if (state.disposed) return;
        if (!state.workflow) {
          replace(headEl, h('h1', {}, 'Execution not found'), h('p', { class: 'error-text', 'data-role': 'error-message' }, error.message));
          return;
        }
        renderLive(error);
      }
      schedule();
    }
    function schedule() {
      if (state.disposed) return;
      clearTimeout(state.timer);
      const active = state.workflow && !TERMINAL_WORKFLOW.has(state.workflow.status);
      state.timer = setTimeout(() => {
        if (document.hidden) schedule(); else refresh();
      }, active ? POLL_ACTIVE_MS : POLL_ENDED_MS);
    }

    function update() {
      state.defRefs = null;
      renderHead();
      renderTab();
      renderPanel();
    }

    // ---- header and actions -----------------------------------------------------------------------

    const liveEl = h('span', { class: 'live', 'data-role': 'live' }, h('span', { class: 'dot' }), h('span', { class: 'txt' }));
    function renderLive(error) {
      const active = state.workflow && !TERMINAL_WORKFLOW.has(state.workflow.status);
      liveEl.classList.toggle('on', !!active && !error);
      liveEl.querySelector('.txt').textContent = error ? 'connection lost — retrying' :
        (active ? 'Live · updated ' : 'Ended · checked ') + fmtTime(state.lastUpdated).slice(11);
      const durationEl = headEl.querySelector('[data-role=duration]');
      if (durationEl && active) durationEl.textContent = fmtDuration(Date.now() - state.workflow.createTime) + ' so far';
    }

    function renderHead() {
      // An open Actions menu stays as the user opened it; the header catches up when it closes.
      if (state.menu && !state.menu.menu.hidden) { state.headStale = true; return; }
      state.headStale = false;
      const wf = state.workflow;
      const duration = (wf.endTime || Date.now()) - wf.createTime;
      const children = wf.tasks.filter((t) => t.subWorkflowId);
      const actionsButton = h('button', {
        type: 'button', class: 'primary', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-role': 'actions',
        onclick: () => toggleMenu(),
      }, 'Actions ▾');
      const menu = h('div', { class: 'menu', role: 'menu', hidden: true, 'data-role': 'actions-menu', onkeydown: menuKeys });
      const menuWrap = h('div', { class: 'menu-wrap' }, actionsButton, menu);
      const meta = [
        ['Workflow ID', h('span', { class: 'mono', 'data-role': 'workflow-id' }, wf.workflowId), copyButton(wf.workflowId, 'workflow id')],
        ['Correlation ID', wf.correlationId || '—'],
        ['Started', fmtTime(wf.createTime, true)],
        ['Ended', fmtTime(wf.endTime, true) || '—'],
        ['Duration', h('span', { 'data-role': 'duration' }, fmtDuration(duration) + (wf.endTime ? '' : ' so far'))],
        ['Updated', fmtTime(wf.updateTime, true)],
      ];
      if (wf.parentWorkflowId) {
        meta.push(['Parent workflow', [h('a', { href: '#/execution/' + wf.parentWorkflowId, class: 'mono' }, wf.parentWorkflowId),
          state.parentStatus ? [' ', h('span', { 'data-role': 'parent-status' }, badge(state.parentStatus))] : null]]);
      }
      if (children.length) meta.push(['Child workflows', children.map((t, i) => [i ? ', ' : '', h('a', { href: '#/execution/' + t.subWorkflowId, class: 'mono' }, t.referenceTaskName)])]);
      if (wf.reRunFromWorkflowId && wf.reRunFromWorkflowId !== wf.workflowId) meta.push(['Re-run of', h('a', { href: '#/execution/' + wf.reRunFromWorkflowId, class: 'mono' }, wf.reRunFromWorkflowId)]);
      if (wf.idempotencyKey) meta.push(['Idempotency key', wf.idempotencyKey]);
      if (wf.priority) meta.push(['Priority', String(wf.priority)]);
      if (wf.createdBy) meta.push(['Created by', wf.createdBy]);
      replace(headEl,
        h('div', { class: 'exec-head' },
          h('h1', {}, h('a', { href: '#/definitions/workflow/' + encodeURIComponent(wf.workflowName) + '?version=' + wf.workflowVersion, title: 'Open the definition' }, wf.workflowName),
            h('span', { class: 'muted', style: 'font-weight:400' }, ' v' + wf.workflowVersion)),
          h('span', { 'data-role': 'workflow-status' }, badge(wf.status)),
          liveEl,
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', onclick: () => refresh(true), title: 'Refresh now' }, '↻'),
          menuWrap),
        h('dl', { class: 'meta' }, meta.map(([k, ...v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
        wf.reasonForIncompletion ? h('div', { class: 'reason', 'data-role': 'reason' }, wf.reasonForIncompletion) : null);
      renderLive();
      state.menu = { button: actionsButton, menu };
    }

    function toggleMenu(open) {
      const { button, menu } = state.menu;
      const show = open === undefined ? menu.hidden : open;
      if (show) {
        replace(menu, actionsFor(state.workflow).map((item) => item === '-' ? h('hr') : h('button', {
          type: 'button', role: 'menuitem', class: item.danger ? 'danger-item' : '', 'data-action': item.key,
          onclick: () => { toggleMenu(false); item.run(); },
        }, h('span', {}, item.label), h('span', { class: 'sub' }, item.sub))));
        menu.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        const first = menu.querySelector('button');
        if (first) first.focus();
        setTimeout(() => document.addEventListener('click', outside), 0);
      } else {
        menu.hidden = true;
        button.setAttribute('aria-expanded', 'false');
        document.removeEventListener('click', outside);
        if (state.headStale) renderHead();
      }
    }
    function outside(event) {
      if (state.menu && !state.menu.menu.contains(event.target) && event.target !== state.menu.button) toggleMenu(false);
    }
    function menuKeys(event) {
      const items = Array.from(state.menu.menu.querySelectorAll('button'));
      const index = items.indexOf(document.activeElement);
      if (event.key === 'Escape') { event.preventDefault(); toggleMenu(false); state.menu.button.focus(); }
      else if (event.key === 'ArrowDown') { event.preventDefault(); items[(index + 1) % items.length].focus(); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); items[(index - 1 + items.length) % items.length].focus(); }
    }

    /** What the Actions menu offers for the workflow's status (Conductor's rules, plus rerun in place). */
    function actionsFor(wf) {
      const status = wf.status;
      const terminal = TERMINAL_WORKFLOW.has(status);
      const restartable = !wf.workflowDefinition || wf.workflowDefinition.restartable !== false;
      const retryable = wf.tasks.some((t) => !t.retried && ['FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED'].includes(t.status));
      const failedSub = wf.tasks.some((t) => t.taskType === 'SUB_WORKFLOW' && !t.retried && ['FAILED', 'TIMED_OUT', 'CANCELED', 'FAILED_WITH_TERMINAL_ERROR'].includes(t.status));
      const path = '/workflow/' + encodeURIComponent(wf.workflowId);
      const items = [];
      if (status === 'RUNNING') items.push(signal('pause', 'Pause', 'Hold new tasks until resumed; running tasks may finish.', 'PUT', path + '/pause'));
      if (status === 'PAUSED') items.push(signal('resume', 'Resume', 'Continue where it stopped; held tasks are handed out.', 'PUT', path + '/resume'));
      if (terminal && (status !== 'COMPLETED' || restartable)) {
        items.push(signal('restart', 'Restart with current definitions', `Start again from the beginning, same id and input, with the definition it ran with (v${wf.workflowVersion}).`, 'POST', path + '/restart', { useLatestDefinitions: 'false' }));
        items.push(signal('restart-latest', 'Restart with latest definitions', 'Start again from the beginning, same id and input, with the latest version of the definition.', 'POST', path + '/restart', { useLatestDefinitions: 'true' }));
      }
      if (['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(status) && (retryable || status === 'TIMED_OUT')) {
        items.push(signal('retry', 'Retry – from failed task', 'Run the last failed task again; the failed attempt stays in the history, marked CANCELED.', 'POST', path + '/retry', { resumeSubworkflowTasks: 'false' }));
      }
      if (['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(status) && failedSub) {
        items.push(signal('retry-subworkflow', 'Retry – resume sub-workflow', 'Retry the failed sub-workflow itself from its failed task, instead of starting a new child.', 'POST', path + '/retry', { resumeSubworkflowTasks: 'true' }));
      }
      items.push('-');
      items.push({ key: 'rerun-new', label: 'Re-run workflow', sub: 'Open Run Workflow prefilled with this input, correlation id and task-to-domain to start a NEW execution.', run: () => navigate('#/run?from=' + encodeURIComponent(wf.workflowId)) });
      if (terminal) items.push({ key: 'rerun-in-place', label: 'Rerun in place', sub: 'Run this execution again from the start under the same id, optionally with new input.', run: () => rerunInPlace(wf) });
      if (!terminal || status === 'FAILED' || status === 'TIMED_OUT') {
        items.push('-');
        items.push({ key: 'terminate', label: 'Terminate', sub: 'End it now as TERMINATED; pending tasks are canceled.', danger: true, run: () => terminate(wf) });
      }
      return items;
    }

    function signal(key, label, sub, method, path, query) {
      return {
        key, label, sub,
        run: () => confirmAndRun({
          title: `${label}?`, explain: sub, method, path, query, confirmLabel: label.replace(/ –.*/, ''),
          done: `${label}: done`,
        }),
      };
    }

    async function confirmAndRun(spec) {
      const queryText = spec.query ? '?' + new URLSearchParams(spec.query) : '';
      const result = await openDialog({
        title: spec.title, danger: spec.danger, confirmLabel: spec.confirmLabel,
        body: [h('p', {}, spec.explain), spec.extra || null,
          h('p', { class: 'muted mono', style: 'font-size:12px' }, `${spec.method} /api${spec.path}${queryText}`)],
        onConfirm: () => {
          const options = { query: spec.query };
          if (spec.body) { const body = spec.body(); if (body !== undefined) options.body = body; }
          return api(spec.method, spec.path, options).then((reply) => reply === null ? true : reply);
        },
      });
      if (result) {
        toast(spec.done);
        hideError();
        await refresh(true);
      }
      return result;
    }

    function terminate(wf) {
      const reason = h('input', { type: 'text', id: 'terminate-reason', 'data-role': 'reason', placeholder: 'recorded as the reason for incompletion', autofocus: true });
      return confirmAndRun({
        title: 'Terminate this workflow?', danger: true, confirmLabel: 'Terminate',
        explain: 'The workflow ends as TERMINATED and its scheduled or in-progress tasks are canceled. Its failure workflow, if any, is not started.',
        extra: h('div', { class: 'field' }, h('label', { for: 'terminate-reason' }, 'Reason (optional)'), reason),
        method: 'DELETE', path: '/workflow/' + encodeURIComponent(wf.workflowId),
        get query() { return reason.value.trim() ? { reason: reason.value.trim() } : undefined; },
        done: 'Terminated',
      });
    }

    function rerunInPlace(wf) {
      const input = jsonEditor({ id: 'rerun-input', label: 'Workflow input', value: wf.input || {}, rows: 8, requireObject: true, role: 'rerun-workflow-input' });
      const correlation = h('input', { type: 'text', id: 'rerun-correlation', value: wf.correlationId || '' });
      const domains = jsonEditor({ id: 'rerun-domains', label: 'Task to domain', value: wf.taskToDomain || {}, rows: 3, requireObject: true, allowBlank: true });
      return confirmAndRun({
        title: 'Rerun in place?', confirmLabel: 'Rerun',
        explain: 'Runs this execution again from the beginning under the same workflow id. Its current tasks are replaced.',
        extra: [input.root, h('div', { class: 'field' }, h('label', { for: 'rerun-correlation' }, 'Correlation ID'), correlation), domains.root],
        method: 'POST', path: '/workflow/' + encodeURIComponent(wf.workflowId) + '/rerun',
        body: () => {
          const parsed = input.read();
          if (parsed.error) throw new Error('Workflow input: ' + parsed.error);
          const parsedDomains = domains.read();
          if (parsedDomains.error) throw new Error('Task to domain: ' + parsedDomains.error);
          const body = { reRunFromWorkflowId: wf.workflowId, workflowInput: parsed.value };
          if (correlation.value.trim()) body.correlationId = correlation.value.trim();
          if (parsedDomains.value) body.taskToDomain = parsedDomains.value;
          return body;
        },
        done: 'Rerun started',
      });
    }

    // ---- tabs -------------------------------------------------------------------------------------

    function tabKeys(buttons) {
      return (event) => {
        const index = buttons.indexOf(document.activeElement);
        if (index < 0) return;
        let next = -1;
        if (event.key === 'ArrowRight') next = (index + 1) % buttons.length;
        if (event.key === 'ArrowLeft') next = (index - 1 + buttons.length) % buttons.length;
        if (next >= 0) { event.preventDefault(); buttons[next].focus(); buttons[next].click(); }
      };
    }
    function syncUrl() {
      const params = new URLSearchParams();
      if (state.tab !== 'diagram') params.set('tab', state.tab);
      if (state.selectedRef) params.set('task', state.selectedRef);
      if (state.selectedTaskId) params.set('attempt', state.selectedTaskId);
      setHashParams('/execution/' + encodeURIComponent(id), params);
    }
    function selectTab(key) {
      state.tab = key;
      state.tabContent = null;
      syncUrl();
      renderTab();
      if (key === 'events') loadEvents();
    }
    function selectTask(ref, taskId) {
      state.selectedRef = ref;
      state.selectedTaskId = taskId || null;
      state.panelTab = state.panelTab || 'summary';
      syncUrl();
      renderTab();
      renderPanel(true);
    }

    /** Re-renders the open tab, keeping scroll position and keyboard focus on the same task. */
    function renderTab() {
      tabButtons.forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === state.tab)));
      tabButtons.forEach((b) => b.setAttribute('tabindex', b.dataset.tab === state.tab ? '0' : '-1'));
      if (!state.workflow) return;
      const focused = document.activeElement;
      const focusKey = focused && tabPanel.contains(focused) ? (focused.getAttribute('data-ref') || focused.getAttribute('data-task-id')) : null;
      const focusAttr = focused && focused.getAttribute('data-task-id') ? 'data-task-id' : 'data-ref';
      const scroller = state.renderedTab === state.tab ? tabPanel.querySelector('.diagram, .timeline, .table-wrap') : null;
      const scroll = scroller ? [scroller.scrollLeft, scroller.scrollTop] : null;
      state.renderedTab = state.tab;
      const renderers = { diagram: renderDiagramTab, tasks: renderTasksTab, timeline: renderTimelineTab, io: renderIoTab, json: renderJsonTab, events: renderEventsTab };
      (renderers[state.tab] || renderDiagramTab)();
      const newScroller = tabPanel.querySelector('.diagram, .timeline, .table-wrap');
      if (scroll && newScroller) { newScroller.scrollLeft = scroll[0]; newScroller.scrollTop = scroll[1]; }
      else if (newScroller && newScroller.classList.contains('diagram')) Baton.centerHorizontally(newScroller);
      if (focusKey) {
        const target = tabPanel.querySelector(`[${focusAttr}="${CSS.escape(focusKey)}"]`);
        if (target) target.focus({ preventScroll: true });
      }
    }

    function renderDiagramTab() {
      const wf = state.workflow;
      const holder = h('div', { class: 'diagram', 'data-role': 'diagram-holder' });
      const draw = () => replace(holder, Baton.graph.renderDiagram(wf.workflowDefinition || { tasks: [] }, {
        tasks: wf.tasks, workflowStatus: wf.status, selectedRef: state.selectedRef, scale: state.scale,
        onSelect: (ref) => selectTask(ref), started: true,
      }));
      const zoom = (factor) => { state.scale = factor ? Math.min(2, Math.max(0.4, state.scale * factor)) : 1; draw(); };
      replace(tabPanel,
        h('div', { class: 'diagram-tools' },
          h('button', { type: 'button', class: 'small', onclick: () => zoom(1 / 1.2), 'aria-label': 'Zoom out' }, '−'),
          h('button', { type: 'button', class: 'small', onclick: () => zoom(0), 'aria-label': 'Reset zoom' }, '100%'),
          h('button', { type: 'button', class: 'small', onclick: () => zoom(1.2), 'aria-label': 'Zoom in' }, '+'),
          h('span', { class: 'hint' }, 'Select a task to see its details and signals.'),
          h('span', { class: 'legend', 'aria-hidden': 'true' },
            h('span', {}, h('i', { style: 'background:#e4f5ea;border-color:#46a46c' }), 'completed'),
            h('span', {}, h('i', { style: 'background:#e3efff;border-color:#1d6fd6' }), 'scheduled / in progress'),
            h('span', {}, h('i', { style: 'background:#fdecec;border-color:#c62828' }), 'failed / timed out'),
            h('span', {}, h('i', { style: 'background:#eef0f3;border-color:#8a919c' }), 'canceled'),
            h('span', {}, h('i', { style: 'background:#fff;border-style:dashed' }), 'not run'),
            h('span', {}, h('i', { style: 'background:#1f8a4c;border-color:#1f8a4c;height:3px' }), 'executed path'))),
        holder);
      draw();
    }

    /** Time of day with milliseconds (the date is in the header; the full time is in the cell's title). */
    function clock(ms) { return fmtTime(ms, true).slice(11); }

    function renderTasksTab() {
      const wf = state.workflow;
      if (!state.tabContent) {
        const filter = h('select', { 'aria-label': 'Filter tasks by status', 'data-role': 'task-filter', onchange: (e) => { state.taskFilter = e.target.value; renderRows(); } },
          h('option', { value: '' }, 'All statuses'), Object.keys(statusCounts()).map((s) => h('option', { value: s, selected: s === state.taskFilter }, s)));
        const tableWrap = h('div', { class: 'table-wrap' });
        replace(tabPanel, h('div', { class: 'toolbar', style: 'margin-bottom:8px' }, filter, h('span', { class: 'muted', 'data-role': 'task-count' })), tableWrap);
        state.tabContent = { tableWrap };
      }
      renderRows();
      function statusCounts() {
        const counts = {};
        wf.tasks.forEach((t) => { counts[t.status] = (counts[t.status] || 0) + 1; });
        return counts;
      }
      function renderRows() {
        const tasks = state.workflow.tasks.filter((t) => !state.taskFilter || t.status === state.taskFilter);
        tabPanel.querySelector('[data-role=task-count]').textContent = `${tasks.length} of ${state.workflow.tasks.length} task attempts`;
        const rows = tasks.map((t) => {
          const row = h('tr', {
            class: ['clickable', isSelectedAttempt(t) ? 'selected' : ''].join(' '), tabindex: 0, 'data-task-id': t.taskId, 'data-ref': t.referenceTaskName,
            'aria-label': `${t.referenceTaskName} ${t.status}`,
          },
          h('td', {}, String(t.seq)),
          h('td', {}, h('strong', {}, t.referenceTaskName)),
          h('td', { class: 'hide-narrow' }, t.taskDefName + (t.taskType !== t.taskDefName ? ` (${t.taskType})` : '')),
          h('td', {}, badge(t.status)),
          h('td', {}, String(t.retryCount + 1)),
          h('td', { class: 'nowrap hide-narrow', title: fmtTime(t.scheduledTime, true) }, clock(t.scheduledTime)),
          h('td', { class: 'nowrap', title: fmtTime(t.startTime, true) }, clock(t.startTime)),
          h('td', { class: 'nowrap hide-narrow', title: fmtTime(t.endTime, true) }, clock(t.endTime)),
          h('td', { class: 'nowrap' }, t.startTime ? fmtDuration((t.endTime || Date.now()) - t.startTime) : ''),
          h('td', { class: 'hide-narrow' }, t.workerId || ''));
          Baton.keyActivate(row, () => selectTask(baseRef(t), t.taskId));
          return row;
        });
        replace(state.tabContent.tableWrap, tasks.length ? h('table', { class: 'data', 'data-role': 'task-table' },
          h('thead', {}, h('tr', {}, ['#', 'Reference', 'Task', 'Status', 'Attempt', 'Scheduled', 'Started', 'Ended', 'Duration', 'Worker']
            .map((label, i) => h('th', { class: [2, 5, 7, 9].includes(i) ? 'hide-narrow' : '' }, label)))),
          h('tbody', {}, rows)) : h('div', { class: 'empty' }, 'No tasks.'));
      }
    }

    function renderTimelineTab() {
      const holder = h('div', { class: 'timeline', 'data-role': 'timeline-holder' });
      replace(tabPanel, h('p', { class: 'hint', style: 'margin:0 0 8px' }, 'Light bars: waiting in the queue; solid bars: running, coloured by status. Select a row for details.'), holder);
      const width = Math.max(tabPanel.clientWidth - 4, 560);
      holder.appendChild(Baton.graph.renderTimeline(state.workflow, {
        width, selectedTaskId: currentAttempt() ? currentAttempt().taskId : null, onSelect: (t) => selectTask(baseRef(t), t.taskId),
      }));
    }

    function renderIoTab() {
      const wf = state.workflow;
      replace(tabPanel, h('div', { class: 'two-col' },
        h('div', {}, h('h3', {}, 'Input'), jsonView(wf.input, { 'data-role': 'workflow-input' })),
        h('div', {}, h('h3', {}, 'Output'), jsonView(wf.output, { 'data-role': 'workflow-output' })),
        h('div', {}, h('h3', {}, 'Variables'), jsonView(wf.variables || {}, { 'data-role': 'workflow-variables' })),
        h('div', {}, h('h3', {}, 'Tasks to domain'), jsonView(wf.taskToDomain || {}))));
    }

    function renderJsonTab() {
      const text = JSON.stringify(state.workflow, null, 2);
      replace(tabPanel, h('div', { class: 'toolbar', style: 'margin-bottom:8px' },
        h('button', { type: 'button', class: 'small', onclick: () => navigator.clipboard && navigator.clipboard.writeText(text).then(() => toast('Copied')) }, 'Copy JSON')),
      jsonView(state.workflow, { 'data-role': 'workflow-json', style: 'max-height:70vh' }));
    }

    async function loadEvents() {
      try {
        state.events = await api('GET', '/workflow/' + encodeURIComponent(id) + '/events');
      } catch (error) {
        state.events = { error: error.message };
      }
      if (state.tab === 'events' && !state.disposed) renderEventsTab();
    }
    function renderEventsTab() {
      const events = state.events;
      if (!events) { replace(tabPanel, h('p', { class: 'muted' }, 'Loading…')); return; }
      if (events.error) { replace(tabPanel, h('p', { class: 'error-text' }, events.error)); return; }
      const byId = new Map(state.workflow.tasks.map((t) => [t.taskId, t]));
      const rows = events.slice().reverse().map((e) => {
        const task = e.taskId ? byId.get(e.taskId) : null;
        return h('tr', { 'data-kind': e.kind },
          h('td', { class: 'nowrap' }, fmtTime(e.time, true)),
          h('td', { class: 'kind' }, e.kind),
          h('td', {}, e.actor),
          h('td', {}, e.taskId ? (task ? h('button', { type: 'button', class: 'link', onclick: () => selectTask(baseRef(task), task.taskId) }, task.referenceTaskName) : h('span', { class: 'mono' }, e.taskId)) : ''),
          h('td', { style: 'word-break:break-word' }, e.detail || ''));
      });
      replace(tabPanel, h('p', { class: 'hint', style: 'margin:0 0 8px' }, 'Every signal and state change of this execution, newest first.'),
        rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data events', 'data-role': 'events' },
          h('thead', {}, h('tr', {}, ['Time', 'Event', 'Actor', 'Task', 'Detail'].map((t) => h('th', {}, t)))), h('tbody', {}, rows)))
          : h('div', { class: 'empty' }, 'No events recorded.'));
    }

    // ---- task panel -------------------------------------------------------------------------------

    function baseRef(task) {
      const defRefs = state.defRefs || (state.defRefs = Baton.graph.definitionRefs((state.workflow.workflowDefinition || {}).tasks || []));
      const ref = task.referenceTaskName;
      if (defRefs.has(ref)) return ref;
      const loop = /^(.*)__\d+$/.exec(ref);
      return loop && defRefs.has(loop[1]) ? loop[1] : ref;
    }
    function attempts() {
      if (!state.selectedRef || !state.workflow) return [];
      return Baton.graph.indexTasks(state.workflow.tasks).attempts(state.selectedRef);
    }
    function currentAttempt() {
      const list = attempts();
      if (!list.length) return null;
      return list.find((t) => t.taskId === state.selectedTaskId) || list[list.length - 1];
    }
    function isSelectedAttempt(task) {
      const current = currentAttempt();
      return !!current && current.taskId === task.taskId;
    }
    function findWorkflowTask(ref) {
      let found = null;
      const walk = (tasks) => (tasks || []).forEach((t) => {
        if (found) return;
        if (t.taskReferenceName === ref) { found = t; return; }
        Object.values(t.decisionCases || {}).forEach(walk); walk(t.defaultCase); (t.forkTasks || []).forEach(walk); walk(t.loopOver);
      });
      walk((state.workflow.workflowDefinition || {}).tasks);
      return found;
    }

    // Whether the server lets `ref` be skipped ahead: not a fork or a join, nor a task in a DO_WHILE's body.
    function skippable(ref) {
      let inLoop = false;
      const walk = (tasks, loop) => (tasks || []).some((t) => {
        if (t.taskReferenceName === ref) { inLoop = loop; return true; }
        return Object.values(t.decisionCases || {}).some((branch) => walk(branch, loop)) || walk(t.defaultCase, loop) ||
          (t.forkTasks || []).some((branch) => walk(branch, loop)) || walk(t.loopOver, true);
      });
      walk((state.workflow.workflowDefinition || {}).tasks, false);
      const wt = findWorkflowTask(ref);
      return !!wt && !inLoop && !['FORK_JOIN', 'FORK_JOIN_DYNAMIC', 'JOIN', 'EXCLUSIVE_JOIN'].includes(wt.type);
    }

    function renderPanel(force) {
      if (!state.selectedRef || !state.workflow) {
        panelEl.hidden = true;
        body.classList.add('no-panel');
        return;
      }
      const task = currentAttempt();
      const list = attempts();
      const signature = JSON.stringify([state.selectedRef, task, list.length, state.workflow.status, state.panelTab]);
      if (!force && signature === state.panelSignature) return;
      // Do not rebuild under the user's fingers: wait until focus leaves the panel's form fields.
      const active = document.activeElement;
      if (!force && active && panelEl.contains(active) && /TEXTAREA|INPUT|SELECT/.test(active.tagName)) return;
      state.panelSignature = signature;
      const scrollTop = panelEl.scrollTop;
      panelEl.hidden = false;
      body.classList.remove('no-panel');
      const wt = findWorkflowTask(state.selectedRef) || (task && task.workflowTask);
      const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Close task panel', 'data-role': 'close-panel', onclick: () => { state.selectedRef = null; state.selectedTaskId = null; syncUrl(); renderTab(); renderPanel(true); } }, '✕');
      const head = h('div', { class: 'panel-head' },
        h('div', { style: 'flex:1;min-width:0' }, h('h2', { 'data-role': 'panel-ref' }, state.selectedRef),
          h('div', { class: 'muted', style: 'font-size:12.5px' }, wt ? `${wt.type || 'SIMPLE'} · ${wt.name}` : (task ? task.taskType : ''))),
        task ? badge(task.status) : badge('NOT_RUN'), close);
      if (!task) {
        replace(panelEl, head, h('p', { class: 'muted' }, 'This task has not run in this execution.'),
          state.workflow.status === 'RUNNING' && skippable(state.selectedRef) ? skipSection(state.selectedRef) : null,
          wt ? [h('h3', {}, 'Definition'), jsonView(wt)] : null);
        panelEl.scrollTop = scrollTop;
        return;
      }
      const picker = h('select', {
        id: 'attempt-picker', 'data-role': 'attempt-picker', 'aria-label': 'Attempt',
        onchange: (e) => selectTask(state.selectedRef, e.target.value),
      }, list.map((t, i) => h('option', { value: t.taskId, selected: t.taskId === task.taskId },
        `Attempt ${i + 1} of ${list.length}${t.iteration ? ' · iteration ' + t.iteration : ''} — ${t.status}${t.retried ? ' (retried)' : ''}`)));
      const panelTabs = PANEL_TABS.map(([key, label]) => h('button', {
        type: 'button', role: 'tab', 'data-panel-tab': key, 'aria-selected': String(state.panelTab === key), tabindex: state.panelTab === key ? 0 : -1,
        onclick: () => { state.panelTab = key; renderPanel(true); },
      }, label));
      const content = h('div', { 'data-role': 'panel-content' });
      replace(panelEl, head,
        h('div', { class: 'attempts' }, h('label', { for: 'attempt-picker', style: 'margin:0' }, 'Attempts'), picker),
        h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Task views', onkeydown: tabKeys(panelTabs) }, panelTabs), content);
      if (state.panelTab === 'summary') renderSummary(content, task, list, wt);
      else if (state.panelTab === 'input') content.appendChild(jsonView(task.inputData, { 'data-role': 'task-input' }));
      else if (state.panelTab === 'output') content.appendChild(jsonView(task.outputData, { 'data-role': 'task-output' }));
      else if (state.panelTab === 'json') content.appendChild(jsonView(task, { 'data-role': 'task-json' }));
      else if (state.panelTab === 'definition') {
        content.append(h('h3', {}, 'Workflow task'), jsonView(wt || task.workflowTask || {}));
        if (task.workflowTask && task.workflowTask.taskDefinition) content.append(h('h3', {}, 'Task definition'), jsonView(task.workflowTask.taskDefinition));
        if ((wt || {}).type === undefined || (wt || {}).type === 'SIMPLE') content.append(h('p', {}, h('a', { href: '#/definitions/task/' + encodeURIComponent(task.taskDefName) }, 'Go to task definition →')));
      } else if (state.panelTab === 'logs') renderLogs(content, task);
      panelEl.scrollTop = scrollTop;
    }

    async function renderLogs(content, task) {
      content.appendChild(h('p', { class: 'muted' }, 'Loading…'));
      try {
        const logs = await api('GET', '/tasks/' + encodeURIComponent(task.taskId) + '/log');
        replace(content, logs && logs.length ? h('table', { class: 'data', 'data-role': 'task-logs' },
          h('tbody', {}, logs.map((l) => h('tr', {}, h('td', { class: 'nowrap' }, fmtTime(l.createdTime, true)), h('td', { class: 'mono', style: 'white-space:pre-wrap' }, l.log)))))
          : h('p', { class: 'muted' }, 'No log lines for this attempt.'));
      } catch (error) {
        replace(content, h('p', { class: 'error-text' }, error.message));
      }
    }

    function renderSummary(content, task, list, wt) {
      const wf = state.workflow;
      const kv = [
        ['Status', badge(task.status)],
        ['Task ID', h('span', { class: 'mono', 'data-role': 'task-id' }, task.taskId)],
        ['Type', task.taskType],
        ['Task definition', task.taskDefName],
        ['Attempt', `${list.indexOf(task) + 1} of ${list.length} (retry count ${task.retryCount})`],
        ['Worker', task.workerId || '—'],
        ['Poll count', String(task.pollCount)],
        ['Scheduled', fmtTime(task.scheduledTime, true)],
        ['Started', fmtTime(task.startTime, true) || '—'],
        ['Ended', fmtTime(task.endTime, true) || '—'],
        ['Duration', task.startTime ? fmtDuration((task.endTime || Date.now()) - task.startTime) : '—'],
      ];
      if (task.domain) kv.push(['Domain', task.domain]);
      if (task.iteration) kv.push(['Iteration', String(task.iteration)]);
      if (task.retriedTaskId) kv.push(['Replaces', h('span', { class: 'mono' }, task.retriedTaskId)]);
      if (task.callbackAfterSeconds) kv.push(['Callback after', task.callbackAfterSeconds + ' s']);
      if (task.subWorkflowId) kv.push(['Child workflow', h('a', { href: '#/execution/' + task.subWorkflowId, class: 'mono', 'data-role': 'child-link' }, task.subWorkflowId)]);
      if (task.reasonForIncompletion) kv.push(['Reason', h('span', { class: 'error-text' }, task.reasonForIncompletion)]);
      content.appendChild(h('dl', { class: 'kv', 'data-role': 'task-summary' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));

      const latest = list[list.length - 1] === task;
      const drafts = state.drafts[task.taskId] || (state.drafts[task.taskId] = {});
      if (latest && !TERMINAL_TASK.has(task.status) && !TERMINAL_WORKFLOW.has(wf.status)) {
        const statusSelect = h('select', { id: 'update-status', 'data-role': 'update-status', onchange: (e) => { drafts.status = e.target.value; } },
          UPDATE_STATUSES.map((s) => h('option', { value: s, selected: (drafts.status || 'COMPLETED') === s }, s)));
        const output = jsonEditor({
          id: 'update-output', label: 'Task output (JSON object)', value: drafts.output !== undefined ? drafts.output : '{\n  \n}', rows: 7,
          requireObject: true, allowBlank: true, role: 'update-output', onInput: (text) => { drafts.output = text; },
        });
        const submit = h('button', { type: 'button', class: 'primary', 'data-role': 'update-task', onclick: () => updateTask(task, statusSelect.value, output) }, 'Update');
        // What the API's /signal reaches can also be signalled: the workflow's blocked task, or the running
        // sub-workflow it descends into.
        const signalButton = task === signalTarget() ? h('button', { type: 'button', 'data-role': 'signal-task', onclick: () => signalTask(task, statusSelect.value, output) }, 'Signal') : null;
        content.appendChild(h('div', { class: 'section', 'data-role': 'update-section' },
          h('h3', {}, 'Update task'),
          h('p', { class: 'hint', style: 'margin-top:0' }, 'Set this task\'s status as a worker or signal would, with the output below.'),
          h('div', { class: 'field', style: 'margin-bottom:8px' }, h('label', { for: 'update-status' }, 'Status'), statusSelect),
          output.root, h('div', { class: 'form-actions' }, submit, signalButton)));
      }

      const rerunInput = jsonEditor({
        id: 'rerun-task-input', label: 'New task input (optional)', value: drafts.rerunInput || '', rows: 5, requireObject: true, allowBlank: true,
        role: 'rerun-task-input', onInput: (text) => { drafts.rerunInput = text; },
      });
      const prefill = h('button', { type: 'button', class: 'small', onclick: () => { rerunInput.setValue(task.inputData || {}); drafts.rerunInput = rerunInput.textarea.value; } }, 'Start from current input');
      const rerunButton = h('button', { type: 'button', 'data-role': 'rerun-from-task', onclick: () => rerunFromTask(task, rerunInput) }, '↺ Re-Run from Task');
      content.appendChild(h('div', { class: 'section', 'data-role': 'rerun-section' },
        h('h3', {}, 'Re-Run from Task'),
        h('p', { class: 'hint', style: 'margin-top:0' },
          'Runs the workflow again from this task: a new attempt replaces it (earlier attempts stay, marked CANCELED) and the tasks after it are removed. ' +
          (wf.status === 'PAUSED' ? 'The workflow stays PAUSED; the new attempt waits for resume. ' : '') + 'Leave the input blank to keep the task\'s input.'),
        rerunInput.root, h('div', { class: 'form-actions' }, rerunButton, prefill)));
    }

    function updateTask(task, status, editor) {
      const path = `/tasks/${encodeURIComponent(state.workflow.workflowId)}/${encodeURIComponent(task.referenceTaskName)}/${status}`;
      return sendStatus(task, status, editor, {
        path, query: { workerid: 'baton-ui' }, title: `Set ${task.referenceTaskName} to ${status}?`, confirmLabel: 'Update',
        explanation: status === 'COMPLETED' ? 'The task completes with this output and the workflow moves on.' :
          status === 'FAILED' ? 'The task fails; it is retried if its definition allows, otherwise the workflow fails.' :
            'The task fails without retries; the workflow fails unless the task is optional.',
        done: `${task.referenceTaskName}: ${status}`,
      });
    }

    // Sends a status with the editor's output to `spec.path` (an update by reference name, or a signal), once confirmed.
    async function sendStatus(task, status, editor, spec) {
      const parsed = editor.read();
      if (parsed.error) { editor.textarea.focus(); return; }
      const output = parsed.value || {};
      const query = spec.query ? '?' + new URLSearchParams(spec.query) : '';
      const done = await openDialog({
        title: spec.title, confirmLabel: spec.confirmLabel, danger: status !== 'COMPLETED',
        body: [h('p', {}, spec.explanation), jsonView(output),
          h('p', { class: 'muted mono', style: 'font-size:12px' }, `POST /api${spec.path}${query}`)],
        onConfirm: () => api('POST', spec.path, { query: spec.query, body: output }),
      });
      if (!done) return;
      delete state.drafts[task.taskId];
      toast(spec.done);
      await refresh(true);
      renderPanel(true);
    }

    // The task a signal to this workflow reaches first, as the server finds it: its first running WAIT or HUMAN
    // task; without one, its first running SUB_WORKFLOW task, whose child (or theirs) holds the blocked task.
    function signalTarget() {
      const live = state.workflow.tasks.filter((t) => !TERMINAL_TASK.has(t.status)).sort((a, b) => a.seq - b.seq);
      return live.find((t) => t.taskType === 'WAIT' || t.taskType === 'HUMAN') ||
        live.find((t) => t.taskType === 'SUB_WORKFLOW' && t.subWorkflowId);
    }

    function signalTask(task, status, editor) {
      const child = task.taskType === 'SUB_WORKFLOW';
      return sendStatus(task, status, editor, {
        path: `/tasks/${encodeURIComponent(state.workflow.workflowId)}/${status}/signal`,
        title: child ? `Signal the task ${task.referenceTaskName}'s workflow is blocked on: ${status}?` : `Signal ${task.referenceTaskName} ${status}?`,
        confirmLabel: 'Signal',
        explanation: child
          ? 'The signal descends into the sub-workflow: the WAIT or HUMAN task it (or its own sub-workflow) is blocked on gets this status and output.'
          : 'The task this workflow is blocked on gets this status and output, as an external signal would.',
        done: child ? `${task.referenceTaskName}: its blocked task signalled ${status}` : `${task.referenceTaskName}: signalled ${status}`,
      });
    }

    // Skip a task the workflow has not reached: it is passed over when reached, with the output given.
    function skipSection(ref) {
      const output = jsonEditor({
        id: 'skip-output', label: 'Output to record (optional)', value: '', rows: 4, requireObject: true, allowBlank: true, role: 'skip-output',
      });
      const button = h('button', { type: 'button', 'data-role': 'skip-task', onclick: () => skipTask(ref, output) }, 'Skip task');
      return h('div', { class: 'section', 'data-role': 'skip-section' },
        h('h3', {}, 'Skip task'),
        h('p', { class: 'hint', style: 'margin-top:0' }, 'When the workflow reaches this task, it is SKIPPED and the workflow goes on.'),
        output.root, h('div', { class: 'form-actions' }, button));
    }

    async function skipTask(ref, editor) {
      const parsed = editor.read();
      if (parsed.error) { editor.textarea.focus(); return; }
      const path = `/workflow/${encodeURIComponent(state.workflow.workflowId)}/skiptask/${encodeURIComponent(ref)}`;
      const body = parsed.value ? { taskOutput: parsed.value } : {};
      const done = await openDialog({
        title: `Skip ${ref}?`, confirmLabel: 'Skip',
        body: [h('p', {}, 'The task will not run: the workflow passes over it when it gets there.'),
          parsed.value ? [h('p', {}, 'Its output will be:'), jsonView(parsed.value)] : null,
          h('p', { class: 'muted mono', style: 'font-size:12px' }, `PUT /api${path}`)],
        onConfirm: () => api('PUT', path, { body }),
      });
      if (!done) return;
      toast(`${ref} will be skipped`);
      await refresh(true);
      renderPanel(true);
    }

    async function rerunFromTask(task, editor) {
      const parsed = editor.read();
      if (parsed.error) { editor.textarea.focus(); return; }
      const body = { reRunFromWorkflowId: state.workflow.workflowId, reRunFromTaskId: task.taskId };
      if (parsed.value) body.taskInput = parsed.value;
      const done = await openDialog({
        title: `Re-run from ${task.referenceTaskName}?`, confirmLabel: 'Re-Run',
        body: [h('p', {}, 'A new attempt of this task is scheduled; its earlier attempts are marked CANCELED and every task after it is removed.'),
          parsed.value ? [h('p', {}, 'With the new task input:'), jsonView(parsed.value)] : h('p', {}, 'The task keeps its input.'),
          h('p', { class: 'muted mono', style: 'font-size:12px' }, `POST /api/workflow/${state.workflow.workflowId}/rerun`)],
        onConfirm: () => api('POST', '/workflow/' + encodeURIComponent(state.workflow.workflowId) + '/rerun', { body }),
      });
      if (!done) return;
      delete state.drafts[task.taskId];
      state.selectedTaskId = null; // follow the new attempt
      syncUrl();
      toast(`Re-running from ${task.referenceTaskName}`);
      await refresh(true);
      renderPanel(true);
    }

    refresh(true);
    return {
      dispose() {
        state.disposed = true;
        clearTimeout(state.timer);
        document.removeEventListener('click', outside);
      },
    };
  }

  Baton.pages = Baton.pages || {};
  Baton.pages.execution = render;
})();
