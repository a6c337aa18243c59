// The one way a page shows data it loads: loading, the API's problem, an empty answer, or the
// data itself.

import type { ComponentChildren } from 'preact';
import type { Loaded } from '../hooks';
import { ErrorMessage, Loading } from './Messages';

function isEmptyData(d: unknown): boolean {
  if (Array.isArray(d)) return d.length === 0;
  if (d && typeof d === 'object' && Array.isArray((d as { items?: unknown }).items)) return (d as { items: unknown[] }).items.length === 0;
  return false;
}

interface Props<T> {
  state: Loaded<T>;
  // Said instead of the children when the data is an empty list (or a page without items).
  empty?: string;
  children: (data: NonNullable<T>) => ComponentChildren;
}

export function Async<T>({ state, empty, children }: Props<T>) {
  if (state.error) return <ErrorMessage error={state.error} />;
  if (state.data === null || state.data === undefined) return state.loading ? <Loading /> : null;
  if (empty !== undefined && isEmptyData(state.data)) return <p>{empty}</p>;
  return <>{children(state.data as NonNullable<T>)}</>;
}
