// The report matrix fills in as hosts report: every few seconds it asks the page's JSON endpoint
// (data-url) for the cells' states and redraws those that changed. No inline script: the
// Content-Security-Policy lets scripts come from this site's files only.
(function () {
  var table = document.getElementById("matrix");
  if (!table) return;
  var labels = JSON.parse(document.getElementById("matrix-labels").textContent);
  var interval = parseInt(table.dataset.interval, 10) || 10000;

  function draw(td, department, day, state, report) {
    var key = state + ":" + (report || "");
    if (td.dataset.drawn === key) return;
    td.dataset.drawn = key;
    td.className = "cell--" + state;
    td.textContent = "";
    var label = labels[state] || "";
    var own = td.parentNode.dataset.own === "1";
    var href = null;
    if (report) href = table.dataset.reportUrl + report + "/";
    else if (own && (state === "due" || state === "missing")) href = table.dataset.fileUrl + "?day=" + day;
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = label;
      td.appendChild(link);
    } else {
      td.textContent = label;
    }
  }

  function refresh() {
    fetch(table.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        data.cells.forEach(function (cell) {
          var td = table.querySelector('td[data-cell="' + cell[0] + ":" + cell[1] + '"]');
          if (td) draw(td, cell[0], cell[1], cell[2], cell[3]);
        });
        Object.keys(data.counts).forEach(function (state) {
          var count = document.querySelector('[data-count="' + state + '"]');
          if (count) count.textContent = data.counts[state];
        });
        table.dataset.refreshed = data.at;
      })
      .catch(function () {
        /* the next round tries again */
      });
  }

  window.setInterval(refresh, interval);
})();
