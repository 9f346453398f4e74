// Scans from three sources, delivered as one stream of codes:
// - keyboard-wedge scanners: fast keystrokes + Enter into one always-focused input (inputmode="none");
// - the camera: BarcodeDetector where the browser has it, else the vendored ZXing wasm ponyfill;
// - manual entry (a dialog in app.js calls `deliver`).
// The same code delivered twice within DEBOUNCE_MS is dropped: doubled scans are the classic complaint.
export const DEBOUNCE_MS = 800;
const KEY_GAP_MS = 300;         // a wedge types far faster than this; after a longer pause a key starts a new code
const PONYFILL = "/static/vendor/barcode-detector-3.2.2.ponyfill.min.js";
const ZXING_WASM = "/static/vendor/zxing_reader-3.1.3.wasm";

export class Scanner {
  constructor(input, onScan) {
    this.input = input;
    this.onScan = onScan;
    this.buffer = "";
    this.lastKeyAt = 0;
    this.last = { code: null, at: 0 };
    this.paused = false;
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("blur", () => setTimeout(() => this.focus(), 50));
    // A tap on a button (a task in the list, a screen's action) gives that button the focus. Take it
    // back as the click is handled (bubbling, after the button's own handler), not a task later:
    // a scan right after the tap must not be lost. The later pointerup catches taps with no click.
    document.addEventListener("click", () => this.focus());
    document.addEventListener("pointerup", () => setTimeout(() => this.focus(), 0));
    document.addEventListener("visibilitychange", () => this.focus());
    // A dialog closing (count pad, short pick) hands the focus back: the next scan must not be lost.
    // ui.closeDialog says so at once; `close` (a task later, and it does not bubble: capture phase)
    // covers a dialog closed any other way (Esc).
    document.addEventListener("dialog-closed", () => this.focus());
    document.addEventListener("close", () => setTimeout(() => this.focus(), 0), true);
  }

  // Keep the wedge input focused unless a dialog or a real text field has the focus.
  focus() {
    if (this.paused) return;
    const active = document.activeElement;
    if (document.querySelector("dialog[open]")) return;
    if (active && active !== this.input && active.tagName === "INPUT") return;
    this.input.focus({ preventScroll: true });
  }

  onKey(event) {
    const now = event.timeStamp || performance.now();
    if (event.key === "Enter") {
      event.preventDefault();
      const code = this.buffer || this.input.value;
      this.buffer = "";
      this.input.value = "";
      this.deliver(code, "wedge");
      return;
    }
    if (event.key.length !== 1) return;
    if (now - this.lastKeyAt > KEY_GAP_MS) this.buffer = "";  // a stray key press is not half a scan
    this.lastKeyAt = now;
    this.buffer += event.key;
    event.preventDefault();
  }

  deliver(raw, source) {
    const code = String(raw || "").trim();
    if (!code) return;
    const now = performance.now();
    if (code === this.last.code && now - this.last.at < DEBOUNCE_MS) return;
    this.last = { code, at: now };
    this.onScan(code, source);
  }
}

// --- camera ---------------------------------------------------------------------------------

let detectorClass = null;

async function barcodeDetector() {
  if (detectorClass) return detectorClass;
  if ("BarcodeDetector" in window) {
    detectorClass = window.BarcodeDetector;
    return detectorClass;
  }
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = PONYFILL;
    script.onload = resolve;
    script.onerror = () => reject(new Error("barcode reader not available"));
    document.head.appendChild(script);
  });
  const api = window.BarcodeDetectionAPI;
  api.prepareZXingModule({ overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? ZXING_WASM : prefix + path) } });
  detectorClass = api.BarcodeDetector;
  return detectorClass;
}

// Scan one code with the camera into `video`; resolves with the text, or null when stopped.
export async function scanWithCamera(video, isOpen) {
  const Detector = await barcodeDetector();
  const detector = new Detector({ formats: ["qr_code", "code_128", "ean_13", "ean_8", "code_39", "upc_a", "data_matrix"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  video.srcObject = stream;
  await video.play();
  try {
    while (isOpen()) {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) return codes[0].rawValue;
      await new Promise((r) => setTimeout(r, 150));
    }
    return null;
  } finally {
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  }
}
