import { parsePath } from '../rfc7643/paths.js';
import { keyOf } from './filter.js';

type Json = Record<string, unknown>;
/** Always returned whatever `attributes` says (RFC 7643 §7 "returned": "always"). */
const ALWAYS = new Set(['id', 'schemas', 'meta']);

function parse(list: string | undefined): Array<{ schema: string | null; attr: string; sub: string | null }> {
  if (!list) return [];
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => parsePath(s));
}

/** Refuses (400 invalidPath) `attributes` or `excludedAttributes` that are not attribute paths, before anything is written. */
export function checkProjection(attributes?: string, excluded?: string): void {
  parse(attributes);
  parse(excluded);
}

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): keeps only the named
 * attributes (and sub-attributes), or drops the excluded ones; `id`, `schemas` and `meta` stay.
 */
export function project(resource: Json, attributes?: string, excluded?: string): Json {
  const include = parse(attributes);
  if (include.length > 0) {
    const out: Json = {};
    for (const k of Object.keys(resource)) if (ALWAYS.has(k)) out[k] = resource[k];
    for (const p of include) {
      const src = p.schema ? (resource[keyOf(resource, p.schema) ?? ''] as Json | undefined) : resource;
      if (!src || typeof src !== 'object') continue;
      const k = keyOf(src, p.attr);
      if (k === undefined) continue;
      const dst = p.schema ? ((out[p.schema] as Json | undefined) ?? (out[p.schema] = {})) as Json : out;
      const v = src[k];
      if (p.sub && v && typeof v === 'object') {
        // An element that is not an object (a bare string a client stored) has no sub-attributes.
        const pick = (o: Json) => {
          if (o === null || typeof o !== 'object') return {};
          const sk = keyOf(o, p.sub!);
          return sk === undefined ? {} : { [sk]: o[sk] };
        };
        dst[k] = Array.isArray(v) ? v.map((e, i) => ({ ...((dst[k] as Json[] | undefined)?.[i] ?? {}), ...pick(e as Json) })) : { ...((dst[k] as Json) ?? {}), ...pick(v as Json) };
      } else dst[k] = v;
    }
    return out;
  }
  const exclude = parse(excluded);
  // Nothing to drop: the resource as it is (callers pass a representation built for this answer).
  if (exclude.length === 0) return resource;
  const out = structuredClone(resource);
  for (const p of exclude) {
    const holder = p.schema ? (out[keyOf(out, p.schema) ?? ''] as Json | undefined) : out;
    if (!holder || typeof holder !== 'object') continue;
    const k = keyOf(holder, p.attr);
    if (k === undefined || (!p.schema && ALWAYS.has(k))) continue;
    if (p.sub) {
      for (const e of Array.isArray(holder[k]) ? (holder[k] as Json[]) : [holder[k] as Json]) if (e && typeof e === 'object') delete e[keyOf(e, p.sub) ?? p.sub];
    } else delete holder[k];
  }
  return out;
}
