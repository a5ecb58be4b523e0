// Baton UI: the Task queues page — each queue's waiting and running tasks, its definition's limits, and the
// workers that polled it lately (per domain), refreshed every few seconds.
'use strict';

(function () {
  const { h, replace, api, fmtTime } = Baton;
  const REFRESH_MS = 5000;

  function render(root) {
    const holder = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const updated = h('span', { class: 'muted', 'data-role': 'queues-updated' });
    replace(root,
      h('div', { class: 'page-head' }, h('h1', {}, 'Task queues'), h('span', { class: 'spacer' }), updated),
      h('div', { class: 'card' },
        h('p', { class: 'hint', style: 'margin-top:0' },
          'Waiting: tasks queued for a worker. Running: tasks workers hold now. A task definition\'s concurrency or rate ' +
          'limit holds tasks back once it is reached.'),
        holder));
    let timer = null;
    let disposed = false;

    async function refresh() {
      try {
        const [details, polls, defs] = await Promise.all([
          api('GET', '/tasks/queue/all/verbose'), api('GET', '/tasks/queue/polldata/all'), api('GET', '/metadata/taskdefs'),
        ]);
        if (disposed) return;
        const limits = new Map((defs || []).map((d) => [d.name, d]));
        const byQueue = new Map();
        for (const poll of polls || []) {
          if (!byQueue.has(poll.queueName)) byQueue.set(poll.queueName, []);
          byQueue.get(poll.queueName).push(poll);
        }
        const names = Array.from(new Set([...Object.keys(details || {}), ...byQueue.keys()])).sort();
        const rows = names.map((name) => {
          const shards = Object.values((details || {})[name] || {});
          const waiting = shards.reduce((n, s) => n + (s.size || 0), 0);
          const running = shards.reduce((n, s) => n + (s.uacked || 0), 0);
          const colon = name.indexOf(':');
          const domain = colon > 0 ? name.slice(0, colon) : '';
          const taskType = colon > 0 ? name.slice(colon + 1) : name;
          const def = limits.get(taskType) || {};
          const limitText = [];
          if (def.concurrentExecLimit > 0) limitText.push(`${def.concurrentExecLimit} at once` + (running >= def.concurrentExecLimit && waiting > 0 ? ' (reached: holding back)' : ''));
          if (def.rateLimitPerFrequency > 0) limitText.push(`${def.rateLimitPerFrequency} per ${def.rateLimitFrequencyInSeconds || 1} s`);
          const workers = (byQueue.get(name) || []).slice().sort((a, b) => b.lastPollTime - a.lastPollTime);
          return h('tr', { 'data-queue': name },
            h('td', {}, h('strong', {}, taskType)),
            h('td', {}, domain || h('span', { class: 'muted' }, '—')),
            h('td', { 'data-role': 'waiting' }, String(waiting)),
            h('td', { 'data-role': 'running' }, String(running)),
            h('td', { 'data-role': 'limits' }, limitText.join(', ') || h('span', { class: 'muted' }, 'none')),
            h('td', { class: 'nowrap', 'data-role': 'workers' }, workers.length
              ? workers.map((w, i) => [i ? h('br') : null, `${w.workerId || '(no id)'} · ${fmtTime(w.lastPollTime)}`])
              : h('span', { class: 'muted' }, 'never polled')));
        });
        replace(holder, rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-role': 'queues' },
          h('thead', {}, h('tr', {}, ['Task type', 'Domain', 'Waiting', 'Running', 'Limits', 'Last polls'].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows))) : h('div', { class: 'empty' }, 'No queue has a task or a worker yet.'));
        updated.textContent = 'Updated ' + fmtTime(Date.now()).slice(11);
      } catch (error) {
        if (!disposed) replace(holder, h('p', { class: 'error-text', 'data-role': 'error-message' }, error.message));
      }
      if (!disposed) timer = setTimeout(() => { if (!document.hidden) refresh(); else timer = setTimeout(refresh, REFRESH_MS); }, REFRESH_MS);
    }

    refresh();
    return { dispose() { disposed = true; clearTimeout(timer); } };
  }

  Baton.pages = Baton.pages || {};
  Baton.pages.queues = render;
})();
