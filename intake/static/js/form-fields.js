/* Build the report's `fields` object from the form, exactly as intake/form_values.py does
   for the no-JS path: {"form_version": 1, section: {field: value}, incidents: [{…}]}.
   Text is trimmed, empty answers are left out, multi-selects are sorted lists, single
   check boxes are true, links are one per line. */
(function (root) {
  "use strict";
  var FORM_VERSION = 1;

  function isMulti(form, element) {
    return element.type === "checkbox" &&
      (element.closest(".multi, .scopes") !== null ||
       form.querySelectorAll('[name="' + element.name + '"]').length > 1);
  }

  function place(fields, name, value) {
    var parts = name.split(".");
    if (parts.length === 3) {
      var list = fields[parts[0]] = fields[parts[0]] || [];
      var index = Number(parts[1]);
      list[index] = list[index] || {};
      list[index][parts[2]] = value;
    } else {
      fields[parts[0]] = fields[parts[0]] || {};
      fields[parts[0]][parts[1]] = value;
    }
  }

  function collect(form) {
    var fields = {form_version: FORM_VERSION};
    var lists = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || name.indexOf(".") < 0 || element.type === "file" || element.disabled) return;
      if (element.type === "radio") {
        if (element.checked) place(fields, name, element.value);
      } else if (element.type === "checkbox") {
        if (isMulti(form, element)) {
          lists[name] = lists[name] || [];
          if (element.checked) lists[name].push(element.value);
        } else if (element.checked) {
          place(fields, name, true);
        }
      } else if (/\.links$/.test(name)) {
        var links = element.value.split(/\r?\n/).map(function (l) { return l.trim(); })
          .filter(Boolean);
        if (links.length) place(fields, name, links);
      } else {
        var text = element.value.trim();
        if (text) place(fields, name, text);
      }
    });
    Object.keys(lists).forEach(function (name) {
      var values = Array.from(new Set(lists[name])).sort();
      if (values.length) place(fields, name, values);
    });
    if (fields.consent) fields.consent = consentRecord(fields.consent);
    if (Array.isArray(fields.incidents)) {
      fields.incidents = fields.incidents.filter(function (b) { return b && Object.keys(b).length; });
      if (!fields.incidents.length) delete fields.incidents;
    }
    return fields;
  }

  /* Consent in the shape of vault/SPEC.md §6.3 (as intake/form_values.py consent_record). */
  function consentRecord(answers) {
    var scopes = {};
    (answers.scopes || []).forEach(function (scope) { scopes[scope] = "grant"; });
    var record = {
      scopes: scopes, given_by: answers.giver || "",
      risks_explained: answers.risks_explained === "yes",
      day: new Date().toISOString().slice(0, 10), how: answers.risks_explained_how || "",
    };
    if (answers.risks_explained_when) record.risks_explained_when = answers.risks_explained_when;
    return record;
  }

  /* The rules intake/form_values.py check_fields enforces; returns [fieldName, key] or null. */
  function firstProblem(fields, hasAudio) {
    var situation = fields.situation || {};
    if (!situation.narrative && !hasAudio) return ["situation.narrative", "narrative_required"];
    var urgent = (fields.danger || {}).danger_now === "yes";
    if (!urgent && !(fields.un_link || {}).linked) return ["un_link.linked", "linked_required"];
    if (!(fields.consent || {}).given_by) return ["consent.giver", "giver_required"];
    return null;
  }

  root.HavenFormFields = Object.freeze({collect: collect, firstProblem: firstProblem});
})(window);
