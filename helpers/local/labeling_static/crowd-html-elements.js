/*
 * LOCAL STAND-IN for AWS's crowd-html-elements.js (https://assets.crowd.aws/crowd-html-elements.js), served by the
 * workshop's local SageMaker because AWS's script cannot be fetched here. It is not AWS's code and implements only
 * what the workshop's templates use, after the Crowd HTML Elements reference:
 *   crowd-form           wraps the task; adds a Submit button when none is given; `submit` event (cancellable:
 *                        `onsubmit` handlers may call preventDefault) and `submit()`; posts the answer as JSON;
 *   crowd-button         `form-action="submit"` submits the crowd-form;
 *   crowd-text-area      output {name: text} (name, value preset, rows, placeholder, label, max-length,
 *                        char-counter, required, disabled);
 *   crowd-input          output {name: text, or a number for type="number"};
 *   crowd-radio-group    makes its crowd-radio-buttons exclusive;
 *   crowd-radio-button   output {name: {value: true|false}} (value defaults to "on"); `checked`;
 *   crowd-checkbox       output {name: {value: true|false}};
 *   crowd-slider         output {name: number} (min, max, step, value, pin, required, disabled);
 *   plain <input>, <textarea> and <select> with a name inside the crowd-form: text, or {value: checked} for radio
 *   buttons and check boxes.
 * The answer JSON goes to the local portal's submit path with the time the page was visible (timeSpentInSeconds).
 */
(function () {
  "use strict";

  function taskInfo() {
    var node = document.getElementById("workshop-task");
    return node ? JSON.parse(node.textContent) : {};
  }

  // Active time: the time the page was visible, as Ground Truth counts time spent (not paused, not hidden).
  var activeMs = 0;
  var since = document.hidden ? null : Date.now();
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && since !== null) {
      activeMs += Date.now() - since;
      since = null;
    } else if (!document.hidden && since === null) {
      since = Date.now();
    }
  });
  function activeSeconds() {
    return (activeMs + (since === null ? 0 : Date.now() - since)) / 1000;
  }

  // Elements are defined before the template is parsed, so connectedCallback runs before their children exist:
  // elements that wrap their children build once the document is parsed.
  function whenParsed(build) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build, { once: true });
    else build();
  }

  function bool(element, name) {
    return element.hasAttribute(name) && element.getAttribute(name) !== "false";
  }

  var groups = 0;

  class CrowdTextArea extends HTMLElement {
    connectedCallback() {
      if (this._area) return;
      var label = this.getAttribute("label");
      if (label) {
        var caption = document.createElement("label");
        caption.textContent = label;
        caption.style.display = "block";
        this.appendChild(caption);
      }
      var area = document.createElement("textarea");
      area.rows = parseInt(this.getAttribute("rows") || "3", 10);
      area.style.width = "100%";
      area.placeholder = this.getAttribute("placeholder") || "";
      if (this.hasAttribute("max-length")) area.maxLength = parseInt(this.getAttribute("max-length"), 10);
      area.value = this.getAttribute("value") || "";
      area.disabled = bool(this, "disabled");
      area.required = bool(this, "required");
      if (bool(this, "auto-focus")) area.autofocus = true;
      this.appendChild(area);
      this._area = area;
      if (bool(this, "char-counter")) {
        var counter = document.createElement("div");
        counter.style.textAlign = "right";
        counter.style.fontSize = "small";
        var update = function () {
          counter.textContent = area.value.length + (area.maxLength > 0 ? "/" + area.maxLength : "");
        };
        area.addEventListener("input", update);
        update();
        this.appendChild(counter);
      }
    }
    get value() {
      return this._area ? this._area.value : this.getAttribute("value") || "";
    }
    set value(text) {
      if (this._area) this._area.value = text;
      else this.setAttribute("value", text);
    }
    crowdOutput() {
      return this.value;
    }
    crowdMissing() {
      return bool(this, "required") && !this.value.trim();
    }
  }

  class CrowdInput extends HTMLElement {
    connectedCallback() {
      if (this._input) return;
      var input = document.createElement("input");
      input.type = this.getAttribute("type") || "text";
      input.placeholder = this.getAttribute("placeholder") || this.getAttribute("label") || "";
      input.value = this.getAttribute("value") || "";
      input.disabled = bool(this, "disabled");
      this.appendChild(input);
      this._input = input;
    }
    get value() {
      return this._input ? this._input.value : this.getAttribute("value") || "";
    }
    crowdOutput() {
      return this.getAttribute("type") === "number" && this.value !== "" ? Number(this.value) : this.value;
    }
    crowdMissing() {
      return bool(this, "required") && !String(this.value).trim();
    }
  }

  class CrowdRadioGroup extends HTMLElement {
    get groupName() {
      if (!this._name) this._name = "crowd-radio-group-" + ++groups;
      return this._name;
    }
  }

  // Elements that wrap their children build once the document is parsed (see whenParsed).
  class WrappingElement extends HTMLElement {
    connectedCallback() {
      if (this._building) return;
      this._building = true;
      whenParsed(this.build.bind(this));
    }
  }

  // crowd-radio-button and crowd-checkbox: an input (set up by the element's prepare) in a label around the
  // element's children; output {name: {value: checked}}.
  class CrowdChoice extends WrappingElement {
    build() {
      var input = document.createElement("input");
      var label = document.createElement("label");
      this.prepare(input, label);
      input.checked = bool(this, "checked");
      input.disabled = bool(this, "disabled");
      label.appendChild(input);
      while (this.firstChild) label.appendChild(this.firstChild);
      this.appendChild(label);
      this._input = input;
    }
    get checked() {
      return this._input ? this._input.checked : bool(this, "checked");
    }
    crowdKey() {
      return this.getAttribute("value") || "on";
    }
  }

  class CrowdRadioButton extends CrowdChoice {
    prepare(input, label) {
      var group = this.closest("crowd-radio-group");
      input.type = "radio";
      input.name = group ? group.groupName : "crowd-radio-" + (this.getAttribute("name") || "");
      label.style.display = "block";
      label.style.cursor = "pointer";
    }
    get checked() {
      return super.checked;
    }
    set checked(on) {
      if (this._input) this._input.checked = !!on;
    }
  }

  class CrowdCheckbox extends CrowdChoice {
    prepare(input) {
      input.type = "checkbox";
    }
  }

  class CrowdSlider extends HTMLElement {
    connectedCallback() {
      if (this._input) return;
      var input = document.createElement("input");
      input.type = "range";
      input.min = this.getAttribute("min") || "0";
      input.max = this.getAttribute("max") || "100";
      input.step = this.getAttribute("step") || "1";
      if (this.hasAttribute("value")) input.value = this.getAttribute("value");
      input.disabled = bool(this, "disabled");
      this.appendChild(input);
      this._input = input;
      if (bool(this, "pin")) {
        var pin = document.createElement("output");
        var update = function () {
          pin.textContent = input.value;
        };
        input.addEventListener("input", update);
        update();
        this.appendChild(pin);
      }
    }
    get value() {
      return this._input ? Number(this._input.value) : Number(this.getAttribute("value") || 0);
    }
    crowdOutput() {
      return this.value;
    }
  }

  class CrowdButton extends WrappingElement {
    build() {
      var button = document.createElement("button");
      button.type = "button";
      while (this.firstChild) button.appendChild(this.firstChild);
      if (!button.textContent.trim()) button.textContent = "Submit";
      button.disabled = bool(this, "disabled");
      this.appendChild(button);
      this._button = button;
      var self = this;
      button.addEventListener("click", function () {
        if (self.getAttribute("form-action") === "submit") {
          var form = self.closest("crowd-form") || document.querySelector("crowd-form");
          if (form) form.submit();
        }
      });
    }
  }

  function merge(answer, name, key, checked) {
    if (typeof answer[name] !== "object" || answer[name] === null) answer[name] = {};
    answer[name][key] = checked;
  }

  class CrowdForm extends HTMLElement {
    connectedCallback() {
      var self = this;
      // Add the Submit button once the form's children are parsed (as AWS's crowd-form does when none is given).
      var addButton = function () {
        if (!self.querySelector('crowd-button[form-action="submit"]')) {
          var button = document.createElement("crowd-button");
          button.setAttribute("form-action", "submit");
          button.setAttribute("variant", "primary");
          button.textContent = "Submit";
          self.appendChild(button);
        }
      };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
      else addButton();
    }

    answer() {
      var answer = {};
      this.querySelectorAll("crowd-text-area[name], crowd-input[name], crowd-slider[name]").forEach(function (el) {
        answer[el.getAttribute("name")] = el.crowdOutput();
      });
      this.querySelectorAll("crowd-radio-button[name], crowd-checkbox[name]").forEach(function (el) {
        merge(answer, el.getAttribute("name"), el.crowdKey(), el.checked);
      });
      this.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (el) {
        if (el.closest("crowd-text-area, crowd-input, crowd-slider, crowd-radio-button, crowd-checkbox")) return;
        if (el.type === "radio" || el.type === "checkbox") merge(answer, el.name, el.value || "on", el.checked);
        else answer[el.name] = el.value;
      });
      return answer;
    }

    missing() {
      var missing = [];
      this.querySelectorAll("crowd-text-area[required], crowd-input[required]").forEach(function (el) {
        if (el.crowdMissing()) missing.push(el.getAttribute("name"));
      });
      return missing;
    }

    submit() {
      var event = new Event("submit", { cancelable: true });
      if (!this.dispatchEvent(event)) return; // an onsubmit handler refused (preventDefault)
      var missing = this.missing();
      if (missing.length) {
        this.report("Please fill in: " + missing.join(", "), true);
        return;
      }
      var info = taskInfo();
      var form = this;
      var body = JSON.stringify({ answerContent: this.answer(), timeSpentInSeconds: activeSeconds() });
      this.querySelectorAll("crowd-button button").forEach(function (b) {
        b.disabled = true;
      });
      fetch(info.submitUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: body })
        .then(function (response) {
          return response.json().then(function (reply) {
            return { ok: response.ok, reply: reply };
          });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.reply.message || "not accepted");
          document.body.setAttribute("data-workshop-submitted", "true");
          form.report("Submitted. ", false, result.reply.next);
        })
        .catch(function (error) {
          document.body.setAttribute("data-workshop-submitted", "error");
          form.report("Not submitted: " + error.message, true);
          form.querySelectorAll("crowd-button button").forEach(function (b) {
            b.disabled = false;
          });
        });
    }

    report(text, isError, next) {
      var box = document.getElementById("workshop-submit-status");
      if (!box) {
        box = document.createElement("p");
        box.id = "workshop-submit-status";
        this.appendChild(box);
      }
      box.style.color = isError ? "#d13212" : "#1d8102";
      box.textContent = text;
      if (next) {
        var link = document.createElement("a");
        link.href = next;
        link.textContent = "Next task";
        box.appendChild(link);
      }
    }
  }

  var elements = {
    "crowd-form": CrowdForm,
    "crowd-button": CrowdButton,
    "crowd-text-area": CrowdTextArea,
    "crowd-input": CrowdInput,
    "crowd-radio-group": CrowdRadioGroup,
    "crowd-radio-button": CrowdRadioButton,
    "crowd-checkbox": CrowdCheckbox,
    "crowd-slider": CrowdSlider,
  };
  Object.keys(elements).forEach(function (name) {
    if (!customElements.get(name)) customElements.define(name, elements[name]);
  });
})();
