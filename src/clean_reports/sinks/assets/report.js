(function () {
  "use strict";
  var files = JSON.parse(document.getElementById("data").textContent);
  var PAGE = 100, page = 0, sortKey = null, sortDir = 1, shown = files, open = {};
  var rows = document.getElementById("rows");
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function detail(file) {
    var cell = document.createElement("td");
    cell.colSpan = 5;
    if (file.r) cell.appendChild(text("div", file.r, "status-failed"));
    file.m.forEach(function (m) {
      var line = document.createElement("div");
      line.className = "removal";
      line.appendChild(text("span", m[0] + " " + m[1] + ":" + m[2], "rule"));
      line.appendChild(text("span", m[3], "ctx"));
      var mark = text("mark", m[4]);
      mark.title = m[0];
      line.appendChild(mark);
      line.appendChild(text("span", m[5], "ctx"));
      cell.appendChild(line);
    });
    if (!file.r && !file.m.length) cell.appendChild(text("div", rows.dataset.nothing, "ctx"));
    var row = document.createElement("tr");
    row.className = "detail";
    row.appendChild(cell);
    return row;
  }
  function render() {
    rows.textContent = "";
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (file) {
      var row = document.createElement("tr");
      row.className = "file";
      row.appendChild(text("td", file.p));
      row.appendChild(text("td", file.e));
      row.appendChild(text("td", String(file.h), "num"));
      row.appendChild(text("td", String(file.c), "num"));
      row.appendChild(text("td", file.s, "status-" + file.k));
      row.addEventListener("click", function () { open[file.p] = !open[file.p]; render(); });
      rows.appendChild(row);
      if (open[file.p]) rows.appendChild(detail(file));
    });
    document.getElementById("page").textContent = "page " + (page + 1) + " of " + pages;
    document.getElementById("count").textContent = shown.length + " of " + files.length + " files";
  }
  function filter() {
    var q = document.getElementById("search").value.trim().toLowerCase();
    shown = !q ? files.slice() : files.filter(function (f) {
      return f.p.toLowerCase().indexOf(q) >= 0 || f.s === q ||
        f.m.some(function (m) { return m[0].toLowerCase().indexOf(q) >= 0; });
    });
    if (sortKey) shown.sort(function (a, b) {
      return (a[sortKey] > b[sortKey] ? 1 : a[sortKey] < b[sortKey] ? -1 : 0) * sortDir;
    });
    page = 0;
    render();
  }
  document.getElementById("search").addEventListener("input", filter);
  Array.prototype.forEach.call(document.querySelectorAll("th[data-key]"), function (th) {
    th.addEventListener("click", function () {
      sortDir = sortKey === th.dataset.key ? -sortDir : (th.classList.contains("num") ? -1 : 1);
      sortKey = th.dataset.key;
      filter();
    });
  });
  document.getElementById("prev").addEventListener("click", function () { page = Math.max(0, page - 1); render(); });
  document.getElementById("next").addEventListener("click", function () { page += 1; render(); });
  // Open the first files with removals, so a review starts with something to look at.
  files.filter(function (f) { return f.m.length || f.r; }).slice(0, 3).forEach(function (f) { open[f.p] = true; });
  filter();
})();
