// Int8 weight quantisation math, matching onnxruntime's quantize_dynamic for QInt8 weights:
// symmetric (zero point 0), scale = 2·max|w| / 255, round half to even, clip to [-128, 127].

export interface QuantizedTensor {
  data: Int8Array;
  /** One scale per column (per-channel) or a single scale (per-tensor). */
  scale: Float32Array;
  zeroPoint: Int8Array;
}

const QMIN = -128;
const QMAX = 127;

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  return frac > 0.5 || (frac === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
}

function scaleFor(absMax: number): number {
  const scale = (2 * absMax) / (QMAX - QMIN);
  return scale > 0 ? Math.fround(scale) : 1;
}

function quantizeValue(w: number, scale: number): number {
  return Math.min(QMAX, Math.max(QMIN, roundHalfEven(w / scale)));
}

/** Quantises a row-major [rows, cols] matrix with one scale per column (ORT per_channel, axis -1). */
export function quantizePerColumn(w: Float32Array, rows: number, cols: number): QuantizedTensor {
  const absMax = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) absMax[c] = Math.max(absMax[c] ?? 0, Math.abs(w[r * cols + c] ?? 0));
  }
  const scale = Float32Array.from(absMax, scaleFor);
  const data = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = quantizeValue(w[r * cols + c] ?? 0, scale[c] ?? 1);
  }
  return { data, scale, zeroPoint: new Int8Array(cols) };
}

/** Quantises a whole tensor with a single scale (ORT's default per-tensor mode). */
export function quantizePerTensor(w: Float32Array): QuantizedTensor {
  let absMax = 0;
  for (const v of w) absMax = Math.max(absMax, Math.abs(v));
  const scale = scaleFor(absMax);
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = quantizeValue(w[i] ?? 0, scale);
  return { data, scale: Float32Array.of(scale), zeroPoint: new Int8Array(1) };
}
