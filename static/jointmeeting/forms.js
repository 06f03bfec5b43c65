// What templates ask for with data- attributes, so that no page needs an inline script: the
// Content-Security-Policy lets scripts come from this site's files only.
(function () {
  if (window.jointMeetingForms) return;
  window.jointMeetingForms = true;

  // <select data-autosubmit>: choosing a value submits its form
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });

  // <form data-confirm="...">: ask before submitting
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target.closest("form[data-confirm]");
      if (form && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
