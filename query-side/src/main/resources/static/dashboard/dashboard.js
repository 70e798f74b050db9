// The ledger's dashboard (operations.md): plain JavaScript, no library, nothing loaded from elsewhere. Every value
// shown comes from the query side's API (api.md) and is put in the page as text, never as markup.
'use strict';
(() => {
  const TOKEN_KEY = 'ledger.dashboard.token';
  const PERIOD_KEY = 'ledger.dashboard.period';
  const PERIOD = /^[0-9]{4}-H[12]$/;
  const CHART_JURISDICTIONS = 10;

  // what each part of the page needs (security.md's roles; admin may do everything)
  const RIGHTS = {
    figures: ['viewer', 'publisher', 'auditor'],
    replays: ['viewer', 'publisher', 'auditor'],
    startReplay: ['auditor'],
    verify: ['auditor'],
    publish: ['publisher'],
    listDemands: ['auditor'],
    openDemand: ['recorder', 'legal', 'auditor'],
    queue: ['recorder', 'legal', 'auditor'],
    notices: ['legal', 'auditor'],
  };

  const COLUMNS = [
    ['requests', 'Requests'], ['accounts', 'Accounts'], ['content', 'Content'], ['subscriberOnly', 'Subscriber data only'],
    ['noDataFound', 'No data found'], ['rejected', 'Rejected'], ['pending', 'Pending'], ['contentPct', 'Content %'],
    ['subscriberOnlyPct', 'Subscriber data only %'], ['noDataFoundPct', 'No data found %'], ['rejectedPct', 'Rejected %'],
  ];
  const HANDLING_COLUMNS = [
    ['requests', 'Requests'], ['withDeadline', 'With a due date'], ['onTime', 'On time'], ['late', 'Late'], ['open', 'Open'],
    ['medianHoursToResponse', 'Median hours to a response'], ['nonDisclosureOrders', 'Non-disclosure orders'],
    ['usersNotified', 'Users notified'], ['onTimePct', 'On time %'], ['nonDisclosurePct', 'Non-disclosure %'],
  ];
  const OUTCOMES = [
    ['content', 'Content'], ['subscriberOnly', 'Subscriber data only'], ['noDataFound', 'No data found'],
    ['rejected', 'Rejected'], ['pending', 'Pending'],
  ];
  const OUTCOME_NAMES = Object.fromEntries(OUTCOMES);
  const LEGAL_PROCESSES = {
    SUBPOENA: 'Subpoena', COURT_ORDER: 'Court order', SEARCH_WARRANT: 'Search warrant', EMERGENCY: 'Emergency',
    OTHER: 'Other', NATIONAL_SECURITY_LETTER: 'National-security letter', FISA_ORDER: 'FISA order',
  };
  const NATIONAL_SECURITY_KINDS = {NATIONAL_SECURITY_LETTER: 'National-security letters', FISA_ORDER: 'FISA orders'};
  const EVENTS = {
    DemandReceived: 'Received', SubscriberDataDisclosed: 'Subscriber data disclosed', ContentDisclosed: 'Content disclosed',
    NoDataFound: 'No data found', DemandRejected: 'Rejected', DemandCorrected: 'Corrected',
    DeadlineSet: 'Due date set', DemandAssigned: 'Assigned', NonDisclosureOrderRecorded: 'Non-disclosure order',
    UserNotified: 'User notified',
  };
  const REASONS = {
    INVALID_LEGAL_PROCESS: 'invalid legal process', OVERBROAD: 'overbroad', WRONG_JURISDICTION: 'wrong jurisdiction', OTHER: 'other',
  };
  const FIELD_NAMES = {
    receivedAt: 'received', occurredAt: 'occurred', jurisdiction: 'jurisdiction', agency: 'agency',
    legalProcess: 'legal process', accounts: 'accounts', reason: 'reason', dueAt: 'due', assignee: 'owner', until: 'until',
  };
  /** What a null says in a history's fields: an owner removed, an order without end. */
  const NULL_MEANS = {assignee: 'nobody (unassigned)', until: 'indefinite'};

  const $ = (id) => document.getElementById(id);
  const integers = new Intl.NumberFormat('en-US');
  let regionNames = null;
  try {
    regionNames = new Intl.DisplayNames(['en'], {type: 'region'});
  } catch (e) {
    regionNames = null;
  }

  const state = {
    token: null,
    session: null,
    period: null,
    figures: null,
    loading: 0, // answers of an earlier period's load are dropped
    replayTimer: null,
    replayRunning: false,
    demandsNext: null,
    demandsQuery: null,
    queueQuery: null,
    queueNext: null,
    queueLoading: 0, // answers of an earlier filter's load are dropped
    noticesNext: null,
  };

  class Unauthorized extends Error {
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** An element: attributes (text: its text; on...: a listener), then children (strings become text). */
  function el(tag, attributes, ...children) {
    return build(document.createElement(tag), attributes, children);
  }

  function svg(tag, attributes, ...children) {
    return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes, children);
  }

  /** Replaces an element's children: arrays flattened, nothing for null. */
  function fill(parent, ...children) {
    parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
    return parent;
  }

  function build(element, attributes, children) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name === 'text') {
        element.textContent = String(value);
      } else if (name.startsWith('on')) {
        element.addEventListener(name.slice(2), value);
      } else {
        element.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) {
        element.append(child);
      }
    }
    return element;
  }

  function integer(n) {
    return n === null || n === undefined ? '' : integers.format(n);
  }

  function percent(p) {
    return p === null || p === undefined ? '\u2014' : Number(p).toFixed(2);
  }

  function when(instant) {
    if (!instant) {
      return '';
    }
    return el('time', {datetime: instant, text: instant.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')});
  }

  function region(code) {
    if (!regionNames || !code || code === 'TOTAL') {
      return null;
    }
    try {
      const name = regionNames.of(code);
      return name && name !== code ? name : null;
    } catch (e) {
      return null;
    }
  }

  function jurisdictionLabel(code) {
    const name = region(code);
    return name ? el('abbr', {title: name, text: code}) : code;
  }

  function may(right) {
    const roles = state.session ? state.session.roles : [];
    return roles.includes('admin') || RIGHTS[right].some((role) => roles.includes(role));
  }

  function note(id, text, kind) {
    const p = $(id);
    p.textContent = text || '';
    p.classList.toggle('error', kind === 'error');
  }

  function busy(section, yes) {
    $(section).setAttribute('aria-busy', yes ? 'true' : 'false');
  }

  /** What a refused answer says, for a person: the problem detail's detail, else its status. */
  function refusal(answer) {
    const body = answer.body;
    if (body && typeof body === 'object' && body.detail) {
      return body.detail;
    }
    return 'the ledger answered ' + answer.status;
  }

  /** A call of the API with the token; a 401 asks for the token again (and rejects). */
  async function api(path, method) {
    const headers = {Accept: 'application/json'};
    if (state.token) {
      headers.Authorization = 'Bearer ' + state.token;
    }
    let response;
    try {
      response = await fetch(path, {method: method || 'GET', headers, cache: 'no-store', credentials: 'omit',
        referrerPolicy: 'no-referrer'});
    } catch (e) {
      return {status: 0, ok: false, body: {detail: 'the ledger cannot be reached (' + e.message + ')'}};
    }
    if (response.status === 401) {
      askForToken('The ledger refused the token (unknown, revoked or expired). Enter a token.');
      throw new Unauthorized();
    }
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : await response.text();
    return {status: response.status, ok: response.ok, body, headers: response.headers};
  }

  /** Runs a part of the page, leaving 401s to the token form and saying what else went wrong. */
  function guarded(noteId, work) {
    return async (...args) => {
      try {
        return await work(...args);
      } catch (e) {
        if (!(e instanceof Unauthorized)) {
          note(noteId, 'Something went wrong: ' + e.message, 'error');
        }
        return undefined;
      }
    };
  }

  // ---- token and session ------------------------------------------------------------------------------------------

  /** A token in the fragment (#token=...&period=...) is kept for the session and taken out of the address bar. */
  function readFragment() {
    const fragment = location.hash.replace(/^#/, '');
    let period = null;
    if (fragment) {
      const parameters = new URLSearchParams(fragment);
      if (parameters.has('token')) {
        const token = parameters.get('token').trim();
        if (token) {
          sessionStorage.setItem(TOKEN_KEY, token);
        }
        parameters.delete('token');
      }
      if (parameters.has('period') && PERIOD.test(parameters.get('period'))) {
        period = parameters.get('period');
      }
      const rest = parameters.toString();
      history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    }
    return period;
  }

  function askForToken(message) {
    state.token = null;
    state.session = null;
    sessionStorage.removeItem(TOKEN_KEY);
    stopReplayPolling();
    $('dashboard').hidden = true;
    $('session').hidden = true;
    $('login').hidden = false;
    note('login-message', message || '');
    $('token').value = '';
    $('token').focus();
  }

  async function openSession() {
    state.token = sessionStorage.getItem(TOKEN_KEY);
    if (!state.token) {
      askForToken('');
      return;
    }
    let answer;
    try {
      answer = await api('/api/session');
    } catch (e) {
      return; // a 401: the token form is shown
    }
    if (!answer.ok) {
      askForToken('The token could not be checked: ' + refusal(answer));
      return;
    }
    state.session = answer.body;
    $('who').textContent = '';
    $('who').append('Signed in as ', el('strong', {text: state.session.actor}),
      ' (' + (state.session.roles.length ? state.session.roles.join(', ') : 'no role') + ')');
    $('session').hidden = false;
    $('login').hidden = true;
    $('dashboard').hidden = false;
    offer();
    if (may('queue')) {
      loadQueue(false);
    }
    if (may('notices')) {
      loadNotices(false);
    }
    if (!may('figures') && !may('openDemand')) {
      note('status', 'This token\'s roles show no figures and no demands; the published versions below are public.');
    }
    await showPeriod(state.period);
    if (may('replays')) {
      loadReplay();
    }
  }

  /** Shows the parts of the page the token's roles allow, and only those. */
  function offer() {
    $('figures').hidden = !may('figures');
    $('chart').hidden = !may('figures');
    $('legal-process').hidden = !may('figures');
    $('national-security').hidden = !may('figures');
    $('handling').hidden = !may('figures');
    $('queue').hidden = !may('queue');
    $('notices').hidden = !may('notices');
    $('replay').hidden = !may('replays');
    $('replay-start').hidden = !may('startReplay');
    $('reports-publish').hidden = !may('publish');
    $('demands').hidden = !may('openDemand') && !may('listDemands');
    $('demand-search-form').hidden = !may('listDemands');
    $('demands-title').textContent = may('listDemands') ? 'Demands: search, and a demand\'s history' : 'A demand\'s history';
  }

  // ---- the period --------------------------------------------------------------------------------------------------

  function currentPeriod() {
    const now = new Date();
    return now.getUTCFullYear() + '-H' + (now.getUTCMonth() < 6 ? 1 : 2);
  }

  function shifted(period, by) {
    const index = Number(period.slice(0, 4)) * 2 + Number(period.slice(6)) - 1 + by;
    return Math.floor(index / 2) + '-H' + (index % 2 + 1);
  }

  async function showPeriod(period) {
    state.period = period;
    sessionStorage.setItem(PERIOD_KEY, period);
    history.replaceState(null, '', location.pathname + location.search + '#period=' + period);
    $('period').value = period;
    $('search-in-period').nextElementSibling.textContent = 'In ' + period;
    note('status', '');
    const loading = ++state.loading;
    const parts = [loadReports(loading)];
    if (may('figures')) {
      parts.push(loadFigures(loading), loadNationalSecurity(loading), loadHandling(loading));
    }
    await Promise.all(parts);
  }

  // ---- the period's table and its chart ------------------------------------------------------------------------

  function header(first, columns) {
    return el('tr', null, el('th', {scope: 'col', text: first}),
      columns.map(([key, name]) => el('th', {scope: 'col', 'data-column': key, text: name})));
  }

  /** A count, a percentage, or a median (a dash where there is none, as for a percentage of nothing). */
  function cell(key, value) {
    if (key.endsWith('Pct')) {
      return percent(value);
    }
    return key.startsWith('median') && (value === null || value === undefined) ? '\u2014' : integer(value);
  }

  function row(label, code, values, columns) {
    return el('tr', {'data-row': code},
      el('th', {scope: 'row', 'data-code': code}, label),
      columns.map(([key]) => el('td', {'data-column': key, text: cell(key, values[key])})));
  }

  function fillTable(table, first, rows, total, key, label, columns) {
    const shown = columns || COLUMNS;
    table.tHead.replaceChildren(header(first, shown));
    table.tBodies[0].replaceChildren(...rows.map((r) => row(label(r[key]), r[key], r, shown)));
    table.tFoot.replaceChildren(row('TOTAL', 'TOTAL', total, shown));
  }

  const loadFigures = guarded('figures-note', async (loading) => {
    busy('figures', true);
    busy('chart', true);
    const answer = await api('/api/statistics/' + state.period);
    if (loading !== state.loading) {
      return;
    }
    if (!answer.ok) {
      state.figures = null;
      note('figures-note', 'No figures: ' + refusal(answer), 'error');
      $('figures-table').hidden = true;
      $('chart-figure').replaceChildren();
      busy('figures', false);
      busy('chart', false);
      return;
    }
    const figures = answer.body;
    state.figures = figures;
    $('figures-digest').textContent = figures.digest;
    $('figures-position').textContent = integer(figures.position);
    $('figures-count').textContent = integer(figures.rows.length);
    $('figures-caption').textContent = 'Requests by jurisdiction, ' + figures.period + ' (' + figures.rows.length
      + (figures.rows.length === 1 ? ' jurisdiction' : ' jurisdictions') + ' and the TOTAL)';
    fillTable($('figures-table'), 'Jurisdiction', figures.rows, figures.total, 'jurisdiction', jurisdictionLabel);
    $('figures-table').hidden = false;
    note('figures-note', figures.rows.length ? '' : 'No demand of ' + figures.period + ' is in the ledger.');
    busy('figures', false);
    drawChart();
    busy('chart', false);
    jurisdictionChoices(figures.rows.map((r) => r.jurisdiction));
    await loadLegalProcess(loading);
  });

  /** The jurisdictions of the period, for the legal-process table and the search. */
  function jurisdictionChoices(codes) {
    const select = $('legal-process-jurisdiction');
    const chosen = select.value;
    fill(select, el('option', {value: '', text: 'All jurisdictions'}),
      codes.map((code) => el('option', {value: code, text: region(code) ? code + ' (' + region(code) + ')' : code})));
    select.value = codes.includes(chosen) ? chosen : '';
    $('jurisdictions').replaceChildren(...codes.map((code) => el('option', {value: code, label: region(code) || code})));
  }

  /**
   * A horizontal bar per jurisdiction (the largest by requests), its segments the requests by outcome, drawn as
   * inline SVG at the width the page has; the numbers are in the bars' titles, the description and the table.
   */
  function drawChart() {
    const figure = $('chart-figure');
    const figures = state.figures;
    if (!figures || $('chart').hidden) {
      return;
    }
    const largest = [...figures.rows].sort((a, b) => b.requests - a.requests || (a.jurisdiction < b.jurisdiction ? -1 : 1))
      .slice(0, CHART_JURISDICTIONS);
    $('chart-legend').replaceChildren(...OUTCOMES.map(([key, name]) =>
      el('li', null, el('span', {class: 'swatch o-' + key, 'aria-hidden': 'true'}), name)));
    if (!largest.length) {
      figure.replaceChildren(el('figcaption', {text: 'No requests in ' + figures.period + '.'}));
      return;
    }
    const width = Math.max(260, Math.floor(figure.clientWidth || 600));
    const names = width >= 560;
    const labelWidth = names ? 170 : 40;
    const totalWidth = 64;
    const barHeight = 22;
    const gap = 10;
    const top = 4;
    const height = top + largest.length * (barHeight + gap);
    const scaleWidth = width - labelWidth - totalWidth - 8;
    const max = Math.max(...largest.map((r) => r.requests), 1);
    const id = 'chart-' + figures.period;
    const described = largest.map((r) => r.jurisdiction + ' ' + integer(r.requests) + ' requests: '
      + OUTCOMES.map(([key, name]) => name.toLowerCase() + ' ' + integer(r[key])).join(', ')).join('; ');
    const chart = svg('svg', {
      id: 'outcomes-chart', role: 'img', width, height, viewBox: '0 0 ' + width + ' ' + height,
      'aria-labelledby': id + '-title ' + id + '-desc', 'data-period': figures.period,
    },
    svg('title', {id: id + '-title', text: 'Requests by outcome in the ' + largest.length + ' largest jurisdictions of ' + figures.period}),
    svg('desc', {id: id + '-desc', text: described + '.'}),
    largest.map((r, i) => {
      const y = top + i * (barHeight + gap);
      let x = labelWidth;
      const segments = OUTCOMES.map(([key, name]) => {
        const w = r.requests ? (r[key] / max) * scaleWidth : 0;
        const rect = svg('rect', {
          class: 'o-' + key, x: x.toFixed(2), y, width: w.toFixed(2), height: barHeight,
          'data-outcome': key, 'data-value': r[key],
        }, svg('title', {text: r.jurisdiction + ', ' + name.toLowerCase() + ': ' + integer(r[key]) + ' of ' + integer(r.requests)}));
        x += w;
        return rect;
      });
      const name = region(r.jurisdiction);
      return svg('g', {class: 'bar-group', 'data-jurisdiction': r.jurisdiction, 'data-requests': r.requests},
        svg('text', {class: 'bar-label', x: 0, y: y + barHeight / 2, dy: '0.35em',
          text: names && name ? r.jurisdiction + '  ' + (name.length > 18 ? name.slice(0, 17) + '\u2026' : name) : r.jurisdiction}),
        segments,
        svg('text', {class: 'bar-total', x: (x + 6).toFixed(2), y: y + barHeight / 2, dy: '0.35em', text: integer(r.requests)}));
    }));
    figure.replaceChildren(chart, el('figcaption', {
      text: 'The ' + largest.length + ' largest of ' + figures.rows.length + ' jurisdictions by requests, each bar split by '
        + 'outcome; every number is in the table of requests by jurisdiction.',
    }));
  }

  // ---- the tables by legal process, the national-security report -----------------------------------------------

  const loadLegalProcess = guarded('legal-process-note', async (loading) => {
    busy('legal-process', true);
    const jurisdiction = $('legal-process-jurisdiction').value;
    const answer = await api('/api/statistics/' + state.period + '/legal-process'
      + (jurisdiction ? '?jurisdiction=' + encodeURIComponent(jurisdiction) : ''));
    if (loading !== undefined && loading !== state.loading) {
      return;
    }
    const table = $('legal-process-table');
    if (!answer.ok) {
      table.hidden = true;
      $('legal-process-digest').textContent = '';
      $('legal-process-position').textContent = '';
      note('legal-process-note', answer.status === 404 ? 'No table by legal process here.' : 'No table: ' + refusal(answer),
        answer.status === 404 ? null : 'error');
      busy('legal-process', false);
      return;
    }
    const lp = answer.body;
    $('legal-process-digest').textContent = lp.digest;
    $('legal-process-position').textContent = integer(lp.position);
    $('legal-process-caption').textContent = 'Requests by legal process, ' + lp.period
      + (lp.jurisdiction ? ', ' + (region(lp.jurisdiction) || lp.jurisdiction) : ', all jurisdictions');
    fillTable(table, 'Legal process', lp.rows, lp.total, 'legalProcess', (code) => LEGAL_PROCESSES[code] || code);
    table.hidden = false;
    note('legal-process-note', lp.rows.length ? '' : 'No demand of ' + lp.period + ' under an ordinary legal process.');
    busy('legal-process', false);
  });

  const loadNationalSecurity = guarded('national-security-note', async (loading) => {
    busy('national-security', true);
    const answer = await api('/api/statistics/' + state.period + '/national-security');
    if (loading !== state.loading) {
      return;
    }
    const table = $('national-security-table');
    if (answer.status === 409 && answer.body && answer.body.availableFrom) {
      table.hidden = true;
      note('national-security-note', 'Shown from ' + answer.body.availableFrom
        + ', 180 days after the period ends (counting rule 17).');
    } else if (!answer.ok) {
      table.hidden = true;
      note('national-security-note', 'No report: ' + refusal(answer), 'error');
    } else {
      table.tBodies[0].replaceChildren(...answer.body.rows.map((r) => el('tr', {'data-row': r.kind},
        el('th', {scope: 'row', 'data-code': r.kind, text: NATIONAL_SECURITY_KINDS[r.kind] || r.kind}),
        el('td', {text: r.requests}), el('td', {text: r.accounts}))));
      table.hidden = false;
      note('national-security-note', '');
    }
    busy('national-security', false);
  });

  // ---- the handling table (counting rule 19) ------------------------------------------------------------------

  const loadHandling = guarded('handling-note', async (loading) => {
    busy('handling', true);
    const answer = await api('/api/statistics/' + state.period + '/handling');
    if (loading !== state.loading) {
      return;
    }
    const table = $('handling-table');
    if (!answer.ok) {
      table.hidden = true;
      $('handling-digest').textContent = '';
      $('handling-position').textContent = '';
      note('handling-note', answer.status === 404 ? 'No handling table here.' : 'No table: ' + refusal(answer),
        answer.status === 404 ? null : 'error');
      busy('handling', false);
      return;
    }
    const h = answer.body;
    $('handling-digest').textContent = h.digest;
    $('handling-position').textContent = integer(h.position);
    $('handling-caption').textContent = 'Handling by jurisdiction, ' + h.period;
    fillTable(table, 'Jurisdiction', h.rows, h.total, 'jurisdiction', jurisdictionLabel, HANDLING_COLUMNS);
    table.hidden = false;
    note('handling-note', h.rows.length ? '' : 'No demand of ' + h.period + ' is in the ledger.');
    busy('handling', false);
  });

  /** A table's canonical CSV, downloaded with the token (a plain link would go without it). */
  function downloadCsv(path, name, noteId) {
    return guarded(noteId, async () => {
      const answer = await api(path());
      if (!answer.ok) {
        note(noteId, 'No CSV: ' + refusal(answer), 'error');
        return;
      }
      const link = el('a', {href: URL.createObjectURL(new Blob([answer.body], {type: 'text/csv'})), download: name()});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    });
  }

  // ---- the queue and the notices due (tracking.md): views of now ---------------------------------------------

  function queueQuery() {
    const parameters = new URLSearchParams();
    if ($('queue-unassigned').checked) {
      parameters.set('assignee', '');
    } else if ($('queue-assignee').value.trim()) {
      parameters.set('assignee', $('queue-assignee').value.trim());
    }
    if ($('queue-overdue').checked) {
      parameters.set('overdue', 'true');
    }
    parameters.set('limit', '50');
    return parameters;
  }

  function demandButton(id) {
    return el('button', {type: 'button', class: 'link', text: id, 'aria-label': 'Open the history of ' + id, onclick: () => openDemand(id)});
  }

  /** An owner, a button that narrows the queue to theirs. */
  function ownerButton(assignee) {
    if (!assignee) {
      return el('span', {class: 'muted', text: 'unassigned'});
    }
    return el('button', {type: 'button', class: 'link owner', text: assignee, 'aria-label': 'Show only ' + assignee + '\u2019s demands',
      onclick: () => {
        $('queue-unassigned').checked = false;
        $('queue-assignee').disabled = false;
        $('queue-assignee').value = assignee;
        loadQueue(false);
      }});
  }

  const loadQueue = guarded('queue-note', async (more) => {
    busy('queue', true);
    if (!more) {
      state.queueQuery = queueQuery();
      state.queueNext = null;
    }
    const parameters = new URLSearchParams(state.queueQuery);
    if (more && state.queueNext) {
      parameters.set('after', state.queueNext);
    }
    const loading = ++state.queueLoading;
    const answer = await api('/api/queue?' + parameters);
    if (loading !== state.queueLoading) {
      return;
    }
    busy('queue', false);
    const table = $('queue-table');
    if (!answer.ok) {
      note('queue-note', 'No queue: ' + refusal(answer), 'error');
      return;
    }
    const rows = answer.body.demands.map((d) => el('tr', {'data-demand': d.demandId, 'data-overdue': String(d.overdue),
      class: d.overdue ? 'overdue' : null},
    el('th', {scope: 'row'}, demandButton(d.demandId)),
    el('td', {class: 'due'}, d.dueAt ? when(d.dueAt) : el('span', {class: 'muted', text: 'no due date'}),
      d.overdue ? el('span', {class: 'overdue-mark', text: 'Overdue'}) : null),
    el('td', {class: 'owner-cell'}, ownerButton(d.assignee)),
    el('td', null, when(d.receivedAt)),
    el('td', null, jurisdictionLabel(d.jurisdiction)),
    el('td', {text: LEGAL_PROCESSES[d.legalProcess] || d.legalProcess})));
    if (more) {
      table.tBodies[0].append(...rows);
    } else {
      table.tBodies[0].replaceChildren(...rows);
    }
    const owners = new Set([...$('queue-owners').options].map((o) => o.value));
    answer.body.demands.filter((d) => d.assignee && !owners.has(d.assignee)).forEach((d) => {
      owners.add(d.assignee);
      $('queue-owners').append(el('option', {value: d.assignee}));
    });
    state.queueNext = answer.body.next;
    table.hidden = table.tBodies[0].rows.length === 0;
    $('queue-more').hidden = !state.queueNext;
    const shown = table.tBodies[0].rows.length;
    const late = table.querySelectorAll('tbody tr.overdue').length;
    const filtered = state.queueQuery.has('assignee') || state.queueQuery.has('overdue');
    note('queue-note', shown === 0 ? (filtered ? 'No demand waiting matches.' : 'No demand is waiting for a response.')
      : integer(shown) + (state.queueNext ? ' shown, more waiting' : shown === 1 ? ' demand waiting' : ' demands waiting')
        + (late ? ', ' + integer(late) + ' of them overdue' : '') + ' (as of log position '
        + integer(Number(answer.headers.get('Ledger-Position'))) + ').');
  });

  const loadNotices = guarded('notices-note', async (more) => {
    busy('notices', true);
    const parameters = new URLSearchParams({limit: '50'});
    if (more && state.noticesNext) {
      parameters.set('after', state.noticesNext);
    }
    const answer = await api('/api/notices-due?' + parameters);
    busy('notices', false);
    const table = $('notices-table');
    if (!answer.ok) {
      note('notices-note', 'Not known: ' + refusal(answer), 'error');
      return;
    }
    const rows = answer.body.demands.map((d) => el('tr', {'data-demand': d.demandId},
      el('th', {scope: 'row'}, demandButton(d.demandId)),
      el('td', null, when(d.noticePossibleSince)),
      el('td', null, d.nonDisclosureUntil ? when(d.nonDisclosureUntil) : el('span', {class: 'muted', text: 'no order'})),
      el('td', null, d.assignee ? d.assignee : el('span', {class: 'muted', text: 'unassigned'}))));
    if (more) {
      table.tBodies[0].append(...rows);
    } else {
      table.tBodies[0].replaceChildren(...rows);
    }
    state.noticesNext = answer.body.next;
    table.hidden = table.tBodies[0].rows.length === 0;
    $('notices-more').hidden = !state.noticesNext;
    const shown = table.tBodies[0].rows.length;
    note('notices-note', shown === 0 ? 'No user is waiting to be notified.'
      : integer(shown) + (state.noticesNext ? ' shown, more due' : shown === 1 ? ' notice due' : ' notices due') + '.');
  });

  // ---- published versions ------------------------------------------------------------------------------------------

  const loadReports = guarded('reports-note', async (loading) => {
    busy('reports', true);
    const answer = await api('/api/reports/' + state.period);
    if (loading !== undefined && loading !== state.loading) {
      return;
    }
    const table = $('reports-table');
    if (!answer.ok) {
      table.hidden = true;
      note('reports-note', 'No versions: ' + refusal(answer), 'error');
      busy('reports', false);
      return;
    }
    const versions = answer.body;
    const verify = may('verify');
    table.tHead.replaceChildren(el('tr', null,
      ['Version', 'Published', 'By', 'Log position', 'Digest', 'CSV'].map((name) => el('th', {scope: 'col', text: name})),
      verify ? el('th', {scope: 'col', text: 'Verification'}) : null));
    table.tBodies[0].replaceChildren(...versions.slice().reverse().map((v) => el('tr', {'data-version': v.version},
      el('th', {scope: 'row', text: v.version}),
      el('td', null, when(v.publishedAt)),
      el('td', {text: v.publishedBy || ''}),
      el('td', {text: integer(v.position)}),
      el('td', null, el('code', {class: 'digest', text: v.digest})),
      el('td', null, el('a', {href: '/api/reports/' + v.period + '/' + v.version + '.csv', download: v.period + '-v' + v.version + '.csv',
        text: 'CSV', 'aria-label': 'CSV of version ' + v.version})),
      verify ? el('td', {class: 'verification'}, el('button', {type: 'button', text: 'Verify',
        'aria-label': 'Verify version ' + v.version, onclick: (e) => verifyVersion(v, e.currentTarget.parentElement)})) : null)));
    table.hidden = versions.length === 0;
    note('reports-note', versions.length ? '' : 'No version of ' + state.period + ' has been published.');
    busy('reports', false);
  });

  /** Replays the log up to the version's position and recomputes its tables and its chain (seconds, not milliseconds). */
  const verifyVersion = guarded('reports-note', async (version, cell) => {
    cell.replaceChildren(el('span', {class: 'pending', text: 'Verifying\u2026'}));
    cell.setAttribute('aria-busy', 'true');
    const answer = await api('/api/reports/' + version.period + '/' + version.version + '/verification');
    cell.setAttribute('aria-busy', 'false');
    if (!answer.ok) {
      cell.replaceChildren(el('span', {class: 'bad', text: 'Not verified: ' + refusal(answer)}));
      return;
    }
    const v = answer.body;
    const good = v.matches && v.chainValid !== false;
    cell.dataset.matches = String(v.matches);
    cell.dataset.chainValid = String(v.chainValid);
    cell.replaceChildren(el('span', {class: good ? 'good' : 'bad',
      text: (v.matches ? 'Matches the log' : 'Differs from the log') + (v.chainValid === false ? '; chain broken' : v.chainValid ? '; chain valid' : '')}));
  });

  const publish = guarded('reports-note', async () => {
    if (!window.confirm('Publish the current figures of ' + state.period + ' as a new version? A published version is public and stays.')) {
      return;
    }
    const answer = await api('/api/reports/' + state.period, 'POST');
    if (!answer.ok) {
      note('reports-note', 'Not published: ' + refusal(answer), 'error');
      return;
    }
    await loadReports();
    note('reports-note', 'Published version ' + answer.body.version + ' at log position ' + integer(answer.body.position) + '.');
  });

  // ---- the latest replay -------------------------------------------------------------------------------------------

  function stopReplayPolling() {
    clearTimeout(state.replayTimer);
    state.replayTimer = null;
  }

  const loadReplay = guarded('replay-note', async () => {
    stopReplayPolling();
    const answer = await api('/api/replays/latest');
    if (answer.status === 404) {
      $('replay-details').hidden = true;
      note('replay-note', 'No replay has been run on this ledger.');
      busy('replay', false);
      return;
    }
    if (!answer.ok) {
      note('replay-note', 'Not known: ' + refusal(answer), 'error');
      busy('replay', false);
      return;
    }
    const r = answer.body;
    const running = r.state === 'REQUESTED' || r.state === 'RUNNING';
    const progress = $('replay-progress');
    const section = $('replay');
    section.dataset.state = r.state;
    section.dataset.number = r.number;
    if (r.state === 'REQUESTED' || !r.total) {
      progress.removeAttribute('value'); // indeterminate until the replay knows how far it goes
      progress.removeAttribute('max');
    } else {
      progress.max = r.total;
      progress.value = r.state === 'FINISHED' ? r.total : Math.min(r.processed, r.total);
    }
    const done = r.state === 'FINISHED' ? r.total : r.processed;
    $('replay-progress-text').textContent = r.state === 'REQUESTED' ? 'Waiting to start'
      : integer(done) + ' of ' + integer(r.total) + ' events' + (r.total ? ' (' + Math.floor((100 * done) / r.total) + ' %)' : '');
    $('replay-progress-label').textContent = 'Replay ' + r.number + ': ' + stateName(r.state);
    fill($('replay-meta'),
      meta('Requested', when(r.requestedAt)), meta('Started', when(r.startedAt)), meta('Finished', when(r.finishedAt)),
      r.error ? meta('Error', r.error) : null);
    $('replay-details').hidden = false;
    note('replay-note', r.state === 'FAILED' ? 'The replay failed.' : '', r.state === 'FAILED' ? 'error' : null);
    $('replay-start').disabled = running;
    busy('replay', running);
    if (running) {
      state.replayRunning = true;
      state.replayTimer = setTimeout(loadReplay, 500);
    } else if (state.replayRunning) {
      state.replayRunning = false;
      if (r.state === 'FINISHED') {
        showPeriod(state.period); // the figures now come from the replayed generation
      }
    }
  });

  function stateName(s) {
    return {REQUESTED: 'requested', RUNNING: 'running', FINISHED: 'finished', FAILED: 'failed'}[s] || s;
  }

  function meta(name, value) {
    if (value === '' || value === null || value === undefined) {
      return null;
    }
    return el('div', null, el('dt', {text: name}), el('dd', null, value));
  }

  const startReplay = guarded('replay-note', async () => {
    $('replay-start').disabled = true;
    const answer = await api('/api/replays', 'POST');
    if (answer.status === 409) {
      note('replay-note', 'A replay is already requested or running.');
    } else if (!answer.ok) {
      note('replay-note', 'Not started: ' + refusal(answer), 'error');
      $('replay-start').disabled = false;
      return;
    }
    state.replayRunning = true;
    await loadReplay();
  });

  // ---- demands -----------------------------------------------------------------------------------------------------

  function searchQuery() {
    const parameters = new URLSearchParams();
    if ($('search-in-period').checked) {
      parameters.set('period', state.period);
    }
    const jurisdiction = $('search-jurisdiction').value.trim().toUpperCase();
    if (jurisdiction) {
      parameters.set('jurisdiction', jurisdiction);
    }
    if ($('search-outcome').value) {
      parameters.set('outcome', $('search-outcome').value);
    }
    if ($('search-legal-process').value) {
      parameters.set('legalProcess', $('search-legal-process').value);
    }
    const before = $('search-before').value; // entered as UTC
    if (before) {
      parameters.set('receivedBefore', (before.length === 16 ? before + ':00' : before) + 'Z');
    }
    parameters.set('limit', '50');
    return parameters;
  }

  const searchDemands = guarded('demands-note', async (more) => {
    busy('demands', true);
    if (!more) {
      state.demandsQuery = searchQuery();
      state.demandsNext = null;
    }
    const parameters = new URLSearchParams(state.demandsQuery);
    if (more && state.demandsNext) {
      parameters.set('after', state.demandsNext);
    }
    const answer = await api('/api/demands?' + parameters);
    busy('demands', false);
    const table = $('demands-table');
    if (!answer.ok) {
      note('demands-note', 'No search: ' + refusal(answer), 'error');
      return;
    }
    const rows = answer.body.demands.map((d) => el('tr', {'data-demand': d.demandId},
      el('th', {scope: 'row'}, demandButton(d.demandId)),
      el('td', null, when(d.receivedAt)),
      el('td', null, jurisdictionLabel(d.jurisdiction)),
      el('td', {text: LEGAL_PROCESSES[d.legalProcess] || d.legalProcess}),
      el('td', {text: OUTCOME_NAMES[d.outcome] || d.outcome}),
      el('td', {text: integer(d.position)})));
    if (more) {
      table.tBodies[0].append(...rows);
    } else {
      table.tBodies[0].replaceChildren(...rows);
    }
    state.demandsNext = answer.body.next;
    table.hidden = table.tBodies[0].rows.length === 0;
    $('demands-more').hidden = !state.demandsNext;
    const shown = table.tBodies[0].rows.length;
    note('demands-note', shown === 0 ? 'No demand matches.'
      : integer(shown) + (state.demandsNext ? ' demands shown, more match' : shown === 1 ? ' demand matches' : ' demands match')
        + ' (the list as of log position ' + integer(Number(answer.headers.get('Ledger-Position'))) + ').');
  });

  const openDemand = guarded('demands-note', async (id) => {
    busy('demands', true);
    const answer = await api('/api/demands/' + encodeURIComponent(id));
    busy('demands', false);
    const section = $('demand');
    if (!answer.ok) {
      section.hidden = true;
      note('demands-note', answer.status === 404 ? 'No demand \u201c' + id + '\u201d was ever received.' : 'Not shown: ' + refusal(answer),
        answer.status === 404 ? null : 'error');
      return;
    }
    note('demands-note', '');
    const d = answer.body;
    section.dataset.demand = d.demandId;
    $('demand-title').textContent = 'Demand ' + d.demandId;
    fill($('demand-meta'),
      meta('Received', when(d.receivedAt)), meta('Jurisdiction', jurisdictionLabel(d.jurisdiction)), meta('Agency', d.agency),
      meta('Legal process', LEGAL_PROCESSES[d.legalProcess] || d.legalProcess), meta('Accounts named', integer(d.accounts)),
      meta('Period', d.period), meta('Outcome', OUTCOME_NAMES[d.outcome] || d.outcome),
      meta('Due', d.dueAt ? when(d.dueAt) : 'no due date'), meta('Owner', d.assignee || 'unassigned'),
      'nonDisclosureUntil' in d ? meta('Non-disclosure order', d.nonDisclosureUntil ? el('span', null, 'until ', when(d.nonDisclosureUntil))
        : 'indefinite') : null,
      meta('User notified', d.userNotifiedAt ? when(d.userNotifiedAt) : 'not yet'),
      meta('Last log position', integer(d.position)));
    $('demand-history').tBodies[0].replaceChildren(...d.history.map((event) => el('tr', {'data-position': event.position},
      el('td', {text: integer(event.position)}),
      el('th', {scope: 'row', text: EVENTS[event.type] || event.type}),
      el('td', {class: 'actor', text: event.actor === null || event.actor === undefined ? 'not recorded' : event.actor}),
      el('td', null, when(event.recordedAt)),
      el('td', {class: 'details'}, details(event)))));
    section.hidden = false;
    section.focus();
  });

  /** An event's own fields, as a short list. */
  function details(event) {
    const skip = new Set(['position', 'type', 'recordedAt', 'actor', 'demandId']);
    const items = Object.entries(event).filter(([key, value]) => !skip.has(key) && (value !== null || key in NULL_MEANS)).map(([key, value]) => {
      let shown = value;
      if (value === null) {
        shown = NULL_MEANS[key];
      } else if (key === 'legalProcess') {
        shown = LEGAL_PROCESSES[value] || value;
      } else if (key === 'reason') {
        shown = REASONS[value] || value;
      } else if (key.endsWith('At')) {
        shown = when(value);
      } else if (typeof value === 'object') {
        shown = JSON.stringify(value);
      } else {
        shown = String(value);
      }
      return el('li', null, (FIELD_NAMES[key] || key) + ': ', shown);
    });
    return items.length ? el('ul', {class: 'fields'}, items) : '';
  }

  // ---- wiring ------------------------------------------------------------------------------------------------------

  function wire() {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        openSession();
      }
    });
    $('forget').addEventListener('click', () => askForToken('The token is forgotten. Enter a token to go on.'));
    $('period-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const period = $('period').value.trim().toUpperCase();
      if (!PERIOD.test(period)) {
        note('status', 'A period is YYYY-H1 or YYYY-H2, such as 2014-H1.', 'error');
        $('period').focus();
        return;
      }
      showPeriod(period);
    });
    $('earlier').addEventListener('click', () => showPeriod(shifted(state.period, -1)));
    $('later').addEventListener('click', () => showPeriod(shifted(state.period, 1)));
    $('figures-csv').addEventListener('click', downloadCsv(() => '/api/statistics/' + state.period + '.csv',
      () => state.period + '.csv', 'figures-note'));
    $('handling-csv').addEventListener('click', downloadCsv(() => '/api/statistics/' + state.period + '/handling.csv',
      () => state.period + '-handling.csv', 'handling-note'));
    $('queue-form').addEventListener('submit', (e) => {
      e.preventDefault();
      loadQueue(false);
    });
    $('queue-unassigned').addEventListener('change', () => {
      $('queue-assignee').disabled = $('queue-unassigned').checked;
      loadQueue(false);
    });
    $('queue-overdue').addEventListener('change', () => loadQueue(false));
    $('queue-refresh').addEventListener('click', () => {
      loadQueue(false);
      if (may('notices')) {
        loadNotices(false);
      }
    });
    $('queue-more').addEventListener('click', () => loadQueue(true));
    $('notices-more').addEventListener('click', () => loadNotices(true));
    $('legal-process-jurisdiction').addEventListener('change', () => loadLegalProcess());
    $('replay-start').addEventListener('click', () => startReplay());
    $('reports-publish').addEventListener('click', () => publish());
    $('demand-open-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const id = $('demand-id').value.trim();
      if (id) {
        openDemand(id);
      }
    });
    $('demand-search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      searchDemands(false);
    });
    $('demands-more').addEventListener('click', () => searchDemands(true));
    $('search-legal-process').append(...Object.entries(LEGAL_PROCESSES).map(([code, name]) => el('option', {value: code, text: name})));
    // a link with another token or period followed in this tab
    window.addEventListener('hashchange', () => {
      const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
      if (fragment.has('token')) {
        state.period = readFragment() || state.period;
        openSession();
      } else if (state.session && PERIOD.test(fragment.get('period') || '') && fragment.get('period') !== state.period) {
        showPeriod(fragment.get('period'));
      }
    });
    let resize = null;
    window.addEventListener('resize', () => {
      clearTimeout(resize);
      resize = setTimeout(drawChart, 150);
    });
  }

  function start() {
    wire();
    const fromFragment = readFragment();
    const stored = sessionStorage.getItem(PERIOD_KEY);
    state.period = fromFragment || (stored && PERIOD.test(stored) ? stored : currentPeriod());
    openSession();
  }

  start();
})();
