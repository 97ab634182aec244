import { useEffect, useState } from 'preact/hooks';

import { api, qs, type Principal } from '../api';
import {
  Async,
  Badge,
  ErrorBox,
  Facts,
  Loading,
  memberStates,
  Notice,
  Page,
  SelectField,
  TextField,
  useApi,
  useId,
} from '../components';
import { useI18n, type I18n } from '../i18n';
import { navigate, useLocation } from '../router';

/** A link of the matcher: how an export and an import were paired, and what was compared. */
export interface LinkView {
  stage: number;
  pass?: string;
  decision: string;
  exportId: string;
  importId: string;
  certificate?: string | null;
  score: number | null;
  comparison: { field: string; level: string; weight: number | null }[];
  codes: string[];
  figures: Record<string, number | null>;
}

export interface DiscrepancyView {
  id: string;
  code: string;
  subtype?: string | null;
  severity: string;
  status: 'open' | 'explained' | 'resolved';
  period: string;
  exportingCountry: string;
  importingCountry: string;
  responsible?: string | null;
  mineral?: string | null;
  exportId?: string | null;
  importIds?: string[];
  certificate?: string | null;
  link?: { stage: number; score: number | null } | null;
  reason?: { en: string; fr: string } | null;
  figures?: Record<string, unknown>;
  commentCount?: number;
  records?: { exports: Record<string, unknown>[]; imports: Record<string, unknown>[] };
  matches?: LinkView[];
  comments?: {
    id: number;
    author: { name: string; role: string; country: string | null };
    body: string | null;
    statusFrom: string | null;
    statusTo: string | null;
    createdAt: string;
  }[];
}

const codes = [
  'CIF_FOB_ONLY',
  'TIMING_LAG',
  'QTY_MINOR',
  'QTY_MAJOR',
  'VALUE_MINOR',
  'VALUE_MAJOR',
  'UNIT_OR_CODE_ERROR',
  'PARTY_MISMATCH',
  'ORIGIN_MISMATCH',
  'UNMATCHED_EXPORT',
  'UNMATCHED_IMPORT',
  'AGG_ASYMMETRY',
  'CERT_UNKNOWN',
  'CERT_EXPIRED',
  'CERT_OVERDRAWN',
  'CERT_SITE_NOT_GREEN',
  'EXPORTER_SUSPENDED',
];
const statuses = ['open', 'explained', 'resolved'] as const;
const severities = ['major', 'minor', 'info'];

export function severityKind(s: string) {
  return s === 'major' ? 'bad' : s === 'minor' ? 'warn' : 'info';
}
export function statusKindOf(s: string) {
  return s === 'resolved' ? 'ok' : s === 'explained' ? 'info' : 'warn';
}

export function DiscrepancyListPage(_props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const { query } = useLocation();
  const keys = ['period', 'exportingCountry', 'importingCountry', 'code', 'severity', 'status'] as const;
  const filters = Object.fromEntries(keys.map((k) => [k, query.get(k) ?? ''])) as Record<
    (typeof keys)[number],
    string
  >;
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [query.toString()]);
  const res = useApi<{ items: DiscrepancyView[]; nextCursor?: unknown }>(
    `/v1/discrepancies${qs({ ...filters, limit: 100 })}`,
  );
  const states = memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }));
  return (
    <Page title={t('discrepanciesTitle')}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/console/discrepancies${qs(draft)}`);
        }}
      >
        <TextField
          label={t('period')}
          name="period"
          type="month"
          value={draft.period}
          onInput={(v) => setDraft({ ...draft, period: v })}
        />
        <SelectField
          label={t('exporter')}
          name="exportingCountry"
          value={draft.exportingCountry}
          allLabel={t('all')}
          options={states}
          onChange={(v) => setDraft({ ...draft, exportingCountry: v })}
        />
        <SelectField
          label={t('importer')}
          name="importingCountry"
          value={draft.importingCountry}
          allLabel={t('all')}
          options={states}
          onChange={(v) => setDraft({ ...draft, importingCountry: v })}
        />
        <SelectField
          label={t('code')}
          name="code"
          value={draft.code}
          allLabel={t('all')}
          options={codes.map((c) => ({ value: c, label: c }))}
          onChange={(v) => setDraft({ ...draft, code: v })}
        />
        <SelectField
          label={t('severity')}
          name="severity"
          value={draft.severity}
          allLabel={t('all')}
          options={severities.map((s) => ({ value: s, label: i.tr('severity', s) }))}
          onChange={(v) => setDraft({ ...draft, severity: v })}
        />
        <SelectField
          label={t('status')}
          name="status"
          value={draft.status}
          allLabel={t('all')}
          options={statuses.map((s) => ({ value: s, label: i.tr('status', s) }))}
          onChange={(v) => setDraft({ ...draft, status: v })}
        />
        <div class="filter-actions">
          <button type="submit">{t('apply')}</button>
          <button type="button" class="secondary" onClick={() => navigate('/console/discrepancies')}>
            {t('reset')}
          </button>
        </div>
      </form>
      <Async res={res}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('noData')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>{t('discrepanciesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('code')}</th>
                    <th scope="col">{t('corridor')}</th>
                    <th scope="col">{t('period')}</th>
                    <th scope="col">{t('mineral')}</th>
                    <th scope="col">{t('severity')}</th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col" class="num">
                      {t('score')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((x) => (
                    <tr key={x.id}>
                      <td>
                        <a href={`/console/discrepancies/${encodeURIComponent(x.id)}`}>
                          <code>{x.code}</code>
                          {x.subtype ? ` (${x.subtype})` : ''}
                        </a>
                      </td>
                      <td>
                        {x.exportingCountry} → {x.importingCountry}
                      </td>
                      <td>{x.period}</td>
                      <td>{i.tr('mineral', x.mineral)}</td>
                      <td>
                        <Badge kind={severityKind(x.severity)} label={i.tr('severity', x.severity)} />
                      </td>
                      <td>
                        <Badge kind={statusKindOf(x.status)} label={i.tr('status', x.status)} />
                      </td>
                      <td class="num">{x.link?.score == null ? '—' : i.num(x.link.score, 2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </Page>
  );
}

function show(v: unknown, i: I18n): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return i.num(v, 3);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => show(x, i)).join(', ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${show(x, i)}`)
    .join('; ');
}

/** The records side by side (the export, then each import), one row per field any of them has. */
function SideBySide(props: { exports: Record<string, unknown>[]; imports: Record<string, unknown>[] }) {
  const i = useI18n();
  const { t } = i;
  const columns = [
    ...props.exports.map((r) => ({ label: `${t('exportSide')} ${String(r.exportId ?? '')}`, r })),
    ...props.imports.map((r) => ({ label: `${t('importSide')} ${String(r.importId ?? '')}`, r })),
  ];
  if (columns.length === 0) return <p>{t('noRecord')}</p>;
  const skip = new Set(['batchId', 'schemaVersion', 'version', 'isVoid', 'createdAt', 'updatedAt']);
  const fields = [...new Set(columns.flatMap((c) => Object.keys(c.r)))].filter((f) => !skip.has(f));
  return (
    <div class="table-wrap">
      <table class="side-by-side">
        <caption>
          {t('exportSide')} / {t('importSide')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('field')}</th>
            {columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => {
            const values = columns.map((c) => show(c.r[f], i));
            const differs = props.exports.length > 0 && props.imports.length > 0 && new Set(values).size > 1;
            return (
              <tr key={f} class={differs ? 'differs' : undefined}>
                <th scope="row">{f}</th>
                {values.map((v, k) => (
                  <td key={k}>{v}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function LinkExplanation(props: { link: LinkView }) {
  const i = useI18n();
  const { t } = i;
  const l = props.link;
  return (
    <div class="link-explanation">
      <p>
        {t('stage_')} {l.stage}
        {l.pass ? ` (${l.pass})` : ''} · {l.decision} · {t('score')}{' '}
        {l.score == null ? '—' : i.num(l.score, 3)} · {l.exportId} → {l.importId}
        {l.codes.length ? ` · ${l.codes.join(', ')}` : ''}
      </p>
      {l.comparison.length === 0 ? null : (
        <table>
          <caption class="visually-hidden">
            {t('reasons')}: {l.exportId} → {l.importId}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('field')}</th>
              <th scope="col">{t('level')}</th>
              <th scope="col" class="num">
                {t('weight')}
              </th>
            </tr>
          </thead>
          <tbody>
            {l.comparison.map((c) => (
              <tr key={c.field}>
                <th scope="row">{c.field}</th>
                <td>{c.level}</td>
                <td class="num">{c.weight == null ? '—' : i.num(c.weight, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Facts
        items={Object.entries(l.figures)
          .filter(([, v]) => v != null)
          .map(([k, v]) => [k, show(v, i)])}
      />
    </div>
  );
}

export function DiscrepancyDetailPage(props: { id: string; principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const res = useApi<DiscrepancyView>(`/v1/discrepancies/${encodeURIComponent(props.id)}`);
  const [status, setStatus] = useState('');
  const [comment, setComment] = useState('');
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const commentId = useId('comment');
  useEffect(() => {
    if (res.data) setStatus(res.data.status);
  }, [res.data?.status]);
  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const d = res.data;
  if (!d) return <Loading />;
  const canChange = props.principal.role !== 'auditor';
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const body: Record<string, string> = {};
      if (status && status !== d.status) body.status = status;
      if (comment.trim()) body.comment = comment.trim();
      if (Object.keys(body).length === 0) return;
      await api(`/v1/discrepancies/${encodeURIComponent(d.id)}`, { method: 'PATCH', body });
      setComment('');
      setNotice({ text: t('saved'), kind: 'ok' });
      res.reload();
    } catch (err) {
      setNotice({ text: (err as Error).message, kind: 'error' });
    }
  };
  const matches = d.matches ?? [];
  return (
    <Page
      title={t('discrepancyTitle', { code: d.code })}
      actions={
        <>
          <Badge kind={severityKind(d.severity)} label={i.tr('severity', d.severity)} />{' '}
          <Badge kind={statusKindOf(d.status)} label={i.tr('status', d.status)} />
        </>
      }
    >
      <p>
        <a href="/console/discrepancies">{t('back')}</a>
      </p>
      {d.reason ? <p class="reason">{i.lang === 'fr' ? d.reason.fr : d.reason.en}</p> : null}
      <Facts
        items={[
          [t('corridor'), `${d.exportingCountry} → ${d.importingCountry}`],
          [t('period'), d.period],
          [t('mineral'), i.tr('mineral', d.mineral)],
          [t('code'), d.subtype ? `${d.code} (${d.subtype})` : d.code],
          [t('score'), d.link?.score == null ? '—' : i.num(d.link.score, 3)],
          [t('stage_'), d.link?.stage == null ? '—' : String(d.link.stage)],
          [t('responsible'), d.responsible ?? `${d.exportingCountry}, ${d.importingCountry}`],
          [t('certificate'), d.certificate ?? '—'],
        ]}
      />
      <section aria-labelledby="reasons-h">
        <h2 id="reasons-h">{t('reasons')}</h2>
        {matches.length === 0 ? (
          <p>{t('noLink')}</p>
        ) : (
          matches.map((l) => <LinkExplanation key={`${l.exportId}${l.importId}`} link={l} />)
        )}
        {d.figures && Object.keys(d.figures).length > 0 ? (
          <>
            <h3>{t('figures')}</h3>
            <Facts items={Object.entries(d.figures).map(([k, v]) => [k, show(v, i)])} />
          </>
        ) : null}
      </section>
      <section aria-labelledby="records-h">
        <h2 id="records-h">
          {t('exportSide')} / {t('importSide')}
        </h2>
        <SideBySide exports={d.records?.exports ?? []} imports={d.records?.imports ?? []} />
      </section>
      <section aria-labelledby="comments-h">
        <h2 id="comments-h">{t('comments')}</h2>
        {(d.comments ?? []).length === 0 ? (
          <p>{t('noComments')}</p>
        ) : (
          <ol class="comments">
            {(d.comments ?? []).map((c) => (
              <li key={c.id}>
                <p class="meta">
                  {c.author.name}
                  {c.author.country ? ` (${c.author.country})` : ''} · {i.dateTime(c.createdAt)}
                  {c.statusTo && c.statusTo !== c.statusFrom
                    ? ` · ${i.tr('status', c.statusFrom)} → ${i.tr('status', c.statusTo)}`
                    : ''}
                </p>
                {c.body ? <p>{c.body}</p> : null}
              </li>
            ))}
          </ol>
        )}
        {canChange ? (
          <form class="stack" onSubmit={(e) => void save(e)} aria-labelledby="change-h">
            <h3 id="change-h">{t('changeStatus')}</h3>
            <SelectField
              label={t('newStatus')}
              name="status"
              value={status}
              options={statuses.map((s) => ({ value: s, label: i.tr('status', s) }))}
              onChange={setStatus}
            />
            <div class="field">
              <label for={commentId}>{t('addComment')}</label>
              <textarea
                id={commentId}
                name="comment"
                rows={3}
                value={comment}
                onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </div>
            <div>
              <button type="submit">{t('save')}</button>
            </div>
            <Notice text={notice?.text ?? null} kind={notice?.kind} />
          </form>
        ) : null}
      </section>
    </Page>
  );
}
