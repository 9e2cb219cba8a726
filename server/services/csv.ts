// CSV in and out for people who use Excel: UTF-8 with or without BOM, GBK (what Excel saves on Chinese Windows)
// detected and converted, quoted cells, and formula-looking cells neutralised on the way out.

export interface Decoded {
  text: string;
  encoding: 'utf-8' | 'gbk';
}

/** UTF-8 if the bytes are valid UTF-8 (BOM dropped); otherwise GBK, which Excel writes on Chinese Windows. */
export function decodeCsv(data: Buffer): Decoded | null {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data), encoding: 'utf-8' };
  } catch {
    try {
      return { text: new TextDecoder('gbk', { fatal: true }).decode(data), encoding: 'gbk' };
    } catch {
      return null;
    }
  }
}

/** RFC 4180 rows: commas, quotes ("" inside quotes), CRLF or LF; blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      if (row.some((c) => c.trim() !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c.trim() !== '')) rows.push(row);
  return rows;
}

/** One cell for a CSV a spreadsheet will open: quoted when needed, and never run as a formula. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: unknown[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
