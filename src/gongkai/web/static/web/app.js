/* gongkai web: drag and drop, downloads from the page, live identities in the 编制 grid.
   Plain JavaScript, no network access; htmx (vendored) does the partial page updates. */
(function () {
  "use strict";

  function setupDrop(root) {
    root.querySelectorAll(".drop").forEach(function (zone) {
      var input = document.getElementById(zone.dataset.input);
      var chosen = zone.querySelector(".chosen");
      function show() {
        var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
        if (chosen) chosen.textContent = names.length ? "已选择：" + names.join("、") : "";
      }
      input.addEventListener("change", show);
      ["dragenter", "dragover"].forEach(function (t) {
        zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (t) {
        zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) {
        if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
      });
    });
  }

  function download(btn) {
    var text = JSON.parse(document.getElementById(btn.dataset.src).textContent);
    var blob = new Blob([btn.dataset.type === "text/csv" ? "\ufeff" + text : text],
                        {type: btn.dataset.type + ";charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = btn.dataset.name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  /* ids: one id or several, space-separated (a blank row, column or table is one finding of
     all its cells): each flashes, the first is scrolled to */
  function flash(ids) {
    (ids || "").split(" ").forEach(function (id, i) {
      var el = id && document.getElementById(id);
      if (!el) return;
      el.classList.add("flash");
      if (i === 0) el.scrollIntoView({block: "center"});
      setTimeout(function () { el.classList.remove("flash"); }, 2500);
    });
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest("button.dl");
    if (btn) { download(btn); return; }
    var link = e.target.closest("a.to-cell");
    if (link) { e.preventDefault(); flash(link.dataset.cell); flash(link.dataset.line); return; }
    var to = e.target.closest("a.to-input");
    if (to) {
      var input = document.getElementById(to.getAttribute("href").slice(1));
      if (input) {
        e.preventDefault();
        input.focus({preventScroll: true});
        input.scrollIntoView({block: "center"});
        input.parentElement.classList.add("flash");
        setTimeout(function () { input.parentElement.classList.remove("flash"); }, 2500);
      }
    }
  });

  /* 编制 grid: each identity is data-left="a b" data-right="c d" on the .identities list items.
     A cell holds a count (integer, not negative but 本年增/减) or an amount (decimal); anything
     else is marked at once, as the server would refuse it. */
  function cellText(el) { return el.value.trim().replace(/[,，]/g, ""); }
  function cellProblem(el) {
    var t = cellText(el), kind = el.dataset.kind || "integer";
    if (t === "") return "";
    if (!/^-?\d+(\.\d+)?$/.test(t)) return "“" + el.value.trim() + "”不是数字";
    if (t.charAt(0) === "-" && kind.indexOf("signed") < 0) return "“" + t + "”不能为负数";
    if (t.indexOf(".") >= 0 && kind.indexOf("decimal") < 0) return "“" + t + "”应为整数（件数）";
    return "";
  }
  function markInvalid(el) {
    var problem = cellProblem(el), td = el.parentElement;
    td.classList.toggle("invalid", !!problem);
    /* the reason is the field's own description too (a screen reader reads it; a tooltip alone is not) */
    if (problem) { el.setAttribute("aria-invalid", "true"); td.title = problem; el.title = problem; }
    else if (el.getAttribute("aria-invalid")) {
      el.removeAttribute("aria-invalid"); td.removeAttribute("title"); el.removeAttribute("title");
    }
    return problem;
  }
  function checkCells() {
    var bad = [];
    document.querySelectorAll(".grid input").forEach(function (el) {
      var p = markInvalid(el);
      if (p) bad.push(el.getAttribute("aria-label") + "：" + p);
    });
    var out = document.getElementById("invalid-summary");
    if (out) {
      out.textContent = bad.length ? bad.length + " 个单元格不是有效的数字（标红）" : "";
      out.title = bad.join("\n");
    }
  }
  function num(name) {
    var el = document.querySelector('.grid input[name="' + name + '"]');
    if (!el || cellText(el) === "") return null;
    return cellProblem(el) ? NaN : Number(cellText(el));
  }
  function checkGrid() {
    var items = document.querySelectorAll(".identities li[data-left]");
    document.querySelectorAll(".grid td.bad").forEach(function (td) { td.classList.remove("bad"); });
    checkCells();
    var bad = 0, open = 0;
    items.forEach(function (li) {
      var left = li.dataset.left.split(" "), right = li.dataset.right.split(" ");
      var sum = function (names) {
        var s = 0;
        for (var i = 0; i < names.length; i++) { var v = num(names[i]); if (v === null || isNaN(v)) return null; s += v; }
        return Math.round(s * 10000) / 10000;
      };
      var a = sum(left), b = sum(right);
      var out = li.querySelector(".state");
      if (a === null || b === null) { li.className = ""; out.textContent = "（有空白或无效数字，未核对）"; open++; return; }
      if (a === b) { li.className = "good"; out.textContent = "✓ " + a + " = " + b; return; }
      li.className = "bad"; bad++;
      out.textContent = "✗ " + a + " ≠ " + b;
      left.concat(right).forEach(function (n) {
        var el = document.querySelector('.grid input[name="' + n + '"]');
        if (el) el.parentElement.classList.add("bad");
      });
    });
    var summary = document.getElementById("identity-summary");
    if (summary) {
      summary.textContent = bad ? bad + " 处不相符" + (open ? "，" + open + " 处有空白未核对" : "")
        : open === items.length ? "表格尚未填写" : open ? "已填的全部相符，" + open + " 处有空白未核对" : "全部相符";
      summary.className = bad ? "bad-text" : open ? "" : "ok";
    }
  }

  /* Date fields are text (date_input.html), so a Chinese clerk sees 2025-09-26 in any browser;
     日历 opens the browser's own calendar and writes the chosen day back as YYYY-MM-DD. */
  var DATE = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$/;
  function iso(text) {
    var m = DATE.exec(text);
    if (!m) return "";
    return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
  }
  function setupDates(root) {
    root.querySelectorAll("input.date").forEach(function (field) {
      if (field.dataset.picker) return;
      var native = document.createElement("input");
      native.type = "date";
      if (native.type !== "date" || typeof native.showPicker !== "function") return;
      field.dataset.picker = "1";
      native.className = "date-native";
      native.tabIndex = -1;
      native.setAttribute("aria-hidden", "true");
      if (field.dataset.max) native.max = field.dataset.max;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pick secondary";
      button.textContent = "日历";
      button.title = "从日历中选择日期";
      button.addEventListener("click", function () {
        native.value = iso(field.value);
        try { native.showPicker(); } catch (e) { field.focus(); }
      });
      native.addEventListener("change", function () {
        if (!native.value) return;
        field.value = native.value;
        field.dispatchEvent(new Event("input", {bubbles: true}));
      });
      field.after(native, button);
    });
  }

  /* A refused form comes back as typed, described by the refusal (aria-describedby="messages"):
     the keyboard lands on its first field, so the refusal is read out and the fix typed at once. */
  function focusRefused() {
    var form = document.querySelector("form.refused");
    var field = form && form.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (!field) return;
    var why = form.getAttribute("aria-describedby");
    if (why && !field.getAttribute("aria-describedby")) field.setAttribute("aria-describedby", why);
    field.focus({preventScroll: true});
    form.scrollIntoView({block: "start"});
  }

  /* Checked reports swapped in by htmx: the keyboard and a screen reader move on to them. */
  function focusResults(target) {
    if (!target || target.id !== "results") return;
    var head = target.querySelector("h2");
    if (!head) return;
    head.tabIndex = -1;
    head.focus();
  }

  /* A table wider than its box scrolls inside it (a phone, a zoomed window): the box is a Tab
     stop named after the heading before it, so the keyboard can scroll it with the arrow keys. */
  function heading(el) {
    for (var e = el.previousElementSibling; e; e = e.previousElementSibling) {
      if (/^H[1-6]$/.test(e.tagName)) return e.textContent.trim();
    }
    return el.parentElement && el.parentElement !== document.body ? heading(el.parentElement) : "";
  }
  function setupScrollBoxes(root) {
    root.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) return;
      box.tabIndex = 0;
      if (!box.getAttribute("role")) box.setAttribute("role", "region");
      if (!box.getAttribute("aria-label") && !box.getAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", (heading(box) || "表格") + "（表格，可左右滚动）");
      }
    });
  }

  function init(root) {
    setupDrop(root);
    setupDates(root);
    setupScrollBoxes(root);
    if (document.querySelector(".grid")) checkGrid();
  }
  document.addEventListener("input", function (e) { if (e.target.closest(".grid")) checkGrid(); });
  document.addEventListener("change", function (e) {
    var show = e.target.dataset && e.target.dataset.show;
    if (show && e.target.files) {
      var names = Array.prototype.map.call(e.target.files, function (f) { return f.name; });
      document.getElementById(show).textContent = names.length ? "已选择：" + names.join("、") : "";
    }
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); focusRefused(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); focusResults(e.target); });
})();
