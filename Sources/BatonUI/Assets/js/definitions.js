// Baton UI: workflow and task definitions (list, view, edit, register) and the Run Workflow page.
'use strict';

(function () {
  const { h, replace, api, fmtTime, jsonView, jsonEditor, toast, showError, hideError, navigate, setHashParams } = Baton;

  // ---- list -----------------------------------------------------------------------------------------

  function renderList(root, route) {
    const view = route.params.get('view') === 'tasks' ? 'tasks' : 'workflows';
    const tabs = [['workflows', 'Workflows'], ['tasks', 'Task definitions']].map(([key, label]) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(view === key), 'data-tab': key,
      onclick: () => navigate('#/definitions' + (key === 'tasks' ? '?view=tasks' : '')),
    }, label));
    const holder = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    replace(root,
      h('div', { class: 'page-head' }, h('h1', {}, 'Definitions'), h('span', { class: 'spacer' }),
        h('a', { class: 'btn', href: '#/definitions/task/new', 'data-role': 'new-task-def' }, '+ New task definition'),
        h('a', { class: 'btn primary', href: '#/definitions/workflow/new', 'data-role': 'new-workflow-def' }, '+ New workflow definition')),
      h('div', { class: 'card' }, h('div', { class: 'tabs', role: 'tablist' }, tabs), holder));
    if (view === 'workflows') {
      api('GET', '/metadata/workflow').then((defs) => {
        const byName = new Map();
        (defs || []).forEach((d) => { if (!byName.has(d.name)) byName.set(d.name, []); byName.get(d.name).push(d); });
        const rows = Array.from(byName.entries()).sort((a, b) => a[0].localeCompare(b[0])).map(([name, versions]) => {
          versions.sort((a, b) => a.version - b.version);
          const latest = versions[versions.length - 1];
          return h('tr', { 'data-name': name },
            h('td', {}, h('a', { href: '#/definitions/workflow/' + encodeURIComponent(name) }, h('strong', {}, name))),
            h('td', {}, versions.map((v, i) => [i ? ' ' : '', h('a', { href: `#/definitions/workflow/${encodeURIComponent(name)}?version=${v.version}` }, 'v' + v.version)])),
            h('td', { class: 'hide-narrow' }, latest.description || ''),
            h('td', {}, String((latest.tasks || []).length)),
            h('td', { class: 'nowrap hide-narrow' }, fmtTime(latest.updateTime || latest.createTime)),
            h('td', { class: 'nowrap' },
              h('a', { class: 'btn small', href: '#/run?name=' + encodeURIComponent(name) }, '▶ Run'), ' ',
              h('a', { class: 'btn small', href: '#/executions?names=' + encodeURIComponent(name) }, 'Executions')));
        });
        replace(holder, rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-role': 'workflow-defs' },
          h('thead', {}, h('tr', {}, ['Name', 'Versions', 'Description', 'Tasks', 'Updated', ''].map((t, i) => h('th', { class: [2, 4].includes(i) ? 'hide-narrow' : '' }, t)))),
          h('tbody', {}, rows))) : h('div', { class: 'empty' }, 'No workflow definitions yet.'));
      }).catch((error) => replace(holder, h('p', { class: 'error-text' }, error.message)));
    } else {
      api('GET', '/metadata/taskdefs').then((defs) => {
        const rows = (defs || []).slice().sort((a, b) => a.name.localeCompare(b.name)).map((d) => h('tr', { 'data-name': d.name },
          h('td', {}, h('a', { href: '#/definitions/task/' + encodeURIComponent(d.name) }, h('strong', {}, d.name))),
          h('td', {}, String(d.retryCount ?? '')), h('td', { class: 'hide-narrow' }, d.retryLogic || ''),
          h('td', {}, String(d.timeoutSeconds ?? '')), h('td', {}, String(d.responseTimeoutSeconds ?? '')),
          h('td', { class: 'hide-narrow' }, d.description || '')));
        replace(holder, rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-role': 'task-defs' },
          h('thead', {}, h('tr', {}, ['Name', 'Retries', 'Retry logic', 'Timeout (s)', 'Response timeout (s)', 'Description'].map((t, i) => h('th', { class: [2, 5].includes(i) ? 'hide-narrow' : '' }, t)))),
          h('tbody', {}, rows))) : h('div', { class: 'empty' }, 'No task definitions yet.'));
      }).catch((error) => replace(holder, h('p', { class: 'error-text' }, error.message)));
    }
    return { dispose() {} };
  }

  // ---- editor ---------------------------------------------------------------------------------------

  const NEW_WORKFLOW = {
    name: 'my_workflow', description: 'What this workflow does', version: 1, schemaVersion: 2, restartable: true,
    inputParameters: ['name'], timeoutPolicy: 'ALERT_ONLY', timeoutSeconds: 0,
    tasks: [
      { name: 'my_task', taskReferenceName: 'my_task', type: 'SIMPLE', inputParameters: { name: '${workflow.input.name}' } },
      { name: 'approval', taskReferenceName: 'approval', type: 'WAIT' },
    ],
    outputParameters: { result: '${my_task.output}' },
  };
  const NEW_TASK = {
    name: 'my_task', description: 'What this task does', retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 5,
    timeoutSeconds: 3600, timeoutPolicy: 'TIME_OUT_WF', responseTimeoutSeconds: 600, ownerEmail: 'team@example.com',
  };

  function renderEditor(root, route) {
    const kind = route.parts[1] === 'task' ? 'task' : 'workflow';
    const name = route.parts[2];
    const isNew = !name || name === 'new';
    const version = route.params.get('version');
    const title = h('h1', {}, isNew ? `New ${kind === 'task' ? 'task' : 'workflow'} definition` : name);
    const versionSelect = h('select', { 'aria-label': 'Version', hidden: true, onchange: (e) => navigate(`#/definitions/workflow/${encodeURIComponent(name)}?version=${e.target.value}`) });
    const errors = h('ul', { class: 'inline-errors', 'data-role': 'validation-errors', role: 'alert' });
    const status = h('span', { 'data-role': 'editor-status', role: 'status' });
    const preview = h('div', { class: 'diagram', 'data-role': 'definition-preview' });
    let original = null;
    const editor = jsonEditor({
      id: 'def-editor', label: 'Definition (JSON)', rows: 28, requireObject: true, role: 'definition-editor',
      onInput: () => { status.textContent = ''; setErrors([]); renderPreview(); },
    });
    const renderPreview = () => {
      if (kind !== 'workflow') return;
      const parsed = parseQuiet(editor.textarea.value);
      if (parsed && Array.isArray(parsed.tasks)) {
        try { replace(preview, Baton.graph.renderDiagram(parsed, { tasks: [] })); Baton.centerHorizontally(preview); } catch (e) { replace(preview, h('p', { class: 'muted' }, 'Cannot draw: ' + e.message)); }
      }
    };
    function setErrors(list) { replace(errors, list.map((text) => h('li', {}, text))); }
    const read = () => {
      const parsed = editor.read();
      if (parsed.error) { setErrors(['JSON: ' + parsed.error]); return null; }
      setErrors([]);
      return parsed.value;
    };
    const apiErrors = (error) => {
      const list = [error.message + (error.status ? ` (HTTP ${error.status})` : '')];
      (error.validationErrors || []).forEach((v) => list.push(`${v.path || ''}: ${v.message}${v.invalidValue !== undefined ? ` (was ${JSON.stringify(v.invalidValue)})` : ''}`));
      setErrors(list);
    };
    const validate = async () => {
      const value = read();
      if (!value) return;
      status.textContent = '';
      try {
        await api('POST', '/metadata/workflow/validate', { body: value });
        status.className = 'ok-text';
        status.textContent = '✓ Valid';
      } catch (error) { apiErrors(error); }
    };
    const save = async () => {
      const value = read();
      if (!value) return;
      status.textContent = '';
      const page = location.hash;
      try {
        if (kind === 'workflow') {
          if (isNew) await api('POST', '/metadata/workflow', { body: value });
          else await api('PUT', '/metadata/workflow', { body: [value] });
        } else if (isNew) await api('POST', '/metadata/taskdefs', { body: [value] });
        else await api('PUT', '/metadata/taskdefs', { body: value });
        toast(`Saved ${value.name}${kind === 'workflow' ? ' v' + value.version : ''}`);
        if (location.hash !== page) return;  // the user moved on while it saved: do not pull them back
        status.className = 'ok-text';
        status.textContent = '✓ Saved';
        const target = `#/definitions/${kind}/${encodeURIComponent(value.name)}${kind === 'workflow' ? '?version=' + value.version : ''}`;
        if (location.hash !== target) { Baton.flash = '✓ Saved'; navigate(target); } else load();
      } catch (error) { apiErrors(error); }
    };
    const actions = h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'primary', onclick: save, 'data-role': 'save-definition' }, isNew ? 'Register' : 'Save'),
      kind === 'workflow' ? h('button', { type: 'button', onclick: validate, 'data-role': 'validate-definition' }, 'Validate') : null,
      h('button', { type: 'button', onclick: () => { if (original) { editor.setValue(original); setErrors([]); renderPreview(); } } }, 'Revert'),
      kind === 'workflow' && !isNew ? h('a', { class: 'btn', href: '#/run?name=' + encodeURIComponent(name) + (version ? '&version=' + version : '') }, '▶ Run') : null,
      status);
    replace(root,
      h('div', { class: 'page-head' }, h('a', { href: '#/definitions' + (kind === 'task' ? '?view=tasks' : '') }, '← Definitions'), title, versionSelect),
      h('div', { class: kind === 'workflow' ? 'editor-layout' : '' },
        h('div', { class: 'card' }, editor.root, errors, actions,
          h('p', { class: 'hint' }, isNew ? 'Register refuses a name (and version) that already exists.' :
            kind === 'workflow' ? 'Save updates this version; change "version" to register a new one.' : 'Save replaces the task definition.')),
        kind === 'workflow' ? h('div', { class: 'card' }, h('h2', {}, 'Diagram'), preview) : null));

    if (Baton.flash) { status.className = 'ok-text'; status.textContent = Baton.flash; Baton.flash = null; }
    async function load() {
      if (isNew) {
        original = kind === 'workflow' ? NEW_WORKFLOW : NEW_TASK;
        editor.setValue(original);
        renderPreview();
        return;
      }
      try {
        if (kind === 'workflow') {
          const [def, versions] = await Promise.all([
            api('GET', '/metadata/workflow/' + encodeURIComponent(name), { query: { version } }),
            api('GET', '/metadata/workflow/' + encodeURIComponent(name) + '/versions').catch(() => []),
          ]);
          original = def;
          replace(title, name, h('span', { class: 'muted', style: 'font-weight:400' }, ' v' + def.version));
          if (versions && versions.length > 1) {
            replace(versionSelect, versions.map((v) => h('option', { value: v.version, selected: v.version === def.version }, 'v' + v.version)));
            versionSelect.hidden = false;
          }
        } else {
          original = await api('GET', '/metadata/taskdefs/' + encodeURIComponent(name));
        }
        editor.setValue(original);
        renderPreview();
      } catch (error) {
        setErrors([error.message]);
      }
    }
    load();
    return { dispose() {} };
  }

  function parseQuiet(text) { try { return JSON.parse(text); } catch (_) { return null; } }

  // ---- Run workflow ---------------------------------------------------------------------------------

  function renderRun(root, route) {
    const params = route.params;
    const from = params.get('from');
    const nameInput = h('select', { id: 'run-name', 'data-role': 'run-name', required: true });
    const versionSelect = h('select', { id: 'run-version', 'data-role': 'run-version' });
    const input = jsonEditor({ id: 'run-input', label: 'Input (JSON object)', value: '{}', rows: 10, requireObject: true, allowBlank: true, role: 'run-input' });
    const correlation = h('input', { type: 'text', id: 'run-correlation', 'data-role': 'run-correlation' });
    const idempotency = h('input', { type: 'text', id: 'run-idempotency', 'data-role': 'run-idempotency' });
    const strategy = h('select', { id: 'run-strategy', 'data-role': 'run-strategy' }, ['FAIL', 'RETURN_EXISTING', 'FAIL_ON_RUNNING'].map((s) => h('option', { value: s }, s)));
    const priority = h('input', { type: 'number', id: 'run-priority', min: 0, max: 99, value: '0' });
    const domains = jsonEditor({ id: 'run-domains', label: 'Task to domain (optional JSON object)', value: '', rows: 3, requireObject: true, allowBlank: true, role: 'run-domains' });
    const errors = h('div', { class: 'error-text', 'data-role': 'run-error', role: 'alert' });
    const notice = h('div', { class: 'notice', hidden: !from, 'data-role': 'rerun-notice' });
    const preview = h('div', { class: 'diagram', style: 'max-height:60vh' });
    let definitions = [];
    let prefill = null;

    const submit = h('button', { type: 'submit', class: 'primary', 'data-role': 'run-submit' }, '▶ Run workflow');
    const form = h('form', {
      class: 'card', onsubmit: async (event) => {
        event.preventDefault();
        errors.textContent = '';
        const parsedInput = input.read();
        if (parsedInput.error) { errors.textContent = 'Input: ' + parsedInput.error; input.textarea.focus(); return; }
        const parsedDomains = domains.read();
        if (parsedDomains.error) { errors.textContent = 'Task to domain: ' + parsedDomains.error; return; }
        if (!nameInput.value) { errors.textContent = 'Choose a workflow.'; return; }
        const request = { name: nameInput.value, input: parsedInput.value || {} };
        if (versionSelect.value) request.version = Number(versionSelect.value);
        if (correlation.value.trim()) request.correlationId = correlation.value.trim();
        if (idempotency.value.trim()) { request.idempotencyKey = idempotency.value.trim(); request.idempotencyStrategy = strategy.value; }
        if (Number(priority.value)) request.priority = Number(priority.value);
        if (parsedDomains.value) request.taskToDomain = parsedDomains.value;
        submit.disabled = true;
        try {
          const id = await api('POST', '/workflow', { body: request });
          toast('Started ' + id);
          navigate('#/execution/' + encodeURIComponent(String(id).trim()));
        } catch (error) {
          errors.textContent = error.message + (error.status ? ` (HTTP ${error.status})` : '');
          submit.disabled = false;
        }
      },
    },
    notice,
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'run-name' }, 'Workflow'), nameInput),
      h('div', { class: 'field', style: 'flex:0 0 130px' }, h('label', { for: 'run-version' }, 'Version'), versionSelect)),
    h('div', { style: 'margin-top:10px' }, input.root),
    h('div', { class: 'field-row', style: 'margin-top:10px' },
      h('div', { class: 'field' }, h('label', { for: 'run-correlation' }, 'Correlation ID'), correlation),
      h('div', { class: 'field' }, h('label', { for: 'run-idempotency' }, 'Idempotency key'), idempotency),
      h('div', { class: 'field' }, h('label', { for: 'run-strategy' }, 'If the key exists'), strategy),
      h('div', { class: 'field', style: 'flex:0 0 100px' }, h('label', { for: 'run-priority' }, 'Priority'), priority)),
    h('div', { style: 'margin-top:10px' }, domains.root),
    h('div', { class: 'form-actions' }, submit, errors));

    replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Run workflow')),
      h('div', { class: 'run-layout' }, form, h('div', { class: 'card' }, h('h2', {}, 'Diagram'), preview)));

    const currentDef = () => {
      const versions = definitions.filter((d) => d.name === nameInput.value).sort((a, b) => a.version - b.version);
      if (!versions.length) return null;
      return versions.find((d) => String(d.version) === versionSelect.value) || versions[versions.length - 1];
    };
    const fillVersions = (wanted) => {
      const versions = definitions.filter((d) => d.name === nameInput.value).map((d) => d.version).sort((a, b) => a - b);
      replace(versionSelect, h('option', { value: '' }, 'latest'), versions.map((v) => h('option', { value: v, selected: String(v) === String(wanted) }, 'v' + v)));
    };
    const templateInput = () => {
      const def = currentDef();
      if (!def || prefill) return;
      const template = {};
      (def.inputParameters || []).forEach((p) => { template[p] = ''; });
      input.setValue(template);
    };
    const drawPreview = () => {
      const def = currentDef();
      replace(preview, def ? Baton.graph.renderDiagram(def, { tasks: [] }) : h('p', { class: 'muted' }, 'Choose a workflow.'));
      Baton.centerHorizontally(preview);
    };
    nameInput.addEventListener('change', () => { fillVersions(); templateInput(); drawPreview(); syncUrl(); });
    versionSelect.addEventListener('change', () => { drawPreview(); syncUrl(); });
    const syncUrl = () => {
      const next = new URLSearchParams();
      if (nameInput.value) next.set('name', nameInput.value);
      if (versionSelect.value) next.set('version', versionSelect.value);
      if (from) next.set('from', from);
      setHashParams('/run', next);
    };

    (async () => {
      try {
        definitions = await api('GET', '/metadata/workflow') || [];
      } catch (error) {
        errors.textContent = error.message;
      }
      let name = params.get('name');
      let version = params.get('version');
      if (from) {
        try {
          const wf = await api('GET', '/workflow/' + encodeURIComponent(from), { query: { includeTasks: 'false' } });
          prefill = wf;
          name = wf.workflowName;
          version = String(wf.workflowVersion);
          input.setValue(wf.input || {});
          correlation.value = wf.correlationId || '';
          if (wf.taskToDomain && Object.keys(wf.taskToDomain).length) domains.setValue(wf.taskToDomain);
          replace(notice, 'Re-run of ', h('a', { href: '#/execution/' + encodeURIComponent(from), class: 'mono' }, from),
            ': prefilled with its input, correlation id and task-to-domain mapping. Running starts a NEW execution with a new id; the original is left as it is.');
        } catch (error) {
          errors.textContent = 'Cannot load execution ' + from + ': ' + error.message;
        }
      }
      const names = Array.from(new Set(definitions.map((d) => d.name))).sort();
      if (name && !names.includes(name)) names.push(name);
      replace(nameInput, h('option', { value: '' }, names.length ? 'Choose…' : 'No workflow definitions'), names.map((n) => h('option', { value: n, selected: n === name }, n)));
      fillVersions(version);
      templateInput();
      drawPreview();
      (from ? submit : nameInput).focus();
    })();
    return { dispose() {} };
  }

  Baton.pages = Baton.pages || {};
  Baton.pages.definitions = renderList;
  Baton.pages.definition = renderEditor;
  Baton.pages.run = renderRun;
})();
