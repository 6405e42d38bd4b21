/** One line of the cloud's GET /api/v1/corrections/export (JSON lines); the cloud types its writer with this. */
export interface CorrectionExportLine {
  v: 1;
  id: string;
  createdAt: string | Date;
  deviceId: string;
  cameraId: string;
  slotId: string;
  itemId: string | null;
  polygon: [number, number][];
  /** the person's truth: the training label */
  label: { count: number; fills: number[] | null };
  model: {
    count: number;
    fills: (number | null)[] | null;
    confidence: number | null;
    observationId: string | null;
    at: string | Date | null;
    /** the models that made the reading (name -> version); absent or null in exports from before they were recorded */
    versions?: Record<string, string> | null;
  } | null;
  note: string | null;
  crop: { jpegBase64: string; width: number | undefined; height: number | undefined; frameAt: string | Date | null } | null;
  cropMissing: string | null;
}

/** Parses one export line; the error names the line and the field, so a bad export is fixed at its source. */
export function parseCorrectionLine(text: string, lineNo: number): CorrectionExportLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`line ${lineNo}: not JSON`);
  }
  const o = v as Partial<CorrectionExportLine>;
  const bad = (field: string) => new Error(`line ${lineNo}: ${field} is missing or malformed`);
  if (o.v !== 1) throw new Error(`line ${lineNo}: export version ${String(o.v)} is not 1; update models/`);
  if (typeof o.id !== 'string' || !/^[0-9a-f-]{36}$/.test(o.id)) throw bad('id');
  const count = o.label?.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw bad('label.count');
  const fills = o.label?.fills;
  if (fills !== null && (!Array.isArray(fills) || fills.length !== count || fills.some((f) => typeof f !== 'number' || f < 0 || f > 1)))
    throw bad('label.fills');
  if (o.crop !== null && typeof o.crop?.jpegBase64 !== 'string') throw bad('crop.jpegBase64');
  return o as CorrectionExportLine;
}
