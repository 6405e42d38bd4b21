import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '@smartstock/models';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/** protobuf: ModelProto.metadata_props (field 14) entries {key: 1, value: 2}, as an exporter writes them. */
function metadataProps(props: Record<string, string>): Buffer {
  const len = (n: number): number[] => {
    const out: number[] = [];
    do {
      out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    return out;
  };
  const field = (tag: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([tag, ...len(b.length)]), b]);
  return Buffer.concat(
    Object.entries(props).map(([k, v]) => field(0x72, Buffer.concat([field(0x0a, Buffer.from(k)), field(0x12, Buffer.from(v))]))),
  );
}

/**
 * "A user's Ultralytics export": our own detector (one class, output [1, 5, N], the layout YOLOv8
 * uses) with the metadata Ultralytics writes appended; protobuf merges appended fields into the message.
 */
function userExport(dir: string, props: Record<string, string>): string {
  const file = join(dir, 'yolo11n-bar.onnx');
  const model = readFileSync(join(DEFAULT_MODEL_DIR, 'drawn-shelves', 'detector.onnx'));
  writeFileSync(file, Buffer.concat([model, metadataProps(props)]));
  return file;
}

const ULTRALYTICS = {
  author: 'Ultralytics',
  version: '8.3.40',
  task: 'detect',
  imgsz: '[256, 416]',
  names: "{0: 'bottle'}",
  args: "{'batch': 1, 'half': False, 'dynamic': False, 'nms': False}",
};

describe('detector import', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-detector-'));

  it('writes a model folder from the export’s own metadata, with our fill model, and checks it finds bottles', async () => {
    const onnx = userExport(tmp, ULTRALYTICS);
    const out = join(tmp, 'models', 'yolo11n');
    const r = await cli('detector', 'import', onnx, '--out', out, '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.check.bottles).toBeGreaterThan(3);
    expect(readdirSync(out).sort()).toEqual(['detector.json', 'fill.json', 'fill.onnx', 'yolo11n-bar.onnx']);
    const meta = JSON.parse(readFileSync(join(out, 'detector.json'), 'utf8'));
    expect(meta).toMatchObject({
      task: 'detect',
      name: 'yolo11n-bar',
      format: 'yolo',
      input: { width: 416, height: 256, pad: 114 },
      classes: ['bottle'],
      bottleClasses: ['bottle'],
    });
    expect(meta.version).toMatch(/^[0-9a-f]{12}$/); // this export's own hash: every Ultralytics export says 8.3.40
    expect(readdirSync(dirname(out))).toEqual(['yolo11n']); // no staging folder left
    const human = await cli('detector', 'import', onnx, '--out', join(tmp, 'human'), '--no-fill');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/yolo11n-bar: 1 class, bottle counted as bottles, input 416x256/);
    expect(human.stdout).toMatch(/fill levels: off/);
    expect(readdirSync(join(tmp, 'human')).sort()).toEqual(['detector.json', 'yolo11n-bar.onnx']);

    // --force over a full folder with --no-fill: the old fill model does not linger, the old detector goes
    writeFileSync(join(out, 'notes.txt'), 'the technician’s own file');
    const other = join(tmp, 'other');
    mkdirSync(other);
    const renamed = join(other, 'yolo11s.onnx');
    writeFileSync(renamed, readFileSync(onnx));
    const forced = await cli('detector', 'import', renamed, '--out', out, '--force', '--no-fill', '--json');
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['detector.json', 'notes.txt', 'yolo11s.onnx']);
  });

  it('a class list that does not fit the output fails the check and writes nothing', async () => {
    const onnx = userExport(tmp, { ...ULTRALYTICS, names: "{0: 'person', 1: 'bottle'}" });
    const out = join(tmp, 'wrong');
    const r = await cli('detector', 'import', onnx, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the imported detector does not run: .*output shape \[1, 5, \d+\] does not fit 2 classes/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes('importing'))).toEqual([]);
  });

  it('refuses what it cannot run, and a folder in use, before writing anything', async () => {
    const seg = userExport(tmp, { ...ULTRALYTICS, task: 'segment' });
    const r = await cli('detector', 'import', seg, '--out', join(tmp, 'seg'), '--json');
    expect(r.code).toBe(2);
    expect(r.json.error).toMatch(/yolo11n-bar\.onnx: is a YOLO "segment" model/);
    expect(existsSync(join(tmp, 'seg'))).toBe(false);

    const used = join(tmp, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'detector.json'), '{"keep": true}');
    const onnx = userExport(tmp, ULTRALYTICS);
    const busy = await cli('detector', 'import', onnx, '--out', used);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/is not empty/);
    expect(readFileSync(join(used, 'detector.json'), 'utf8')).toBe('{"keep": true}');

    expect((await cli('detector', 'import', join(tmp, 'none.onnx'))).stderr).toMatch(/no such model/);
    const folder = await cli('detector', 'import', used, '--out', join(tmp, 'from-folder'));
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/used is a folder, not an ONNX file/);
    expect(existsSync(join(tmp, 'from-folder'))).toBe(false);
    expect((await cli('detector', 'import', onnx, '--out', join(used, 'detector.json'), '--force')).stderr).toMatch(
      /is a file, not a folder/,
    );
    const fillNamed = join(tmp, 'fill.onnx');
    writeFileSync(fillNamed, readFileSync(onnx));
    expect((await cli('detector', 'import', fillNamed, '--out', join(tmp, 'f'))).stderr).toMatch(/named fill\.onnx.*\n.*rename the export/);
    expect((await cli('detector', 'import', onnx, '--input', '640', '--out', join(tmp, 'x'))).stderr).toMatch(
      /--input must be WIDTHxHEIGHT/,
    );
    // the PyTorch weights instead of their export: said, with what to give instead
    const weights = join(tmp, 'yolo11n.pt');
    writeFileSync(weights, 'PK\u0003\u0004 not a protobuf at all');
    const pt = await cli('detector', 'import', weights, '--out', join(tmp, 'pt'));
    expect(pt.code).toBe(2);
    expect(pt.stderr).toMatch(/not an ONNX model.*\n {2}fix: give the \.onnx file the export wrote/);
  });

  describe('a YOLOX export (no metadata in the file: its graph’s shapes say what it is)', () => {
    const yolox = join(DEFAULT_MODEL_DIR, 'yolox-nano-coco', 'yolox_nano.onnx');

    it('the COCO YOLOX-Nano goes in as it is: 80 COCO classes, bottle, 416x416, and runs', async () => {
      const out = join(tmp, 'yolox');
      const r = await cli('detector', 'import', yolox, '--out', out, '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['detector.json', 'fill.json', 'fill.onnx', 'yolox_nano.onnx']);
      const meta = JSON.parse(readFileSync(join(out, 'detector.json'), 'utf8'));
      expect(meta).toMatchObject({ format: 'yolox', input: { width: 416, height: 416, pad: 114 }, bottleClasses: ['bottle'] });
      expect(meta.classes).toHaveLength(80);
      expect(meta.classes[39]).toBe('bottle');
      expect(meta.decoded).toBeUndefined();
    });

    it('refuses, with the reason, what disagrees with the export’s shapes', async () => {
      const input = await cli('detector', 'import', yolox, '--out', join(tmp, 'yx-input'), '--input', '640x640');
      expect(input.code).toBe(2);
      expect(input.stderr).toMatch(/yolox_nano\.onnx: input is 416x416 \(shape \[1, 3, 416, 416\]\), not 640x640/);
      const classes = await cli('detector', 'import', yolox, '--out', join(tmp, 'yx-classes'), '--classes', 'person,bottle');
      expect(classes.stderr).toMatch(/output \[1, 3549, 85\] holds 80 classes, but 2 class names were given/);
      // our own YOLO-layout detector named a YOLOX: its output has no YOLOX grid
      const ours = await cli(
        'detector',
        'import',
        join(DEFAULT_MODEL_DIR, 'drawn-shelves', 'detector.onnx'),
        '--format',
        'yolox',
        '--out',
        join(tmp, 'yx-ours'),
      );
      expect(ours.stderr).toMatch(/output \[1, 5, \d+\] has 5 rows; a YOLOX export at 416x256 has 2184/);
      // the YOLOX named a YOLO export: it carries no class names, and 80 given do not fit a [1, 84, N] output
      const asYolo = await cli('detector', 'import', yolox, '--format', 'yolo', '--out', join(tmp, 'yx-yolo'));
      expect(asYolo.stderr).toMatch(/has no class names in its metadata/);
      const names = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'yolox-nano-coco', 'detector.json'), 'utf8')).classes.join(',');
      const run = await cli(
        'detector',
        'import',
        yolox,
        '--format',
        'yolo',
        '--classes',
        names,
        '--input',
        '416x416',
        '--out',
        join(tmp, 'yx-run'),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/does not run: .*output shape \[1, 3549, 85\] does not fit 80 classes/);
      for (const d of ['yx-input', 'yx-classes', 'yx-ours', 'yx-yolo', 'yx-run']) expect(existsSync(join(tmp, d))).toBe(false);
    });
  });
});
