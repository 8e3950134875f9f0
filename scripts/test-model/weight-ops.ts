// Emits the weight-bearing ops (MatMul by a constant, embedding Gather) either in fp32 or the
// way onnxruntime's quantize_dynamic rewrites them (int8 weights, DynamicQuantizeLinear inputs).
import type { GraphBuilder } from './onnx-graph.ts';
import { ONNX_FLOAT } from './onnx-graph.ts';
import { quantizePerColumn, quantizePerTensor } from './quantize.ts';

export interface WeightOps {
  /** x[..., k] · W[k, n] → [..., n]; W is row-major [k, n] (a transposed torch Linear weight). */
  matmul(x: string, weightName: string, w: Float32Array, k: number, n: number): string;
  /** table[rows, cols] gathered at int64 indices → [...indices, cols]. */
  gather(tableName: string, table: Float32Array, rows: number, cols: number, indices: string): string;
}

export class Fp32WeightOps implements WeightOps {
  constructor(private readonly g: GraphBuilder) {}

  matmul(x: string, weightName: string, w: Float32Array, k: number, n: number): string {
    return this.g.op('MatMul', [x, this.g.initializer(weightName, 'float32', [k, n], w)]);
  }

  gather(tableName: string, table: Float32Array, rows: number, cols: number, indices: string): string {
    return this.g.op('Gather', [this.g.initializer(tableName, 'float32', [rows, cols], table), indices]);
  }
}

/**
 * quantize_dynamic layout: X → DynamicQuantizeLinear → MatMulInteger(X_q, W_q, X_zp, W_zp)
 * → Cast(float) → Mul(X_scale · W_scale). Weights are int8 per output column; one
 * DynamicQuantizeLinear is shared by all MatMuls reading the same activation (Q/K/V).
 * Gathers read an int8 table and DequantizeLinear the rows (per-tensor scale).
 */
export class DynamicQuantWeightOps implements WeightOps {
  private readonly quantizedInputs = new Map<string, string[]>();

  constructor(private readonly g: GraphBuilder) {}

  matmul(x: string, weightName: string, w: Float32Array, k: number, n: number): string {
    const g = this.g;
    const q = quantizePerColumn(w, k, n);
    const wq = g.initializer(`${weightName}_quantized`, 'int8', [k, n], q.data);
    const wScale = g.initializer(`${weightName}_scale`, 'float32', [n], q.scale);
    const wZero = g.initializer(`${weightName}_zero_point`, 'int8', [n], q.zeroPoint);
    let xq = this.quantizedInputs.get(x);
    if (!xq) {
      xq = g.ops('DynamicQuantizeLinear', [x], {}, { outputs: 3 });
      this.quantizedInputs.set(x, xq);
    }
    const [xData, xScale, xZero] = xq as [string, string, string];
    const int32 = g.op('MatMulInteger', [xData, wq, xZero, wZero]);
    const asFloat = g.op('Cast', [int32], { to: ONNX_FLOAT });
    const scales = g.op('Mul', [xScale, wScale]);
    return g.op('Mul', [asFloat, scales]);
  }

  gather(tableName: string, table: Float32Array, rows: number, cols: number, indices: string): string {
    const g = this.g;
    const q = quantizePerTensor(table);
    const tq = g.initializer(`${tableName}_quantized`, 'int8', [rows, cols], q.data);
    const scale = g.initializer(`${tableName}_scale`, 'float32', [], q.scale);
    const zero = g.initializer(`${tableName}_zero_point`, 'int8', [], q.zeroPoint);
    return g.op('DequantizeLinear', [g.op('Gather', [tq, indices]), scale, zero]);
  }
}
