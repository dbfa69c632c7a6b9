// The claim calculator: the form's facts go to window.careCatalog.decide("claim", ...) (the
// catalog's own rules, compiled for the browser); the answer, its reasons and the rules tried
// are shown, and the address keeps the choices so a link reproduces the answer.
(function () {
  "use strict";
  var started = performance.now();
  var form = document.getElementById("calculator");
  var api = window.careCatalog;
  if (!form || !api) {
    return;
  }
  var FIELDS = ["product", "plan", "region", "policy_start", "replacements_used", "flyaway_used", "incident", "incident_on", "rc_bound"];
  var $ = function (id) {
    return document.getElementById(id);
  };

  function facts() {
    var out = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      out[name] = field.type === "checkbox" ? field.checked : field.value;
    });
    return out;
  }

  function fromAddress() {
    var query = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (!query.has(name)) {
        return;
      }
      var value = query.get(name);
      if (field.type === "checkbox") {
        field.checked = value === "true" || value === "1";
      } else if (field.tagName === "SELECT") {
        if (Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          field.value = value;
        }
      } else {
        field.value = value;
      }
    });
  }

  function address(given) {
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) {
      query.set(name, String(given[name]));
    });
    return "?" + query.toString();
  }

  function item(list, term, value) {
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function show(given) {
    var outcome = $("answer-outcome");
    var figures = $("answer-figures");
    var because = $("answer-because");
    var trace = $("answer-trace");
    figures.textContent = "";
    trace.textContent = "";
    because.textContent = "";
    var decision;
    try {
      decision = api.decide("claim", given);
    } catch (error) {
      outcome.className = "verdict outcome-unknown";
      outcome.textContent = error.message;
      return null;
    }
    var covered = decision.outcome === "replacement" || decision.outcome === "flyaway-replacement";
    outcome.className = "verdict outcome outcome-" + decision.outcome;
    outcome.textContent = decision.outcome.replace(/-/g, " ");
    var values = decision.values;
    if ("fee" in values) {
      item(figures, "Fee", values.fee ? api.formatMoney(values.fee, given.region) : covered ? "not published" : "—");
    }
    if ("remaining" in values) {
      item(figures, "Replacements left after this", String(values.remaining));
    }
    if ("flyaway_remaining" in values) {
      item(figures, "Flyaway replacements left", String(values.flyaway_remaining));
    }
    Object.keys(values).forEach(function (name) {
      if (["fee", "remaining", "flyaway_remaining"].indexOf(name) < 0 && values[name] !== null) {
        item(figures, name.replace(/_/g, " "), typeof values[name] === "object" ? api.formatMoney(values[name], given.region) : String(values[name]));
      }
    });
    if (decision.facts.policy_end) {
      item(figures, "Cover ends", decision.facts.policy_end);
    }
    because.textContent = decision.because + " (rule " + decision.rule + ", " + decision.location + ")";
    decision.trace.forEach(function (step) {
      var li = document.createElement("li");
      var rule = api.rule(step.location);
      var mark = document.createElement("span");
      mark.className = "outcome outcome-" + (step.held ? rule.outcome : "not-tried");
      mark.textContent = step.held ? "decides" : "does not apply";
      var code = document.createElement("code");
      code.textContent = step.when;
      li.appendChild(mark);
      li.appendChild(document.createTextNode(" " + rule.because + " "));
      li.appendChild(code);
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = " rule " + step.rule + ", " + step.location;
      li.appendChild(where);
      trace.appendChild(li);
    });
    return decision;
  }

  function update() {
    var given = facts();
    var decision = show(given);
    var link = address(given);
    if (window.history && window.history.replaceState && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", link);
    }
    return decision;
  }

  fromAddress();
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  update();
  window.careCatalogCalculator = { firstAnswerMs: performance.now() - started };
})();
