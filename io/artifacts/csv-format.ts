/**
 * RFC 4180 fields and lines. Numbers are written in JavaScript's shortest round-trip form, so a
 * reader gets back the exact double; NaN and ±Infinity are written as `NaN`, `Infinity`, `-Infinity`
 * (pandas and R read those as such). Lines end in `\n`.
 */
export type CsvValue = number | string | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: null and undefined are empty; text with a comma, quote or line break is quoted. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvField(values[i]);
  return `${line}\n`;
}

/** The CSV line of `item` under `columns`, without an intermediate array (one per row adds up on hot paths). */
export function csvRow<T>(columns: readonly CsvColumn<T>[], item: T): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : ',') + csvField(columns[i].value(item));
  return `${line}\n`;
}

/** A named column and how to read it from an item. */
export interface CsvColumn<T> {
  readonly name: string;
  readonly value: (item: T) => CsvValue;
}
