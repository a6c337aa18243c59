// Interface languages. Catalogs are plain JSON files (one per language, flat "dotted.key":
// "text" with {name} placeholders) that translators edit without touching code. A missing key
// falls back to English; tests/i18n.test.js fails when code uses a key English lacks.

import en from './en.json';
import pl from './pl.json';
import fr from './fr.json';
import it from './it.json';
import es from './es.json';
import ro from './ro.json';
import lv from './lv.json';

type Catalog = Record<string, string>;

export const LANGUAGES: { code: string; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'pl', name: 'Polski' },
  { code: 'fr', name: 'Français' },
  { code: 'it', name: 'Italiano' },
  { code: 'es', name: 'Español' },
  { code: 'ro', name: 'Română' },
  { code: 'lv', name: 'Latviešu' },
];

const catalogs: Record<string, Catalog> = { en, pl, fr, it, es, ro, lv };
const STORAGE_KEY = 'impetus.language';

let current = 'en';
const listeners = new Set<() => void>();

function pick(candidates: readonly string[]): string | null {
  for (const c of candidates) {
    const base = c.toLowerCase().split('-')[0];
    if (catalogs[base]) return base;
  }
  return null;
}

// The remembered choice, else the browser's preferences, else English.
export function initLanguage(): string {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  current = pick(stored ? [stored] : []) ?? pick(navigator.languages ?? [navigator.language]) ?? 'en';
  document.documentElement.lang = current;
  return current;
}

export function language(): string {
  return current;
}

export function setLanguage(code: string): void {
  if (!catalogs[code] || code === current) return;
  current = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
  document.documentElement.lang = code;
  listeners.forEach((l) => l());
}

export function onLanguageChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = catalogs[current][key] ?? en[key as keyof typeof en] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? (typeof params[name] === 'number' ? formatNumber(params[name] as number) : String(params[name])) : `{${name}}`,
  );
}

// Numbers and dates follow the browser's region when it speaks the interface language
// (en-GB writes 29 Nov 2026, en-US Nov 29, 2026).
function locale(): string {
  const regional = (navigator.languages ?? []).find((l) => l.toLowerCase().split('-')[0] === current);
  return regional ?? current;
}

export function formatNumber(n: number, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(n);
}

export function formatArea(m2: number | null | undefined): string {
  if (m2 == null) return '–';
  if (m2 >= 10000) return `${formatNumber(m2 / 10000, 2)} ha`;
  return `${formatNumber(m2)} m²`;
}

// YYYY-MM-DD or an RFC 3339 timestamp, shown in the interface language.
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '–';
  const d = iso.length === 10 ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: withTime ? undefined : 'UTC',
  }).format(d);
}
