import type { Principal } from '../api';
import { Async, Page, useApi } from '../components';
import { useI18n } from '../i18n';

type CellState = 'notDue' | 'missing' | 'received' | 'withErrors' | 'late' | 'complete';

interface Cell {
  country: string;
  period: string;
  state: CellState;
  late: boolean;
  deadline: string;
  batches: number;
  latestBatchId: string | null;
  records: { received: number; stored: number; errors: number };
}

interface Completeness {
  from: string;
  to: string;
  deadlineDay: number;
  countries: string[];
  periods: string[];
  cells: Cell[];
}

const symbols: Record<CellState, string> = {
  notDue: '·',
  missing: '✗',
  received: '…',
  withErrors: '!',
  late: '◷',
  complete: '✓',
};
const legendOrder: CellState[] = ['complete', 'late', 'received', 'withErrors', 'missing', 'notDue'];

export function CompletenessPage(_props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const res = useApi<Completeness>('/v1/completeness?months=12');
  return (
    <Page title={t('completenessTitle')}>
      <Async res={res}>
        {(d) => {
          const byKey = new Map(d.cells.map((c) => [`${c.country}|${c.period}`, c]));
          return (
            <>
              <p>{t('completenessIntro', { months: d.periods.length, day: d.deadlineDay })}</p>
              <div class="legend" aria-label={t('legend')} role="group">
                {legendOrder.map((s) => (
                  <span key={s} class={`cell cell-${s} legend-item`}>
                    <span aria-hidden="true">{symbols[s]}</span> {t(`cell_${s}`)}
                  </span>
                ))}
              </div>
              <div class="table-wrap" tabIndex={0} role="region" aria-label={t('completenessCaption')}>
                <table class="grid completeness">
                  <caption>{t('completenessCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('state')}</th>
                      {d.periods.map((p) => (
                        <th scope="col" key={p}>
                          {i.month(p)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {d.countries.map((c) => (
                      <tr key={c}>
                        <th scope="row">
                          <abbr title={i.country(c)}>{c}</abbr>{' '}
                          <span class="country-name">{i.country(c)}</span>
                        </th>
                        {d.periods.map((p) => {
                          const cell = byKey.get(`${c}|${p}`);
                          if (!cell) return <td key={p} />;
                          const label = t('cellLabel', {
                            country: i.country(c),
                            month: i.month(p),
                            state: t(`cell_${cell.state}`),
                          });
                          const title =
                            `${label}. ${t('cellBatches', { n: cell.batches })}` +
                            (cell.late && cell.batches ? `; ${t('lateNote')}` : '');
                          return (
                            <td key={p} class={`cell cell-${cell.state}`}>
                              <a
                                href={`/console/batches?country=${c}&period=${p}`}
                                aria-label={title}
                                title={title}
                              >
                                <span aria-hidden="true">{symbols[cell.state]}</span>
                                <span class="cell-text" aria-hidden="true">
                                  {t(`cell_${cell.state}`)}
                                </span>
                              </a>
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Async>
    </Page>
  );
}
