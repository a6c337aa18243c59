import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { IMPORT_FORMATS } from '../../api/enums';
import type { ImportFormat, ImportReport, ImportRow } from '../../api/types';
import { Field } from '../../components/Field';
import { ErrorMessage } from '../../components/Messages';
import { Table } from '../../components/Table';
import { useAction, useDocumentTitle } from '../../hooks';
import { formatNumber, t } from '../../i18n';
import { paths } from '../../router';

// How each format is named in the list (GeoJSON is its own name).
const FORMAT_LABELS: Record<ImportFormat, () => string> = {
  geojson: () => 'GeoJSON',
  brownfield: () => t('import.brownfield'),
  cnig: () => t('import.cnig'),
};

export function ImportPage({ ws }: { ws: string }) {
  useDocumentTitle(t('import.title'));
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat | ''>('');
  const [dryRun, setDryRun] = useState(false);
  const [strict, setStrict] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [missing, setMissing] = useState(false);
  const action = useAction();

  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    setReport(null);
    action.run(async () => {
      setReport(await api('post', '/api/v1/workspaces/{workspace}/imports', {
        path: { workspace: ws },
        query: { file_name: file.name, format: format || undefined, dry_run: dryRun || undefined, strict: strict || undefined },
        file,
      }));
    });
  };

  return (
    <section class="narrow">
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <form onSubmit={submit} noValidate>
        <Field id="i-file" label={t('import.file')} error={missing ? t('import.choose') : undefined}>
          <input type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json"
            onChange={(e) => { setFile((e.target as HTMLInputElement).files?.[0] ?? null); setMissing(false); }} />
        </Field>
        <Field id="i-format" label={t('import.format')}>
          <select value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as ImportFormat | '')}>
            <option value="">{t('import.detect')}</option>
            {IMPORT_FORMATS.map((f) => <option key={f} value={f}>{FORMAT_LABELS[f]()}</option>)}
          </select>
        </Field>
        <div class="field checks">
          <label><input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} /> {t('import.dry_run')}</label>
          <label><input type="checkbox" checked={strict} onChange={() => setStrict(!strict)} /> {t('import.strict')}</label>
        </div>
        <button type="submit" disabled={action.busy}>{action.busy ? t('import.running') : t('import.submit')}</button>
      </form>
      {action.error && <ErrorMessage error={action.error} fields />}
      {report && <Report report={report} />}
    </section>
  );
}

function Report({ report }: { report: ImportReport }) {
  return (
    <section class="report" aria-labelledby="report-heading" role="status">
      <h2 id="report-heading">{report.dry_run ? t('import.report_dry') : t('import.report')}</h2>
      <p>{report.file_name} · {report.format} · {report.encoding} · {report.source}</p>
      <dl class="counts" data-testid="import-counts">
        <div><dt>{t('import.rows')}</dt><dd>{formatNumber(report.rows)}</dd></div>
        <div><dt>{t('import.created')}</dt><dd>{formatNumber(report.created)}</dd></div>
        <div><dt>{t('import.updated')}</dt><dd>{formatNumber(report.updated)}</dd></div>
        <div><dt>{t('import.unchanged')}</dt><dd>{formatNumber(report.unchanged)}</dd></div>
        <div><dt>{t('import.rejected')}</dt><dd>{formatNumber(report.rejected.length)}</dd></div>
        <div><dt>{t('import.ended')}</dt><dd>{formatNumber(report.ended)}</dd></div>
      </dl>
      {report.rejected.length > 0 && <Rows title={t('import.rejected_rows')} rows={report.rejected} />}
      {report.warnings.length > 0 && <Rows title={t('import.warnings')} rows={report.warnings} />}
    </section>
  );
}

function Rows({ title, rows }: { title: string; rows: ImportRow[] }) {
  return (
    <Table<ImportRow> caption={title} showCaption rows={rows} rowKey={(_, i) => i} columns={[
      { header: t('import.line'), cell: (r) => r.line || '–' },
      { header: t('import.reference'), cell: (r) => r.reference },
      { header: t('import.reason'), cell: (r) => r.reason },
    ]} />
  );
}
