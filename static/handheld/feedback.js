// Good and bad scans must differ unmistakably in colour, sound and vibration (gloves, noise, glare).
let audio = null;

function context() {
  if (!audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audio = new Ctx();
  }
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

function tone(freq, start, length, type = "sine", gain = 0.3) {
  const ctx = context();
  if (!ctx) return;
  const osc = ctx.createOscillator();
  const vol = ctx.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  vol.gain.value = gain;
  osc.connect(vol).connect(ctx.destination);
  const at = ctx.currentTime + start;
  osc.start(at);
  osc.stop(at + length);
}

function flash(kind, ms) {
  const el = document.getElementById("flash");
  el.className = kind;
  document.body.dataset.feedback = kind;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { el.className = ""; }, ms);
}

// Short high beep, one short buzz, a green flash.
export function good() {
  tone(1760, 0, 0.08, "sine", 0.25);
  if (navigator.vibrate) navigator.vibrate(40);
  flash("good", 250);
}

// Three long low buzzes, three long vibrations, a red flash that stays for a moment.
export function bad() {
  for (let i = 0; i < 3; i += 1) tone(160, i * 0.4, 0.3, "square", 0.35);
  if (navigator.vibrate) navigator.vibrate([300, 100, 300, 100, 300]);
  flash("bad", 1100);
}

// Something finished (line or task): two rising beeps.
export function done() {
  tone(1320, 0, 0.09);
  tone(1980, 0.12, 0.12);
  if (navigator.vibrate) navigator.vibrate([60, 60, 60]);
  flash("good", 400);
}

// Browsers only start audio after a user gesture: create the context now (cheap while suspended,
// not in the middle of a scan's keystrokes) and resume it on the first touch or key.
export function unlockOnGesture() {
  setTimeout(() => context(), 0);
  const unlock = () => {
    if (audio && audio.state === "suspended") audio.resume().catch(() => {});
    window.removeEventListener("pointerdown", unlock);
    window.removeEventListener("keyup", unlock);
  };
  window.addEventListener("pointerdown", unlock);
  window.addEventListener("keyup", unlock);
}
