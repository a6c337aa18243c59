// The one way the interface calls the API: api(method, path, options), typed end to end by
// the OpenAPI document (src/http/openapi.json, turned into src/generated/openapi.ts at build
// time). The path is the document's template ('/api/v1/workspaces/{workspace}/spaces/{id}');
// its parameters, the query, the headers and the body are checked against the operation, and
// the answer has the type of its success response (null for 204).
//
// Errors arrive as RFC 9457 problems (application/problem+json) and are thrown as ApiError,
// whose `fields` map each failing field's JSON Pointer (/name, /geometry ...) or query
// parameter to its message. A request that never reached the server is ApiError status 0.

import type { paths } from '../generated/openapi';
import { csrfToken } from '../session';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Defined<T> = Exclude<T, undefined>;
type IsNever<T> = [T] extends [never] ? true : false;

// The paths that have an operation for `method`.
export type PathFor<M extends Method> = {
  [P in keyof paths]: IsNever<Defined<paths[P][M]>> extends true ? never : P;
}[keyof paths];

export type Operation<M extends Method, P extends PathFor<M>> = Defined<paths[P][M]>;

type Parameters<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Parameters<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Parameters<O> extends { query?: infer X } ? Defined<X> : never;
type HeaderParams<O> = Parameters<O> extends { header?: infer X } ? Defined<X> : never;
type Content<O> = O extends { requestBody?: infer B } ? (Defined<B> extends { content: infer C } ? C : never) : never;
type JsonBody<C> = IsNever<C> extends true ? never
  : 'application/json' extends keyof C ? C['application/json']
  : 'application/merge-patch+json' extends keyof C ? C['application/merge-patch+json']
  : never;
type TakesFile<C> = IsNever<C> extends true ? false : 'application/octet-stream' extends keyof C ? true : false;

export type RequestOptions<O> =
  (IsNever<PathParams<O>> extends true ? { path?: never } : { path: PathParams<O> })
  & (IsNever<QueryParams<O>> extends true ? { query?: never } : { query?: QueryParams<O> })
  & (IsNever<HeaderParams<O>> extends true ? { header?: never } : { header?: HeaderParams<O> })
  & (IsNever<JsonBody<Content<O>>> extends true ? { body?: never } : { body?: JsonBody<Content<O>> })
  & (TakesFile<Content<O>> extends true ? { file?: Blob } : { file?: never });

// The query of an operation, for code that builds one up (filters).
export type QueryOf<M extends Method, P extends PathFor<M>> = QueryParams<Operation<M, P>>;

type SuccessCode = 200 | 201 | 202 | 204;
type Responses<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: infer C } ? (C extends { 'application/json': infer J } ? J : unknown) : null;
export type Result<O> = JsonOf<Responses<O>[Extract<keyof Responses<O>, SuccessCode>]>;

// Options are required when the path has parameters.
type Args<O> = IsNever<PathParams<O>> extends true ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

export class ApiError extends Error {
  status: number;
  hint: string;
  // JSON Pointer (or query parameter) -> message, in the order the server listed them.
  fields: Map<string, string>;

  constructor(status: number, detail: string, hint = '', fields = new Map<string, string>()) {
    super(detail);
    this.status = status;
    this.hint = hint;
    this.fields = fields;
  }
}

// The If-Match header of a change based on `version` (optimistic concurrency).
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;

// The path with its parameters filled in and the query appended (lists comma-separated, empty
// values left out).
function urlOf(path: string, params?: object, query?: object): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String((params as Record<string, string | number> | undefined)?.[name] ?? '')));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, QueryValue>)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else {
      q.set(k, String(v));
    }
  }
  const s = q.toString();
  return s ? `${filled}?${s}` : filled;
}

// The address of a GET operation, for links and downloads (CSV, GeoJSON, attachments).
export function href<P extends PathFor<'get'>>(path: P, ...[options]: Args<Operation<'get', P>>): string {
  const o = (options ?? {}) as { path?: object; query?: object };
  return urlOf(path, o.path, o.query);
}

export async function api<M extends Method, P extends PathFor<M>>(
  method: M,
  path: P,
  ...[options]: Args<Operation<M, P>>
): Promise<Result<Operation<M, P>>> {
  const o = (options ?? {}) as { path?: object; query?: object; header?: Record<string, string>; body?: unknown; file?: Blob };
  const headers: Record<string, string> = { Accept: 'application/json', ...o.header };
  // Writes carry the session's CSRF token (the session itself travels in its cookie).
  if (method !== 'get' && csrfToken()) headers['X-CSRF-Token'] = csrfToken();
  let body: BodyInit | undefined;
  if (o.file) {
    body = o.file;
    headers['Content-Type'] = 'application/octet-stream';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['Content-Type'] = method === 'patch' ? 'application/merge-patch+json' : 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(urlOf(path, o.path, o.query), { method: method.toUpperCase(), body, headers });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 204) return null as Result<Operation<M, P>>;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not an answer of the API (a proxy's error page): as if the server could not be reached.
    if (res.ok) throw new ApiError(0, 'network');
  }
  if (!res.ok) throw problemOf(res, data);
  return data as Result<Operation<M, P>>;
}

function problemOf(res: Response, data: unknown): ApiError {
  const p = (data ?? {}) as { detail?: string; hint?: string; errors?: { pointer?: string; parameter?: string; detail: string }[] };
  const fields = new Map<string, string>();
  for (const e of p.errors ?? []) fields.set(e.pointer ?? e.parameter ?? '', e.detail);
  return new ApiError(res.status, p.detail ?? res.statusText, p.hint ?? '', fields);
}
