// The OpenAPI document (src/http/openapi.json) linted by an independent validator: Redocly CLI
// with its recommended rules, configured by redocly.yaml at the repository root (every rule
// switched off there says why). No error and no warning. Runs offline: Redocly reads nothing
// from the network for a lint, and its telemetry and update notice are off here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(web, '..');
const cli = join(web, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
const config = join(root, 'redocly.yaml');

// Lints `file`; returns Redocly's JSON report ({totals: {errors, warnings}, problems}).
function lint(file) {
  const run = spawnSync(process.execPath, [cli, 'lint', file, '--config', config, '--format', 'json',
    '--max-problems', '1000'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  assert.equal(run.error, undefined, `redocly did not run: ${run.error}`);
  const start = run.stdout.indexOf('{');
  assert.ok(start >= 0, `no report from redocly (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(start));
}

function describe(problems) {
  return problems.map((p) => {
    const where = p.location?.[0]?.pointer ?? '';
    return `${p.severity} ${p.ruleId}: ${p.message} at ${where}`;
  }).join('\n');
}

test('the OpenAPI document has no error and no warning under the recommended rules', () => {
  const report = lint(join(root, 'src', 'http', 'openapi.json'));
  console.log(`redocly ${report.version}: ${report.totals.errors} errors, ` +
    `${report.totals.warnings} warnings, ${report.totals.ignored} ignored`);
  assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 }, describe(report.problems));
});

// The lint sees what it should: an operation without security or summary, and a document without
// servers, are refused with the same configuration.
test('the lint refuses a document that lacks what the rules demand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'impetus-lint-'));
  try {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Bad', version: '1', description: 'A document the lint must refuse' },
      paths: {
        '/things': {
          get: { operationId: 'listThings', responses: { 200: { description: 'ok' } } },
        },
      },
    }));
    const rules = new Set(lint(file).problems.map((p) => p.ruleId));
    for (const rule of ['security-defined', 'operation-summary', 'no-empty-servers', 'operation-4xx-response']) {
      assert.ok(rules.has(rule), `${rule} not reported (got ${[...rules].join(', ')})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
