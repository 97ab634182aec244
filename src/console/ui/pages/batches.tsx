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
} from '../components';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../router';

export interface BatchView {
  batchId: string;
  reportingCountry: string;
  period: string;
  schemaVersion: string;
  submissionRef: string | null;
  acceptance: string;
  origin: 'push' | 'connector';
  connectorId: string | null;
  status: string;
  sha256: string;
  byteSize: number;
  receivedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { recordsDone: number; recordTotal: number; percent: number; chunkTotal: number | null };
  counts: {
    byType?: Record<string, Record<string, number>>;
    totals?: Record<string, number>;
  };
  stageTimings: Record<string, number>;
  error: { message: string } | null;
  attempts: number;
  links: { issuesCsv: string };
}

interface IssueView {
  id: number;
  recordIndex: number | null;
  recordType: string | null;
  key: string | null;
  path: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
  messageFr: string;
}

const statuses = [
  'received',
  'validating',
  'persisting',
  'completed',
  'completed_with_errors',
  'rejected',
  'failed',
];
const unfinished = new Set(['received', 'validating', 'persisting']);

export function statusKind(status: string): string {
  if (status === 'completed') return 'ok';
  if (status === 'completed_with_errors') return 'warn';
  if (status === 'rejected' || status === 'failed') return 'bad';
  return 'info';
}

export function BatchListPage(props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const { query } = useLocation();
  const filters = {
    country: query.get('country') ?? '',
    period: query.get('period') ?? '',
    status: query.get('status') ?? '',
    origin: query.get('origin') ?? '',
  };
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [query.toString()]);
  const [pages, setPages] = useState<BatchView[][]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const res = useApi<{ items: BatchView[]; nextCursor: number | null }>(
    `/v1/batches${qs({ ...filters, limit: 50 })}`,
  );
  useEffect(() => {
    setPages([]);
    setCursor(null);
  }, [query.toString()]);
  useEffect(() => {
    if (res.data) setCursor(res.data.nextCursor);
  }, [res.data]);

  const loadMore = async () => {
    if (cursor === null) return;
    const more = await api<{ items: BatchView[]; nextCursor: number | null }>(
      `/v1/batches${qs({ ...filters, limit: 50, cursor })}`,
    );
    setPages((p) => [...p, more.items]);
    setCursor(more.nextCursor);
  };
  const submitted = props.principal.role === 'submitter';
  return (
    <Page title={t('batchesTitle')}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/console/batches${qs(draft)}`);
        }}
      >
        {submitted ? null : (
          <SelectField
            label={t('country')}
            name="country"
            value={draft.country}
            allLabel={t('all')}
            options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
            onChange={(v) => setDraft({ ...draft, country: v })}
          />
        )}
        <TextField
          label={t('period')}
          name="period"
          type="month"
          value={draft.period}
          onInput={(v) => setDraft({ ...draft, period: v })}
          placeholder="YYYY-MM"
          pattern="\d{4}-\d{2}"
        />
        <SelectField
          label={t('status')}
          name="status"
          value={draft.status}
          allLabel={t('all')}
          options={statuses.map((s) => ({ value: s, label: i.tr('status', s) }))}
          onChange={(v) => setDraft({ ...draft, status: v })}
        />
        <SelectField
          label={t('origin')}
          name="origin"
          value={draft.origin}
          allLabel={t('all')}
          options={['push', 'connector'].map((s) => ({ value: s, label: i.tr('origin', s) }))}
          onChange={(v) => setDraft({ ...draft, origin: v })}
        />
        <div class="filter-actions">
          <button type="submit">{t('apply')}</button>
          <button type="button" class="secondary" onClick={() => navigate('/console/batches')}>
            {t('reset')}
          </button>
        </div>
      </form>
      <Async res={res}>
        {(d) => {
          const items = [...d.items, ...pages.flat()];
          if (items.length === 0) return <p>{t('noData')}</p>;
          return (
            <>
              <div class="table-wrap">
                <table>
                  <caption>{t('batchesCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('batch')}</th>
                      <th scope="col">{t('country')}</th>
                      <th scope="col">{t('period')}</th>
                      <th scope="col">{t('status')}</th>
                      <th scope="col" class="num">
                        {t('records')}
                      </th>
                      <th scope="col" class="num">
                        {t('count_stored')}
                      </th>
                      <th scope="col" class="num">
                        {t('count_invalid')}
                      </th>
                      <th scope="col">{t('origin')}</th>
                      <th scope="col">{t('received')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((b) => (
                      <tr key={b.batchId}>
                        <td>
                          <a href={`/console/batches/${b.batchId}`}>
                            <code>{b.batchId.slice(0, 8)}</code>
                            <span class="visually-hidden">
                              {' '}
                              {b.reportingCountry} {b.period}
                            </span>
                          </a>
                        </td>
                        <td>{b.reportingCountry}</td>
                        <td>{b.period}</td>
                        <td>
                          <Badge kind={statusKind(b.status)} label={i.tr('status', b.status)} />
                        </td>
                        <td class="num">{i.num(b.progress.recordTotal)}</td>
                        <td class="num">{i.num(b.counts.totals?.stored)}</td>
                        <td class="num">{i.num(b.counts.totals?.invalid)}</td>
                        <td>{i.tr('origin', b.origin)}</td>
                        <td>{i.dateTime(b.receivedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {cursor !== null ? (
                <button type="button" class="secondary" onClick={() => void loadMore()}>
                  {t('more')}
                </button>
              ) : null}
            </>
          );
        }}
      </Async>
    </Page>
  );
}

export function BatchDetailPage(props: { id: string; principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const res = useApi<BatchView>(`/v1/batches/${encodeURIComponent(props.id)}`);
  const [notice, setNotice] = useState<string | null>(null);
  // Follow a batch that is still being worked on.
  useEffect(() => {
    if (!res.data || !unfinished.has(res.data.status)) return;
    const timer = setTimeout(res.reload, 2000);
    return () => clearTimeout(timer);
  }, [res.data]);

  if (res.error) return <ErrorBox error={res.error} retry={res.reload} />;
  const b = res.data;
  if (!b) return <Loading />;
  const byType = Object.entries(b.counts.byType ?? {});
  const countKeys = ['received', 'stored', 'invalid', 'voided', 'rejected'] as const;
  const replay = async () => {
    await api(`/v1/batches/${b.batchId}/replay`, { method: 'POST' });
    setNotice(t('runStarted'));
    res.reload();
  };
  return (
    <Page
      title={t('batchTitle', { country: b.reportingCountry, month: i.month(b.period) })}
      actions={<Badge kind={statusKind(b.status)} label={i.tr('status', b.status)} />}
    >
      <p>
        <a href="/console/batches">{t('back')}</a>
      </p>
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">{t('summary')}</h2>
        <div class="progress-row">
          <label for="batch-progress">{t('progress')}</label>
          <progress id="batch-progress" max={100} value={b.progress.percent} />
          <span>
            {t('progressLabel', {
              done: i.num(b.progress.recordsDone),
              total: i.num(b.progress.recordTotal),
              percent: b.progress.percent,
            })}
          </span>
        </div>
        <Facts
          items={[
            [t('batchId'), <code>{b.batchId}</code>],
            [t('country'), `${b.reportingCountry} — ${i.country(b.reportingCountry)}`],
            [t('period'), b.period],
            [t('schemaVersion'), b.schemaVersion],
            [t('submissionRef'), b.submissionRef ?? '—'],
            [t('origin'), i.tr('origin', b.origin)],
            [t('acceptance'), b.acceptance],
            [t('received'), i.dateTime(b.receivedAt)],
            [t('finished'), i.dateTime(b.finishedAt)],
            [t('attempts'), i.num(b.attempts)],
            [t('size'), `${i.num(b.byteSize)} B`],
            [t('sha256'), <code class="wrap">{b.sha256}</code>],
          ]}
        />
        {b.error ? (
          <p class="notice error">
            {t('batchError')}: {b.error.message}
          </p>
        ) : null}
        {b.status === 'failed' && props.principal.role === 'secretariat' ? (
          <button type="button" onClick={() => void replay()}>
            {t('replay')}
          </button>
        ) : null}
        <Notice text={notice} />
      </section>

      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t('countsTitle')}</h2>
        {byType.length === 0 ? (
          <p>{t('noData')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{t('countsTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('recordType')}</th>
                  {countKeys.map((k) => (
                    <th scope="col" class="num" key={k}>
                      {t(`count_${k}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {byType.map(([type, c]) => (
                  <tr key={type}>
                    <th scope="row">{type}</th>
                    {countKeys.map((k) => (
                      <td class="num" key={k}>
                        {i.num(c[k] ?? 0)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
              {b.counts.totals ? (
                <tfoot>
                  <tr>
                    <th scope="row">{t('total')}</th>
                    {countKeys.map((k) => (
                      <td class="num" key={k}>
                        {i.num(b.counts.totals![k] ?? 0)}
                      </td>
                    ))}
                  </tr>
                </tfoot>
              ) : null}
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="timings-h">
        <h2 id="timings-h">{t('timingsTitle')}</h2>
        {Object.keys(b.stageTimings).length === 0 ? (
          <p>{t('noData')}</p>
        ) : (
          <table>
            <caption class="visually-hidden">{t('timingsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stage')}</th>
                <th scope="col" class="num">
                  {t('duration')}
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(b.stageTimings).map(([stage, ms]) => (
                <tr key={stage}>
                  <th scope="row">{stage}</th>
                  <td class="num">{i.num(ms)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <IssueReport batch={b} />
    </Page>
  );
}

function IssueReport(props: { batch: BatchView }) {
  const i = useI18n();
  const { t } = i;
  const [severity, setSeverity] = useState('');
  const [extra, setExtra] = useState<IssueView[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const base = `/v1/batches/${props.batch.batchId}/issues`;
  const res = useApi<{ items: IssueView[]; nextCursor: number | null }>(
    `${base}${qs({ severity, limit: 100 })}`,
  );
  useEffect(() => {
    setExtra([]);
    setCursor(res.data?.nextCursor ?? null);
  }, [res.data]);
  const more = async () => {
    if (cursor === null) return;
    const page = await api<{ items: IssueView[]; nextCursor: number | null }>(
      `${base}${qs({ severity, limit: 100, cursor })}`,
    );
    setExtra((x) => [...x, ...page.items]);
    setCursor(page.nextCursor);
  };
  return (
    <section aria-labelledby="issues-h">
      <h2 id="issues-h">{t('issuesTitle')}</h2>
      <div class="toolbar">
        <SelectField
          label={t('severity')}
          name="severity"
          value={severity}
          allLabel={t('all')}
          options={['error', 'warning'].map((s) => ({ value: s, label: i.tr('severity', s) }))}
          onChange={setSeverity}
        />
        <a
          class="button secondary"
          href={`${props.batch.links.issuesCsv}${severity ? `&severity=${severity}` : ''}`}
          download
        >
          {t('downloadIssues')}
        </a>
      </div>
      <Async res={res}>
        {(d) => {
          const items = [...d.items, ...extra];
          if (items.length === 0) return <p>{t('issuesNone')}</p>;
          return (
            <>
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">{t('issuesCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        {t('recordIndex')}
                      </th>
                      <th scope="col">{t('recordType')}</th>
                      <th scope="col">{t('key')}</th>
                      <th scope="col">{t('path')}</th>
                      <th scope="col">{t('code')}</th>
                      <th scope="col">{t('severity')}</th>
                      <th scope="col">{t('message')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((x) => (
                      <tr key={x.id}>
                        <td class="num">{x.recordIndex ?? '—'}</td>
                        <td>{x.recordType ?? '—'}</td>
                        <td>{x.key ?? '—'}</td>
                        <td>
                          <code>{x.path || '/'}</code>
                        </td>
                        <td>
                          <code>{x.code}</code>
                        </td>
                        <td>
                          <Badge
                            kind={x.severity === 'error' ? 'bad' : 'warn'}
                            label={i.tr('severity', x.severity)}
                          />
                        </td>
                        <td lang={i.lang}>{i.lang === 'fr' ? x.messageFr : x.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {cursor !== null ? (
                <button type="button" class="secondary" onClick={() => void more()}>
                  {t('more')}
                </button>
              ) : null}
            </>
          );
        }}
      </Async>
    </section>
  );
}
