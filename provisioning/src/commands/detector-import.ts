import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type * as Models from '@smartstock/models';
import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { commaList } from '../cli/options.js';

export interface DetectorImportOptions {
  out: string;
  bottleClasses?: string;
  classes?: string;
  input?: string;
  name?: string;
  format?: 'yolo' | 'yolox';
  decoded?: boolean;
  /** commander's --no-fill */
  fill: boolean;
  frame?: string;
  force?: boolean;
}

const FILL_FILES = ['fill.onnx', 'fill.json'];

function parseInput(v: string | undefined): { width: number; height: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(v.trim());
  if (!m) throw usageError(`--input must be WIDTHxHEIGHT (e.g. 640x640), got "${v}"`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

const classCount = (c: string[]): string => `${c.length} class${c.length === 1 ? '' : 'es'}`;

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Makes a model folder from a user's YOLOv8 / YOLO11 or YOLOX ONNX export: the export, a detector.json
 * read from the export's own metadata (YOLOX: from its input and output shapes), and our fill model beside it, then runs it once on a frame
 * so a wrong class list or an unsupported output fails here, at the technician's desk, and not on
 * the bar's mini-PC. The agent then points at the folder (vision.modelDir).
 */
export async function detectorImport(ctx: Ctx, options: DetectorImportOptions, args: string[]): Promise<void> {
  const onnx = resolve(args[0]!);
  if (!(await exists(onnx))) throw usageError(`no such model ${args[0]}`, 'export one with `yolo export model=yolo11n.pt format=onnx`');
  // a model folder (an Ultralytics run's weights/, or one this command made) is the commonest slip
  if ((await stat(onnx)).isDirectory())
    throw usageError(`${args[0]} is a folder, not an ONNX file`, `name the export inside it, e.g. ${join(args[0]!, 'best.onnx')}`);
  if (options.frame && !(await exists(options.frame)))
    throw usageError(`no such frame ${options.frame}`, 'save one with `camera probe --frame shelf.jpg`');
  const out = resolve(options.out);
  const input = parseInput(options.input);
  const models: typeof Models = await import('@smartstock/models');
  let meta: Record<string, unknown>;
  try {
    const bytes = await readFile(onnx);
    const props = await models.readOnnxMetadata(onnx, bytes);
    const given = {
      version: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
      ...(options.bottleClasses ? { bottleClasses: commaList(options.bottleClasses) } : {}),
      ...(options.classes ? { classes: commaList(options.classes) } : {}),
      ...(input ? { input } : {}),
      ...(options.name ? { name: options.name } : {}),
    };
    // Ultralytics names its exports in their metadata; YOLOX writes none, its graph's shapes tell
    const ultralytics = props.names !== undefined || props.imgsz !== undefined;
    const shapes = options.format === 'yolox' || (!options.format && !ultralytics) ? await models.readOnnxShapes(onnx, bytes) : null;
    const yolox = options.format === 'yolox' || (!options.format && !ultralytics && models.looksLikeYolox(shapes!));
    if (options.decoded && !yolox) throw new Error('--decoded is for YOLOX exports (--format yolox)');
    meta = yolox
      ? models.yoloxDetectorMetadata(onnx, shapes!, { ...given, ...(options.decoded ? { decoded: true } : {}) })
      : models.yoloDetectorMetadata(onnx, props, given);
  } catch (e) {
    const m = (e as Error).message;
    // the refusals name their own export flag; only what the export lacks is ours to pass
    throw usageError(
      m,
      /no class names|no input size|no fixed size|no names in the file|no class named|has no class "|class names were given/.test(m)
        ? 'pass --classes, --input or --bottle-classes'
        : /not an ONNX model/.test(m)
          ? 'give the .onnx file the export wrote (`yolo export model=yolo11n.pt format=onnx`), not the .pt or another file'
          : undefined,
    );
  }
  if (FILL_FILES.includes(String(meta.file)))
    throw usageError(`the export is named ${meta.file}, the fill model's name in a model folder`, 'rename the export, e.g. yolo11n.onnx');
  const outStat = await stat(out).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw usageError(`--out ${options.out} is a file, not a folder`);
  if (outStat && (await readdir(out)).length > 0 && !options.force)
    throw usageError(`${options.out} is not empty`, 'choose a new --out folder, or pass --force to replace its model files');
  // Built and checked in a staging folder beside --out, moved in only once it runs: a failed
  // import leaves --out as it was.
  const staging = `${out}.importing-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const files: [string, string | null, string?][] = [
      [String(meta.file), onnx],
      ['detector.json', null, `${JSON.stringify(meta, null, 2)}\n`],
    ];
    if (options.fill)
      files.push(['fill.onnx', join(models.DEFAULT_MODEL_DIR, 'fill.onnx')], ['fill.json', join(models.DEFAULT_MODEL_DIR, 'fill.json')]);
    for (const [name, from, text] of files) await (from ? copyFile(from, join(staging, name)) : writeFile(join(staging, name), text!));
    let check: Awaited<ReturnType<typeof runOnce>>;
    try {
      check = await runOnce(models, staging, options.frame);
    } catch (e) {
      throw new CliError(
        `the imported detector does not run: ${(e as Error).message.replace(staging, out)}`,
        EXIT.failure,
        'check --classes (their number and order must match the export) and --input',
      );
    }
    await mkdir(out, { recursive: true });
    // --force: the old model files go first, so a fill model left out (--no-fill) does not linger
    for (const name of await modelFiles(out)) await rm(join(out, name), { force: true });
    for (const [name] of files) await move(join(staging, name), join(out, name));
    const size = meta.input as { width: number; height: number };
    emit(ctx, { out, detector: meta, fill: options.fill, check }, () =>
      [
        `${meta.name}: ${classCount(meta.classes as string[])}, ${(meta.bottleClasses as string[]).join(', ')} counted as bottles, input ${size.width}x${size.height} → ${out}`,
        options.fill ? 'fill levels: the SmartStock fill model, copied beside it' : 'fill levels: off (--no-fill)',
        `checked on ${check.frame}: ${check.bottles} bottles in ${check.ms.toFixed(0)} ms`,
        `thresholds: score ${meta.scoreThreshold}, NMS IoU ${meta.iouThreshold} (${meta.format === 'yolox' ? "YOLOX's demo" : "Ultralytics'"} defaults; tune them in detector.json)`,
        `Next: set vision.modelDir: ${out} in the agent's config, or try it: slots suggest --model-dir ${options.out} frame.jpg`,
      ].join('\n'),
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The files of a model folder that loadBottleVision reads: detector.json, the model it names, the fill model. */
async function modelFiles(dir: string): Promise<string[]> {
  const names = ['detector.json', ...FILL_FILES];
  try {
    const file = (JSON.parse(await readFile(join(dir, 'detector.json'), 'utf8')) as { file?: unknown }).file;
    if (typeof file === 'string' && basename(file) === file) names.push(file);
  } catch {
    // no readable detector.json: nothing more to clear
  }
  return names;
}

/** rename, or copy then delete when --out is on another filesystem (a mounted volume). */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** Loads the folder and analyses one frame: the given one, or a synthetic shelf. */
async function runOnce(models: typeof Models, dir: string, frame?: string): Promise<{ frame: string; bottles: number; ms: number }> {
  const image = frame
    ? await readFile(frame)
    : (await models.renderScene(models.makeScene({ seed: 7, split: 'normal', width: 1280, height: 720 }))).jpeg;
  const vision = await models.loadBottleVision({ modelDir: dir });
  try {
    const a = await vision.analyze(image);
    return { frame: frame ?? 'a generated shelf', bottles: a.bottles.length, ms: a.timings.totalMs };
  } finally {
    await vision.close();
  }
}
