// Relspec web UI: draws the graph and lineage pages with cytoscape from the server's JSON.
// Positions come from the server (by generation), so the same catalog always looks the same.
(function () {
  "use strict";

  var STATE_COLORS = {
    "succeeded": "#2e9e5b", "reused": "#8fd3a8", "running": "#e0a526", "dispatched": "#f0cf7a",
    "ready": "#c9d6e8", "pending": "#dfe3ea", "failed": "#d64541", "blocked": "#a23b72",
    "skipped": "#b8b8b8", "never run": "#ffffff"
  };

  function style() {
    return [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-valign": "center", "text-halign": "center",
          "width": 170, "height": 34, "text-wrap": "ellipsis", "text-max-width": 160,
          "border-width": 1, "border-color": "#556", "background-color": "#eef" } },
      { selector: "node[kind = 'task']", style: {
          "shape": "round-rectangle", "background-color": function (node) {
            return STATE_COLORS[node.data("state")] || "#ffffff"; } } },
      { selector: "node[taskKind = 'view']", style: { "border-style": "dashed", "border-width": 2 } },
      { selector: "node[kind = 'source']", style: { "shape": "barrel", "background-color": "#d9e8fb" } },
      { selector: "node[kind = 'derived']", style: { "shape": "rectangle", "background-color": "#edf3fb" } },
      { selector: "node[kind = 'view']", style: { "shape": "rectangle", "border-style": "dashed", "background-color": "#f7f7ff" } },
      { selector: "node[kind = 'missing']", style: { "border-style": "dotted", "border-color": "#d00", "background-color": "#fff0f0" } },
      { selector: "node[?focused]", style: { "border-width": 4, "border-color": "#1b4f9c" } },
      { selector: "edge", style: {
          "curve-style": "bezier", "width": 1.2, "line-color": "#99a", "target-arrow-shape": "triangle",
          "target-arrow-color": "#99a", "arrow-scale": 0.8 } },
      { selector: "edge[type = 'indirect']", style: { "line-style": "dashed" } },
      { selector: ":selected", style: { "border-color": "#1b4f9c", "border-width": 3 } }
    ];
  }

  function draw(container, data) {
    var nodes = data.nodes.map(function (node) {
      return { group: "nodes", data: node, position: { x: node.x, y: node.y } };
    });
    var edges = data.edges.map(function (edge) { return { group: "edges", data: edge }; });
    var lineage = container.classList.contains("lineage");
    var cy = cytoscape({
      container: container, elements: nodes.concat(edges), style: style(),
      layout: { name: "preset", fit: true, padding: 30 }, wheelSensitivity: 0.3,
      minZoom: 0.05, maxZoom: 3
    });
    cy.on("tap", "node", function (event) {
      var node = event.target;
      if (lineage) {
        window.location.href = "/ui/lineage?column=" + encodeURIComponent(node.id());
      } else if (node.data("kind") === "task") {
        window.location.href = "/ui/tasks/" + encodeURIComponent(node.data("label"));
      }
    });
    cy.on("dbltap", "node", function (event) {
      if (!lineage) {
        window.location.href = "/ui/graph?depth=2&focus=" + encodeURIComponent(event.target.id());
      }
    });
    window.relspecGraph = cy;
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
    markReady(container);
  }

  // When the page became usable, in ms since navigation start (read by the benchmark, figure 9).
  function markReady(container) {
    container.setAttribute("data-ready-ms", String(Math.round(performance.now())));
    container.setAttribute("data-ready", "true");
  }

  function load(container) {
    if (container.getAttribute("data-limited") === "true") {
      container.setAttribute("data-nodes", "0");
      container.setAttribute("data-edges", "0");
      container.classList.add("empty");
      markReady(container);
      return;
    }
    fetch(container.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.href = "/ui/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
          return null;
        }
        if (!response.ok) {
          throw new Error("the graph could not be loaded: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data) {
          draw(container, data);
        }
      })
      .catch(function (error) {
        var message = document.createElement("p");
        message.className = "error";
        message.textContent = error.message;
        container.replaceWith(message);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("graph");
    if (container && typeof cytoscape === "function") {
      load(container);
    }
  });
})();
