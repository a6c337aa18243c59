// Message catalogs: every key the code uses exists in English, and every catalog speaks the
// same keys and placeholders as English (missing keys fall back to English at run time, but a
// key with other placeholders would show raw braces).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const i18n = join(src, 'i18n');
const en = JSON.parse(readFileSync(join(i18n, 'en.json'), 'utf8'));

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(f) ? [readFileSync(p, 'utf8')] : [];
  });
}

// Enumerations the code turns into keys with a template (`status.${s}`): those of the API
// definition come from it (a value added there needs its words here), the others are the
// interface's own.
const openapi = JSON.parse(readFileSync(join(src, '..', '..', 'src', 'http', 'openapi.json'), 'utf8'));
const schemas = openapi.components.schemas;
const values = (schema) => schema.enum.filter((v) => v !== null);
const families = {
  status: values(schemas.SpaceStatus),
  kind: values(schemas.SpaceKind),
  owner: values(schemas.OwnerType),
  building: values(schemas.BuildingType),
  condition: values(schemas.Condition),
  vacancy: values(schemas.Vacancy),
  utility: Object.keys(schemas.SpaceFields.properties.utilities.properties),
  job: values(schemas.JobStatus),
  phase: values(schemas.JobProgress.properties.phase),
  lifecycle: ['vacant', 'disused', 'abandoned', 'ruin'],
  vacant_for: values(schemas.VacantFor),
  report_status: values(schemas.ReportStatus),
  role: values(schemas.Role),
  factor: ['transit', 'amenities', 'shops', 'condition', 'size', 'green_deficit', 'park_distance', 'open_land'],
  call_state: values(schemas.CallState),
  category: values(schemas.ProjectCategory),
  fee_model: values(schemas.FeeModel),
  setting: values(schemas.Needs.properties.setting),
  org_type: values(schemas.OrganisationType),
  application_status: values(schemas.Application.properties.status),
  eligibility_status: values(schemas.EligibilityCheck.properties.status),
  outcome: values(schemas.Decision.properties.outcome),
  solver: values(schemas.MatchingRequest.properties.solver),
  eligibility_reason: ['organisation_type', 'duration_too_short', 'duration_too_long', 'period_outside_call', 'document_missing', 'no_ranked_space', 'other'],
  match_reason: ['assigned', 'area_unknown', 'area_too_small', 'area_too_large', 'indoor_mismatch', 'outdoor_mismatch', 'utility_missing',
    'step_free_missing', 'period_outside_availability', 'not_in_preferences', 'excluded_by_officer', 'locked_elsewhere', 'capacity_taken',
    'assigned_elsewhere', 'not_chosen'],
  call_form: ['score_weight', 'area_weight', 'preference_weight', 'distance_weight', 'mean', 'median'],
};

test('every literal key used in the code exists in English', () => {
  const used = new Set();
  for (const text of sources(src)) {
    for (const m of text.matchAll(/\bt\(\s*'([a-z_]+\.[a-z0-9_.]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 100, `found ${used.size} keys`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
});

test('every key built from an enumeration exists in English', () => {
  const text = sources(src).join('\n');
  const missing = [];
  for (const [family, values] of Object.entries(families)) {
    assert.ok(values.length > 0, `family ${family} has values`);
    assert.ok(text.includes(`\`${family}.\${`) || text.includes(`'${family}'`), `family ${family} is used`);
    for (const v of values) if (!(`${family}.${v}` in en)) missing.push(`${family}.${v}`);
  }
  assert.deepEqual(missing, []);
});

test('every catalog has the English keys with the same placeholders', () => {
  const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const file of readdirSync(i18n).filter((f) => f.endsWith('.json') && f !== 'en.json')) {
    const catalog = JSON.parse(readFileSync(join(i18n, file), 'utf8'));
    const extra = Object.keys(catalog).filter((k) => !(k in en));
    assert.deepEqual(extra, [], `${file} has keys English does not`);
    for (const [k, v] of Object.entries(catalog)) {
      assert.equal(placeholders(v), placeholders(en[k]), `${file} ${k}`);
    }
  }
});

test('English and Polish are complete; the others cover the public map and space page', () => {
  const publicSections = ['nav', 'footer', 'home', 'notfound', 'common', 'error', 'map', 'filters', 'status', 'kind', 'owner', 'building', 'condition', 'vacancy', 'utility', 'field', 'space', 'history'];
  for (const lang of ['pl', 'fr', 'it', 'es', 'ro', 'lv']) {
    const catalog = JSON.parse(readFileSync(join(i18n, `${lang}.json`), 'utf8'));
    const required = Object.keys(en).filter((k) => lang === 'pl' || publicSections.includes(k.split('.')[0]));
    const missing = required.filter((k) => !(k in catalog));
    assert.deepEqual(missing, [], `${lang} lacks keys`);
  }
});

// What the server writes into the audit log, read from its sources: every record_audit(...)
// call names its entity (a string) and its action (strings, a variable set from strings a few
// lines above, or enum_name of a parameter whose callers pass Enum::value). A call this reader
// cannot follow fails the test rather than going unchecked.
function cppFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return cppFiles(p);
    return f.endsWith('.cpp') ? [p] : [];
  });
}

function args(text, open) {
  const out = [];
  let depth = 0, cur = '', quote = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) { cur += c; if (c === '\\') { cur += text[++i]; } else if (c === '"') quote = false; continue; }
    if (c === '"') { quote = true; cur += c; continue; }
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c)) { if (depth === 0) { out.push(cur.trim()); return out; } depth--; }
    if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  throw new Error('unbalanced record_audit call');
}

const strings = (s) => [...s.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);

export function auditKeys() {
  const root = join(src, '..', '..', 'src');
  const entities = new Set();
  const actions = new Set();
  for (const file of cppFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\brecord_audit\(/g)) {
      if (/void\s+$/.test(text.slice(Math.max(0, m.index - 10), m.index))) continue; // its definition
      const a = args(text, m.index + m[0].length - 1);
      const where = `${file}:${text.slice(0, m.index).split('\n').length}`;
      const entity = /^"([a-z_]+)"$/.exec(a[2]);
      assert.ok(entity, `${where}: the entity is not a string: ${a[2]}`);
      entities.add(entity[1]);
      const action = a[4];
      let found = strings(action);
      const variable = /^(?:std::string\()?([a-z_]+)\)?$/.exec(action);
      const enumName = /enum_name\(([a-z_]+)\)/.exec(action);
      if (enumName) {
        // the parameter's type in the enclosing function, and the values its callers pass
        const before = text.slice(0, m.index);
        const sig = [...before.matchAll(new RegExp(`\\n\\w[^\\n;{]*?\\b(\\w+)\\(([^)]*\\b(\\w+)\\s+${enumName[1]}\\b[^)]*)\\)`, 'g'))].pop();
        assert.ok(sig, `${where}: cannot find the type of ${enumName[1]}`);
        const [, fn, , type] = sig;
        found = [...text.matchAll(new RegExp(`\\b${fn}\\([^;]*?${type}::(\\w+)`, 'g'))].map((c) => c[1]);
      } else if (found.length === 0 && variable) {
        const def = [...text.slice(0, m.index).matchAll(new RegExp(`\\b${variable[1]}\\s*=([^;]*);`, 'g'))].pop();
        assert.ok(def, `${where}: cannot find what ${variable[1]} holds`);
        found = strings(def[1]);
      }
      assert.ok(found.length > 0, `${where}: cannot tell the action of ${action}`);
      found.forEach((x) => actions.add(x));
    }
  }
  return [...[...entities].map((e) => `entity.${e}`), ...[...actions].map((x) => `audit.action.${x}`)].sort();
}

test('every audit entry the server can write has its words in every language', () => {
  const keys = auditKeys();
  assert.ok(keys.includes('entity.space') && keys.includes('audit.action.transition'), keys.join(' '));
  assert.ok(keys.length > 25, `found ${keys.length} keys`);
  for (const file of readdirSync(i18n).filter((f) => f.endsWith('.json'))) {
    const catalog = JSON.parse(readFileSync(join(i18n, file), 'utf8'));
    assert.deepEqual(keys.filter((k) => !(k in catalog)), [], `${file} lacks audit words`);
  }
});
