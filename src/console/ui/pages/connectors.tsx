import { useState } from 'preact/hooks';

import { api } from '../api';
import { Async, Badge, Notice, Page, useApi } from '../components';
import { useI18n } from '../i18n';

export interface ConnectorView {
  id: string;
  name: string;
  title?: string | null;
  kind: string;
  country: string;
  enabled?: boolean;
  health?: string;
  status?: {
    health?: string;
    lastRunAt?: string | null;
    lastRunStatus?: string | null;
    nextRunAt?: string | null;
    cursor?: unknown;
    lastError?: string | { message: string; code?: string | null } | null;
    consecutiveFailures?: number;
    rows?: { read?: number; mapped?: number; rejected?: number };
  };
}

function healthKind(h: string | undefined) {
  return h === 'ok' ? 'ok' : h === 'failing' || h === 'paused' ? 'bad' : 'info';
}

export function ConnectorsPage(props: { canRun: boolean }) {
  const i = useI18n();
  const { t } = i;
  const res = useApi<{ items: ConnectorView[] }>('/v1/connectors');
  const [notice, setNotice] = useState<string | null>(null);
  const runNow = async (c: ConnectorView) => {
    try {
      await api(`/v1/connectors/${c.id}/run`, { method: 'POST' });
      setNotice(t('runRequested', { name: c.title ?? c.name }));
      res.reload();
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <Page title={t('connectorsTitle')}>
      <p>{t('connectorsIntro')}</p>
      <Notice text={notice} />
      <Async res={res}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('noData')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>{t('connectorsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('name')}</th>
                    <th scope="col">{t('country')}</th>
                    <th scope="col">{t('kind')}</th>
                    <th scope="col">{t('health')}</th>
                    <th scope="col">{t('lastRun')}</th>
                    <th scope="col">{t('nextRun')}</th>
                    <th scope="col">{t('cursor')}</th>
                    <th scope="col">{t('rows')}</th>
                    <th scope="col">{t('lastError')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t('runNow')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((c) => {
                    const s = c.status ?? {};
                    const health =
                      s.health ??
                      c.health ??
                      (c.enabled === false ? 'disabled' : s.lastRunAt ? 'ok' : 'never');
                    const err = typeof s.lastError === 'string' ? s.lastError : s.lastError?.message;
                    return (
                      <tr key={c.id}>
                        <th scope="row">
                          {c.title ?? c.name}
                          {c.title ? <span class="small"> ({c.name})</span> : null}
                        </th>
                        <td>{c.country}</td>
                        <td>{c.kind}</td>
                        <td>
                          <Badge kind={healthKind(health)} label={i.tr('health', health)} />
                        </td>
                        <td>{i.dateTime(s.lastRunAt ?? null)}</td>
                        <td>{i.dateTime(s.nextRunAt ?? null)}</td>
                        <td>
                          <code class="wrap">
                            {s.cursor == null
                              ? '—'
                              : typeof s.cursor === 'string'
                                ? s.cursor
                                : JSON.stringify(s.cursor)}
                          </code>
                        </td>
                        <td class="num">
                          {s.rows
                            ? `${i.num(s.rows.read)} / ${i.num(s.rows.mapped)} / ${i.num(s.rows.rejected)}`
                            : '—'}
                        </td>
                        <td>{err ?? '—'}</td>
                        <td>
                          {props.canRun ? (
                            <button
                              type="button"
                              class="secondary"
                              onClick={() => void runNow(c)}
                              aria-label={`${t('runNow')}: ${c.title ?? c.name}`}
                            >
                              {t('runNow')}
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </Page>
  );
}
