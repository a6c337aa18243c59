// The one table of the interface: a caption (read by screen readers, shown when asked),
// column headers, one row per item, in a box that scrolls sideways on narrow screens.

import type { ComponentChildren } from 'preact';

export interface Column<R> {
  header: ComponentChildren;
  // A header only screen readers read (a column of buttons).
  hiddenHeader?: boolean;
  // The row's header cell (<th scope="row">).
  rowHeader?: boolean;
  cell: (row: R, index: number) => ComponentChildren;
  class?: string;
}

interface Props<R> {
  caption: string;
  showCaption?: boolean;
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string | number;
  // A row whose cells from column `from` on are one cell (a sheet with a declared conflict).
  span?: (row: R) => { from: number; content: ComponentChildren } | null;
  class?: string;
  testId?: string;
}

export function Table<R>({ caption, showCaption = false, columns, rows, rowKey, span, class: className, testId }: Props<R>) {
  return (
    <div class="table-scroll">
      <table class={className} data-testid={testId}>
        <caption class={showCaption ? undefined : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i}>{c.hiddenHeader ? <span class="visually-hidden">{c.header}</span> : c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => {
            const spanned = span?.(row) ?? null;
            const shown = spanned ? columns.slice(0, spanned.from) : columns;
            return (
              <tr key={rowKey(row, r)}>
                {shown.map((c, i) => (c.rowHeader
                  ? <th scope="row" key={i} class={c.class}>{c.cell(row, r)}</th>
                  : <td key={i} class={c.class}>{c.cell(row, r)}</td>))}
                {spanned && <td colSpan={columns.length - spanned.from}>{spanned.content}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
