// Baton UI: the Schedules pages — the list (next fire time, last result, pause / resume / delete), one schedule
// with the executions its slots started, and the create / edit form with a live preview of the next fire times.
'use strict';

(function () {
  const { h, replace, api, fmtTime, fmtDuration, badge, jsonView, jsonEditor, openDialog, toast, navigate } = Baton;
  const REFRESH_MS = 5000;
  const PREVIEW_DELAY_MS = 350;
  const COMMON_ZONES = ['UTC', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Amsterdam',
    'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Istanbul', 'Europe/Moscow', 'Africa/Cairo',
    'Africa/Johannesburg', 'Africa/Lagos', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Bangkok', 'Asia/Singapore',
    'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Perth', 'Australia/Sydney',
    'Pacific/Auckland', 'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Denver',
    'America/Phoenix', 'America/Chicago', 'America/Mexico_City', 'America/New_York', 'America/Toronto',
    'America/Bogota', 'America/Lima', 'America/Santiago', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires'];

  // ---- helpers --------------------------------------------------------------------------------------

  const enc = encodeURIComponent;
  /** The detail page of a schedule ("new" is the form's route, so that one name takes a longer path). */
  const detailHash = (name) => '#/schedules/' + enc(name) + (name === 'new' ? '/view' : '');
  const editHash = (name) => '#/schedules/' + enc(name) + '/edit';
  const schedulePath = (name) => '/scheduler/schedules/' + enc(name);

  const formatters = new Map();
  /** Epoch ms → "YYYY-MM-DD HH:MM:SS" in an IANA zone; null when the browser does not know the zone. */
  function fmtInZone(ms, zone) {
    if (!ms) return '';
    let format = formatters.get(zone);
    if (format === undefined) {
      try {
        format = new Intl.DateTimeFormat('en-US', {
          timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
          hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
        });
      } catch (_) { format = null; }
      formatters.set(zone, format);
    }
    if (!format) return null;
    const parts = {};
    format.formatToParts(new Date(ms)).forEach((p) => { parts[p.type] = p.value; });
    return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  }
  /** An instant in the schedule's zone, and in the browser's when its wall-clock time differs. */
  function timeIn(ms, zone) {
    const zoned = fmtInZone(ms, zone || 'UTC');
    const local = fmtTime(ms);
    if (zoned === null) return h('span', {}, local, h('span', { class: 'muted' }, ' your time'));
    return h('span', {}, zoned + ' ', h('span', { class: 'muted' }, zone || 'UTC'),
      zoned.endsWith(local) ? null : h('span', { class: 'muted sub-time' }, `${local} your time`));
  }
  /** epoch ms ↔ the value of a datetime-local input (the browser's time). */
  function toLocalInput(ms) {
    if (!ms) return '';
    const text = fmtTime(ms);
    return text ? text.replace(' ', 'T') : '';
  }
  function fromLocalInput(value) {
    if (!value) return undefined;
    const ms = new Date(value).getTime();
    return isNaN(ms) ? NaN : ms;
  }
  /** Conductor's query text for one schedule's slot records: a quoted name (backslash escapes ' and \). */
  const byScheduleName = (name) => "scheduleName='" + name.replace(/[\\']/g, (c) => '\\' + c) + "'";
  function expressionsOf(schedule) {
    const several = (schedule.cronSchedules || []).filter((c) => c && c.cronExpression);
    return several.length ? several : [{ cronExpression: schedule.cronExpression || '', zoneId: schedule.zoneId || 'UTC' }];
  }
  /** 'active', 'paused' or 'ended' (not paused, and no next run: past its end, or an expression that never fires again). */
  const stateOf = (schedule) => (schedule.paused ? 'PAUSED' : schedule.nextRunTime ? 'ACTIVE' : 'ENDED');
  function nextRunCell(schedule) {
    const state = stateOf(schedule);
    if (state === 'PAUSED') {
      return h('span', { 'data-role': 'next-run', 'data-state': 'paused' }, badge('PAUSED'),
        schedule.pausedReason ? h('span', { class: 'muted' }, ' ' + schedule.pausedReason) : null);
    }
    if (state === 'ENDED') return h('span', { 'data-role': 'next-run', 'data-state': 'ended' }, badge('ENDED'));
    const wait = schedule.nextRunTime - Date.now();
    return h('span', { 'data-role': 'next-run', 'data-state': 'scheduled' }, timeIn(schedule.nextRunTime, schedule.zoneId),
      wait > 0 ? h('span', { class: 'muted sub-time' }, 'in ' + fmtDuration(wait)) : null);
  }
  const workflowLink = (id) => h('a', { class: 'mono', href: '#/execution/' + enc(id), 'data-role': 'workflow-link' }, id);

  async function pause(schedule) {
    const reasonInput = h('input', { type: 'text', id: 'pause-reason', 'data-role': 'reason', placeholder: 'why (shown with the schedule)', autofocus: true });
    return openDialog({
      title: `Pause ${schedule.name}?`,
      confirmLabel: 'Pause',
      body: [h('p', {}, 'No slot fires while it is paused. Resuming continues from then: the slots missed meanwhile are not caught up.'),
        h('div', { class: 'field' }, h('label', { for: 'pause-reason' }, 'Reason'), reasonInput)],
      // The reply is empty: resolve with true, not its null (which reads as canceled).
      onConfirm: async () => { await api('PUT', schedulePath(schedule.name) + '/pause', { query: { reason: reasonInput.value.trim() } }); return true; },
    });
  }
  async function resume(schedule) {
    await api('PUT', schedulePath(schedule.name) + '/resume');
    toast('Resumed ' + schedule.name);
  }
  async function remove(schedule) {
    return openDialog({
      title: `Delete ${schedule.name}?`,
      danger: true,
      confirmLabel: 'Delete',
      body: [h('p', {}, 'The schedule and the records of what its slots did are deleted. Workflows it started are kept.')],
      onConfirm: async () => { await api('DELETE', schedulePath(schedule.name)); return true; },
    });
  }

  // ---- list -----------------------------------------------------------------------------------------

  function renderList(root) {
    const holder = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const summary = h('span', { class: 'muted', 'data-role': 'result-count' });
    const updated = h('span', { class: 'muted', 'data-role': 'schedules-updated' });
    replace(root,
      h('div', { class: 'page-head' }, h('h1', {}, 'Schedules'), summary, h('span', { class: 'spacer' }), updated,
        h('button', { type: 'button', onclick: () => refresh(), 'data-role': 'refresh' }, '↻ Refresh'),
        h('a', { class: 'btn primary', href: '#/schedules/new', 'data-role': 'new-schedule' }, '+ New schedule')),
      h('div', { class: 'card' },
        h('p', { class: 'hint hint-top' },
          'Each schedule starts a workflow whenever its cron expression (Spring\'s six fields: second minute hour day month ' +
          'weekday) fires in its time zone. Times are shown in the schedule\'s zone, and in yours where that differs.'),
        holder));
    let timer = null;
    let disposed = false;
    let shown = null;

    async function refresh() {
      clearTimeout(timer);
      try {
        const schedules = (await api('GET', '/scheduler/schedules')) || [];
        const latest = await Promise.all(schedules.map((s) => api('GET', '/scheduler/search/executions', {
          query: { query: byScheduleName(s.name), size: 1, sort: 'scheduledTime:DESC' },
        }).then((reply) => ((reply && reply.results) || [])[0] || null).catch(() => null)));
        if (disposed) return;
        const key = JSON.stringify([schedules, latest, Math.floor(Date.now() / 60000)]);
        if (key !== shown) {
          shown = key;
          draw(schedules.slice().sort((a, b) => a.name.localeCompare(b.name)), new Map(schedules.map((s, i) => [s.name, latest[i]])));
        }
        summary.textContent = `${schedules.length} schedule${schedules.length === 1 ? '' : 's'}`;
        updated.textContent = 'Updated ' + fmtTime(Date.now()).slice(11);
      } catch (error) {
        shown = null;
        if (!disposed) replace(holder, h('p', { class: 'error-text', 'data-role': 'error-message' }, error.message));
      }
      if (!disposed) timer = setTimeout(() => { if (!document.hidden) refresh(); else timer = setTimeout(refresh, REFRESH_MS); }, REFRESH_MS);
    }

    function draw(schedules, latest) {
      if (!schedules.length) {
        replace(holder, h('div', { class: 'empty' }, 'No schedules yet. ', h('a', { href: '#/schedules/new' }, 'Create one')));
        return;
      }
      const act = (action) => async (event) => {
        event.currentTarget.disabled = true;
        try { await action(); } catch (error) { toast(error.message, 'warn'); }
        shown = null;  // redraw even when nothing changed (a canceled dialog): the button comes back
        refresh();
      };
      const rows = schedules.map((s) => {
        const request = s.startWorkflowRequest || {};
        const last = latest.get(s.name);
        return h('tr', { 'data-schedule': s.name, 'data-state': stateOf(s).toLowerCase() },
          h('td', {}, h('a', { href: detailHash(s.name), 'data-role': 'schedule-link' }, h('strong', {}, s.name)),
            s.description ? h('div', { class: 'muted sub-time' }, s.description) : null),
          h('td', { 'data-role': 'workflow' }, request.name
            ? h('a', { href: '#/definitions/workflow/' + enc(request.name) + (request.version ? '?version=' + request.version : '') },
              request.name + (request.version ? ' v' + request.version : ''))
            : h('span', { class: 'muted' }, '—')),
          h('td', { 'data-role': 'cron' }, expressionsOf(s).map((c, i) => [i ? h('br') : null,
            h('code', {}, c.cronExpression), h('span', { class: 'muted' }, ' ' + (c.zoneId || 'UTC'))])),
          h('td', { class: 'nowrap' }, nextRunCell(s)),
          h('td', { class: 'nowrap', 'data-role': 'last-result' }, last
            ? [badge(last.state), ' ', h('span', { class: 'muted' }, fmtTime(last.scheduledTime)),
              last.workflowId ? [h('br'), workflowLink(last.workflowId)] : null,
              last.reason ? [h('br'), h('span', { class: 'error-text' }, last.reason)] : null]
            : h('span', { class: 'muted' }, 'not fired yet')),
          h('td', {}, h('div', { class: 'row-actions' },
            s.paused
              ? h('button', { type: 'button', class: 'small', 'data-action': 'resume', onclick: act(() => resume(s)) }, 'Resume')
              : h('button', { type: 'button', class: 'small', 'data-action': 'pause', onclick: act(() => pause(s)) }, 'Pause'),
            h('a', { class: 'btn small', href: editHash(s.name), 'data-action': 'edit' }, 'Edit'),
            h('button', { type: 'button', class: 'small', 'data-action': 'delete', onclick: act(async () => { if (await remove(s)) toast('Deleted ' + s.name); }) }, 'Delete'))));
      });
      replace(holder, h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-role': 'schedules' },
        h('thead', {}, h('tr', {}, ['Name', 'Workflow', 'Cron (zone)', 'Next fire time', 'Last result', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows))));
    }

    refresh();
    return { dispose() { disposed = true; clearTimeout(timer); } };
  }

  // ---- one schedule ---------------------------------------------------------------------------------

  function renderDetail(root, route) {
    const name = route.parts[1];
    const head = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const executions = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const executionCount = h('span', { class: 'muted', 'data-role': 'execution-count' });
    replace(root,
      h('div', { class: 'page-head' }, h('a', { href: '#/schedules' }, '← Schedules')),
      head,
      h('div', { class: 'card' },
        h('div', { class: 'toolbar' }, h('h2', {}, 'Executions'), executionCount),
        h('p', { class: 'hint' }, 'What each slot did, newest first: the workflow it started, or why it could not start one.'),
        executions));
    let timer = null;
    let disposed = false;
    let shown = null;

    async function refresh() {
      clearTimeout(timer);
      try {
        const [found, reply] = await Promise.all([
          api('GET', schedulePath(name)),
          api('GET', '/scheduler/search/executions', { query: { query: byScheduleName(name), size: 50, sort: 'scheduledTime:DESC' } }),
        ]);
        if (disposed) return;
        const key = JSON.stringify([found, reply, Math.floor(Date.now() / 60000)]);
        if (key !== shown) {
          shown = key;
          drawHead(found);
          drawExecutions(reply || {});
        }
      } catch (error) {
        shown = null;
        if (disposed) return;
        replace(head, h('div', { class: 'card' }, h('p', { class: 'error-text', 'data-role': 'error-message' }, error.message)));
        replace(executions);
        if (error.status === 404) return;  // no such schedule (deleted): nothing to refresh
      }
      if (!disposed) timer = setTimeout(() => { if (!document.hidden) refresh(); else timer = setTimeout(refresh, REFRESH_MS); }, REFRESH_MS);
    }

    function drawHead(s) {
      document.title = `${s.name} · Schedules · Baton`;
      const request = s.startWorkflowRequest || {};
      const act = (action) => async (event) => {
        event.currentTarget.disabled = true;
        try { await action(); } catch (error) { toast(error.message, 'warn'); }
        shown = null;
        refresh();
      };
      const meta = [
        ['Workflow', request.name
          ? h('a', { href: '#/definitions/workflow/' + enc(request.name) + (request.version ? '?version=' + request.version : ''), 'data-role': 'schedule-workflow' },
            request.name + (request.version ? ' v' + request.version : ' (latest version)'))
          : '—'],
        ['Cron (zone)', h('span', { 'data-role': 'schedule-cron' }, expressionsOf(s).map((c, i) => [i ? h('br') : null,
          h('code', {}, c.cronExpression), ' ', h('span', { class: 'muted' }, c.zoneId || 'UTC')]))],
        ['Next fire time', nextRunCell(s)],
        ['Catch up missed slots', s.runCatchupScheduleInstances ? 'yes' : 'no'],
        ['Starts', s.scheduleStartTime ? timeIn(s.scheduleStartTime, s.zoneId) : '—'],
        ['Ends', s.scheduleEndTime ? timeIn(s.scheduleEndTime, s.zoneId) : '—'],
        ['Correlation ID', request.correlationId || '—'],
        ['Created', [fmtTime(s.createTime), s.createdBy ? ' by ' + s.createdBy : '']],
        ['Updated', [fmtTime(s.updatedTime), s.updatedBy ? ' by ' + s.updatedBy : '']],
      ];
      if (s.paused && s.pausedReason) meta.splice(3, 0, ['Paused because', h('span', { 'data-role': 'paused-reason' }, s.pausedReason)]);
      replace(head, h('div', { class: 'card' },
        h('div', { class: 'exec-head' },
          h('h1', { 'data-role': 'schedule-name' }, s.name),
          h('span', { 'data-role': 'schedule-state' }, badge(stateOf(s))),
          h('span', { class: 'spacer' }),
          s.paused
            ? h('button', { type: 'button', 'data-action': 'resume', onclick: act(() => resume(s)) }, 'Resume')
            : h('button', { type: 'button', 'data-action': 'pause', onclick: act(() => pause(s)) }, 'Pause'),
          h('a', { class: 'btn', href: editHash(s.name), 'data-action': 'edit' }, 'Edit'),
          h('button', {
            type: 'button', class: 'danger', 'data-action': 'delete', onclick: async () => {
              try {
                if (await remove(s)) { toast('Deleted ' + s.name); navigate('#/schedules'); }
              } catch (error) { toast(error.message, 'warn'); }
            },
          }, 'Delete')),
        s.description ? h('p', { 'data-role': 'schedule-description' }, s.description) : null,
        h('dl', { class: 'meta' }, meta.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
        h('h3', {}, 'Workflow input'),
        jsonView(request.input || {}, { 'data-role': 'schedule-input' })));
    }

    function drawExecutions(reply) {
      const results = reply.results || [];
      const total = reply.totalHits || 0;
      executionCount.textContent = total > results.length ? `newest ${results.length} of ${total}` : `${total}`;
      if (!results.length) {
        replace(executions, h('div', { class: 'empty' }, 'No slot has fired yet.'));
        return;
      }
      const rows = results.map((e) => h('tr', { 'data-execution-id': e.executionId, 'data-state': e.state },
        h('td', { class: 'nowrap' }, timeIn(e.scheduledTime, e.zoneId)),
        h('td', { class: 'nowrap' }, fmtTime(e.executionTime)),
        h('td', { 'data-role': 'state' }, badge(e.state)),
        h('td', {}, e.workflowId ? workflowLink(e.workflowId) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'error-text', 'data-role': 'reason' }, e.state === 'FAILED' ? (e.reason || '') : '')));
      replace(executions, h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-role': 'schedule-executions' },
        h('thead', {}, h('tr', {}, ['Scheduled time', 'Executed (your time)', 'State', 'Workflow', 'Reason'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows))));
    }

    refresh();
    return { dispose() { disposed = true; clearTimeout(timer); } };
  }

  // ---- create / edit --------------------------------------------------------------------------------

  function renderForm(root, route) {
    const editing = route.parts[2] === 'edit' ? route.parts[1] : null;
    let original = null;
    const field = (id, label, input, extra) => h('div', { class: ['field', extra] }, h('label', { for: id }, label), input);
    const nameInput = h('input', { type: 'text', id: 'sched-name', 'data-role': 'schedule-name-input', required: true, autocomplete: 'off' });
    const workflowInput = h('input', { type: 'text', id: 'sched-workflow', list: 'sched-workflow-list', 'data-role': 'schedule-workflow-input', required: true, autocomplete: 'off' });
    const workflowList = h('datalist', { id: 'sched-workflow-list' });
    const versionInput = h('input', { type: 'number', id: 'sched-version', min: 1, placeholder: 'latest', 'data-role': 'schedule-version-input' });
    const input = jsonEditor({ id: 'sched-input', label: 'Workflow input (JSON object)', value: '{}', rows: 6, requireObject: true, allowBlank: true, role: 'schedule-input-editor' });
    const correlationInput = h('input', { type: 'text', id: 'sched-correlation', 'data-role': 'schedule-correlation-input' });
    const cronInput = h('input', { type: 'text', id: 'sched-cron', class: 'mono', 'data-role': 'schedule-cron-input', placeholder: '0 0 9 * * MON-FRI', required: true, autocomplete: 'off', spellcheck: 'false' });
    const zoneInput = h('input', { type: 'text', id: 'sched-zone', list: 'sched-zone-list', value: 'UTC', 'data-role': 'schedule-zone-input', autocomplete: 'off', spellcheck: 'false' });
    const zoneList = h('datalist', { id: 'sched-zone-list' }, COMMON_ZONES.map((z) => h('option', { value: z })));
    const startInput = h('input', { type: 'datetime-local', id: 'sched-start', step: 1, 'data-role': 'schedule-start-input' });
    const endInput = h('input', { type: 'datetime-local', id: 'sched-end', step: 1, 'data-role': 'schedule-end-input' });
    const catchupInput = h('input', { type: 'checkbox', id: 'sched-catchup', 'data-role': 'schedule-catchup-input' });
    const pausedInput = h('input', { type: 'checkbox', id: 'sched-paused', 'data-role': 'schedule-paused-input' });
    const descriptionInput = h('textarea', { id: 'sched-description', rows: 2, 'data-role': 'schedule-description-input' });
    const errors = h('div', { class: 'error-text', 'data-role': 'schedule-error', role: 'alert' });
    const severalNotice = h('div', { class: 'notice', hidden: true, 'data-role': 'several-expressions' });
    const previewNote = h('p', { class: 'hint', 'data-role': 'preview-note' });
    const previewBody = h('div', { 'data-role': 'preview', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary', 'data-role': 'save-schedule' }, editing ? 'Save' : 'Create schedule');
    api('GET', '/metadata/workflow/names').then((names) => replace(workflowList, (names || []).map((n) => h('option', { value: n })))).catch(() => {});

    // The live preview: the server's next fire times for the expression, start and end, asked once typing pauses.
    let previewTimer = null;
    let previewSeq = 0;
    let lastTimes = null;
    function drawPreview(zone) {
      previewNote.textContent = `The next five fire times in ${zone}, as the server computes them.`;
      if (!lastTimes) return;
      if (!lastTimes.length) {
        replace(previewBody, h('p', { class: 'muted', 'data-role': 'preview-empty' }, 'It never fires (within its start and end times).'));
        return;
      }
      replace(previewBody, h('ol', { class: 'preview-times', 'data-role': 'preview-times' }, lastTimes.map((ms) => {
        const zoned = fmtInZone(ms, zone) || fmtInZone(ms, 'UTC');
        return h('li', { 'data-time': ms }, h('span', { class: 'mono' }, `${zoned} ${zone}`),
          zoned.endsWith(fmtTime(ms)) ? null : h('span', { class: 'muted' }, ` · ${fmtTime(ms)} your time`));
      })));
    }
    function schedulePreview() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
    }
    async function preview() {
      const seq = ++previewSeq;
      const cron = cronInput.value.trim();
      const zone = zoneInput.value.trim() || 'UTC';
      lastTimes = null;
      if (!cron) { replace(previewBody, h('p', { class: 'muted' }, 'Enter a cron expression to see when it fires.')); drawPreview(zone); return; }
      const start = fromLocalInput(startInput.value);
      const end = fromLocalInput(endInput.value);
      try {
        const times = await api('GET', '/scheduler/nextFewSchedules', {
          query: { cronExpression: cron, zoneId: zone, scheduleStartTime: start, scheduleEndTime: end, limit: 5 },
        });
        if (seq !== previewSeq) return;
        lastTimes = Array.isArray(times) ? times : [];
        drawPreview(zone);
      } catch (error) {
        if (seq !== previewSeq) return;
        replace(previewBody, h('p', { class: 'error-text', 'data-role': 'preview-error' }, error.message));
      }
    }
    [cronInput, zoneInput, startInput, endInput].forEach((node) => node.addEventListener('input', schedulePreview));

    const form = h('form', {
      class: 'card', 'data-role': 'schedule-form', novalidate: true, onsubmit: async (event) => {
        event.preventDefault();
        errors.textContent = '';
        const parsedInput = input.read();
        if (parsedInput.error) { errors.textContent = 'Workflow input: ' + parsedInput.error; input.textarea.focus(); return; }
        const start = fromLocalInput(startInput.value);
        const end = fromLocalInput(endInput.value);
        if (Number.isNaN(start) || Number.isNaN(end)) { errors.textContent = 'Start and end must be dates and times.'; return; }
        const base = original ? JSON.parse(JSON.stringify(original)) : {};
        ['nextRunTime', 'createTime', 'updatedTime', 'createdBy', 'updatedBy'].forEach((k) => delete base[k]);
        const request = Object.assign({}, base.startWorkflowRequest || {}, { name: workflowInput.value.trim(), input: parsedInput.value || {} });
        if (versionInput.value.trim()) request.version = Number(versionInput.value); else delete request.version;
        if (correlationInput.value.trim()) request.correlationId = correlationInput.value.trim(); else delete request.correlationId;
        const schedule = Object.assign(base, {
          name: editing || nameInput.value.trim(),
          cronExpression: cronInput.value.trim(),
          zoneId: zoneInput.value.trim() || 'UTC',
          startWorkflowRequest: request,
          runCatchupScheduleInstances: catchupInput.checked,
          paused: pausedInput.checked,
          description: descriptionInput.value.trim() || undefined,
          scheduleStartTime: start,
          scheduleEndTime: end,
        });
        if (!schedule.paused) delete schedule.pausedReason;
        submit.disabled = true;
        try {
          const saved = await api('POST', '/scheduler/schedules', { body: schedule });
          toast(`Saved ${saved.name}`);
          navigate(detailHash(saved.name));
        } catch (error) {
          errors.textContent = error.message + (error.status ? ` (HTTP ${error.status})` : '');
          submit.disabled = false;
        }
      },
    },
    severalNotice,
    h('div', { class: 'field-row' },
      field('sched-name', 'Schedule name', nameInput),
      field('sched-workflow', 'Workflow', [workflowInput, workflowList]),
      field('sched-version', 'Version', versionInput, 'narrow-field')),
    h('div', { class: 'field-row form-gap' },
      field('sched-cron', 'Cron expression (second minute hour day month weekday)', cronInput),
      field('sched-zone', 'Time zone', [zoneInput, zoneList])),
    h('div', { class: 'field-row form-gap' },
      field('sched-start', 'Not before (your time, optional)', startInput),
      field('sched-end', 'Not after (your time, optional)', endInput)),
    h('div', { class: 'form-gap' }, input.root),
    h('div', { class: 'field-row form-gap' }, field('sched-correlation', 'Correlation ID (optional)', correlationInput)),
    h('div', { class: 'form-gap' }, field('sched-description', 'Description (optional)', descriptionInput)),
    h('div', { class: 'check-row form-gap' },
      h('label', { for: 'sched-catchup' }, catchupInput, 'Catch up slots missed while no server ran'),
      h('label', { for: 'sched-paused' }, pausedInput, 'Paused')),
    h('div', { class: 'form-actions' }, submit,
      h('a', { class: 'btn', href: editing ? detailHash(editing) : '#/schedules' }, 'Cancel'), errors));

    replace(root,
      h('div', { class: 'page-head' }, h('a', { href: editing ? detailHash(editing) : '#/schedules' }, editing ? '← ' + editing : '← Schedules'),
        h('h1', {}, editing ? 'Edit schedule' : 'New schedule')),
      h('div', { class: 'run-layout' }, form,
        h('div', { class: 'card' }, h('h2', {}, 'Next fire times'), previewNote, previewBody)));
    drawPreview(zoneInput.value.trim() || 'UTC');
    preview();

    if (editing) {
      nameInput.value = editing;
      nameInput.readOnly = true;
      nameInput.title = 'A schedule is saved by its name: to rename it, create a new one and delete this one.';
      submit.disabled = true;
      api('GET', schedulePath(editing)).then((s) => {
        original = s;
        const request = s.startWorkflowRequest || {};
        workflowInput.value = request.name || '';
        versionInput.value = request.version ? String(request.version) : '';
        input.setValue(request.input || {});
        correlationInput.value = request.correlationId || '';
        cronInput.value = s.cronExpression || '';
        zoneInput.value = s.zoneId || 'UTC';
        startInput.value = toLocalInput(s.scheduleStartTime);
        endInput.value = toLocalInput(s.scheduleEndTime);
        catchupInput.checked = !!s.runCatchupScheduleInstances;
        pausedInput.checked = !!s.paused;
        descriptionInput.value = s.description || '';
        const several = (s.cronSchedules || []).filter((c) => c && c.cronExpression);
        if (several.length) {
          replace(severalNotice, 'This schedule fires on several expressions (', several.map((c, i) => [i ? ', ' : '', h('code', {}, c.cronExpression), ' ' + (c.zoneId || 'UTC')]),
            '). They are kept as they are; the server uses them instead of the expression below.');
          severalNotice.hidden = false;
        }
        submit.disabled = false;
        preview();
      }).catch((error) => { errors.textContent = 'Cannot load the schedule: ' + error.message; });
    } else {
      nameInput.focus();
    }
    return { dispose() { clearTimeout(previewTimer); previewSeq++; } };
  }

  Baton.pages = Baton.pages || {};
  Baton.pages.schedules = renderList;
  Baton.pages.schedule = renderDetail;
  Baton.pages.scheduleForm = renderForm;
})();
