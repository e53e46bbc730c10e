// «Документооборот»: uploads with a progress bar, the message editor, confirmations.
// Every form also works without JavaScript (plain POST, errors rendered by the server).
(function () {
  "use strict";
  var goTo = window.LK.goTo;
  var showErrors = window.LK.showErrors;

  document.querySelectorAll("form.upload-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var box = form.querySelector(".upload-progress");
      var bar = box.querySelector("progress");
      var percent = box.querySelector(".upload-percent");
      var submit = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var value = Math.round((e.loaded / e.total) * 100);
        bar.value = value;
        percent.textContent = value + "%";
      });
      xhr.addEventListener("load", function () {
        submit.disabled = false;
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (data && data.ok) { bar.value = 100; percent.textContent = "100%"; goTo(data.redirect); return; }
        box.hidden = true;
        showErrors(form, (data && data.errors) || {"__all__": ["Не удалось загрузить файл. Попробуйте ещё раз."]});
      });
      xhr.addEventListener("error", function () {
        submit.disabled = false;
        box.hidden = true;
        showErrors(form, {"__all__": ["Соединение прервано. Попробуйте ещё раз."]});
      });
      showErrors(form, {});
      box.hidden = false;
      submit.disabled = true;
      xhr.send(new FormData(form));
    });
  });

  document.querySelectorAll("[data-close-details]").forEach(function (button) {
    button.addEventListener("click", function () {
      var details = button.closest("details");
      if (details) details.open = false;
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  document.querySelectorAll("[data-editor]").forEach(function (editor) {
    var source = editor.querySelector("textarea");
    var area = editor.querySelector(".editor-area");
    var toolbar = editor.querySelector(".editor-toolbar");
    area.innerHTML = source.value;
    source.hidden = true;
    area.hidden = false;
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-cmd]");
      if (!button) return;
      var command = button.getAttribute("data-cmd");
      var value = null;
      if (command === "createLink") {
        value = window.prompt("Адрес ссылки", "https://");
        if (!value) return;
      }
      area.focus();
      document.execCommand(command, false, value);
    });
    var form = editor.closest("form");
    form.addEventListener("submit", function () { source.value = area.innerHTML; });
    form.addEventListener("reset", function () { area.innerHTML = ""; });
  });

  // «Предпросмотр» of a page text: the editor's HTML, with scripts and handlers
  // dropped (the server sanitises again on save).
  function cleanCopy(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("script, style, iframe, object, embed").forEach(function (el) { el.remove(); });
    doc.querySelectorAll("*").forEach(function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        if (/^on/i.test(attr.name) || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
      });
    });
    return doc.body.innerHTML;
  }
  document.querySelectorAll("[data-preview-pair]").forEach(function (pair) {
    var details = pair.querySelector("details.preview");
    var pane = pair.querySelector("[data-preview]");
    var area = pair.querySelector(".editor-area");
    var source = pair.querySelector("textarea");
    details.addEventListener("toggle", function () {
      if (details.open) pane.innerHTML = cleanCopy(area && !area.hidden ? area.innerHTML : source.value);
    });
  });
})();
