/* Swagger UI for /api/docs/: reads the schema URL from the page, sends the CSRF cookie's token
   so "Try it out" works with the browser session (tokens go in the Authorize dialog). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") return;
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = csrfToken();
      return request;
    },
  });
})();
