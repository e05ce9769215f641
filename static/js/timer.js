// Hold timer: a large countdown for each hold and the rest between repetitions, with a
// repetition counter, screen-reader announcements and optional beep and vibration.
// Plain script, no inline handlers (the Content-Security-Policy forbids them). Without
// JavaScript the "Start timer" buttons stay hidden and the page works as before.
(function () {
  "use strict";

  var READY_SECONDS = 5;
  var STORAGE_KEY = "rehabit-timer-options";

  var dialog = document.getElementById("timer");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }

  var el = {
    name: document.getElementById("timer-name"),
    phase: document.getElementById("timer-phase"),
    count: document.getElementById("timer-count"),
    progress: document.getElementById("timer-progress"),
    live: document.getElementById("timer-live"),
    pause: dialog.querySelector("[data-timer-pause]"),
    stop: dialog.querySelector("[data-timer-stop]"),
    mark: dialog.querySelector("[data-timer-mark]"),
    sound: document.getElementById("timer-sound"),
    vibrate: document.getElementById("timer-vibrate"),
    vibrateOption: dialog.querySelector("[data-timer-vibrate-option]")
  };

  var canVibrate = typeof navigator.vibrate === "function";
  var options = loadOptions();
  el.sound.checked = options.sound;
  el.vibrate.checked = canVibrate && options.vibrate;
  if (canVibrate) {
    el.vibrateOption.hidden = false;
  }

  var state = null; // {steps, index, endsAt, remainingMs, paused, tick, rowId}
  var audio = null;
  var wakeLock = null;

  function loadOptions() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}");
      return { sound: saved.sound !== false, vibrate: saved.vibrate !== false };
    } catch (error) {
      return { sound: true, vibrate: true };
    }
  }

  function saveOptions() {
    options = { sound: el.sound.checked, vibrate: el.vibrate.checked };
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(options));
    } catch (error) {
      // Private browsing: the choice simply is not remembered.
    }
  }

  // Words come from the page's language catalog (Django's JavaScriptCatalog, loaded first):
  // gettext, ngettext and interpolate, with whole sentences and named placeholders.
  function fill(text, values) {
    return interpolate(text, values, true);
  }

  function secondsInWords(count) {
    return interpolate(ngettext("%(count)s second", "%(count)s seconds", count), { count: count }, true);
  }

  // Where the patient is in the exercise, as one whole phrase for each shape of exercise.
  function whereInWords(side, sides, set, sets, rep, reps) {
    var values = { set: set, sets: sets, rep: rep, reps: reps };
    if (sides > 1 && sets > 1) {
      return side === 1
        ? fill(gettext("First side, set %(set)s of %(sets)s, repetition %(rep)s of %(reps)s"), values)
        : fill(gettext("Other side, set %(set)s of %(sets)s, repetition %(rep)s of %(reps)s"), values);
    }
    if (sides > 1) {
      return side === 1
        ? fill(gettext("First side, repetition %(rep)s of %(reps)s"), values)
        : fill(gettext("Other side, repetition %(rep)s of %(reps)s"), values);
    }
    if (sets > 1) return fill(gettext("Set %(set)s of %(sets)s, repetition %(rep)s of %(reps)s"), values);
    return fill(gettext("Repetition %(rep)s of %(reps)s"), values);
  }

  function intOf(button, name, fallback) {
    var value = parseInt(button.getAttribute("data-" + name), 10);
    return isNaN(value) || value < 0 ? fallback : value;
  }

  // The whole exercise as a list of timed steps.
  function buildSteps(button) {
    var sets = Math.max(intOf(button, "sets", 1), 1);
    var reps = Math.max(intOf(button, "reps", 1), 1);
    var isHold = intOf(button, "hold", 0) > 0;
    var hold = isHold ? intOf(button, "hold", 0) : intOf(button, "duration", 0);
    var rest = intOf(button, "rest", 0);
    var sides = Math.max(intOf(button, "sides", 1), 1);
    var total = sets * reps * sides;
    var steps = [{ kind: "ready", seconds: READY_SECONDS, text: gettext("Get into position") }];
    var done = 0;
    for (var side = 1; side <= sides; side++) {
      for (var set = 1; set <= sets; set++) {
        for (var rep = 1; rep <= reps; rep++) {
          done++;
          steps.push({
            kind: "hold",
            seconds: hold,
            text: isHold ? gettext("Hold") : gettext("Keep going"),
            progress: whereInWords(side, sides, set, sets, rep, reps),
            count: done,
            total: total
          });
          var last = done === total;
          var switching = sides > 1 && side === 1 && set === sets && rep === reps;
          if (!last && (rest > 0 || switching)) {
            steps.push({
              kind: "rest",
              seconds: Math.max(rest, switching ? 10 : 0),
              text: switching ? gettext("Switch to the other side") : gettext("Relax")
            });
          }
        }
      }
    }
    // Say what comes next while getting ready and resting.
    for (var i = 0; i < steps.length - 1; i++) {
      if (steps[i].kind !== "hold") {
        steps[i].progress = fill(gettext("Next: %(step)s"), { step: steps[i + 1].progress });
      }
    }
    return steps;
  }

  function beep(frequency, length) {
    if (!options.sound) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + length);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + length);
    } catch (error) {
      // No sound on this device.
    }
  }

  function buzz(pattern) {
    if (canVibrate && options.vibrate) navigator.vibrate(pattern);
  }

  function announce(text) {
    el.live.textContent = "";
    window.setTimeout(function () {
      el.live.textContent = text;
    }, 50);
  }

  function signal(kind) {
    if (kind === "hold") {
      beep(880, 0.25);
      buzz(200);
    } else if (kind === "rest") {
      beep(440, 0.25);
      buzz([100, 80, 100]);
    } else if (kind === "finished") {
      beep(660, 0.2);
      window.setTimeout(function () { beep(880, 0.4); }, 250);
      buzz([200, 100, 200, 100, 400]);
    }
  }

  function show(step, seconds) {
    el.phase.textContent = step.text;
    el.count.textContent = String(seconds);
    el.progress.textContent = step.progress || "";
    dialog.setAttribute("data-phase", step.kind);
  }

  function startStep(index) {
    var step = state.steps[index];
    state.index = index;
    state.remainingMs = step.seconds * 1000;
    state.endsAt = Date.now() + state.remainingMs;
    show(step, step.seconds);
    var values = { what: step.text, time: secondsInWords(step.seconds), where: step.progress };
    if (step.kind === "hold" && step.seconds) announce(fill(gettext("%(what)s, %(time)s. %(where)s."), values));
    else if (step.kind === "hold") announce(fill(gettext("%(what)s. %(where)s."), values));
    else if (step.seconds) announce(fill(gettext("%(what)s, %(time)s."), values));
    else announce(fill(gettext("%(what)s."), values));
    if (index > 0) signal(step.kind);
  }

  function tick() {
    if (!state || state.paused) return;
    var left = state.endsAt - Date.now();
    if (left <= 0) {
      if (state.index + 1 < state.steps.length) {
        startStep(state.index + 1);
      } else {
        finish();
      }
      return;
    }
    var seconds = Math.ceil(left / 1000);
    if (el.count.textContent !== String(seconds)) {
      el.count.textContent = String(seconds);
      if (seconds <= 3 && state.steps[state.index].kind !== "ready") beep(660, 0.08);
    }
  }

  function finish() {
    window.clearInterval(state.tick);
    var row = document.getElementById(state.rowId);
    var check = row && row.querySelector("[data-check-off]");
    state.finished = true;
    el.phase.textContent = gettext("Well done!");
    el.count.textContent = "✓";
    el.progress.textContent = gettext("All repetitions done.");
    dialog.setAttribute("data-phase", "finished");
    el.pause.hidden = true;
    el.stop.textContent = gettext("Close");
    el.mark.hidden = !check;
    signal("finished");
    announce(
      check
        ? gettext("Well done, all repetitions done. You can mark it as done.")
        : gettext("Well done, all repetitions done.")
    );
    (check ? el.mark : el.stop).focus();
    releaseWakeLock();
  }

  function start(button) {
    stop(false);
    state = {
      steps: buildSteps(button),
      index: 0,
      paused: false,
      finished: false,
      rowId: button.getAttribute("data-row"),
      opener: button
    };
    el.name.textContent = button.getAttribute("data-name");
    el.pause.hidden = false;
    el.pause.textContent = gettext("Pause");
    el.stop.textContent = gettext("Stop");
    el.mark.hidden = true;
    if (!dialog.open) dialog.showModal();
    el.pause.focus();
    startStep(0);
    state.tick = window.setInterval(tick, 200);
    requestWakeLock();
  }

  function togglePause() {
    if (!state || state.finished) return;
    if (state.paused) {
      state.paused = false;
      state.endsAt = Date.now() + state.remainingMs;
      el.pause.textContent = gettext("Pause");
      announce(gettext("Going on."));
    } else {
      state.paused = true;
      state.remainingMs = Math.max(state.endsAt - Date.now(), 0);
      el.pause.textContent = gettext("Carry on");
      announce(gettext("Paused."));
    }
  }

  function stop(closeDialog) {
    if (state) window.clearInterval(state.tick);
    var opener = state && state.opener;
    state = null;
    releaseWakeLock();
    if (closeDialog !== false && dialog.open) dialog.close();
    if (opener && document.body.contains(opener)) opener.focus();
  }

  function requestWakeLock() {
    if (!navigator.wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
    }).catch(function () {
      wakeLock = null;
    });
  }

  function releaseWakeLock() {
    if (wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  function markDone() {
    var row = state && document.getElementById(state.rowId);
    var check = row && row.querySelector("[data-check-off]");
    stop();
    if (check) {
      check.form.requestSubmit(check);
    }
  }

  // Reveal the buttons (also in rows htmx swaps in later).
  function reveal(root) {
    var buttons = root.querySelectorAll("[data-timer-start]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }
  reveal(document);
  document.body.addEventListener("htmx:load", function (event) {
    reveal(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-timer-start]");
    if (button) {
      event.preventDefault();
      start(button);
    }
  });
  el.pause.addEventListener("click", togglePause);
  el.stop.addEventListener("click", function () { stop(); });
  el.mark.addEventListener("click", markDone);
  el.sound.addEventListener("change", saveOptions);
  el.vibrate.addEventListener("change", saveOptions);
  dialog.addEventListener("close", function () {
    if (state) stop(false);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && state && !state.finished) requestWakeLock();
  });
})();
