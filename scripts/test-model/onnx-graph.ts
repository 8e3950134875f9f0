// Minimal ONNX graph builder over onnx-proto: typed inputs/outputs, initializers stored as
// little-endian raw_data, auto-named nodes, and deterministic ModelProto serialisation.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('test-model raw_data assumes a little-endian host');

export type DType = 'float32' | 'int64' | 'int32' | 'int8' | 'uint8';
export type TensorData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;
/** Attribute values: integer → INT, integer[] → INTS, { float } → FLOAT, string → STRING. */
export type AttrValue = number | number[] | string | { float: number };
export type Dim = number | string;

const ELEM_TYPE: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 };
export const ONNX_FLOAT = ELEM_TYPE.float32;

export interface OpOptions {
  /** Node name; outputs are named `<name>_output_<i>`. Defaults to `<prefix>/<opType>_<n>`. */
  name?: string;
  outputs?: number;
  domain?: string;
}

export class GraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly initializers: Onnx.ITensorProto[] = [];
  private readonly inputs: Onnx.IValueInfoProto[] = [];
  private readonly outputs: Onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  /** Prefix for auto-generated node names, e.g. `/encoder/layer.0/attention`. */
  prefix = '';

  constructor(private readonly graphName: string) {}

  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  output(name: string, dtype: DType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  initializer(name: string, dtype: DType, dims: number[], data: TensorData): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`${name}: ${data.length} values for dims [${dims.join(',')}]`);
    this.names.add(name);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dataType: ELEM_TYPE[dtype], dims, rawData });
    return name;
  }

  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.initializer(
      name,
      'int64',
      dims,
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  float(name: string, values: number[] | number, dims?: number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.initializer(name, 'float32', dims ?? (typeof values === 'number' ? [] : [list.length]), Float32Array.from(list));
  }

  /** Adds a node and returns its output names. */
  ops(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: OpOptions = {}): string[] {
    const name = opts.name ?? `${this.prefix}/${opType}_${this.counter++}`;
    const output = Array.from({ length: opts.outputs ?? 1 }, (_, i) => `${name}_output_${i}`);
    for (const o of output) {
      if (this.names.has(o)) throw new Error(`duplicate tensor name ${o}`);
      this.names.add(o);
    }
    const attribute = Object.entries(attrs).map(([key, value]) => attr(key, value));
    this.nodes.push({ name, opType, input: inputs, output, attribute, domain: opts.domain ?? '' });
    return output;
  }

  /** Adds a single-output node and returns that output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: OpOptions = {}): string {
    const [out] = this.ops(opType, inputs, attrs, { ...opts, outputs: 1 });
    return out as string;
  }

  /** Renames the final value: adds an Identity so the graph output has a stable name. */
  finish(value: string, outputName: string, dtype: DType, dims: Dim[]): void {
    this.nodes.push({ name: `/${outputName}/Identity`, opType: 'Identity', input: [value], output: [outputName] });
    this.output(outputName, dtype, dims);
  }

  serialize(opsets: Record<string, number>, producerVersion: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'paperseek-test-model',
      producerVersion,
      opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dtype: DType, dims: Dim[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], shape: { dim } } } };
}

function attr(name: string, value: AttrValue): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.float };
}
