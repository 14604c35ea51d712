// Start Swagger UI on the API documentation page; the page works without it.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    // Deep links put a link inside each operation's button (nested interactive controls,
    // which screen readers cannot use); the operations stay reachable with the keyboard.
    deepLinking: false,
    // Only "Try it out" requests to this portal; no validator badge calling out to the web.
    validatorUrl: null,
    tryItOutEnabled: false,
  });

  // The text a label gives its control, without the control's own options.
  function labelText(label) {
    var copy = label.cloneNode(true);
    var controls = copy.querySelectorAll("select");
    for (var j = 0; j < controls.length; j += 1) {
      controls[j].remove();
    }
    return copy.textContent.trim();
  }

  // Swagger UI renders some selects (servers, content types) without a label, or inside an
  // empty one (the servers select of version 5): name them after their nearest heading or
  // label text, each time it renders more.
  function nameSelects() {
    var selects = target.querySelectorAll("select:not([aria-label]):not([aria-labelledby])");
    for (var i = 0; i < selects.length; i += 1) {
      var select = selects[i];
      var label = select.id && target.querySelector("label[for='" + select.id + "']");
      if (label && labelText(label)) {
        continue;
      }
      var holder = select.closest(".servers") || select.closest("label, .content-type-wrapper, div");
      var text = holder && holder.previousElementSibling ? holder.previousElementSibling.textContent : "";
      select.setAttribute("aria-label", (text || select.className || "Val").trim());
    }
  }
  new MutationObserver(nameSelects).observe(target, { childList: true, subtree: true });
})();
