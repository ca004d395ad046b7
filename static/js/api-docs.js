// Renders /api/v1/openapi.json with the vendored Swagger UI (a file, not inline: strict CSP).
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", function () {
  SwaggerUIBundle({
    url: document.getElementById("api-docs").dataset.spec,
    dom_id: "#api-docs",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
