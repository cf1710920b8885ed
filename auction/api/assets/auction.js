// The auction page's live layer. The server renders the whole page; this
// script keeps it current from the event stream (/auctions/{id}/events),
// runs the countdown and posts bids with fetch. Without it the page still
// works: the form posts and the page reloads at each stage end.
(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('boot').textContent);
  var T = boot.t, lang = boot.lang, state = boot.state;
  var skew = Date.parse(state.serverTime) - Date.now(); // server clock − ours
  var es = null, lastState = Date.now(), reconnectAt = 0;

  function $(id) { return document.getElementById(id); }
  function setText(id, text) { var el = $(id); if (el) { el.textContent = text; } }
  function show(id, on) { var el = $(id); if (el) { el.hidden = !on; } }

  // fmt fills %d and %s in order, as Go's Sprintf does for these strings.
  function fmt(s) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    return String(s).replace(/%[sd]/g, function () { return String(args[i++]); });
  }

  // money formats like the server: "95 000,50" (uk), "95,000.50" (en).
  function money(x) {
    var s = Number(x).toFixed(2), neg = s.charAt(0) === '-';
    if (neg) { s = s.slice(1); }
    var parts = s.split('.');
    var group = lang === 'uk' ? '\u00a0' : ',', point = lang === 'uk' ? ',' : '.';
    return (neg ? '-' : '') + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, group) + point + parts[1];
  }

  function label(n, name) {
    var s = fmt(T.label, n);
    return name ? s + ' · ' + name : s;
  }

  function stageText(s) {
    var st = s.stage;
    if (st.kind === 'pause') { return fmt(T['stage.pause'], st.round, s.rounds); }
    if (st.kind === 'turn') { return fmt(T['stage.turn'], st.round, s.rounds, st.turn, s.turns); }
    return T['stage.' + st.kind] || st.kind;
  }

  function clock(iso) {
    var d = new Date(iso), o = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    try {
      o.timeZone = 'Europe/Kyiv';
      return d.toLocaleTimeString('en-GB', o);
    } catch (e) {
      delete o.timeZone;
      return d.toLocaleTimeString('en-GB', o);
    }
  }

  function mmss(ms) {
    var sec = Math.max(0, Math.round(ms / 1000));
    var m = Math.floor(sec / 60), s = sec % 60;
    return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s;
  }

  function notice(text, isError) {
    var el = $('notice');
    if (!el) { return; }
    el.textContent = text;
    el.className = 'notice ' + (isError ? 'error' : 'ok');
    el.setAttribute('role', isError ? 'alert' : 'status');
    el.hidden = false;
  }

  function renderStandings(s) {
    var tbody = document.querySelector('#standings tbody');
    if (!tbody) { return; }
    var me = s.bidder, st = s.stage;
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    s.standings.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-label', r.label);
      if (me && me.label === r.label) { tr.classList.add('mine'); }
      if (st.kind === 'turn' && st.label === r.label) { tr.classList.add('turn'); }
      var place = document.createElement('td');
      place.textContent = r.place;
      var who = document.createElement('th');
      who.scope = 'row';
      who.textContent = label(r.label, r.name) + (me && me.label === r.label ? ' (' + T.you + ')' : '');
      var price = document.createElement('td');
      price.className = 'num';
      price.textContent = money(r.amount);
      tr.appendChild(place);
      tr.appendChild(who);
      tr.appendChild(price);
      tbody.appendChild(tr);
    });
  }

  function stageKey(s) { return [s.stage.kind, s.stage.round, s.stage.turn].join('/'); }

  function render(s) {
    if (stageKey(s) !== stageKey(state)) {
      show('notice', false); // an outcome belongs to the stage it happened in
    }
    state = s;
    var st = s.stage, me = s.bidder, cur = ' ' + s.currency;
    setText('stage-text', stageText(s));
    show('whose', st.kind === 'turn');
    if (st.kind === 'turn') { setText('whose', fmt(T.whose, label(st.label))); }
    show('ends', !!st.end);
    if (st.end) {
      setText('ends-text', fmt(st.kind === 'scheduled' ? T.auctionStarts : T.stageEnds, clock(st.end)));
      $('countdown').setAttribute('datetime', st.end);
    }
    renderStandings(s);
    if (me) {
      setText('my-price', money(me.amount) + cur);
      setText('my-limit', money(me.limit) + cur);
      setText('amount-hint', fmt(T.amountHint, money(me.limit)));
      var hint = $('my-turn');
      if (hint) {
        hint.textContent = me.myTurn ? T.yourTurn : T.notYourTurn;
        hint.classList.toggle('now', me.myTurn);
      }
      show('my-turn-bid', !!me.turnBid);
      if (me.turnBid) { setText('my-turn-bid', fmt(T.turnBid, money(me.turnBid.amount))); }
    }
    show('bid-form', ['announcement', 'finished', 'cancelled'].indexOf(st.kind) < 0);
    show('audit', st.kind === 'finished');
    tick();
  }

  function tick() {
    var st = state.stage;
    if (!st.end) { return; }
    var left = Date.parse(st.end) - (Date.now() + skew);
    setText('countdown', mmss(left));
    // The server pushes at every stage end (plus its grace); if nothing came
    // well after that, the stream is stuck somewhere: open a new one, which
    // starts with the current state.
    var overdue = -left > (boot.graceMs || 0) + 10000 && Date.now() - lastState > 10000;
    if (overdue && Date.now() > reconnectAt) {
      reconnectAt = Date.now() + 15000;
      connect();
    }
  }

  function connect() {
    if (!window.EventSource) { return; }
    if (es) { es.close(); }
    es = new EventSource(boot.events);
    es.addEventListener('state', function (e) {
      var s = JSON.parse(e.data).data;
      skew = Date.parse(s.serverTime) - Date.now();
      lastState = Date.now();
      show('live', false);
      render(s);
    });
    es.addEventListener('bid', function (e) {
      notice(JSON.parse(e.data).message, false);
    });
    es.onerror = function () {
      setText('live', T['live.lost']);
      show('live', true);
      if (es.readyState === 2) { // CLOSED: the browser gave up; try again ourselves
        setTimeout(connect, 3000);
      }
    };
  }

  function refusal(er) {
    var rule = er.rule || (er.name === 'hash' || er.name === 'amount' ? er.name : '');
    if (rule === 'step_not_beaten' && state.bidder) {
      return fmt(T.refused, fmt(T['rule.step_not_beaten'], money(state.bidder.limit)));
    }
    return fmt(T.refused, T['rule.' + rule] || T['rule.other']);
  }

  var form = $('bid-form');
  if (form && window.fetch) {
    var action = 'bid';
    form.addEventListener('click', function (e) {
      if (e.target && e.target.name === 'action') { action = e.target.value; }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var act = (e.submitter && e.submitter.value) || action;
      var body;
      var bidder = JSON.stringify(state.bidder ? state.bidder.bidID : '');
      if (act === 'withdraw') {
        body = '{"data":{"bidder_id":' + bidder + ',"withdraw":true}}';
      } else {
        var raw = $('amount').value.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
        if (!/^-?\d+(\.\d+)?$/.test(raw)) {
          notice(fmt(T.refused, T['rule.amount']), true);
          $('amount').focus();
          return;
        }
        // the amount goes as a JSON number with its exact digits
        body = '{"data":{"bidder_id":' + bidder + ',"amount":' + raw + '}}';
      }
      var buttons = form.querySelectorAll('button');
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      fetch(boot.bids, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: body
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, j: j }; });
      }).then(function (res) {
        if (res.ok) {
          var d = res.j.data;
          notice(d.status === 'withdrawn' ? T['bid.withdrawn'] : fmt(T['bid.' + d.status], money(d.amount)), false);
          if (state.bidder) {
            state.bidder.turnBid = d.status === 'withdrawn' ? null : { id: d.id, amount: d.amount, time: d.time };
            render(state);
          }
          $('amount').value = '';
        } else {
          notice(refusal((res.j.errors && res.j.errors[0]) || {}), true);
        }
      }).catch(function () {
        notice(fmt(T.refused, T['rule.other']), true);
      }).then(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    });
  }

  // drop the no-JS outcome (?bid=…, ?refused=…) from the address
  if (window.history && history.replaceState && /[?&](bid|refused)=/.test(location.search)) {
    history.replaceState(null, '', location.pathname + (lang === 'en' ? '?lang=en' : ''));
  }
  document.documentElement.classList.add('js');
  render(state);
  setInterval(tick, 500);
  connect();
}());
