// Live preview of how each answer is read (POST /api/preview). An enhancement only: the form
// posts and is graded the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("form.answers[data-problem]");
  if (!form || !window.fetch) return;
  var problem = form.getAttribute("data-problem");
  // Practice pages name their (public) variant, so shapes are checked; an assignment page does
  // not give away the student's own variant, and its shapes are checked when graded.
  var variant = form.getAttribute("data-variant");
  var timers = {};
  var latest = {};

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function mathNode(markup) {
    // MathML from our own server, parsed as XML so it stays MathML (never run as HTML).
    try {
      var doc = new DOMParser().parseFromString(markup, "application/xml");
      var root = doc.documentElement;
      if (!root || root.localName !== "math" || doc.getElementsByTagName("parsererror").length) return null;
      return document.importNode(root, true);
    } catch (e) { return null; }
  }

  function show(output, data) {
    clear(output);
    if (!data) return;
    if (data.ok) {
      output.appendChild(document.createTextNode("Read as: "));
      var math = data.mathml && mathNode(data.mathml);
      if (math) output.appendChild(math); else output.appendChild(document.createTextNode(data.read_as || ""));
      if (data.shape) output.appendChild(document.createTextNode(" (" + data.shape + ")"));
    } else if (data.error) {
      var span = document.createElement("span");
      span.className = "error";
      span.textContent = "Cannot read this yet: " + data.error.message +
        (data.error.position != null ? " (at character " + (data.error.position + 1) + ")" : "");
      output.appendChild(span);
    }
  }

  function ask(input) {
    var part = input.getAttribute("data-part");
    var output = document.getElementById("preview-" + part);
    var text = input.value;
    if (!text.trim()) { show(output, null); return; }
    var ticket = (latest[part] || 0) + 1;
    latest[part] = ticket;
    fetch("/api/preview", {
      method: "POST", credentials: "omit",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(variant ? {problem_id: problem, part_id: part, text: text, variant: variant}
                                   : {problem_id: problem, part_id: part, text: text})
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (latest[part] === ticket) show(output, data); })
      .catch(function () { /* no preview: the form still works */ });
  }

  form.querySelectorAll("input[data-part]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timers[input.id]);
      timers[input.id] = setTimeout(function () { ask(input); }, 250);
    });
    if (input.value.trim()) ask(input);
  });

  var result = document.getElementById("result");
  if (result && location.hash === "#result") result.focus();
})();
