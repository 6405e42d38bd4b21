/**
 * Builds tiny ONNX models byte by byte (protobuf by hand), so tests need neither Python nor
 * the network: the output is a constant tensor (plus 0 × mean(input), so the input is used).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, n: number): number[] => [...key(field, 0), ...varint(n)];
function bytes(field: number, b: number[] | Uint8Array): number[] {
  return [...key(field, 2), ...varint(b.length), ...b];
}
const str = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s, 'utf8')]);

function tensor(name: string, dims: number[], values: Float32Array): number[] {
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, 1),
    ...str(8, name),
    ...bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
  ];
}

const ELEM = { float32: 1, float16: 10 } as const;

function valueInfo(name: string, dims: (number | string)[], elem: number = ELEM.float32): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, elem), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, inputs: string[], outputs: string[], attrs: number[][] = []): number[] {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, `${op}_${outputs[0]}`),
    ...str(4, op),
    ...attrs.flatMap((a) => bytes(5, a)),
  ];
}

export interface ModelExtras {
  /** ModelProto.metadata_props, as an exporter such as Ultralytics writes them. */
  metadata?: Record<string, string>;
  /** The input's element type (a half=True export takes float16). */
  inputType?: keyof typeof ELEM;
}

/** A model with input `images` of inputShape whose single output is always `constant` (shape outShape). */
export function constantOutputModel(
  inputShape: (number | string)[],
  outShape: (number | string)[],
  constant: Float32Array,
  constDims: number[],
  extras: ModelExtras = {},
): Buffer {
  const keepdims0 = [...str(1, 'keepdims'), ...int(3, 0), ...int(20, 2)];
  const half = extras.inputType === 'float16';
  const toFloat = [...str(1, 'to'), ...int(3, ELEM.float32), ...int(20, 2)];
  const graph = [
    ...(half ? bytes(1, node('Cast', ['images'], ['images32'], [toFloat])) : []),
    ...bytes(1, node('ReduceMean', [half ? 'images32' : 'images'], ['m'], [keepdims0])),
    ...bytes(1, node('Mul', ['m', 'zero'], ['z'])),
    ...bytes(1, node('Add', ['k', 'z'], ['output0'])),
    ...str(2, 'tiny'),
    ...bytes(5, tensor('k', constDims, constant)),
    ...bytes(5, tensor('zero', [], new Float32Array([0]))),
    ...bytes(11, valueInfo('images', inputShape, ELEM[extras.inputType ?? 'float32'])),
    ...bytes(12, valueInfo('output0', outShape)),
  ];
  const props = Object.entries(extras.metadata ?? {}).flatMap(([k, v]) => bytes(14, [...str(1, k), ...str(2, v)]));
  const model = [...int(1, 8), ...str(2, 'smartstock-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 17)]), ...props];
  return Buffer.from(model);
}

/**
 * A model folder (`m.onnx` + `detector.json`) of a 64x64 YOLO detector (person, bottle; threshold 0.5) whose
 * output is always `columns`: one [cx, cy, w, h, person, bottle] per candidate, in input pixels.
 */
export async function writeConstantYoloFolder(dir: string, columns: readonly (readonly number[])[], name = 'constant'): Promise<void> {
  const n = columns.length;
  const output = new Float32Array(6 * n);
  columns.forEach((column, i) => column.forEach((value, j) => (output[j * n + i] = value)));
  await writeFile(join(dir, 'm.onnx'), constantOutputModel([1, 3, 64, 64], [1, 6, n], output, [1, 6, n]));
  const meta = { task: 'detect', name, version: '1', file: 'm.onnx', format: 'yolo', input: { width: 64, height: 64 } };
  await writeFile(join(dir, 'detector.json'), JSON.stringify({ ...meta, classes: ['person', 'bottle'], scoreThreshold: 0.5 }));
}
