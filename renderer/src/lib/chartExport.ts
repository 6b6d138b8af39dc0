/**
 * Exporting a chart: its plotted values as CSV, or the drawing as a PNG. Both are made in
 * the page and saved through the browser's download (the same in web mode and the desktop).
 */

/** One column of a chart's CSV: a header and the value of each row (blank when absent). */
export interface CsvColumn<R> {
  header: string;
  value: (row: R) => number | string | undefined;
}

/** A field quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(v: number | string | undefined): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV text: a header line, then one line per row, CRLF-separated. */
export function toCsv<R>(rows: readonly R[], columns: readonly CsvColumn<R>[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from a title: lower-case words joined by dashes. */
export function fileStem(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'chart'
  );
}

/** Saves `blob` as `name` through the browser's download. */
export function saveBlob(blob: Blob, name: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const PAINT_PROPERTIES = ['stroke', 'fill', 'stroke-opacity', 'fill-opacity', 'color'] as const;

/**
 * A copy of a chart's SVG with the colours it is drawn in written out: the page's colours
 * are CSS variables, which an SVG drawn as an image alone cannot resolve.
 */
function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [copy, ...copy.querySelectorAll('*')];
  source.forEach((el, i) => {
    const style = getComputedStyle(el);
    const out = target[i] as SVGElement | undefined;
    if (!out) return;
    for (const p of PAINT_PROPERTIES) out.setAttribute(p, style.getPropertyValue(p));
    if (el instanceof SVGTextElement) {
      out.setAttribute('font-family', style.fontFamily);
      out.setAttribute('font-size', style.fontSize);
    }
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return new XMLSerializer().serializeToString(copy);
}

/** The chart drawn on a white-or-page-coloured PNG, twice the screen size, title on top. */
export async function chartPng(svg: SVGSVGElement, title: string): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const scale = 2;
  const titleHeight = 28;
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(standaloneSvg(svg))}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil((height + titleHeight) * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw a PNG.');
  const page = getComputedStyle(document.body);
  ctx.scale(scale, scale);
  ctx.fillStyle = page.backgroundColor || '#ffffff';
  ctx.fillRect(0, 0, width, height + titleHeight);
  ctx.fillStyle = page.color || '#000000';
  ctx.font = `600 14px ${page.fontFamily}`;
  ctx.fillText(title, 8, 19);
  ctx.drawImage(image, 0, titleHeight, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be made.'))),
      'image/png',
    ),
  );
}
