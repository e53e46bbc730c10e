// Helpers shared by the pages' scripts (cases.js, cryptopro.js). Loaded in <head>
// without defer, so both find window.LK whenever they run.
window.LK = {
  // Follow a server-given address; on the same page, reload at its anchor.
  goTo: function (url) {
    var target = new URL(url, window.location.href);
    if (target.pathname === window.location.pathname && target.search === window.location.search) {
      window.location.hash = target.hash;
      window.location.reload();
    } else {
      window.location.href = target.href;
    }
  },
  // Put each field's messages into its [data-error-for] slot (or the form-wide one).
  showErrors: function (root, errors) {
    root.querySelectorAll("[data-error-for]").forEach(function (node) { node.textContent = ""; });
    Object.keys(errors || {}).forEach(function (field) {
      var node = root.querySelector('[data-error-for="' + field + '"]') ||
        root.querySelector('[data-error-for="__all__"]');
      if (node) node.textContent = errors[field].join(" ");
    });
  }
};
