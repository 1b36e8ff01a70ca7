/* JCM: small progressive enhancements; every page works without them.
 *
 * - marks <html> with class "js" (CSS shows .js-only elements only then);
 * - the header's navigation menu is open on wide screens;
 * - the agenda table can be reordered by dragging a row's handle, or with
 *   Alt+ArrowUp / Alt+ArrowDown on the handle; the new order is saved at once;
 * - a long multiple choice (the focus-area picker) gets a box that narrows it
 *   as one types; without the script it is the plain list.
 * - the minutes' editor keeps typed text through a lost connection or sign-in,
 *   and saves each section, progress entry and the next meeting in place
 *   (Ctrl/Cmd+S, Ctrl/Cmd+Enter), as it raises an action item from a section;
 *   without the script the forms post.
 *
 * The Content-Security-Policy forbids inline scripts and styles: this file only
 * toggles classes and attributes, all looks live in jcm.css.
 */
/* The text with {name} replaced by the value, taken as it is (a "$&" in it is no pattern). */
function fillIn(text, name, value) {
  "use strict";
  return text.replace(name, function () { return String(value); });
}

function wordsOfThePage() {
  "use strict";
  var data = document.getElementById("jcm-words");
  try {
    return JSON.parse(data ? data.textContent : "{}");
  } catch (error) {
    return {};
  }
}

(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  /* The words come from the page (templates/base.html), translated like every other text. */
  var SAID = wordsOfThePage();
  var WORDS = {
    saved: SAID.saved,
    failed: SAID.failed,
    failedBecause: function (reason) { return fillIn(SAID.failedBecause, "{reason}", reason); },
    newVersion: function (n) { return fillIn(SAID.newVersion, "{n}", n); },
    move: function (title) { return fillIn(SAID.move, "{title}", title); },
    hint: SAID.hint
  };

  /* --- the header's navigation ------------------------------------------ */

  function setUpNavigation() {
    var menus = document.querySelectorAll("details.nav-toggle");
    if (!menus.length || !window.matchMedia) {
      return;
    }
    var wide = window.matchMedia("(min-width: 720px)");
    var wasWide = null;

    function update() {
      var isWide = wide.matches;
      if (isWide === wasWide) {
        return;  // only act when crossing the line: a phone's menu stays as its user left it
      }
      wasWide = isWide;
      for (var i = 0; i < menus.length; i++) {
        if (isWide) {
          menus[i].setAttribute("open", "");
        } else {
          menus[i].removeAttribute("open");
        }
      }
    }

    if (wide.matches) {
      update();
    } else {
      wasWide = false;  // it starts closed: leave it so
    }
    if (wide.addEventListener) {
      wide.addEventListener("change", update);
    } else if (wide.addListener) {
      wide.addListener(update);
    }
    window.addEventListener("resize", update);
  }

  /* --- a polite live region for short announcements ------------------------ */

  var liveRegion = null;
  var announceTimer = null;

  /* Made before anything is said: screen readers only follow regions already in the page. */
  function makeLiveRegion(near) {
    if (!liveRegion) {
      liveRegion = document.createElement("p");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("aria-live", "polite");
      liveRegion.id = "jcm-announcer";
      var anchor = near || document.getElementById("main") || document.body;
      anchor.insertBefore(liveRegion, anchor.firstChild);
    }
  }

  function announce(message, isError, near) {
    makeLiveRegion(near);
    // Errors are shown as well as spoken: a sighted user sees the rows go back and why.
    liveRegion.className = isError ? "flash flash--error live-message" : "visually-hidden";
    // Empty it first, so the same words said twice are announced twice.
    liveRegion.textContent = "";
    if (announceTimer) {
      window.clearTimeout(announceTimer);
    }
    announceTimer = window.setTimeout(function () {
      announceTimer = null;
      liveRegion.textContent = message;
    }, 50);
  }

  /* --- the agenda: drag and drop, keyboard, saving -------------------------
   *
   * Each day of the agenda is a <tbody class="agenda-sortable">; a row moves only within its day. The
   * state of one agenda page is kept in one object made by makeAgenda and handed to the functions below:
   *   agenda.bodies     the days' <tbody> elements, in order
   *   agenda.saved      the order the server has (the rows of each day), to go back to when a save fails
   *   agenda.inFlight   a save is on its way; agenda.pending: another move was made meanwhile
   *   agenda.dragged    the row being dragged, or null
   */

  function setUpAgenda() {
    var bodies = Array.prototype.slice.call(document.querySelectorAll("tbody.agenda-sortable"));
    if (!bodies.length || !window.fetch || !window.JSON) {
      return;  // the Up and Down buttons keep working
    }
    var agenda = makeAgenda(bodies);
    makeLiveRegion(agenda.section);
    bodies.forEach(function (tbody) {
      labelHandles(tbody);
      enableDragAndDrop(agenda, tbody);
      enableKeyboardMoves(agenda, tbody);
    });
  }

  function makeAgenda(bodies) {
    var first = bodies[0];
    return {
      bodies: bodies,
      orderUrl: first.getAttribute("data-order-url"),
      csrfToken: first.getAttribute("data-csrf") || "",
      section: first.closest("section") || document.getElementById("main"),
      saved: rowsInOrder(bodies),
      inFlight: false,
      pending: false,
      dragged: null
    };
  }

  /* - the order of the rows - */

  function itemRows(tbody) {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.hasAttribute("data-item-id");
    });
  }

  /* the rows of each day, as the page shows them now */
  function rowsInOrder(bodies) {
    return bodies.map(function (tbody) { return itemRows(tbody); });
  }

  /* the items' ids in the order the page shows them, all days together: what the server is sent */
  function idsInOrder(bodies) {
    var ids = [];
    bodies.forEach(function (tbody) {
      itemRows(tbody).forEach(function (row) {
        ids.push(Number(row.getAttribute("data-item-id")));
      });
    });
    return ids;
  }

  function putRowsBack(bodies, order) {
    bodies.forEach(function (tbody, index) {
      order[index].forEach(function (row) { tbody.appendChild(row); });
    });
  }

  function sameOrder(a, b) {
    return a.length === b.length && a.every(function (rows, i) {
      return rows.length === b[i].length && rows.every(function (row, j) { return row === b[i][j]; });
    });
  }

  /* - saving the order - */

  /* A row has moved: show it, and save the new order. */
  function moved(agenda, row) {
    flash(row);
    saveOrder(agenda);
  }

  function flash(row) {
    row.classList.remove("is-moved");
    void row.offsetWidth;  // restart the animation
    row.classList.add("is-moved");
  }

  function saveOrder(agenda) {
    if (agenda.inFlight) {
      agenda.pending = true;  // sent as soon as the one on its way has an answer
      return;
    }
    agenda.inFlight = true;
    agenda.pending = false;
    setBusy(agenda.bodies, true);
    var sent = rowsInOrder(agenda.bodies);
    postOrder(agenda, idsInOrder(agenda.bodies)).then(function (answer) {
      agenda.inFlight = false;
      var body = answer.body || {};
      if (!answer.ok || !body.items) {
        setBusy(agenda.bodies, false);
        refused(agenda, body.error && body.error.message);
        return;
      }
      agenda.saved = sent;
      if (agenda.pending) {
        saveOrder(agenda);
        return;
      }
      setBusy(agenda.bodies, false);
      showTimes(agenda.bodies, body.items);
      noteNewVersion(body.agenda_version);
      announce(WORDS.saved, false);
    }, function () {
      agenda.inFlight = false;
      setBusy(agenda.bodies, false);
      refused(agenda, null);
    });
  }

  /* POSTs the ids in their new order; resolves to {ok, body}, body null when the answer is not JSON */
  function postOrder(agenda, ids) {
    return fetch(agenda.orderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": agenda.csrfToken},
      body: JSON.stringify({ids: ids})
    }).then(function (response) {
      return response.json().then(function (body) {
        return {ok: response.ok, body: body};
      }, function () {
        return {ok: false, body: null};
      });
    });
  }

  /* The order was not saved: the rows go back to the order the server has, and the page says why. */
  function refused(agenda, message) {
    agenda.pending = false;
    putRowsBack(agenda.bodies, agenda.saved);
    announce(message ? WORDS.failedBecause(message) : WORDS.failed, true);
  }

  function setBusy(bodies, busy) {
    bodies.forEach(function (tbody) {
      tbody.classList.toggle("is-saving", busy);
      tbody.setAttribute("aria-busy", busy ? "true" : "false");
    });
  }

  /* the times and numbers the server worked out for the new order: {id: {starts, ends, number, elsewhere}} */
  function showTimes(bodies, items) {
    bodies.forEach(function (tbody) {
      itemRows(tbody).forEach(function (row) {
        var times = items[row.getAttribute("data-item-id")];
        if (!times) {
          return;
        }
        [["js-start", times.starts], ["js-end", times.ends], ["js-number", times.number],
         ["js-elsewhere", times.elsewhere]].forEach(function (pair) {
          var cell = row.querySelector("." + pair[0]);
          if (cell && pair[1] !== undefined && pair[1] !== null) {
            cell.textContent = String(pair[1]);
          }
        });
      });
    });
  }

  /* A move that starts a new agenda version clears both sides' agreement: say so on the panel. */
  function noteNewVersion(version) {
    var panel = document.querySelector(".agreement-panel[data-agenda-version]");
    if (!panel || !version || String(version) === panel.getAttribute("data-agenda-version")) {
      return;
    }
    panel.setAttribute("data-agenda-version", String(version));
    panel.classList.add("is-stale");
    var note = panel.querySelector(".js-version-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "flash flash--info js-version-note";
      note.setAttribute("role", "status");
      panel.insertBefore(note, panel.children[1] || null);
    }
    note.textContent = WORDS.newVersion(version);
  }

  /* - the handles - */

  /* Each row's handle becomes a button that names its item and says how to move it. */
  function labelHandles(tbody) {
    itemRows(tbody).forEach(function (row) {
      var handle = row.querySelector(".drag-handle");
      if (handle) {
        labelHandle(handle, row);
      }
    });
  }

  function labelHandle(handle, row) {
    var title = row.querySelector("strong");
    var text = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
    handle.removeAttribute("aria-hidden");
    handle.setAttribute("tabindex", "0");
    handle.setAttribute("role", "button");
    handle.setAttribute("aria-label", WORDS.move(text));
    handle.setAttribute("aria-keyshortcuts", "Alt+ArrowUp Alt+ArrowDown");
    handle.setAttribute("title", WORDS.hint);
    var help = document.getElementById("drag-help");
    if (help) {
      handle.setAttribute("aria-describedby", "drag-help");
    }
  }

  /* - drag and drop, within one day - */

  function enableDragAndDrop(agenda, tbody) {
    tbody.addEventListener("dragstart", function (event) { startDrag(agenda, tbody, event); });
    tbody.addEventListener("dragover", function (event) { markDropSpot(agenda, tbody, event); });
    tbody.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget || !tbody.contains(event.relatedTarget)) {
        clearDropMarks(agenda.bodies);
      }
    });
    tbody.addEventListener("drop", function (event) { dropRow(agenda, tbody, event); });
    tbody.addEventListener("dragend", function () { endDrag(agenda, tbody); });
  }

  /* only a row's handle starts a drag */
  function startDrag(agenda, tbody, event) {
    var handle = event.target.closest ? event.target.closest(".drag-handle") : null;
    var row = handle && handle.closest("tr[data-item-id]");
    if (!row || row.parentNode !== tbody) {
      return;
    }
    agenda.dragged = row;
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-item-id"));
      if (event.dataTransfer.setDragImage) {
        var box = row.getBoundingClientRect();
        event.dataTransfer.setDragImage(row, event.clientX - box.left, event.clientY - box.top);
      }
    }
    row.classList.add("is-dragging");
    tbody.classList.add("is-drag-active");
  }

  /* while dragging: a line above or below the row the drop would go next to */
  function markDropSpot(agenda, tbody, event) {
    if (!agenda.dragged || agenda.dragged.parentNode !== tbody) {
      return;  // only within the same day
    }
    event.preventDefault();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = "move";
    }
    var spot = dropSpot(agenda, tbody, event);
    if (event.target.closest && !event.target.closest("tr[data-item-id]")) {
      return;  // between rows: keep the mark where it is
    }
    clearDropMarks(agenda.bodies);
    if (spot) {
      spot.row.classList.add(spot.after ? "drop-after" : "drop-before");
    }
  }

  /* where a drop at this point would put the dragged row: {row, after} or null */
  function dropSpot(agenda, tbody, event) {
    var target = event.target && event.target.closest ? event.target.closest("tr[data-item-id]") : null;
    if (!target || target.parentNode !== tbody || target === agenda.dragged) {
      return null;
    }
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    // dropping right next to where it already is changes nothing
    if ((after && target.nextElementSibling === agenda.dragged) ||
        (!after && target.previousElementSibling === agenda.dragged)) {
      return null;
    }
    return {row: target, after: after};
  }

  /* the row goes where the mark is (or, without one, where the pointer is); a changed order is saved */
  function dropRow(agenda, tbody, event) {
    var dragged = agenda.dragged;
    if (!dragged || dragged.parentNode !== tbody) {
      return;
    }
    event.preventDefault();
    var marked = tbody.querySelector(".drop-before, .drop-after");
    var spot = marked ? {row: marked, after: marked.classList.contains("drop-after")} : dropSpot(agenda, tbody, event);
    clearDropMarks(agenda.bodies);
    if (!spot || spot.row === dragged) {
      return;
    }
    var before = rowsInOrder(agenda.bodies);
    tbody.insertBefore(dragged, spot.after ? spot.row.nextSibling : spot.row);
    if (!sameOrder(before, rowsInOrder(agenda.bodies))) {
      moved(agenda, dragged);
    }
  }

  function endDrag(agenda, tbody) {
    if (agenda.dragged) {
      agenda.dragged.classList.remove("is-dragging");
    }
    agenda.dragged = null;
    tbody.classList.remove("is-drag-active");
    clearDropMarks(agenda.bodies);
  }

  function clearDropMarks(bodies) {
    bodies.forEach(function (tbody) {
      Array.prototype.forEach.call(tbody.querySelectorAll(".drop-before, .drop-after"), function (row) {
        row.classList.remove("drop-before", "drop-after");
      });
    });
  }

  /* - the keyboard: Alt+ArrowUp / Alt+ArrowDown on a handle; Enter or Space says how - */

  function enableKeyboardMoves(agenda, tbody) {
    tbody.addEventListener("keydown", function (event) {
      var handle = event.target.closest ? event.target.closest(".drag-handle") : null;
      if (!handle) {
        return;
      }
      var row = handle.closest("tr[data-item-id]");
      var key = event.key;
      if (event.altKey && !event.ctrlKey && !event.metaKey && (key === "ArrowUp" || key === "ArrowDown")) {
        event.preventDefault();
        if (moveByKey(row, key === "ArrowUp")) {
          handle.focus();
          moved(agenda, row);
        }
      } else if (key === "Enter" || key === " " || key === "Spacebar") {
        event.preventDefault();
        announce(WORDS.hint, false);
      }
    });
  }

  /* one place up or down within the day; false at the day's first or last row */
  function moveByKey(row, up) {
    var tbody = row.parentNode;
    // Move the neighbour rather than the row itself, so the focused handle keeps its focus.
    if (up) {
      var previous = row.previousElementSibling;
      if (!previous || !previous.hasAttribute("data-item-id")) {
        return false;
      }
      tbody.insertBefore(previous, row.nextSibling);
    } else {
      var next = row.nextElementSibling;
      if (!next || !next.hasAttribute("data-item-id")) {
        return false;
      }
      tbody.insertBefore(next, row);
    }
    return true;
  }

  /* --- a long multiple choice narrowed as one types --------------------------
   * <select multiple data-filter="label" data-filter-count="{shown} of {total} shown">: a search box above it hides
   * the options whose words do not hold what is typed (chosen ones stay in sight), and says how many are shown. */

  function folded(text) {
    return (text.normalize ? text.normalize("NFKC") : text).toLowerCase().replace(/\s+/g, "");
  }

  function setUpPicker(select) {
    var options = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "picker-filter";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = select.getAttribute("data-filter");
    var count = document.createElement("p");
    count.id = select.id + "-filter-count";
    count.className = "picker-filter__count";
    count.setAttribute("role", "status");
    box.setAttribute("aria-describedby", count.id);
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select);
    if (options.length > 8 && !select.hasAttribute("size")) {
      select.size = 8;
    }

    function narrow() {
      var words = folded(box.value);
      var shown = 0;
      options.forEach(function (option) {
        var keep = !words || option.selected || folded(option.text).indexOf(words) !== -1;
        option.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      count.textContent = fillIn(fillIn(select.getAttribute("data-filter-count") || "", "{shown}", shown),
                                 "{total}", options.length);
    }

    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // Enter in the box narrows, it does not send the form
      }
    });
    narrow();
  }

  function setUpPickers() {
    var selects = document.querySelectorAll("select[multiple][data-filter]");
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].id) {
        setUpPicker(selects[i]);
      }
    }
  }

  function start() {
    setUpNavigation();
    setUpAgenda();
    setUpPickers();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* --- minutes: text typed into a section survives an expired sign-in or a dropped connection ---
 *
 * Every keystroke in a section of the minutes — its texts in English and in Korean — is kept in localStorage
 * under the section's id and the version the form was based on. When the page comes back (after a reload, a
 * failed send, or signing in again) and a kept draft differs from what the server has, the draft is put back into
 * the form, with a notice. A draft that matches the server's text has been saved: it is dropped. A draft based on
 * an older version keeps that version, so saving it shows the conflict page with both texts.
 */
(function () {
  "use strict";

  var PREFIX = "jcm-minutes-draft:";
  var korean = /^ko\b/i.test(document.documentElement.lang || "");

  function restoredNotice(when) {
    return fillIn(wordsOfThePage().restored || "{when}", "{when}", when);
  }

  function openStorage() {
    try {
      var store = window.localStorage;
      store.setItem(PREFIX + "probe", "1");
      store.removeItem(PREFIX + "probe");
      return store;
    } catch (error) {
      return null;  // private mode or storage disabled: the form still works, only without this safety net
    }
  }

  /* The server trims a discussion and drops empty decision lines: compare as it stores. */
  function clean(text) {
    return (text || "").replace(/\r\n?/g, "\n").trim();
  }

  function cleanLines(text) {
    return clean(text).split("\n").map(function (line) { return line.trim(); })
      .filter(function (line) { return line !== ""; }).join("\n");
  }

  function cleaned(name, text) {
    return name.indexOf("decisions") === 0 ? cleanLines(text) : clean(text);
  }

  /* A draft's texts by the boxes' names; a draft kept before the Korean boxes held only these two. */
  function textsOf(draft) {
    return draft.texts && typeof draft.texts === "object" ? draft.texts
      : {discussion: draft.discussion, decisions: draft.decisions};
  }

  /* Only the boxes a draft holds count: a box it does not know keeps what the server has. */
  function sameText(draft, shown) {
    var texts = textsOf(draft);
    return Object.keys(texts).every(function (name) {
      return !(name in shown) || cleaned(name, texts[name]) === cleaned(name, shown[name]);
    });
  }

  function draftsOf(store, sectionId) {
    var drafts = [];
    var start = PREFIX + sectionId + ":";
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(start) === 0) {
        try {
          var draft = JSON.parse(store.getItem(key));
          if (draft && typeof draft === "object") {
            draft.key = key;
            drafts.push(draft);
          }
        } catch (error) {
          store.removeItem(key);
        }
      }
    }
    drafts.sort(function (a, b) { return (b.savedAt || 0) - (a.savedAt || 0); });
    return drafts;
  }

  function setUpSection(store, form) {
    var sectionId = form.getAttribute("data-section-id");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("textarea[name]"));
    var version = form.querySelector("input[name=version]");
    if (!sectionId || !boxes.length || !version) {
      return;
    }

    function current() {
      var texts = {};
      boxes.forEach(function (box) { texts[box.name] = box.value; });
      return texts;
    }

    function keep() {
      var based = version.value;
      var draft = {texts: current(), version: based, savedAt: Date.now()};
      try {
        store.setItem(PREFIX + sectionId + ":" + based, JSON.stringify(draft));
      } catch (error) {
        // storage full: nothing more can be done here
      }
    }

    var shown = current();
    var drafts = draftsOf(store, sectionId);
    if (form.hasAttribute("data-posted")) {
      // The page shows what was just sent (a conflict or an error): the form already holds the user's text.
      drafts.forEach(function (draft) { store.removeItem(draft.key); });
      keep();
    } else {
      drafts.forEach(function (draft) {
        if (sameText(draft, shown)) {
          store.removeItem(draft.key);  // saved, or nothing new
        }
      });
      drafts = drafts.filter(function (draft) { return store.getItem(draft.key) !== null; });
      if (drafts.length) {
        var newest = drafts[0];
        drafts.slice(1).forEach(function (draft) { store.removeItem(draft.key); });
        var texts = textsOf(newest);
        boxes.forEach(function (box) {
          if (typeof texts[box.name] === "string") {
            box.value = texts[box.name];
          }
        });
        if (newest.version) {
          version.value = newest.version;  // older than the stored one? then saving shows both texts
        }
        var when = new Date(newest.savedAt || Date.now());
        var notice = document.createElement("p");
        notice.className = "flash flash--info minutes-restored";
        notice.setAttribute("role", "status");
        notice.textContent = restoredNotice(when.toLocaleString(korean ? "ko-KR" : undefined));
        form.parentNode.insertBefore(notice, form);
      }
    }

    boxes.forEach(function (box) { box.addEventListener("input", keep); });
    form.addEventListener("submit", keep);  // the text is kept until a page shows it stored
    // Saved in place (the live save below): the kept drafts go, unless more was typed since it was sent.
    form.addEventListener("jcm:saved", function (event) {
      draftsOf(store, sectionId).forEach(function (draft) { store.removeItem(draft.key); });
      var notice = form.parentNode.querySelector(".minutes-restored");
      if (notice) {
        notice.parentNode.removeChild(notice);
      }
      if (event.detail && event.detail.changedSince) {
        keep();
      }
    });
  }

  function start() {
    var forms = document.querySelectorAll("form.minutes-section-form[data-section-id]");
    if (!forms.length) {
      return;
    }
    var store = openStorage();
    if (!store) {
      return;
    }
    for (var i = 0; i < forms.length; i++) {
      setUpSection(store, forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* --- minutes: each section, progress entry and the next meeting saves in place ---
 *
 * A form marked data-live-save is sent by the script, with the page's security token in a header, and the server
 * answers in JSON (jcm/minutes/views.py): the new version, a 409 carrying the stored text and the writer's own, or
 * a 422 with the message. The form's status element says where it stands: "Saved 10:24 KST", "Unsaved changes",
 * "Saving…", or why it was not saved; a conflict is shown with both texts, the typed text staying in the boxes and
 * the form now based on the stored version, so that saving again merges knowingly. Ctrl+S or Ctrl+Enter (Cmd on a
 * Mac) saves the form being written in. When the sign-in has ended (401) or the answer is not JSON, the form is
 * sent the ordinary way, and the server keeps it through signing in again. A saved answer also carries the saved
 * texts' states (with their check buttons, differences and check forms) and the review panel, put in place so that
 * the page shows what a reload would. A section's "Raise an action item" form is saved the same way: the new item's
 * row joins the section's list and the form empties for the next. Without the script, every form posts and the
 * page reloads, as before.
 */
(function () {
  "use strict";

  var SAID = wordsOfThePage();
  var SHORTCUTS = "Control+S Meta+S Control+Enter Meta+Enter";

  function boxesOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll(
      "textarea[name], select[name], input[name]:not([type=hidden]):not([type=submit]):not([type=checkbox])"));
  }

  function valuesOf(form) {
    var values = {};
    boxesOf(form).forEach(function (box) { values[box.name] = box.value; });
    return values;
  }

  /* the values the page came with (a draft put back since is the writer's, not the server's) */
  function servedValuesOf(form) {
    var values = {};
    boxesOf(form).forEach(function (box) {
      if (box.tagName === "SELECT") {
        var chosen = Array.prototype.filter.call(box.options, function (option) { return option.defaultSelected; });
        values[box.name] = chosen.length ? chosen[0].value : (box.options.length ? box.options[0].value : "");
      } else {
        values[box.name] = box.defaultValue;
      }
    });
    return values;
  }

  function sameValues(a, b) {
    return Object.keys(a).every(function (name) { return a[name] === b[name]; });
  }

  function labelOf(box) {
    var label = box.id ? document.querySelector("label[for='" + box.id + "']") : null;
    var first = label && label.firstChild;
    return first ? first.textContent.trim() : box.name;
  }

  function say(live, state, text) {
    if (live.status) {
      live.status.setAttribute("data-state", state);
      live.status.textContent = text;
    }
    live.form.setAttribute("data-live-state", state);
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".live-error"), function (node) {
      node.parentNode.removeChild(node);
    });
    boxesOf(form).forEach(function (box) { box.removeAttribute("aria-invalid"); });
  }

  function clearConflict(live) {
    var shown = live.holder.querySelector(".minutes-conflict.live-conflict");
    if (shown) {
      shown.parentNode.removeChild(shown);
    }
    live.holder.classList.remove("minutes-section--conflict");
  }

  /* The classes the page gives a section's conflict (its discussion in each language), and one per other box. */
  function conflictClass(kind, name) {
    if (name === "discussion") {
      return "minutes-conflict__" + kind;
    }
    if (name === "discussion_ko") {
      return "minutes-conflict__" + kind + "-ko";
    }
    return "minutes-conflict__" + kind + "--" + name;
  }

  function asText(value) {
    if (Array.isArray(value)) {
      return value.join("\n");
    }
    return value === null || value === undefined ? "" : String(value);
  }

  function conflictColumn(live, heading, kind, texts) {
    var column = document.createElement("div");
    column.className = "minutes-conflict__text";
    var title = document.createElement("h4");
    title.textContent = heading;
    column.appendChild(title);
    boxesOf(live.form).forEach(function (box) {
      if (box.tagName !== "TEXTAREA") {
        return;
      }
      var label = document.createElement("h5");
      label.textContent = labelOf(box);
      var text = document.createElement("pre");
      text.className = conflictClass(kind, box.name);
      text.setAttribute("data-name", box.name);
      if (box.lang) {
        text.setAttribute("lang", box.lang);
      }
      text.textContent = asText(texts[box.name]);
      column.appendChild(label);
      column.appendChild(text);
    });
    return column;
  }

  /* Both texts side by side above the form, as the page shows a stale save; the boxes keep what was typed. */
  function showConflict(live, error, sent) {
    clearConflict(live);
    var current = error.current || {};
    var box = document.createElement("div");
    box.className = "minutes-conflict live-conflict";
    box.setAttribute("role", "alert");
    var intro = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = error.message || "";
    intro.appendChild(strong);
    intro.appendChild(document.createTextNode(" " + (SAID.conflictHelp || "")));
    box.appendChild(intro);
    var texts = document.createElement("div");
    texts.className = "minutes-conflict__texts";
    var heading = fillIn(SAID.storedNow || "{n}", "{n}", current.version);
    if (current.author) {
      heading += " · " + current.author;
    }
    texts.appendChild(conflictColumn(live, heading, "stored", current));
    texts.appendChild(conflictColumn(live, SAID.yours || "", "yours", sent));
    box.appendChild(texts);
    live.form.parentNode.insertBefore(box, live.form);
    live.holder.classList.add("minutes-section--conflict");
    // A box the writer has not touched since the page had it takes the stored text: only what they typed is
    // theirs to merge, and saving again keeps the other's text where they wrote nothing.
    boxesOf(live.form).forEach(function (field) {
      if (field.value === live.base[field.name] && current[field.name] !== undefined) {
        field.value = asText(current[field.name]);
      }
    });
    live.base = valuesOf(live.form);
    if (current.version !== undefined && current.version !== null) {
      setVersion(live, current.version, false);  // saving again is based on the stored text: a knowing merge
    }
  }

  function setVersion(live, version, showIt) {
    if (version === undefined || version === null) {
      return;
    }
    var input = live.form.querySelector("input[name=version]");
    if (input) {
      input.value = String(version);
    }
    if (live.form.hasAttribute("data-version")) {
      live.form.setAttribute("data-version", String(version));
    }
    var shown = live.form.querySelector("[data-live-version]");
    if (shown && showIt) {
      shown.textContent = fillIn(SAID.version || "{n}", "{n}", version);
    }
  }

  /* a 422: the message under each box at fault, and in the status */
  function showInvalid(live, error) {
    var fields = (error.fields && error.fields.json) || {};
    Object.keys(fields).forEach(function (name) {
      var box = live.form.querySelector("[name='" + name + "']");
      if (!box) {
        return;
      }
      box.setAttribute("aria-invalid", "true");
      (fields[name] || []).forEach(function (message) {
        var note = document.createElement("p");
        note.className = "field__error live-error";
        note.textContent = message;
        box.parentNode.insertBefore(note, box.nextSibling);
      });
    });
    say(live, "error", fillIn(SAID.notSaved || "{reason}", "{reason}", error.message || ""));
  }

  /* The sign-in has ended, or the answer is no JSON: the form goes the ordinary way, kept by the server. */
  function sendTheOrdinaryWay(live) {
    live.ordinary = true;
    HTMLFormElement.prototype.submit.call(live.form);
  }

  function answerOf(response) {
    return response.json().then(function (body) {
      return {status: response.status, body: body};
    }, function () {
      return {status: response.status, body: null};
    });
  }

  function save(live) {
    if (live.inFlight) {
      live.pending = true;  // sent again as soon as the one on its way has an answer
      return;
    }
    live.inFlight = true;
    live.pending = false;
    var sent = valuesOf(live.form);
    var token = live.form.querySelector("input[name=csrf_token]");
    say(live, "saving", SAID.saving || "");
    live.form.setAttribute("aria-busy", "true");
    fetch(live.form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch",
                "X-CSRFToken": token ? token.value : ""},
      body: new URLSearchParams(new FormData(live.form))
    }).then(answerOf).then(function (answer) {
      live.inFlight = false;
      live.form.removeAttribute("aria-busy");
      var body = answer.body;
      if (answer.status === 401 || !body) {
        sendTheOrdinaryWay(live);
        return;
      }
      clearErrors(live.form);
      if (answer.status === 200) {
        saved(live, body, sent);
      } else if (answer.status === 409 && body.error) {
        showConflict(live, body.error, sent);
        live.pending = false;
        say(live, "conflict", SAID.changedMeanwhile || "");
      } else if (answer.status === 422 && body.error) {
        live.pending = false;
        showInvalid(live, body.error);
      } else {
        live.pending = false;
        say(live, "error", fillIn(SAID.notSaved || "{reason}", "{reason}",
                                  (body.error && body.error.message) || String(answer.status)));
      }
    }, function () {
      live.inFlight = false;
      live.pending = false;
      live.form.removeAttribute("aria-busy");
      say(live, "error", SAID.offline || "");  // the text stays in the boxes, and in the browser's kept draft
    });
  }

  /* The parts of the page a save changes besides its form, as the answer prints them (jcm/minutes/views.py): the
   * saved texts' states, check buttons and differences, their check forms, and the review panel. */
  function partsOf(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content;
  }

  function moveChildren(from, to) {
    while (from && from.firstChild) {
      to.appendChild(from.firstChild);
    }
  }

  function refreshTexts(live, html) {
    var parts = partsOf(html);
    Array.prototype.forEach.call(parts.querySelectorAll("[data-box]"), function (part) {
      var box = document.getElementById(part.getAttribute("data-box"));
      var column = box && box.closest(".text-pair__text");
      var head = column && column.querySelector(".text-pair__head");
      if (!head) {
        return;
      }
      Array.prototype.forEach.call(head.querySelectorAll(".text-state, .text-pair__check"), function (node) {
        node.parentNode.removeChild(node);
      });
      moveChildren(part.querySelector("[data-head]"), head);
      Array.prototype.forEach.call(column.children, function (node) {
        if (node.classList.contains("text-diff") || node.classList.contains("text-copied")) {
          node.parentNode.removeChild(node);
        }
      });
      moveChildren(part.querySelector("[data-notes]"), column);
      var described = part.getAttribute("data-described-by");
      if (described) {
        box.setAttribute("aria-describedby", described);
      } else {
        box.removeAttribute("aria-describedby");
      }
    });
    var checks = parts.querySelector("[data-checks]");
    if (checks) {
      var prefix = checks.getAttribute("data-checks");
      Array.prototype.forEach.call(document.querySelectorAll("form.text-check-form[id^='" + prefix + "']"),
                                   function (node) { node.parentNode.removeChild(node); });
      var after = live.form;
      Array.prototype.slice.call(checks.querySelectorAll("form")).forEach(function (form) {
        after.parentNode.insertBefore(form, after.nextSibling);
        after = form;
      });
    }
  }

  function refreshPage(live, body) {
    if (body.texts) {
      refreshTexts(live, body.texts);
    }
    var review = document.getElementById("review");
    if (body.review && review) {
      var panel = partsOf(body.review).querySelector("#review");
      if (panel) {
        review.parentNode.replaceChild(panel, review);
      }
    }
  }

  /* An action item raised from a section: its row joins the section's list, and the form is empty for the next. */
  function raised(live, body) {
    var list = live.holder.querySelector("[data-section-actions]");
    var row = body.row ? partsOf(body.row).querySelector("li") : null;
    if (list && row) {
      list.appendChild(row);
      var none = live.holder.querySelector(".section-actions__none");
      if (none) {
        none.parentNode.removeChild(none);
      }
    }
    live.form.reset();
    live.base = valuesOf(live.form);
    refreshPage(live, body);
    say(live, "saved", body.message || "");
    var title = live.form.querySelector("input[name=title]");
    if (title) {
      title.focus();
    }
  }

  function saved(live, body, sent) {
    clearConflict(live);
    if (live.form.hasAttribute("data-raise-action")) {
      live.pending = false;
      raised(live, body);
      return;
    }
    live.base = sent;
    setVersion(live, body.version, true);
    refreshPage(live, body);
    var changedSince = !sameValues(sent, valuesOf(live.form));
    live.form.dispatchEvent(new CustomEvent("jcm:saved", {detail: {changedSince: changedSince}}));
    if (live.pending) {
      save(live);
      return;
    }
    if (changedSince) {
      say(live, "unsaved", SAID.unsaved || "");
    } else {
      say(live, "saved", fillIn(SAID.savedAt || "{time}", "{time}", body.saved_at || ""));
    }
  }

  function setUpForm(form) {
    var live = {
      form: form,
      status: form.querySelector("[data-save-state]"),
      holder: form.closest(".minutes-section, .minutes-progress, section") || form.parentNode,
      base: servedValuesOf(form),  // what the server has, as far as the page knows: a box still so is untouched
      inFlight: false,
      pending: false,
      ordinary: false
    };
    form.addEventListener("submit", function (event) {
      if (live.ordinary) {
        return;
      }
      event.preventDefault();
      save(live);
    });
    boxesOf(form).forEach(function (box) {
      box.setAttribute("aria-keyshortcuts", SHORTCUTS);
      box.addEventListener("input", function () {
        if (!live.inFlight) {
          say(live, "unsaved", SAID.unsaved || "");
        }
      });
      box.addEventListener("change", function () {
        if (!live.inFlight) {
          say(live, "unsaved", SAID.unsaved || "");
        }
      });
    });
    var button = form.querySelector("button[type=submit]:not([form])");
    if (button) {
      button.setAttribute("aria-keyshortcuts", SHORTCUTS);
      var help = document.getElementById("save-shortcuts");
      if (help) {
        button.setAttribute("aria-describedby", "save-shortcuts");
      }
    }
    return live;
  }

  function start() {
    var forms = document.querySelectorAll("form[data-live-save]");
    if (!forms.length || !window.fetch || !window.FormData || !window.URLSearchParams) {
      return;  // the forms post and the page reloads
    }
    var lives = [];
    for (var i = 0; i < forms.length; i++) {
      lives.push(setUpForm(forms[i]));
    }
    /* Ctrl+S or Ctrl+Enter (Cmd on a Mac) saves the form being written in. */
    document.addEventListener("keydown", function (event) {
      var key = event.key;
      if (!(event.ctrlKey || event.metaKey) || event.altKey || !(key === "s" || key === "S" || key === "Enter")) {
        return;
      }
      var form = event.target && event.target.closest ? event.target.closest("form[data-live-save]") : null;
      var live = lives.filter(function (entry) { return entry.form === form; })[0];
      if (!live) {
        return;
      }
      event.preventDefault();
      save(live);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
