// claimtrace web page: article view, story view, search, paste box.
// Security: every piece of data is inserted as text (createTextNode / textContent /
// setAttribute on non-URL attributes). Links to outside pages are made only for http(s) URLs.
// Never any HTML parsing of data, no eval, nothing fetched from another origin.
(function () {
  'use strict';

  var SVGNS = 'http' + '://www.w3.org/2000/svg';
  var CERTAINTIES = ['asserted', 'hedged', 'rumour', 'denied', 'unknown'];
  var main = document.getElementById('main');
  var REPORT = null;
  var dataEl = document.getElementById('report-data');
  if (dataEl) {
    try {
      REPORT = JSON.parse(dataEl.textContent || '{}');
    } catch (e) {
      REPORT = { error: 'the report data is not valid JSON' };
    }
  }

  // ---------- DOM helpers ----------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function s(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') append(el, String(v));
      else if (k === 'on') Object.keys(v).forEach(function (ev) { el.addEventListener(ev, v[ev]); });
      else if (k === 'href') el.setAttribute('href', safeHref(String(v)));
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    if (typeof c === 'string' || typeof c === 'number') { appendText(el, String(c)); return; }
    el.appendChild(c);
  }
  // Invisible bidi and zero-width controls in data are shown, not obeyed: each sits alone in an
  // isolated span (so an override cannot flip the text around it) with a visible code.
  var CTL = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;
  function ctlCode(ch) { return 'U+' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'); }
  function appendText(el, t) {
    if (!CTL.test(t)) { el.appendChild(document.createTextNode(t)); return; }
    if (el.namespaceURI === SVGNS) {
      el.appendChild(document.createTextNode(t.replace(new RegExp(CTL.source, 'g'), function (ch) { return '[' + ctlCode(ch) + ']'; })));
      return;
    }
    var buf = '';
    Array.from(t).forEach(function (ch) {
      if (CTL.test(ch)) {
        if (buf) { el.appendChild(document.createTextNode(buf)); buf = ''; }
        var sp = document.createElement('span');
        sp.className = 'ctl';
        sp.setAttribute('data-code', ctlCode(ch));
        sp.setAttribute('title', 'invisible control character ' + ctlCode(ch));
        var inner = document.createElement('span');
        inner.className = 'ctl-ch';
        inner.appendChild(document.createTextNode(ch));
        sp.appendChild(inner);
        el.appendChild(sp);
      } else buf += ch;
    });
    if (buf) el.appendChild(document.createTextNode(buf));
  }
  // Internal links (#/...) and http(s) URLs only.
  function safeHref(u) {
    if (u.charAt(0) === '#') return u;
    try {
      var p = new URL(u, window.location.href);
      if (p.protocol === 'http:' || p.protocol === 'https:') return p.href;
    } catch (e) { /* fall through */ }
    return '#';
  }
  function isHttp(u) {
    if (typeof u !== 'string') return false;
    try {
      var p = new URL(u);
      return p.protocol === 'http:' || p.protocol === 'https:';
    } catch (e) { return false; }
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function str(v) { return v === null || v === undefined ? '' : String(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function trunc(t, n) {
    var cps = Array.from(str(t));
    return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : cps.join('');
  }
  function fmtDate(d) {
    if (!d) return 'undated';
    var t = Date.parse(d);
    if (isNaN(t)) return str(d);
    var x = new Date(t);
    return x.toISOString().slice(0, 10) + ' ' + x.toISOString().slice(11, 16) + ' UTC';
  }
  function fmtDay(d) {
    var t = Date.parse(d);
    return isNaN(t) ? str(d) : new Date(t).toISOString().slice(0, 10);
  }
  function badge(certainty) {
    var c = CERTAINTIES.indexOf(certainty) >= 0 ? certainty : 'unknown';
    return h('span', { 'class': 'badge c-' + c, text: c });
  }
  function errorBox(msg) { return h('p', { 'class': 'error', role: 'alert', text: msg }); }
  function setTitle(t) {
    var clean = str(t).replace(new RegExp(CTL.source, 'g'), '');
    document.title = clean ? clean + ' — claimtrace' : 'claimtrace';
  }

  // ---------- data access (the API, or the report's inlined data) ----------
  function api(path, opts) {
    if (REPORT) return Promise.resolve(fromReport(path));
    return fetch(path, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, opts || {}))
      .then(function (r) {
        return r.text().then(function (t) {
          var v = null;
          try { v = JSON.parse(t); } catch (e) { v = null; }
          if (!r.ok) {
            var m = v && v.error && v.error.message ? v.error.message : 'HTTP ' + r.status;
            throw new Error(m);
          }
          if (v === null) throw new Error('the server sent something that is not JSON');
          return v;
        });
      });
  }
  function fromReport(path) {
    var m;
    if ((m = /^\/api\/stories\/([^/]+)\/provenance$/.exec(path))) {
      if (REPORT.provenance) return REPORT.provenance;
    } else if ((m = /^\/api\/stories\/([^/?]+)$/.exec(path))) {
      if (REPORT.story) return REPORT.story;
    } else if ((m = /^\/api\/articles\/([^/?]+)$/.exec(path))) {
      var id = decodeURIComponent(m[1]);
      var a = arr(REPORT.articles).filter(function (x) { return x && x.id === id; })[0];
      if (a) return a;
    }
    throw new Error('not in this report');
  }

  // ---------- router ----------
  function route() {
    var hash = window.location.hash || '#/';
    var q = '';
    var qi = hash.indexOf('?');
    if (qi >= 0) { q = hash.slice(qi + 1); hash = hash.slice(0, qi); }
    var params = new URLSearchParams(q);
    var parts = hash.replace(/^#\/?/, '').split('/');
    clear(main);
    var view;
    if (REPORT) {
      if (parts[0] === 'article' && parts[1]) view = articlePage(decodeURIComponent(parts[1]), params);
      else view = storyPage(REPORT.story && REPORT.story.id !== undefined ? REPORT.story.id : (REPORT.provenance || {}).story);
    } else if (parts[0] === 'article' && parts[1]) view = articlePage(decodeURIComponent(parts[1]), params);
    else if (parts[0] === 'story' && parts[1]) view = storyPage(decodeURIComponent(parts[1]));
    else if (parts[0] === 'stories') view = storiesPage(params);
    else if (parts[0] === 'analyze') view = analyzePage();
    else view = searchPage(params);
    main.appendChild(view);
    main.setAttribute('data-view', parts[0] || 'search');
  }

  // ---------- article view ----------
  function articlePage(id, params) {
    var box = h('div', { 'class': 'article-page' }, h('p', { 'class': 'muted', text: 'Loading article…' }));
    setTitle('Article');
    api('/api/articles/' + encodeURIComponent(id)).then(function (doc) {
      clear(box);
      var sel = params && params.get('claim') !== null ? parseInt(params.get('claim'), 10) : -1;
      box.appendChild(articleView(doc, isNaN(sel) ? -1 : sel));
      setTitle(str(doc.title) || 'Article');
      box.setAttribute('data-ready', '1');
    }).catch(function (e) {
      clear(box);
      box.appendChild(errorBox('Could not load article ' + id + ': ' + e.message));
      box.setAttribute('data-ready', '1');
    });
    return box;
  }

  function spanOf(x) {
    if (!x || typeof x.start !== 'number' || typeof x.end !== 'number' || x.end <= x.start) return null;
    return [x.start, x.end];
  }

  // The chain of one attribution: the article's outlet, then each enclosing source (outermost
  // first) with its channel, down to this attribution's source.
  function chainOf(doc, i) {
    var atts = arr(doc.attributions);
    var path = [];
    var seen = {};
    var k = i;
    while (typeof k === 'number' && atts[k] && !seen[k]) {
      seen[k] = true;
      path.unshift(atts[k]);
      k = atts[k].parent;
    }
    var links = [{ label: str(doc.outlet) || 'this article', kind: 'outlet' }];
    path.forEach(function (a) {
      if (a.channel) links.push({ label: str(a.channel), kind: 'channel' });
      var src = a.source || {};
      links.push({ label: str(src.entity || src.text) || 'unnamed source', kind: 'source', certainty: a.certainty, cue: a.cue && a.cue.text });
    });
    return links;
  }

  function chainView(doc, i) {
    var a = arr(doc.attributions)[i];
    if (!a) return h('p', { 'class': 'muted', text: 'Hover over or select a claim to see where it comes from.' });
    var ol = h('ol', { 'class': 'chain', 'aria-label': 'Chain of the claim' });
    chainOf(doc, i).forEach(function (l) {
      ol.appendChild(h('li', { 'class': 'chain-' + l.kind },
        h('span', { 'class': 'chain-label', text: l.label }),
        l.kind === 'channel' ? h('span', { 'class': 'muted', text: ' (channel)' }) : null,
        l.cue ? h('span', { 'class': 'muted', text: ' ' + l.cue }) : null,
        l.certainty ? [' ', badge(l.certainty)] : null));
    });
    return h('div', null, ol,
      h('blockquote', { 'class': 'chain-content', text: trunc(a.content && a.content.text, 400) }),
      a.hedge && a.hedge.text ? h('p', { 'class': 'small' }, 'Certainty cue: ', h('span', { 'class': 'm-hedge', text: a.hedge.text })) : null);
  }

  function articleView(doc, selected) {
    var text = str(doc.text);
    var cps = Array.from(text);
    var n = cps.length;
    var atts = arr(doc.attributions);
    var marks = []; // {s, e, a, role}
    atts.forEach(function (a, i) {
      [['source', 'm-src'], ['cue', 'm-cue'], ['content', 'm-content'], ['hedge', 'm-hedge'], ['channel_span', 'm-chan']].forEach(function (r) {
        var sp = spanOf(a[r[0]]);
        if (sp && sp[0] < n) marks.push({ s: sp[0], e: Math.min(sp[1], n), a: i, role: r[1] });
      });
    });
    var bounds = { 0: true };
    bounds[n] = true;
    var badgesAt = {};
    marks.forEach(function (m) { bounds[m.s] = true; bounds[m.e] = true; });
    atts.forEach(function (a, i) {
      var sp = spanOf(a.content);
      if (!sp) return;
      var at = Math.min(sp[1], n);
      bounds[at] = true;
      (badgesAt[at] = badgesAt[at] || []).push(i);
    });
    var cuts = Object.keys(bounds).map(Number).filter(function (x) { return x >= 0 && x <= n; }).sort(function (x, y) { return x - y; });

    var textBox = h('div', { 'class': 'article-text', lang: str(doc.lang) || null, dir: 'auto' });
    var para = h('p', { dir: 'auto' });
    textBox.appendChild(para);
    var pieces = []; // elements carrying data-a
    function newPara() {
      if (para.childNodes.length) { para = h('p', { dir: 'auto' }); textBox.appendChild(para); }
    }
    function emitBadges(pos) {
      arr(badgesAt[pos]).forEach(function (i) {
        var b = badge(atts[i].certainty);
        b.classList.add('inline');
        b.setAttribute('data-a', String(i));
        b.setAttribute('title', 'Claim ' + (i + 1) + ': ' + str(atts[i].certainty));
        para.appendChild(b);
        pieces.push(b);
      });
    }
    for (var c = 0; c + 1 < cuts.length; c++) {
      var a0 = cuts[c], a1 = cuts[c + 1];
      if (c > 0) emitBadges(a0);
      var seg = cps.slice(a0, a1).join('');
      var roles = {}, ids = {};
      marks.forEach(function (m) {
        if (m.s <= a0 && m.e >= a1) { roles[m.role] = true; ids[m.a] = true; }
      });
      var cls = Object.keys(roles);
      var idList = Object.keys(ids);
      var lines = seg.split('\n');
      for (var li = 0; li < lines.length; li++) {
        if (li > 0) {
          if (lines[li] === '' && li + 1 < lines.length) continue;
          newPara();
        }
        if (!lines[li]) continue;
        if (cls.length) {
          var sp = h('span', { 'class': cls.join(' '), 'data-a': idList.join(' '), text: lines[li] });
          para.appendChild(sp);
          pieces.push(sp);
        } else {
          appendText(para, lines[li]);
        }
      }
    }
    emitBadges(n);

    // Claims list and chain
    var chainBox = h('div', { 'class': 'chain-box', 'aria-live': 'polite' }, chainView(doc, -1));
    var pinned = -1;
    var claimItems = [];
    function show(i) {
      pieces.forEach(function (el) {
        var on = i >= 0 && (' ' + el.getAttribute('data-a') + ' ').indexOf(' ' + i + ' ') >= 0;
        el.classList.toggle('on', on);
      });
      claimItems.forEach(function (b, j) { b.classList.toggle('on', j === i); b.setAttribute('aria-pressed', j === pinned ? 'true' : 'false'); });
      clear(chainBox);
      chainBox.appendChild(chainView(doc, i));
    }
    function innermost(el) {
      var ids = str(el.getAttribute('data-a')).split(' ').filter(Boolean).map(Number);
      var best = -1, bestLen = Infinity;
      ids.forEach(function (i) {
        var sp = spanOf(atts[i] && atts[i].content);
        var len = sp ? sp[1] - sp[0] : Infinity;
        if (len < bestLen || best < 0) { best = i; bestLen = len; }
      });
      return best;
    }
    textBox.addEventListener('mouseover', function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute('data-a') !== null) show(innermost(t));
    });
    textBox.addEventListener('mouseleave', function () { show(pinned); });
    textBox.addEventListener('click', function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute('data-a') !== null) { pinned = innermost(t); show(pinned); }
    });

    var list = h('ol', { 'class': 'claims' });
    atts.forEach(function (a, i) {
      var depth = 0, k = a.parent, guard = 0;
      while (typeof k === 'number' && atts[k] && guard++ < 20) { depth++; k = atts[k].parent; }
      var b = h('button', {
        type: 'button', 'class': 'claim', 'data-a': String(i), 'data-certainty': str(a.certainty), 'aria-pressed': 'false',
        style: null,
        on: {
          click: function () { pinned = pinned === i ? -1 : i; show(pinned); },
          focus: function () { show(i); },
          mouseenter: function () { show(i); },
          mouseleave: function () { show(pinned); }
        }
      },
      badge(a.certainty), ' ',
      h('span', { 'class': 'claim-src', text: str(a.source && (a.source.entity || a.source.text)) || 'unnamed' }), ' ',
      h('span', { 'class': 'claim-cue', text: str(a.cue && a.cue.text) }), ' ',
      h('span', { 'class': 'claim-content', text: trunc(a.content && a.content.text, 140) }));
      if (depth) b.classList.add('depth-' + Math.min(depth, 3));
      claimItems.push(b);
      list.appendChild(h('li', null, b));
    });

    if (typeof selected === 'number' && selected >= 0 && selected < atts.length) { pinned = selected; show(selected); }

    // Sidebar facts
    function factList(title, items) {
      if (!items.length) return null;
      return h('section', { 'class': 'facts' }, h('h3', { text: title }), h('ul', null, items));
    }
    var entGroups = {};
    arr(doc.entities).forEach(function (e) {
      var l = str(e.label) || 'MISC';
      var g = entGroups[l] = entGroups[l] || {};
      var t = str(e.text);
      g[t] = (g[t] || 0) + 1;
    });
    var entItems = [];
    Object.keys(entGroups).sort().forEach(function (l) {
      Object.keys(entGroups[l]).forEach(function (t) {
        entItems.push(h('li', null, h('span', { 'class': 'ent-label', text: l }), ' ', t,
          entGroups[l][t] > 1 ? h('span', { 'class': 'muted', text: ' ×' + entGroups[l][t] }) : null));
      });
    });
    var timeItems = arr(doc.times).map(function (t) {
      return h('li', null, h('span', { text: str(t.text) }), ' ', h('code', { text: str(t.value) }));
    });
    var placeItems = arr(doc.places).map(function (p) {
      var where = [p.name, p.country].filter(Boolean).join(', ');
      var coords = typeof p.lat === 'number' && typeof p.lon === 'number' ? ' (' + p.lat.toFixed(2) + ', ' + p.lon.toFixed(2) + ')' : '';
      return h('li', null, h('span', { text: str(p.text) }), ' → ', where + coords);
    });

    var meta = h('p', { 'class': 'meta' },
      h('span', { 'class': 'outlet', text: str(doc.outlet) || 'unknown outlet' }), ' · ',
      h('time', { datetime: str(doc.published) || null, text: fmtDate(doc.published) }), ' · ',
      h('span', { text: str(doc.lang) || '?' }),
      arr(doc.authors).length ? [' · by ', arr(doc.authors).map(str).join(', ')] : null,
      isHttp(doc.url) ? [' · ', h('a', { href: doc.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: 'original' })] : null,
      doc.story !== undefined && doc.story !== null ? [' · ', h('a', { href: '#/story/' + encodeURIComponent(str(doc.story)), 'class': 'story-link', text: 'story ' + str(doc.story) })] : null,
      doc.reprint_of ? [' · reprint of ', h('a', { href: '#/article/' + encodeURIComponent(str(doc.reprint_of)), text: str(doc.reprint_of) })] : null);

    var counts = {};
    atts.forEach(function (a) { counts[a.certainty] = (counts[a.certainty] || 0) + 1; });
    var summary = h('p', { 'class': 'summary' }, atts.length + ' claim' + (atts.length === 1 ? '' : 's') + ': ',
      CERTAINTIES.filter(function (c) { return counts[c]; }).map(function (c) { return [badge(c), ' ' + counts[c] + '  ']; }));

    return h('article', { 'class': 'article', 'data-id': str(doc.id) },
      h('h1', { dir: 'auto', text: str(doc.title) || '(untitled)' }),
      meta, summary, legend(),
      h('div', { 'class': 'grid' },
        h('section', { 'class': 'text-col', 'aria-label': 'Article text' }, textBox),
        h('aside', { 'class': 'side', 'aria-label': 'Claims and facts' },
          h('section', { 'class': 'chain-section' }, h('h2', { text: 'Claim chain' }), chainBox),
          h('section', null, h('h2', { text: 'Claims' }), atts.length ? list : h('p', { 'class': 'muted', text: 'No attributed claims found.' })),
          factcheckSection(doc),
          h('h2', { text: 'Entities, times, places' }),
          factList('Entities', entItems), factList('Times', timeItems), factList('Places', placeItems))));
  }

  // Earlier fact-checks the article's claims repeat (`ingest --factchecks`): `doc.factchecks`.
  function factcheckSection(doc) {
    var fcs = arr(doc.factchecks);
    if (!fcs.length) return null;
    var items = fcs.map(function (f) {
      var link = isHttp(f.url)
        ? h('a', { href: f.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: str(f.factcheck_id) })
        : h('code', { text: str(f.factcheck_id) });
      return h('li', { 'class': 'factcheck', 'data-factcheck': str(f.factcheck_id) },
        h('q', { 'class': 'fc-claim', dir: 'auto', text: trunc(f.claim, 160) }), ' → ',
        h('span', { 'class': 'fc-text', text: trunc(f.factcheck_text, 200) }), ' ',
        f.rating ? h('span', { 'class': 'fc-rating badge', text: str(f.rating) }) : null, ' ', link);
    });
    return h('section', { 'class': 'factchecks', 'aria-label': 'Fact-checked before' },
      h('h2', { text: 'Fact-checked before' }), h('ul', null, items));
  }

  function legend() {
    return h('p', { 'class': 'legend', 'aria-label': 'Legend' },
      h('span', { 'class': 'm-src', text: 'source' }), ' ',
      h('span', { 'class': 'm-cue', text: 'cue' }), ' ',
      h('span', { 'class': 'm-content', text: 'content' }), ' ',
      h('span', { 'class': 'm-hedge', text: 'hedge' }), '  certainty: ',
      CERTAINTIES.map(function (c) { return [badge(c), ' ']; }));
  }

  // ---------- story view ----------
  function storyPage(id) {
    var box = h('div', { 'class': 'story-page' }, h('p', { 'class': 'muted', text: 'Loading story…' }));
    setTitle('Story ' + str(id));
    var sid = encodeURIComponent(str(id));
    Promise.all([
      api('/api/stories/' + sid).catch(function () { return null; }),
      api('/api/stories/' + sid + '/provenance')
    ]).then(function (r) {
      clear(box);
      box.appendChild(storyView(r[0] || {}, r[1] || {}, id));
      box.setAttribute('data-ready', '1');
    }).catch(function (e) {
      clear(box);
      box.appendChild(errorBox('Could not load story ' + id + ': ' + e.message));
      box.setAttribute('data-ready', '1');
    });
    return box;
  }

  var EVIDENCE = { cites: 'cites', near_copy: 'near copy', same_quote: 'same quote', same_claim: 'same claim' };
  var DRIFT = {
    hedge_dropped: 'hedge dropped', hedge_added: 'hedge added', certainty_changed: 'certainty changed',
    source_swapped: 'source swapped', source_dropped: 'source dropped', number_changed: 'number changed',
    entity_changed: 'entity changed', quote_altered: 'quote altered'
  };

  function nodeLabel(n) { return str(n.outlet) || str(n.id).replace(/^ext:/, ''); }

  function storyView(story, prov, id) {
    var nodes = arr(prov.nodes).filter(function (n) { return n && n.id !== undefined; });
    var edges = arr(prov.edges).filter(function (e) { return e && e.from !== undefined && e.to !== undefined; });
    var byId = {};
    nodes.forEach(function (n) { byId[str(n.id)] = n; });
    var articles = nodes.filter(function (n) { return n.kind !== 'external'; });
    var langs = {};
    articles.forEach(function (n) { if (n.lang) langs[n.lang] = true; });
    var dates = articles.map(function (n) { return Date.parse(n.published); }).filter(function (t) { return !isNaN(t); }).sort();
    var origin = prov.origin !== undefined && prov.origin !== null ? byId[str(prov.origin)] : null;
    var title = str(story.title) || (articles[0] ? str(articles[0].title) : '') || 'Story ' + str(id);
    setTitle(title);

    var detail = h('section', { 'class': 'edge-detail', 'aria-live': 'polite', id: 'edge-detail' },
      h('h2', { text: 'Re-report' }),
      h('p', { 'class': 'muted', text: 'Select an arrow in the graph (or a row below) to see its evidence and what changed.' }));

    function showEdge(k) {
      var e = edges[k];
      if (!e) return;
      Array.prototype.forEach.call(document.querySelectorAll('.edge'), function (g) {
        g.classList.toggle('on', g.getAttribute('data-k') === String(k));
      });
      clear(detail);
      var from = byId[str(e.from)] || { id: e.from }, to = byId[str(e.to)] || { id: e.to };
      detail.appendChild(h('h2', null, '#' + (k + 1) + ' · ', nodeLabel(to), ' re-reports ', nodeLabel(from)));
      var ev = arr(e.evidence);
      if (ev.length) {
        detail.appendChild(h('h3', { text: 'Evidence' }));
        detail.appendChild(h('ul', { 'class': 'evidence' }, ev.map(function (x) {
          return h('li', null, h('span', { 'class': 'ev-kind', text: EVIDENCE[x.kind] || str(x.kind) }), ' ',
            x.text ? h('q', { dir: 'auto', text: trunc(x.text, 300) }) : null);
        })));
      }
      var dr = arr(e.drift);
      detail.appendChild(h('h3', { text: dr.length ? 'What changed' : 'No drift found on this edge' }));
      // One diff per distinct pair of wordings, with every kind of change it shows.
      var groups = [];
      dr.forEach(function (d) {
        var g = groups.filter(function (x) { return x.before === str(d.before) && x.after === str(d.after); })[0];
        if (!g) { g = { before: str(d.before), after: str(d.after), kinds: [] }; groups.push(g); }
        if (g.kinds.indexOf(str(d.kind)) < 0) g.kinds.push(str(d.kind));
      });
      groups.forEach(function (g) {
        detail.appendChild(h('div', { 'class': 'drift' },
          h('p', { 'class': 'drift-kinds' }, g.kinds.map(function (k) { return h('span', { 'class': 'drift-kind k-' + k, text: DRIFT[k] || k }); })),
          diffView(g.before, g.after)));
      });
      if (groups.length) detail.appendChild(h('p', { 'class': 'small muted' }, 'Word changes: ', h('del', { text: 'removed' }), ' ', h('ins', { text: 'added' })));
    }

    var meta = h('p', { 'class': 'meta' },
      articles.length + ' article' + (articles.length === 1 ? '' : 's'), ' · ',
      Object.keys(langs).sort().join(', ') || 'no language', ' · ',
      dates.length ? fmtDay(new Date(dates[0]).toISOString()) + ' – ' + fmtDay(new Date(dates[dates.length - 1]).toISOString()) : 'undated',
      ' · origin: ', origin ? h('strong', { 'class': 'origin', text: nodeLabel(origin) }) : h('span', { text: 'not found' }));

    var edgeRows = edges.map(function (e, k) {
      var from = byId[str(e.from)] || { id: e.from }, to = byId[str(e.to)] || { id: e.to };
      return h('tr', null,
        h('td', null, String(k + 1)),
        h('td', null, nodeLabel(from)), h('td', null, nodeLabel(to)),
        h('td', null, arr(e.evidence).map(function (x) { return EVIDENCE[x.kind] || str(x.kind); }).filter(uniq).join(', ')),
        h('td', null, arr(e.drift).map(function (x) { return DRIFT[x.kind] || str(x.kind); }).filter(uniq).join(', ') || '—'),
        h('td', null, h('button', { type: 'button', 'class': 'link', on: { click: function () { showEdge(k); detail.scrollIntoView({ block: 'nearest' }); } }, text: 'details' })));
    });

    var claimList = h('ol', { 'class': 'story-claims' }, arr(prov.claims).slice(0, 200).map(function (c) {
      var o = c.origin !== undefined && c.origin !== null ? byId[str(c.origin)] : null;
      return h('li', null, h('q', { dir: 'auto', text: trunc(c.text, 220) }), ' ',
        h('span', { 'class': 'muted', text: '— first from ' + (o ? nodeLabel(o) : str(c.origin) || '?') + ', ' + arr(c.members).length + ' report' + (arr(c.members).length === 1 ? '' : 's') }));
    }));

    var firstDrift = -1;
    edges.forEach(function (e, k) { if (firstDrift < 0 && arr(e.drift).length) firstDrift = k; });
    if (firstDrift >= 0) window.setTimeout(function () { showEdge(firstDrift); }, 0);
    return h('div', { 'class': 'story' },
      h('h1', { dir: 'auto', text: title }),
      meta,
      h('figure', { 'class': 'graph-fig' },
        h('div', { 'class': 'graph-scroll' }, graphSvg(nodes, edges, prov.origin, showEdge)),
        h('figcaption', { 'class': 'small' }, 'Provenance: each arrow goes from the earlier (or cited) report to the one that re-reports it; x is publication time, outlets only named by others are on the left. Arrows with changes are drawn in red.')),
      detail,
      h('section', null, h('h2', { text: 'Timeline by language' }), timelineSvg(articles)),
      h('section', null, h('h2', { text: 'Articles' }), articleTable(articles)),
      edges.length ? h('section', null, h('h2', { text: 'All re-reports' }),
        h('div', { 'class': 'table-scroll' }, h('table', { 'class': 'edges' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: '#' }), h('th', { scope: 'col', text: 'From' }), h('th', { scope: 'col', text: 'To' }), h('th', { scope: 'col', text: 'Evidence' }), h('th', { scope: 'col', text: 'Drift' }), h('th', { scope: 'col', text: '' }))),
          h('tbody', null, edgeRows)))) : null,
      arr(prov.claims).length ? h('section', null, h('h2', { text: 'Claims in this story' }), claimList) : null);
  }

  function uniq(v, i, a) { return a.indexOf(v) === i; }

  function articleTable(articles) {
    var rows = articles.slice().sort(function (a, b) { return str(a.published) < str(b.published) ? -1 : 1; }).map(function (n) {
      return h('tr', null,
        h('td', null, h('time', { datetime: str(n.published) || null, text: fmtDate(n.published) })),
        h('td', null, str(n.lang)), h('td', null, str(n.outlet)),
        h('td', { dir: 'auto' }, h('a', { href: '#/article/' + encodeURIComponent(str(n.id)), text: str(n.title) || str(n.id) })));
    });
    return h('div', { 'class': 'table-scroll' }, h('table', { 'class': 'articles' },
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Published' }), h('th', { scope: 'col', text: 'Lang' }), h('th', { scope: 'col', text: 'Outlet' }), h('th', { scope: 'col', text: 'Title' }))),
      h('tbody', null, rows)));
  }

  function timeScale(articles, x0, x1) {
    var ts = articles.map(function (n) { return Date.parse(n.published); }).filter(function (t) { return !isNaN(t); });
    var lo = ts.length ? Math.min.apply(null, ts) : 0, hi = ts.length ? Math.max.apply(null, ts) : 1;
    if (hi <= lo) hi = lo + 3600e3;
    return {
      lo: lo, hi: hi,
      x: function (p) { var t = Date.parse(p); if (isNaN(t)) return x1; return x0 + (t - lo) / (hi - lo) * (x1 - x0); }
    };
  }

  function axis(svg, sc, x0, x1, y, h0) {
    var g = s('g', { 'class': 'axis', 'aria-hidden': 'true' });
    g.appendChild(s('line', { x1: x0, x2: x1, y1: y, y2: y }));
    var span = sc.hi - sc.lo;
    var ticks = 5;
    for (var i = 0; i <= ticks; i++) {
      var t = sc.lo + span * i / ticks;
      var x = x0 + (x1 - x0) * i / ticks;
      g.appendChild(s('line', { x1: x, x2: x, y1: y, y2: y + 5 }));
      g.appendChild(s('line', { 'class': 'grid', x1: x, x2: x, y1: h0, y2: y }));
      var d = new Date(t).toISOString();
      var label = span < 2 * 86400e3 ? d.slice(5, 10) + ' ' + d.slice(11, 16) : d.slice(0, 10);
      g.appendChild(s('text', { x: x, y: y + 18, 'text-anchor': 'middle', text: label }));
    }
    svg.appendChild(g);
  }

  function graphSvg(nodes, edges, origin, onEdge) {
    var W = 150, H = 46, GAP = 24, LEFT = 44;
    var ext = nodes.filter(function (n) { return n.kind === 'external'; });
    var arts = nodes.filter(function (n) { return n.kind !== 'external'; })
      .sort(function (a, b) { return str(a.published) < str(b.published) ? -1 : str(a.published) > str(b.published) ? 1 : 0; });
    var x0 = LEFT + (ext.length ? W + 60 : 0);
    var avail = (main && main.clientWidth ? main.clientWidth : 1100) - 60;
    var width = Math.max(760, avail, x0 + Math.min(arts.length, 60) * 70 + W + 40);
    var sc = timeScale(arts, x0, width - W - 20);
    var pos = {};
    var lanes = []; // last right edge per lane
    arts.forEach(function (n) {
      var x = sc.x(n.published);
      var lane = 0;
      while (lane < lanes.length && lanes[lane] > x - GAP) lane++;
      lanes[lane] = x + W;
      pos[str(n.id)] = { x: x, lane: lane };
    });
    ext.forEach(function (n, i) { pos[str(n.id)] = { x: LEFT, lane: i }; });
    var nl = Math.max(lanes.length, ext.length, 1);
    var top = 34, rowH = H + 46;
    var height = top + nl * rowH + 40;
    Object.keys(pos).forEach(function (k) { pos[k].y = top + pos[k].lane * rowH; });

    var svg = s('svg', { 'class': 'graph', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'group', 'aria-label': 'Provenance graph: ' + nodes.length + ' reports, ' + edges.length + ' re-reports' });
    var defs = s('defs');
    [['arrow', 'arrow'], ['arrow-drift', 'arrow drift']].forEach(function (m) {
      var mk = s('marker', { id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      mk.appendChild(s('path', { d: 'M0,0 L10,5 L0,10 z', 'class': m[1] }));
      defs.appendChild(mk);
    });
    svg.appendChild(defs);
    axis(svg, sc, x0, width - W - 20, height - 30, 0);
    if (ext.length) {
      svg.appendChild(s('text', { 'class': 'col-label', x: LEFT, y: height - 12, text: 'named, not in store' }));
    }

    var eg = s('g', { 'class': 'edges' });
    edges.forEach(function (e, k) {
      var a = pos[str(e.from)], b = pos[str(e.to)];
      if (!a || !b) return;
      var ax = a.x + W, ay = a.y + H / 2, bx = b.x, by = b.y + H / 2;
      if (bx < ax) { ax = a.x + W / 2; ay = a.y + H; bx = b.x + W / 2; by = b.y; }
      var mx = (ax + bx) / 2;
      var d = 'M' + ax + ',' + ay + ' C' + mx + ',' + ay + ' ' + mx + ',' + by + ' ' + bx + ',' + by;
      var drift = arr(e.drift).length > 0;
      var kinds = arr(e.evidence).map(function (x) { return EVIDENCE[x.kind] || str(x.kind); }).filter(uniq);
      var label = kinds.join(' · ') + (drift ? ' · ' + arr(e.drift).length + ' change' + (arr(e.drift).length === 1 ? '' : 's') : '');
      var g = s('g', {
        'class': 'edge' + (drift ? ' drift' : ''), tabindex: 0, role: 'button', 'data-k': k,
        'data-from': str(e.from), 'data-to': str(e.to),
        'aria-label': nodeLabel(pos[str(e.to)] ? findNode(nodes, e.to) : {}) + ' re-reports ' + nodeLabel(findNode(nodes, e.from)) + ': ' + label
      });
      g.appendChild(s('path', { 'class': 'hit', d: d }));
      g.appendChild(s('path', { 'class': 'line', d: d, 'marker-end': drift ? 'url(#arrow-drift)' : 'url(#arrow)' }));
      // A numbered badge at the middle of the curve (same number as the table below), and the
      // evidence written beside it when the two ends are far enough apart.
      var lx = (ax + bx) / 2, ly = (ay + by) / 2;
      var num = s('g', { 'class': 'edge-num', transform: 'translate(' + lx + ',' + ly + ')' });
      num.appendChild(s('circle', { r: 9 }));
      num.appendChild(s('text', { y: 4, 'text-anchor': 'middle', text: String(k + 1) }));
      g.appendChild(num);
      if (Math.abs(bx - ax) > label.length * 6 + 40) {
        g.appendChild(s('text', { 'class': 'edge-label', x: lx, y: ly - 14, 'text-anchor': 'middle', text: trunc(label, 48) }));
      }
      g.addEventListener('click', function () { onEdge(k); });
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onEdge(k); } });
      eg.appendChild(g);
    });
    svg.appendChild(eg);

    var ng = s('g', { 'class': 'nodes' });
    nodes.forEach(function (n) {
      var p = pos[str(n.id)];
      if (!p) return;
      var isExt = n.kind === 'external';
      var isOrigin = origin !== undefined && origin !== null && str(origin) === str(n.id);
      var g = s('g', {
        'class': 'node' + (isExt ? ' external' : '') + (isOrigin ? ' origin' : ''), 'data-id': str(n.id),
        transform: 'translate(' + p.x + ',' + p.y + ')'
      });
      var title = s('title', { text: (str(n.title) || nodeLabel(n)) + (n.published ? ' — ' + fmtDate(n.published) : '') });
      g.appendChild(title);
      g.appendChild(s('rect', { width: W, height: H, rx: 7, ry: 7 }));
      g.appendChild(s('text', { x: 10, y: 19, 'class': 'n-outlet', text: trunc(nodeLabel(n), 19) }));
      g.appendChild(s('text', { x: 10, y: 36, 'class': 'n-meta', text: isExt ? (isOrigin ? 'origin · cited only' : 'cited only') : (str(n.lang) + ' · ' + fmtDay(n.published) + (isOrigin ? ' · origin' : '')) }));
      if (!isExt) {
        var link = s('a', { href: '#/article/' + encodeURIComponent(str(n.id)), 'aria-label': 'Open ' + nodeLabel(n) + ' article' });
        link.appendChild(g);
        ng.appendChild(link);
      } else {
        ng.appendChild(g);
      }
    });
    svg.appendChild(ng);
    return svg;
  }

  function findNode(nodes, id) {
    for (var i = 0; i < nodes.length; i++) if (str(nodes[i].id) === str(id)) return nodes[i];
    return { id: id };
  }

  function timelineSvg(articles) {
    var langs = articles.map(function (n) { return str(n.lang) || '?'; }).filter(uniq).sort();
    var L = 60, rowH = 48, top = 14;
    var width = Math.max(760, (main && main.clientWidth ? main.clientWidth : 1100) - 60);
    var height = top + Math.max(langs.length, 1) * rowH + 34;
    var sc = timeScale(articles, L + 10, width - 110);
    var svg = s('svg', { 'class': 'timeline', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Timeline of ' + articles.length + ' articles in ' + langs.length + ' languages' });
    axis(svg, sc, L + 10, width - 110, height - 28, 0);
    langs.forEach(function (l, i) {
      var y = top + i * rowH + rowH / 2;
      svg.appendChild(s('text', { 'class': 'lane-label', x: 8, y: y + 4, text: l }));
      svg.appendChild(s('line', { 'class': 'lane', x1: L, x2: width - 100, y1: y, y2: y }));
      var row = articles.filter(function (n) { return (str(n.lang) || '?') === l; })
        .sort(function (a, b) { return str(a.published) < str(b.published) ? -1 : 1; });
      row.forEach(function (n, j) {
        var x = sc.x(n.published);
        var g = s('g', { 'class': 'dot' });
        g.appendChild(s('title', { text: nodeLabel(n) + ' — ' + fmtDate(n.published) }));
        g.appendChild(s('circle', { cx: x, cy: y, r: 6 }));
        g.appendChild(s('text', { x: x + 9, y: y + (j % 2 ? 18 : -9), text: trunc(nodeLabel(n), 22) }));
        svg.appendChild(g);
      });
    });
    return h('div', { 'class': 'graph-scroll' }, svg);
  }

  // Word-level diff (LCS over words); runs of removed and added words are grouped.
  function diffView(a, b) {
    var x = a.split(/\s+/).filter(Boolean);
    var y = b.split(/\s+/).filter(Boolean);
    if (x.length > 400) x = x.slice(0, 400);
    if (y.length > 400) y = y.slice(0, 400);
    var n = x.length, m = y.length;
    var L = [];
    for (var i = 0; i <= n; i++) { L.push(new Uint16Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      }
    }
    var ops = []; // [op, words]
    function push(op, w) {
      var last = ops[ops.length - 1];
      if (last && last[0] === op) last[1].push(w); else ops.push([op, [w]]);
    }
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { push('=', x[i]); i++; j++; }
      else if (i < n && (j >= m || L[i + 1][j] >= L[i][j + 1])) { push('-', x[i]); i++; }
      else { push('+', y[j]); j++; }
    }
    var out = h('p', { 'class': 'diff', dir: 'auto' });
    ops.forEach(function (o, k) {
      if (k > 0) out.appendChild(document.createTextNode(' '));
      var t = o[1].join(' ');
      if (o[0] === '=') appendText(out, t);
      else out.appendChild(h(o[0] === '-' ? 'del' : 'ins', { text: t }));
    });
    return out;
  }

  // ---------- search ----------
  function searchPage(params) {
    setTitle('Search');
    var fields = [
      ['q', 'Words', 'search', 'e.g. minister resignation'],
      ['outlet', 'Outlet', 'text', ''],
      ['lang', 'Language', 'text', 'en, fr, es, ar…'],
      ['from', 'From', 'date', ''],
      ['to', 'To', 'date', '']
    ];
    var form = h('form', { 'class': 'search', role: 'search', 'aria-label': 'Find articles' });
    fields.forEach(function (f) {
      var id = 'f-' + f[0];
      var input = h('input', { id: id, name: f[0], type: f[2], placeholder: f[3] || null, maxlength: 500 });
      input.value = params.get(f[0]) || '';
      form.appendChild(h('div', { 'class': 'field field-' + f[0] }, h('label', { 'for': id, text: f[1] }), input));
    });
    form.appendChild(h('div', { 'class': 'field' }, h('button', { type: 'submit', 'class': 'primary', text: 'Search' })));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var p = new URLSearchParams();
      fields.forEach(function (f) { var v = form.elements[f[0]].value.trim(); if (v) p.set(f[0], v); });
      window.location.hash = '#/?' + p.toString();
    });
    var results = h('section', { 'class': 'results', 'aria-live': 'polite' });
    var storiesBox = h('section', { 'class': 'results' });
    var p = new URLSearchParams();
    fields.forEach(function (f) { var v = params.get(f[0]); if (v) p.set(f[0], v); });
    loadPage(results, '/api/articles', p, articleRow, 'articles');
    var sp = new URLSearchParams();
    ['q', 'lang', 'from', 'to'].forEach(function (k) { var v = params.get(k); if (v) sp.set(k, v); });
    loadPage(storiesBox, '/api/stories', sp, storyRow, 'stories');
    return h('div', null, h('h1', { text: 'Find articles and stories' }), form,
      h('div', { 'class': 'two' }, h('div', null, h('h2', { text: 'Articles' }), results), h('div', null, h('h2', { text: 'Stories' }), storiesBox)));
  }

  function storiesPage(params) {
    setTitle('Stories');
    var box = h('section', { 'class': 'results' });
    loadPage(box, '/api/stories', params, storyRow, 'stories');
    return h('div', null, h('h1', { text: 'Stories' }), box);
  }

  function loadPage(box, path, params, row, what) {
    var list = h('ul', { 'class': 'hits' });
    box.appendChild(list);
    function more(cursor) {
      var p = new URLSearchParams(params.toString());
      if (cursor) p.set('cursor', cursor);
      var status = h('p', { 'class': 'muted', text: 'Loading…' });
      box.appendChild(status);
      api(path + (p.toString() ? '?' + p.toString() : '')).then(function (page) {
        box.removeChild(status);
        arr(page.items).forEach(function (it) { list.appendChild(row(it)); });
        if (!list.childNodes.length) box.appendChild(h('p', { 'class': 'muted', text: 'No ' + what + ' found.' }));
        if (page.next) {
          var b = h('button', { type: 'button', 'class': 'more', text: 'More ' + what });
          b.addEventListener('click', function () { box.removeChild(b); more(page.next); });
          box.appendChild(b);
        }
        box.setAttribute('data-ready', '1');
      }).catch(function (e) {
        box.removeChild(status);
        box.appendChild(errorBox(e.message));
        box.setAttribute('data-ready', '1');
      });
    }
    more(null);
  }

  function articleRow(a) {
    return h('li', { 'class': 'hit' },
      h('a', { href: '#/article/' + encodeURIComponent(str(a.id)), dir: 'auto', text: str(a.title) || str(a.id) }),
      h('div', { 'class': 'small muted' }, [str(a.outlet), fmtDay(a.published), str(a.lang)].filter(Boolean).join(' · '),
        a.story !== undefined && a.story !== null ? [' · ', h('a', { href: '#/story/' + encodeURIComponent(str(a.story)), text: 'story ' + str(a.story) })] : null),
      a.snippet ? h('div', { 'class': 'snippet', dir: 'auto', text: trunc(a.snippet, 240) }) : null);
  }

  function storyRow(st) {
    var id = st.id !== undefined ? st.id : st.story;
    var n = typeof st.articles === 'number' ? st.articles : arr(st.articles).length || st.size || st.count;
    return h('li', { 'class': 'hit' },
      h('a', { href: '#/story/' + encodeURIComponent(str(id)), dir: 'auto', text: str(st.title) || 'Story ' + str(id) }),
      h('div', { 'class': 'small muted' }, [n ? n + (n === 1 ? ' article' : ' articles') : '', arr(st.languages || st.langs).join(', '),
        st.first ? fmtDay(st.first) + (st.last ? ' – ' + fmtDay(st.last) : '') : '',
        /^ext:/.test(str(st.origin)) ? 'origin: ' + str(st.origin).slice(4) + ' (cited)' : ''].filter(Boolean).join(' · ')));
  }

  // ---------- paste box ----------
  function analyzePage() {
    setTitle('Analyse text');
    var ta = h('textarea', { id: 'paste', name: 'text', rows: 10, required: true, placeholder: 'Paste an article (text or HTML)…' });
    var lang = h('input', { id: 'paste-lang', name: 'lang', type: 'text', maxlength: 8, placeholder: 'auto' });
    var store = h('input', { id: 'paste-store', name: 'store', type: 'checkbox' });
    var out = h('div', { 'class': 'analysis', 'aria-live': 'polite' });
    var btn = h('button', { type: 'submit', 'class': 'primary', text: 'Analyse' });
    var form = h('form', { 'class': 'paste', 'aria-label': 'Analyse any text' },
      h('label', { 'for': 'paste', text: 'Article text or HTML' }), ta,
      h('div', { 'class': 'row' },
        h('span', { 'class': 'field' }, h('label', { 'for': 'paste-lang', text: 'Language' }), lang),
        h('span', { 'class': 'field check' }, store, h('label', { 'for': 'paste-store', text: 'Also store it' })),
        btn));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var p = new URLSearchParams();
      if (lang.value.trim()) p.set('lang', lang.value.trim());
      if (store.checked) p.set('store', 'true');
      clear(out);
      out.appendChild(h('p', { 'class': 'muted', text: 'Analysing… (the first run loads the models)' }));
      btn.disabled = true;
      api('/api/analyze' + (p.toString() ? '?' + p.toString() : ''), {
        method: 'POST', body: ta.value, headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json' }
      }).then(function (doc) {
        clear(out);
        out.appendChild(articleView(doc));
      }).catch(function (e) {
        clear(out);
        out.appendChild(errorBox(e.message));
      }).then(function () { btn.disabled = false; });
    });
    return h('div', null, h('h1', { text: 'Analyse text' }), form, out);
  }

  window.addEventListener('hashchange', function () { route(); main.focus({ preventScroll: true }); window.scrollTo(0, 0); });
  route();
})();
