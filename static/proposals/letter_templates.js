// The letter template editor's live preview: the form is posted (debounced) to the preview
// endpoint, whose letter HTML is shown in a sandboxed frame; a refused template shows its errors.
(function () {
  var form = document.getElementById("letter-template-form");
  var frame = document.getElementById("letter-preview");
  var errors = document.getElementById("letter-preview-errors");
  if (!form || !frame) return;
  var timer = null;
  var sent = 0;

  function refresh() {
    var number = ++sent;
    fetch(form.dataset.letterPreview, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, text: text };
        });
      })
      .then(function (result) {
        if (number !== sent) return; // a later edit's answer is on its way
        if (result.ok) {
          errors.hidden = true;
          errors.innerHTML = "";
          frame.srcdoc = result.text;
          frame.dataset.updated = String(number);
        } else {
          errors.innerHTML = result.text;
          errors.hidden = false;
        }
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  refresh();
})();
