// The public map's filters: text, kind, status, area, equipment and availability.

import { useEffect, useState } from 'preact/hooks';
import { KINDS, STATUSES, UTILITIES } from '../../api/enums';
import { t } from '../../i18n';
import { EMPTY_FILTERS, filtersToQuery, type Filters } from './filters';

export function FilterForm({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  // Typing waits for a pause; every other control applies at once.
  useEffect(() => {
    if (text === filters.q) return;
    const id = setTimeout(() => onChange({ ...filters, q: text }), 350);
    return () => clearTimeout(id);
  }, [text]);

  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const active = filtersToQuery(filters).toString() !== '';
  return (
    <form class="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => { e.preventDefault(); onChange({ ...filters, q: text }); }}>
      <div class="field">
        <label for="f-q">{t('filters.text')}</label>
        <input id="f-q" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="f-kind">{t('filters.kind')}</label>
        <select id="f-kind" value={filters.kind} onChange={(e) => onChange({ ...filters, kind: (e.target as HTMLSelectElement).value as Filters['kind'] })}>
          <option value="">{t('filters.any')}</option>
          {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
        </select>
      </div>
      <fieldset class="field">
        <legend>{t('filters.status')}</legend>
        <div class="checks">
          {STATUSES.map((s) => (
            <label key={s}>
              <input type="checkbox" name="status" value={s} checked={filters.status.includes(s)}
                onChange={() => onChange({ ...filters, status: toggle(filters.status, s) })} />
              {t(`status.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.area')}</legend>
        <div class="inline">
          <label>{t('filters.min')} <input type="number" min="0" step="any" inputMode="decimal" value={filters.minArea}
            onChange={(e) => onChange({ ...filters, minArea: (e.target as HTMLInputElement).value })} /></label>
          <label>{t('filters.max')} <input type="number" min="0" step="any" inputMode="decimal" value={filters.maxArea}
            onChange={(e) => onChange({ ...filters, maxArea: (e.target as HTMLInputElement).value })} /></label>
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.utilities')}</legend>
        <div class="checks">
          {UTILITIES.map((u) => (
            <label key={u}>
              <input type="checkbox" checked={filters.utilities.includes(u)}
                onChange={() => onChange({ ...filters, utilities: toggle(filters.utilities, u) })} />
              {t(`utility.${u}`)}
            </label>
          ))}
          <label>
            <input type="checkbox" checked={filters.stepFree} onChange={() => onChange({ ...filters, stepFree: !filters.stepFree })} />
            {t('field.step_free_access')}
          </label>
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.period')}</legend>
        <div class="inline">
          <label>{t('filters.from')} <input type="date" value={filters.from} onChange={(e) => onChange({ ...filters, from: (e.target as HTMLInputElement).value })} /></label>
          <label>{t('filters.to')} <input type="date" value={filters.to} onChange={(e) => onChange({ ...filters, to: (e.target as HTMLInputElement).value })} /></label>
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit">{t('filters.apply')}</button>
        {active && <button type="button" class="secondary" onClick={() => onChange(EMPTY_FILTERS)}>{t('filters.reset')}</button>}
      </div>
    </form>
  );
}

