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
    deepLinking: true,
    // Only "Try it out" requests to this portal; no validator badge calling out to the web.
    validatorUrl: null,
    tryItOutEnabled: false,
  });
})();
