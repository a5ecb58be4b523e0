// Baton UI: hash router. #/executions, #/execution/{id}, #/definitions, #/definitions/{workflow|task}/{name}, #/run,
// #/queues, #/schedules, #/schedules/new, #/schedules/{name} (#/schedules/new/view for one named "new"),
// #/schedules/{name}/edit.
'use strict';

(function () {
  const { parseHash, hideError, api } = Baton;
  let current = null;

  function route() {
    const parsed = parseHash();
    const page = parsed.parts[0] || 'executions';
    if (current && current.dispose) current.dispose();
    current = null;
    hideError();
    const main = document.getElementById('main');
    document.querySelectorAll('.mainnav a').forEach((a) => {
      const nav = a.dataset.nav;
      const active = nav === page || (nav === 'executions' && page === 'execution');
      a.classList.toggle('active', active);
      if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    const pages = Baton.pages;
    let render;
    if (page === 'executions') render = pages.executions;
    else if (page === 'execution' && parsed.parts[1]) render = pages.execution;
    else if (page === 'definitions' && parsed.parts[1]) render = pages.definition;
    else if (page === 'definitions') render = pages.definitions;
    else if (page === 'run') render = pages.run;
    else if (page === 'queues') render = pages.queues;
    else if (page === 'schedules' && parsed.parts[1] === 'new' && !parsed.parts[2]) render = pages.scheduleForm;
    else if (page === 'schedules' && parsed.parts[2] === 'edit') render = pages.scheduleForm;
    else if (page === 'schedules' && parsed.parts[1]) render = pages.schedule;
    else if (page === 'schedules') render = pages.schedules;
    if (!render) {
      location.replace('#/executions');
      return;
    }
    const titles = { executions: 'Executions', execution: 'Execution', definitions: 'Definitions', run: 'Run workflow',
      queues: 'Task queues', schedules: 'Schedules' };
    document.title = `${titles[page] || 'Baton'} · Baton`;
    current = render(main, parsed);
    window.scrollTo(0, 0);
  }

  window.addEventListener('hashchange', route);
  if (!location.hash || location.hash === '#' || location.hash === '#/') history.replaceState(null, '', '#/executions');
  route();
  api('GET', '/version').then((v) => { document.getElementById('server-info').textContent = 'Baton ' + String(v).trim(); }).catch(() => {});
})();
