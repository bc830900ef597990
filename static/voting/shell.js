// The ballot shell (voting/fastpath.py, templates/voting/ballot_shell.html). The page is the
// same for everyone; this script asks POST /vote/open for the ballot of the code typed (or
// taken from the QR link's #fragment, which never reaches the server, and is removed from the
// address bar at once), shows it, shows the marks back, and casts with POST /vote/cast. The
// code stays in this page's memory only: no cookie, no storage.
(function () {
  "use strict";
  var body = document.body;
  var STRINGS = JSON.parse(document.getElementById("shell-strings").textContent);
  var OPEN_URL = body.getAttribute("data-open-url");
  var CAST_URL = body.getAttribute("data-cast-url");
  var NO_MARK = "-";
  var lang = chooseLanguage();
  var state = { code: "", ballot: null, marks: null };

  function $(id) { return document.getElementById(id); }
  function t(key) { return (STRINGS[lang] || {})[key] || key; }
  function fill(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) { return String(params[name]); });
  }

  function chooseLanguage() {
    var saved = null;
    try { saved = window.localStorage.getItem("ballot-lang"); } catch (e) { saved = null; }
    if (saved && STRINGS[saved]) { return saved; }
    var cookie = /(?:^|;\s*)django_language=([^;]+)/.exec(document.cookie);
    if (cookie && STRINGS[cookie[1]]) { return cookie[1]; }
    var wanted = (navigator.languages || [navigator.language || ""]);
    for (var i = 0; i < wanted.length; i++) {
      var w = String(wanted[i]).toLowerCase();
      if (w.indexOf("zh") === 0 && STRINGS["zh-hans"]) { return "zh-hans"; }
      if (STRINGS[w]) { return w; }
      if (STRINGS[w.split("-")[0]]) { return w.split("-")[0]; }
    }
    return body.getAttribute("data-default-language");
  }

  function applyStrings() {
    document.documentElement.lang = lang;
    document.title = t("title");
    var nodes = document.querySelectorAll("[data-i18n]");
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = t(nodes[i].getAttribute("data-i18n")); }
    $("lang").value = lang;
  }

  function show(step) {
    ["step-code", "step-ballot", "step-review", "step-done", "step-refused"].forEach(function (id) {
      $(id).hidden = id !== step;
    });
    window.scrollTo(0, 0);
  }

  function alertIn(id, text) {
    var box = $(id);
    box.textContent = text || "";
    box.hidden = !text;
  }

  function post(url, payload) {
    payload.lang = lang;
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }, function () { return { status: 0, data: { message: t("network") } }; });
  }

  // --- step 1: the code --------------------------------------------------------------------
  function openBallot(code, keepMarks) {
    state.code = code;
    var button = $("code-form").querySelector("button");
    button.disabled = true;
    return post(OPEN_URL, { code: code }).then(function (r) {
      button.disabled = false;
      if (r.status === 200) {
        state.ballot = r.data;
        if (!keepMarks) { state.marks = null; }
        drawBallot();
        show("step-ballot");
        return;
      }
      if (r.data.refusal === "already_cast") { refused(r.data.message, true); return; }
      alertIn("code-alert", r.data.message || t("unavailable"));
      $("code").setAttribute("aria-invalid", "true");
      show("step-code");
      $("code").focus();
    });
  }

  $("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    alertIn("code-alert", "");
    openBallot($("code").value.trim(), false);
  });

  // --- step 2: the ballot ------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // The marks this kind of ballot offers, [mark, label, colour], in the ballot's language.
  function choicesFor(ballot) { return ballot.choices; }

  function radioGroup(name, label, choices, small, current) {
    var group = el("div", { "class": "ballot-choices" + (small ? " ballot-subitem" : ""), role: "radiogroup", "aria-label": label });
    choices.forEach(function (choice) {
      var id = name + "-" + choice[0];
      var input = el("input", { type: "radio", "class": "btn-check", name: name, id: id, value: choice[0], autocomplete: "off", "aria-label": label + "：" + choice[1] });
      if (current === choice[0]) { input.checked = true; }
      group.appendChild(input);
      group.appendChild(el("label", { "class": "btn " + (small ? "btn-sm " : "ballot-choice ") + "btn-outline-" + choice[2], "for": id }, choice[1]));
    });
    return group;
  }

  function fieldNames(ballot) {
    var names = ballot.candidates.map(function (c) { return "c" + c.position; });
    ballot.candidates.forEach(function (c) {
      ballot.sub_items.forEach(function (_s, k) { names.push("c" + c.position + "_" + k); });
    });
    return names;
  }

  function drawBallot() {
    var ballot = state.ballot;
    $("ballot-title").textContent = ballot.title;
    $("ballot-intro").textContent = ballot.intro;
    alertIn("ballot-alert", "");
    var names = fieldNames(ballot);
    var marks = state.marks || "";
    var box = $("candidates");
    box.textContent = "";
    var choices = choicesFor(ballot);
    var n = ballot.candidates.length;
    ballot.candidates.forEach(function (c, i) {
      var card = el("fieldset", { "class": "ballot-candidate card mb-3" });
      var cardBody = el("div", { "class": "card-body" });
      cardBody.appendChild(el("legend", { "class": "fs-4 fw-bold mb-1" }, c.position + ". " + c.title));
      if (c.content) { cardBody.appendChild(el("p", { "class": "mb-2" }, c.content)); }
      var dl = el("dl", { "class": "row small text-secondary mb-2" });
      function row(label, value) {
        dl.appendChild(el("dt", { "class": "col-4 col-sm-3" }, label));
        dl.appendChild(el("dd", { "class": "col-8 col-sm-9 mb-1" }, value));
      }
      if (c.location) { row(t("location"), c.location); }
      if (c.investment !== null) { row(t("investment"), fill(t("amount"), { amount: c.investment })); }
      if (c.deadline) { row(t("deadline"), c.deadline); }
      cardBody.appendChild(dl);
      if (c.evidence_html) {
        var evidence = el("div");
        evidence.innerHTML = c.evidence_html; // rendered and escaped by the server's template
        cardBody.appendChild(evidence);
      }
      cardBody.appendChild(radioGroup(names[i], c.title, choices, false, marks.charAt(i)));
      ballot.sub_items.forEach(function (sub, k) {
        var at = n + i * ballot.sub_items.length + k;
        var wrap = el("div", { "class": "mt-2" });
        wrap.appendChild(el("div", { "class": "small fw-semibold mb-1" }, sub));
        wrap.appendChild(radioGroup(names[at], c.title + "，" + sub, choices, true, marks.charAt(at)));
        cardBody.appendChild(wrap);
      });
      card.appendChild(cardBody);
      box.appendChild(card);
    });
    updateCount();
  }

  function currentMarks() {
    var form = $("ballot-form");
    return fieldNames(state.ballot).map(function (name) {
      var checked = form.querySelector("input[name='" + name + "']:checked");
      return checked ? checked.value : NO_MARK;
    }).join("");
  }

  function approvals(marks) {
    return marks.split("").filter(function (m) { return m === "Y"; }).length;
  }

  function updateCount() {
    var ballot = state.ballot;
    var limited = ballot.limit !== null;
    var line = $("approval-line");
    line.hidden = !limited;
    if (!limited) { $("approval-warning").hidden = true; $("review-button").disabled = false; return; }
    var yes = approvals(currentMarks());
    line.textContent = fill(t("approvals"), { count: yes, limit: ballot.limit });
    var over = yes > ballot.limit;
    $("approval-warning").hidden = !over;
    $("review-button").disabled = over;
  }

  $("ballot-form").addEventListener("change", updateCount);
  $("ballot-form").addEventListener("submit", function (event) {
    event.preventDefault();
    state.marks = currentMarks();
    if (state.ballot.limit !== null && approvals(state.marks) > state.ballot.limit) { return; }
    drawReview();
    show("step-review");
  });

  // --- step 3: review and cast -------------------------------------------------------------
  function drawReview() {
    var ballot = state.ballot;
    var list = $("review-list");
    list.textContent = "";
    var labels = {};
    choicesFor(ballot).forEach(function (c) { labels[c[0]] = c; });
    ballot.candidates.forEach(function (c, i) {
      var item = el("li", { "class": "list-group-item d-flex justify-content-between align-items-start gap-2" });
      item.appendChild(el("span", { "class": "ms-1 me-auto" }, c.title));
      var mark = labels[state.marks.charAt(i)];
      item.appendChild(mark
        ? el("span", { "class": "badge text-bg-" + mark[2] + " fs-6" }, mark[1])
        : el("span", { "class": "badge text-bg-light border fs-6" }, t("no_mark")));
      list.appendChild(item);
    });
    $("blank-warning").hidden = !/^-+$/.test(state.marks);
    alertIn("cast-alert", "");
    $("cast-button").disabled = false;
  }

  $("change-button").addEventListener("click", function () { drawBallot(); show("step-ballot"); });

  $("cast-button").addEventListener("click", function () {
    var button = $("cast-button");
    button.disabled = true;
    alertIn("cast-alert", "");
    post(CAST_URL, { vote: state.ballot.vote, code: state.code, marks: state.marks }).then(function (r) {
      if (r.status === 201) {
        state.code = "";
        $("tracker").textContent = r.data.tracker || "";
        $("tracker-card").hidden = !r.data.tracker;
        $("sealed-note").hidden = !state.ballot.sealed;
        $("box-link").setAttribute("href", state.ballot.box_url || "#");
        show("step-done");
        return;
      }
      if (r.data.refusal === "too_many" || r.data.refusal === "malformed") {
        drawBallot();
        alertIn("ballot-alert", r.data.message);
        show("step-ballot");
        return;
      }
      if (r.status === 409) { refused(r.data.message, r.data.refusal === "already_cast"); return; }
      // Network down, 503 or 429: nothing was cast; the same button tries again safely.
      alertIn("cast-alert", r.data.message || t("unavailable"));
      button.disabled = false;
    });
  });

  function refused(message, already) {
    state.code = "";
    $("refused-box").className = "alert fs-4 " + (already ? "alert-warning" : "alert-danger");
    $("refused-title").textContent = already ? t("already") : t("not_cast");
    $("refused-message").textContent = message || "";
    $("refused-advice").hidden = !already;
    show("step-refused");
  }

  $("again-button").addEventListener("click", function () {
    $("code").value = "";
    alertIn("code-alert", "");
    show("step-code");
    $("code").focus();
  });

  // --- language ----------------------------------------------------------------------------
  $("lang").addEventListener("change", function () {
    lang = $("lang").value;
    try { window.localStorage.setItem("ballot-lang", lang); } catch (e) { /* private mode */ }
    applyStrings();
    if (!$("step-ballot").hidden && state.code) {
      state.marks = currentMarks();
      openBallot(state.code, true);
    } else if (!$("step-review").hidden && state.code) {
      openBallot(state.code, true).then(function () { drawReview(); show("step-review"); });
    }
  });

  applyStrings();
  if (window.location.hash.length > 1) {
    var code = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname);
    if (/^[0-9A-Za-z-]{10,40}$/.test(code)) {
      $("code").value = code;
      openBallot(code, false);
    }
  }
})();
