// Filters and sorting for the compare table. Without this script the whole table is shown.
(function () {
  "use strict";
  var table = document.getElementById("offers");
  var form = document.getElementById("filters");
  var status = document.getElementById("filter-status");
  if (!table || !form || !status) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, index) {
    row.setAttribute("data-order", String(index));
  });
  var fields = ["family", "category", "region"];

  function matches(row) {
    return fields.every(function (name) {
      var wanted = form.elements[name].value;
      return !wanted || row.getAttribute("data-" + name) === wanted;
    });
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) {
        shown += 1;
      }
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " rows.";
    var query = new URLSearchParams();
    fields.forEach(function (name) {
      if (form.elements[name].value) {
        query.set(name, form.elements[name].value);
      }
    });
    var search = query.toString();
    if (window.history && window.history.replaceState && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    }
  }

  var initial = new URLSearchParams(window.location.search);
  var market = window.careCatalogMarket;
  if (market && !initial.has("region") && market.chosen()) {
    initial.set("region", market.chosen());
  }
  fields.forEach(function (name) {
    var value = initial.get(name);
    var select = form.elements[name];
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  });
  form.addEventListener("change", function (event) {
    if (market && event.target === form.elements.region) {
      market.remember(form.elements.region.value);
    }
    apply();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function sortKey(row, index) {
    var cell = row.cells[index];
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }

  function sortBy(index) {
    var head = heads[index];
    var ascending = head.getAttribute("aria-sort") !== "ascending";
    heads.forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = head.getAttribute("data-type") === "number";
    var sorted = rows.slice().sort(function (a, b) {
      var x = sortKey(a, index);
      var y = sortKey(b, index);
      // Rows with nothing published stay last whichever way the column is sorted.
      if (x === "" || y === "") {
        if (x === y) {
          return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        }
        return x === "" ? 1 : -1;
      }
      var d = numeric ? Number(x) - Number(y) : x.localeCompare(y, "en", { numeric: true });
      if (d === 0) {
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      }
      return ascending ? d : -d;
    });
    sorted.forEach(function (row) {
      body.appendChild(row);
    });
    status.textContent = "Sorted by " + head.textContent.trim() + (ascending ? ", ascending." : ", descending.");
  }

  heads.forEach(function (head, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (head.firstChild) {
      button.appendChild(head.firstChild);
    }
    head.appendChild(button);
    button.addEventListener("click", function () {
      sortBy(index);
    });
  });
  apply();
})();
