// Pieces the pages of calls for temporary use share: the state of a call, deadlines shown in
// local time with the server's UTC value, reason codes (eligibility rules, matching) in words,
// the offered spaces on a map, and the signed-in account with its organisations.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../../api/client';
import type { Call, CallState, DecisionExplanation, MatchingExplanation, OfferedSpace, TakenBy, Workspace } from '../../api/types';
import { useLoad } from '../../hooks';
import { formatArea, formatDate, formatNumber, language, t } from '../../i18n';
import { boundsOf, createMap, geometryLayer, STATUS_COLOURS } from '../../map';
import { paths } from '../../router';
import { useSession } from '../../session';

// Colours with at least 3:1 contrast against white (WCAG 1.4.11), as the space statuses.
const STATE_COLOURS: Record<CallState, string> = {
  draft: '#545454',
  open: '#1b6e20',
  closed: '#8a4b00',
  evaluating: '#6a1b9a',
  decided: '#0d47a1',
};

export function CallStateBadge({ state }: { state: CallState }) {
  return (
    <span class="status" style={{ borderColor: STATE_COLOURS[state] }} data-testid="call-state">
      <span class="dot" style={{ background: STATE_COLOURS[state] }} aria-hidden="true" />
      {t(`call_state.${state}`)}
    </span>
  );
}

// An instant in the reader's time zone, with the server's UTC value beside it.
export function Instant({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <>–</>;
  return (
    <>
      <time dateTime={iso}>{formatDate(iso, true)}</time>{' '}
      <span class="muted">({t('calls.utc', { value: iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') })})</span>
    </>
  );
}

// A period [from, to) with its end exclusive, as the API writes it, shown with its last day.
export function period(from: string | null | undefined, to: string | null | undefined): string {
  return t('calls.period', { from: formatDate(from), to: formatDate(lastDay(to)) });
}

export function lastDay(exclusiveEnd: string | null | undefined): string | null | undefined {
  if (!exclusiveEnd || !/^\d{4}-\d{2}-\d{2}$/.test(exclusiveEnd)) return exclusiveEnd;
  const d = new Date(`${exclusiveEnd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function nextDay(inclusiveEnd: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(inclusiveEnd)) return inclusiveEnd;
  const d = new Date(`${inclusiveEnd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// <input type="datetime-local"> speaks local time without a zone; the API speaks UTC.
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The eligibility rules' reason codes ("document_missing:<name>" names the document).
export function eligibilityReason(code: string): string {
  const [head, ...rest] = code.split(':');
  if (head === 'document_missing') return t('eligibility_reason.document_missing', { name: rest.join(':') });
  const key = `eligibility_reason.${head}`;
  const text = t(key);
  return text === key ? code : text;
}

// The matching's reason codes ("utility_missing:<utility>" names the utility).
export function matchingReason(code: string): string {
  const [head, ...rest] = code.split(':');
  if (head === 'utility_missing') {
    const u = rest.join(':');
    const name = t(`utility.${u}`);
    return t('match_reason.utility_missing', { utility: name === `utility.${u}` ? u : name.toLocaleLowerCase(language()) });
  }
  const key = `match_reason.${head}`;
  const text = t(key);
  return text === key ? code : text;
}

// An area range as applicants give it (either bound may be missing).
export function areaRange(min: number | null | undefined, max: number | null | undefined): string {
  if (min != null && max != null) return t('calls.period', { from: formatArea(min), to: formatArea(max) });
  if (min != null) return t('application.area_min', { area: formatArea(min) });
  if (max != null) return t('application.area_max', { area: formatArea(max) });
  return t('application.area_any');
}

export function score(n: number | null | undefined): string {
  return n == null ? '–' : formatNumber(n, 1);
}

// The signed-in account with the organisations it acts for (GET /api/v1/me), loaded once the
// session is known; null for visitors.
export function useMe() {
  const session = useSession();
  return useLoad(() => (session ? api('get', '/api/v1/me') : Promise.resolve(null)), [session?.id ?? null]);
}

// The spaces a call offers, on a map with their period and capacity in each popup.
export function OfferedSpacesMap({ workspace, call, spaces }: { workspace: Workspace; call: Call; spaces: OfferedSpace[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = createMap(el.current!, workspace, t('call.map_label', { title: call.title }), { fitToSpaces: spaces.length === 0 });
    let bounds: L.LatLngBounds | null = null;
    for (const s of spaces) {
      if (!s.geometry) continue;
      const layer = geometryLayer(s.geometry, STATUS_COLOURS[s.status] ?? '#0d47a1');
      layer.bindPopup(() => {
        const div = document.createElement('div');
        const a = document.createElement('a');
        a.href = paths.space(workspace.slug, s.id);
        a.textContent = s.name;
        const p = document.createElement('p');
        p.textContent = `${period(s.call.available_from, s.call.available_to)} · ${t('call.capacity', { n: s.call.capacity })}`;
        div.append(a, p);
        return div;
      });
      layer.addTo(map);
      const b = boundsOf(s.geometry);
      bounds = bounds ? bounds.extend(b) : b;
    }
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17, padding: [30, 30], animate: false });
    return () => map.remove();
  }, [call.id, spaces.length]);
  return <div ref={el} class="small-map call-map" data-testid="call-map" />;
}

// The spaces a call offers, as the API returns them inside the call.
export function offeredSpaces(call: Call): OfferedSpace[] {
  return (call.offered_spaces ?? []) as unknown as OfferedSpace[];
}

// Why an application got a space or did not, in words: the space given with the jury's score and
// the applicant's ranking; per other space, the constraint that ruled it out or the applications
// that took its capacity. `explanation` is the matching's, or the eligibility verdict's.
// `spaceName` names spaces the explanation gives by id only.
export function ExplanationView({ ws, explanation, spaceName }: {
  ws: string; explanation: DecisionExplanation | MatchingExplanation | unknown; spaceName: (id: number) => string;
}) {
  if (!explanation) return <p>{t('decision.no_explanation')}</p>;
  const e = explanation as DecisionExplanation;
  if (e.reason === 'ineligible') {
    return (
      <div>
        <p>{t('decision.ineligible')}</p>
        <ul>{(e.codes ?? []).map((c) => <li key={c}>{eligibilityReason(c)}</li>)}</ul>
        {e.note && <p>{t('decision.officer_note', { note: e.note })}</p>}
      </div>
    );
  }
  if (e.reason === 'not_shortlisted') return <p>{t('decision.not_shortlisted')}</p>;
  const a = e.assignment;
  const others = (e.spaces ?? []).filter((v) => !(a && v.space === a.space));
  return (
    <div class="explanation">
      {a ? (
        <p data-testid="allocated">
          {t('decision.allocated_space', { space: a.space_name || spaceName(a.space) })} {period(a.start, a.end)}.{' '}
          <a href={paths.space(ws, a.space)}>{t('decision.see_space')}</a>
        </p>
      ) : (
        <p>{t('decision.no_space')}</p>
      )}
      <ul>
        {e.score != null && <li>{t('decision.score', { score: score(e.score) })}</li>}
        {a && e.preference_rank != null && <li>{t('decision.preference_rank', { rank: e.preference_rank })}</li>}
        {a && e.preference_rank == null && <li>{t('decision.not_ranked')}</li>}
        {a?.locked && <li>{t('decision.locked')}</li>}
      </ul>
      {others.length > 0 && (
        <>
          <h3>{a ? t('decision.other_spaces') : t('decision.why_not')}</h3>
          <ul data-testid="space-verdicts">
            {others.map((v) => (
              <li key={v.space}>
                <strong>{v.space_name || spaceName(v.space)}</strong>: {v.reasons.map(matchingReason).join('; ')}
                {v.taken_by && v.taken_by.length > 0 && (
                  <ul>
                    {(v.taken_by as unknown as TakenBy[]).map((tb) => (
                      <li key={tb.request}>{t('decision.taken_by', { title: tb.title || `#${tb.request}`, score: score(tb.score), period: period(tb.start, tb.end) })}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
