// Shows only the fields of the chosen legal form («Правовая форма»). Without
// JavaScript every group stays visible and the server validates the chosen one.
(function () {
  var select = document.querySelector("[data-legal-form-switch]");
  if (!select) return;
  function sync() {
    document.querySelectorAll("[data-legal-form]").forEach(function (group) {
      var on = group.getAttribute("data-legal-form") === select.value;
      group.hidden = !on;
      group.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    });
  }
  select.addEventListener("change", sync);
  sync();
})();
