import { useState } from 'preact/hooks';
import { api, ApiError, type ImportReport } from '../api';
import { ErrorMessage } from '../components/Messages';
import { useDocumentTitle } from '../hooks';
import { formatNumber, t } from '../i18n';
import { paths } from '../router';

export function ImportPage({ ws }: { ws: string }) {
  useDocumentTitle(t('import.title'));
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [strict, setStrict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await api.importFile(ws, file, { format, dryRun, strict }));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="i-file">{t('import.file')}</label>
          <input id="i-file" type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json"
            aria-invalid={missing} aria-describedby={missing ? 'i-file-error' : undefined}
            onChange={(e) => { setFile((e.target as HTMLInputElement).files?.[0] ?? null); setMissing(false); }} />
          {missing && <p id="i-file-error" class="field-error">{t('import.choose')}</p>}
        </div>
        <div class="field">
          <label for="i-format">{t('import.format')}</label>
          <select id="i-format" value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value)}>
            <option value="">{t('import.detect')}</option>
            <option value="geojson">GeoJSON</option>
            <option value="brownfield">{t('import.brownfield')}</option>
            <option value="cnig">{t('import.cnig')}</option>
          </select>
        </div>
        <div class="field checks">
          <label><input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} /> {t('import.dry_run')}</label>
          <label><input type="checkbox" checked={strict} onChange={() => setStrict(!strict)} /> {t('import.strict')}</label>
        </div>
        <button type="submit" disabled={busy}>{busy ? t('import.running') : t('import.submit')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
      {error && error.fields.size > 0 && (
        <ul class="error-list">
          {[...error.fields].map(([k, v]) => <li key={k}>{k}: {v}</li>)}
        </ul>
      )}
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

function Rows({ title, rows }: { title: string; rows: ImportReport['rejected'] }) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{title}</caption>
        <thead><tr><th scope="col">{t('import.line')}</th><th scope="col">{t('import.reference')}</th><th scope="col">{t('import.reason')}</th></tr></thead>
        <tbody>
          {rows.map((r, i) => <tr key={i}><td>{r.line || '–'}</td><td>{r.reference}</td><td>{r.reason}</td></tr>)}
        </tbody>
      </table>
    </div>
  );
}
