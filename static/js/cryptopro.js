// Signing documents: ПЭП by SMS code and УКЭП through «КриптоПро ЭЦП Browser plug-in».
//
// No CDN and no vendored cadesplugin_api.js: a small loader of our own finds the plug-in.
// If the page already has `window.cadesplugin` (a deployment may ship CryptoPro's own
// cadesplugin_api.js, or a test provides one), it is used. Otherwise the loader defines
// the `cadesplugin` object the CryptoPro browser extension expects, loads the extension's
// nmcades_plugin_api.js and waits for the extension to answer. No answer in time means
// no plug-in: the manual's «Важно!» box tells the user what to install.
//
// The document is never sent through the browser: the server gives its Streebog hash,
// the plug-in signs the hash (CAdESCOM.HashedData + SignHash, detached CAdES-BES) and the
// base64 signature is posted back. Forms also work without JavaScript.
(function () {
  "use strict";
  var goTo = window.LK.goTo;
  var showErrors = window.LK.showErrors;
  if (window.lkSigningLoaded) return;  // the script tag appears once per signing block
  window.lkSigningLoaded = true;

  var CHROME_EXTENSION = "chrome-extension://iifchhfnnmpdbibifmljnfjhpififfog/nmcades_plugin_api.js";
  var OPERA_EXTENSION = "chrome-extension://epebfcehmdedogndhlcacafjaacknbcm/nmcades_plugin_api.js";
  var LOAD_TIMEOUT_MS = 4000;
  var GOST_2012_256_KEY = "1.2.643.7.1.1.1.1";
  var GOST_2012_512_KEY = "1.2.643.7.1.1.1.2";
  var C = {
    CAPICOM_CURRENT_USER_STORE: 2,
    CAPICOM_MY_STORE: "My",
    CAPICOM_STORE_OPEN_MAXIMUM_ALLOWED: 2,
    CAPICOM_CERTIFICATE_INCLUDE_END_ENTITY_ONLY: 2,
    CADESCOM_CADES_BES: 1,
    CADESCOM_HASH_ALGORITHM_CP_GOST_3411_2012_256: 101,
    CADESCOM_HASH_ALGORITHM_CP_GOST_3411_2012_512: 102
  };

  // --- Finding the plug-in -------------------------------------------------------------

  var pluginPromise = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function isThenable(value) {
    return value && typeof value.then === "function";
  }

  // Resolves (to nothing: CryptoPro's own `cadesplugin` is itself a promise, which a
  // promise cannot resolve to) once `window.cadesplugin.CreateObjectAsync` works.
  function loadPlugin() {
    if (pluginPromise) return pluginPromise;
    pluginPromise = new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("missing")); }, LOAD_TIMEOUT_MS);
      function done() { clearTimeout(timer); resolve(); }
      function fail(error) { clearTimeout(timer); reject(error || new Error("missing")); }

      var existing = window.cadesplugin;
      if (existing && (isThenable(existing) || existing.CreateObjectAsync)) {
        Promise.resolve(existing).then(function () { done(); }, fail);
        return;
      }
      // The object the extension's nmcades_plugin_api.js talks to: it hands over the
      // real plug-in object through `set`.
      var pluginObject = null;
      var facade = {
        set: function (obj) { pluginObject = obj; },
        CreateObjectAsync: function (name) { return pluginObject.CreateObjectAsync(name); },
        ReleasePluginObjects: function () {
          return window.cpcsp_chrome_nmcades && window.cpcsp_chrome_nmcades.ReleasePluginObjects();
        },
        getLastError: function (e) { return (e && e.message) || String(e); },
        is_capilite_enabled: function () { return false; },
        current_log_level: 1,
        LOG_LEVEL_DEBUG: 4, LOG_LEVEL_INFO: 2, LOG_LEVEL_ERROR: 1
      };
      Object.keys(C).forEach(function (k) { facade[k] = C[k]; });
      window.cadesplugin = facade;

      var answered = false;
      window.addEventListener("message", function (event) {
        if (answered || typeof event.data !== "string" || event.data.indexOf("cadesplugin_loaded") === -1) return;
        answered = true;
        var checkLoaded = function () {
          window.cpcsp_chrome_nmcades.check_chrome_plugin(function () { done(); }, fail);
        };
        var url = event.data.indexOf("url:") >= 0 ? event.data.substring(event.data.indexOf("url:") + 4) : "";
        if (url) {  // Firefox and Safari say where their extension's API lives
          if (!/^(moz|safari)-extension:\/\/[A-Za-z0-9\-\/]+\/nmcades_plugin_api\.js$/.test(url)) { fail(); return; }
          loadScript(url).then(checkLoaded, fail);
        } else if (window.cpcsp_chrome_nmcades) {
          checkLoaded();
        } else {
          fail();
        }
      });
      var ua = navigator.userAgent;
      var isFirefoxOrSafari = /firefox/i.test(ua) || (/safari/i.test(ua) && !/chrome|chromium/i.test(ua));
      if (isFirefoxOrSafari) {
        window.postMessage("cadesplugin_echo_request", "*");
      } else {
        var src = /OPR\/|YaBrowser\//.test(ua) ? OPERA_EXTENSION : CHROME_EXTENSION;
        loadScript(src).then(function () {
          window.postMessage("cadesplugin_echo_request", "*");
        }, fail);
      }
    });
    pluginPromise.catch(function () { pluginPromise = null; });
    return pluginPromise;
  }

  function errorText(error) {
    if (!error) return "неизвестная ошибка";
    var text = error.message || String(error);
    if (window.cadesplugin && window.cadesplugin.getLastError) {
      try { text = window.cadesplugin.getLastError(error) || text; } catch (e) { /* keep */ }
    }
    return text;
  }

  // --- «Важно!» ----------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function link(href, text) {
    return el("a", {href: href, target: "_blank", rel: "noopener"}, [text]);
  }

  function showMissingPlugin() {
    var existing = document.getElementById("cryptopro-missing");
    if (existing) { existing.hidden = false; existing.querySelector("button").focus(); return; }
    var close = el("button", {type: "button", "class": "modal-close", "aria-label": "Закрыть"}, ["✕"]);
    var closeButton = el("button", {type: "button", "class": "btn btn-primary"}, ["Закрыть"]);
    var box = el("div", {"class": "modal-box", role: "dialog", "aria-modal": "true", "aria-labelledby": "cryptopro-missing-title"}, [
      el("div", {"class": "modal-head"}, [el("strong", {id: "cryptopro-missing-title"}, ["Важно!"]), close]),
      el("p", {}, ["Для подписи документа необходимо установить ", el("strong", {}, ["КриптоПро ЭЦП Browser plug-in"])]),
      el("p", {}, ["Для его установки перейдите по ссылке: ",
        link("https://www.cryptopro.ru/products/cades/plugin/get_2_0", "установить КриптоПро ЭЦП Browser plug-in")]),
      el("p", {}, ["Для более подробной информации перейдите по ссылке: ",
        link("https://www.cryptopro.ru/products/cades/plugin", "КриптоПро ЭЦП Browser plug-in")]),
      el("p", {}, ["Также необходимо, чтобы на компьютере пользователя были установлены: ",
        link("https://www.cryptopro.ru/products/csp", "КриптоПро CSP"),
        " и личный сертификат электронной подписи пользователя"]),
      el("div", {"class": "modal-buttons"}, [closeButton])
    ]);
    var overlay = el("div", {id: "cryptopro-missing", "class": "modal-overlay"}, [box]);
    function hide() { overlay.hidden = true; }
    close.addEventListener("click", hide);
    closeButton.addEventListener("click", hide);
    overlay.addEventListener("click", function (e) { if (e.target === overlay) hide(); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    document.body.appendChild(overlay);
    closeButton.focus();
  }

  // --- Certificates and signing ------------------------------------------------------------

  function formatDate(value) {
    var d = new Date(value);
    if (isNaN(d.getTime())) return String(value);
    return ("0" + d.getDate()).slice(-2) + "." + ("0" + (d.getMonth() + 1)).slice(-2) + "." + d.getFullYear();
  }

  function subjectPart(subject, key) {
    // RFC 4514-like text; a quoted value doubles its inner quotes (CN="ООО ""Ромашка""").
    var match = new RegExp("(?:^|,\\s*)" + key + "=(\"(?:[^\"]|\"\")*\"|[^,]*)").exec(subject || "");
    if (!match) return "";
    var value = match[1].trim();
    if (value.length > 1 && value.charAt(0) === "\"" && value.charAt(value.length - 1) === "\"") {
      value = value.slice(1, -1).replace(/""/g, "\"");
    }
    return value;
  }

  async function listCertificates(plugin) {
    var store = await plugin.CreateObjectAsync("CAdESCOM.Store");
    await store.Open(C.CAPICOM_CURRENT_USER_STORE, C.CAPICOM_MY_STORE, C.CAPICOM_STORE_OPEN_MAXIMUM_ALLOWED);
    var all = await store.Certificates;
    var count = await all.Count;
    var result = [];
    for (var i = 1; i <= count; i++) {
      var cert = await all.Item(i);
      var subject = await cert.SubjectName;
      var publicKey = await cert.PublicKey();
      var algorithm = await publicKey.Algorithm;
      var oid = await algorithm.Value;
      result.push({
        certificate: cert,
        subject: subject,
        name: subjectPart(subject, "CN") || subject,
        issuer: subjectPart(await cert.IssuerName, "CN"),
        thumbprint: await cert.Thumbprint,
        validFrom: await cert.ValidFromDate,
        validTo: await cert.ValidToDate,
        hasKey: await cert.HasPrivateKey(),
        bits: oid === GOST_2012_512_KEY ? 512 : (oid === GOST_2012_256_KEY ? 256 : 0)
      });
    }
    await store.Close();
    return result;
  }

  async function signHash(plugin, cert, bits, hashHex) {
    var hashed = await plugin.CreateObjectAsync("CAdESCOM.HashedData");
    await hashed.propset_Algorithm(bits === 512
      ? C.CADESCOM_HASH_ALGORITHM_CP_GOST_3411_2012_512
      : C.CADESCOM_HASH_ALGORITHM_CP_GOST_3411_2012_256);
    await hashed.SetHashValue(hashHex.toUpperCase());
    var signer = await plugin.CreateObjectAsync("CAdESCOM.CPSigner");
    await signer.propset_Certificate(cert);
    await signer.propset_Options(C.CAPICOM_CERTIFICATE_INCLUDE_END_ENTITY_ONLY);
    var signedData = await plugin.CreateObjectAsync("CAdESCOM.CadesSignedData");
    return await signedData.SignHash(hashed, signer, C.CADESCOM_CADES_BES);
  }

  // --- Talking to the server ---------------------------------------------------------------

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function postForm(url, body, token) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      return response.json().catch(function () {
        return {ok: false, errors: {"__all__": ["Не удалось выполнить действие. Попробуйте ещё раз."]}};
      });
    }, function () {
      return {ok: false, errors: {"__all__": ["Соединение прервано. Попробуйте ещё раз."]}};
    });
  }

  function firstError(data) {
    var errors = (data && data.errors) || {};
    var keys = Object.keys(errors);
    return keys.length ? errors[keys[0]].join(" ") : "Не удалось выполнить действие.";
  }

  // --- ПЭП ---------------------------------------------------------------------------------

  document.querySelectorAll("[data-pep]").forEach(function (block) {
    var requestForm = block.querySelector("[data-pep-request]");
    var confirmForm = block.querySelector("[data-pep-confirm]");
    var codeBox = block.querySelector("[data-pep-code]");
    requestForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = requestForm.querySelector("button");
      button.disabled = true;
      postForm(requestForm.action, new FormData(requestForm), csrfToken(requestForm)).then(function (data) {
        button.disabled = false;
        showErrors(block, data.ok ? {} : data.errors);
        if (data.ok || data.code === "too_soon") {
          codeBox.hidden = false;
          confirmForm.querySelector("input[name=code]").focus();
        }
      });
    });
    confirmForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = confirmForm.querySelector("button");
      button.disabled = true;
      postForm(confirmForm.action, new FormData(confirmForm), csrfToken(confirmForm)).then(function (data) {
        button.disabled = false;
        if (data.ok) { goTo(data.redirect); return; }
        var errors = data.errors || {};
        if (errors.__all__ && !errors.code) { errors = {code: errors.__all__}; }
        showErrors(block, errors);
      });
    });
  });

  // --- УКЭП ----------------------------------------------------------------------------------

  document.querySelectorAll("[data-qes]").forEach(function (block) {
    var start = block.querySelector("[data-qes-start]");
    var panel = block.querySelector("[data-qes-panel]");
    var status = block.querySelector("[data-qes-status]");
    var certField = block.querySelector("[data-qes-cert-field]");
    var select = block.querySelector("[data-qes-certs]");
    var signButton = block.querySelector("[data-qes-sign]");
    var error = block.querySelector("[data-qes-error]");
    var certificates = [];
    var plugin = null;
    start.hidden = false;

    function reset(message) {
      status.textContent = message || "";
      error.textContent = "";
    }

    start.addEventListener("click", async function () {
      start.disabled = true;
      panel.hidden = false;
      reset("Проверка КриптоПро ЭЦП Browser plug-in…");
      certField.hidden = true;
      signButton.hidden = true;
      try {
        await loadPlugin();
        plugin = window.cadesplugin;
      } catch (e) {
        start.disabled = false;
        panel.hidden = true;
        showMissingPlugin();
        return;
      }
      try {
        reset("Получение списка сертификатов…");
        var now = new Date();
        certificates = (await listCertificates(plugin)).filter(function (c) {
          return c.hasKey && c.bits && new Date(c.validTo) > now;
        });
      } catch (e) {
        start.disabled = false;
        reset("");
        error.textContent = "Не удалось получить сертификаты: " + errorText(e);
        return;
      }
      start.disabled = false;
      if (!certificates.length) {
        reset("");
        error.textContent = "Не найдено действующих сертификатов ГОСТ Р 34.10-2012 с закрытым ключом. " +
          "Проверьте, что ключевой носитель подключён, или загрузите файл подписи (.sig).";
        return;
      }
      select.innerHTML = "";
      certificates.forEach(function (c, index) {
        var option = document.createElement("option");
        option.value = String(index);
        option.textContent = c.name + " — выдан: " + c.issuer + ", действителен до " + formatDate(c.validTo);
        select.appendChild(option);
      });
      reset("Выберите сертификат и нажмите «Подписать».");
      certField.hidden = false;
      signButton.hidden = false;
      select.focus();
    });

    block.querySelector("[data-qes-cancel]").addEventListener("click", function () {
      panel.hidden = true;
    });

    signButton.addEventListener("click", async function () {
      var chosen = certificates[Number(select.value)];
      if (!chosen) return;
      signButton.disabled = true;
      error.textContent = "";
      try {
        reset("Получение хэша документа…");
        var response = await fetch(block.getAttribute("data-hash-url"), {
          credentials: "same-origin", headers: {"Accept": "application/json"}
        });
        var data = await response.json();
        if (!data.ok) throw new Error(firstError(data));
        reset("Создание подписи… Подтвердите доступ к ключу, если КриптоПро попросит.");
        var signature = await signHash(plugin, chosen.certificate, chosen.bits, data.hash[String(chosen.bits)]);
        reset("Проверка подписи на сервере…");
        var body = new FormData();
        body.append("signature", signature);
        var result = await postForm(block.getAttribute("data-submit-url"), body, csrfToken(block));
        if (result.ok) { reset("Документ подписан."); goTo(result.redirect); return; }
        throw new Error(firstError(result));
      } catch (e) {
        reset("");
        error.textContent = errorText(e);
      } finally {
        signButton.disabled = false;
      }
    });
  });

  document.querySelectorAll("form[data-sig-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      showErrors(form, {});
      postForm(form.action, new FormData(form), csrfToken(form)).then(function (data) {
        button.disabled = false;
        if (data.ok) { goTo(data.redirect); return; }
        showErrors(form, data.errors);
      });
    });
  });

  // --- Self-test page --------------------------------------------------------------------------

  document.querySelectorAll("[data-cryptopro-check]").forEach(async function (page) {
    var status = page.querySelector("[data-check-status]");
    var table = page.querySelector("[data-check-certs]");
    var body = table.querySelector("tbody");
    var plugin;
    try {
      await loadPlugin();
      plugin = window.cadesplugin;
    } catch (e) {
      status.textContent = "КриптоПро ЭЦП Browser plug-in не найден.";
      status.className = "check-status check-fail";
      showMissingPlugin();
      return;
    }
    try {
      var about = await plugin.CreateObjectAsync("CAdESCOM.About");
      var version = await about.Version;
      var csp = "";
      try {
        var cspVersion = await about.CSPVersion("", 80);
        csp = (await cspVersion.MajorVersion) + "." + (await cspVersion.MinorVersion) + "." + (await cspVersion.BuildVersion);
      } catch (e) { csp = "не определена"; }
      status.textContent = "КриптоПро ЭЦП Browser plug-in работает. Версия плагина: " + version + ", версия КриптоПро CSP: " + csp + ".";
      status.className = "check-status check-ok";
      var certificates = await listCertificates(plugin);
      var now = new Date();
      certificates.forEach(function (c) {
        var valid = new Date(c.validTo) > now && new Date(c.validFrom) <= now;
        var row = el("tr", {}, [
          el("td", {}, [c.name]),
          el("td", {}, [c.issuer]),
          el("td", {}, ["с " + formatDate(c.validFrom) + " по " + formatDate(c.validTo)]),
          el("td", {}, [c.bits ? "ГОСТ Р 34.10-2012 (" + c.bits + " бит)" : "не ГОСТ 2012"]),
          el("td", {}, [c.hasKey ? "есть" : "нет"]),
          el("td", {}, [valid && c.hasKey && c.bits ? "подходит" : "не подходит"]),
          el("td", {}, [el("code", {}, [c.thumbprint])])
        ]);
        body.appendChild(row);
      });
      table.hidden = false;
      if (!certificates.length) {
        page.querySelector("[data-check-empty]").hidden = false;
      }
    } catch (e) {
      status.textContent = "Плагин найден, но не отвечает: " + errorText(e);
      status.className = "check-status check-fail";
    }
  });
})();
