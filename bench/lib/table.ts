/** Markdown tables, padded so that they also read well in a terminal. */
export interface Table {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  /** Columns aligned right (numbers), by index. */
  alignRight?: readonly number[];
}

export function markdownTable({ headers, rows, alignRight = [] }: Table): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, 3, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const pad = (cell: string, column: number) => {
    const width = widths[column] ?? cell.length;
    return alignRight.includes(column) ? cell.padStart(width) : cell.padEnd(width);
  };
  const line = (cells: readonly string[]) =>
    `| ${headers.map((_, column) => pad(cells[column] ?? '', column)).join(' | ')} |`;
  const rule = `| ${widths
    .map((width, column) => (alignRight.includes(column) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))
    .join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Prints a titled table to the console. */
export function printTable(title: string, table: Table): void {
  console.log(`\n${title}\n${markdownTable(table)}\n`);
}
