import { useEffect, useState } from 'preact/hooks';

import { api, qs, type Principal } from '../api';
import { ChartFigure, palette } from '../chart';
import { Async, memberStates, minerals, Notice, Page, SelectField, useApi } from '../components';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../router';

interface CorridorTotal {
  exporter: string;
  importer: string;
  mineral: string;
  exportKg: number;
  importKg: number;
  exportUsd: number;
  importUsd: number;
}
interface CorridorMonth {
  month: string;
  exportKg: number;
  importKg: number;
  exportUsd: number;
  importUsd: number;
}

/** Relative gap of the mirror: (imports − exports) / exports; null when nothing was exported. */
export function gap(exportKg: number, importKg: number): number | null {
  return exportKg > 0 ? (importKg - exportKg) / exportKg : null;
}

export function ReconciliationPage(props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const { query } = useLocation();
  const corridors = useApi<{ from: string; to: string; items: CorridorTotal[] }>('/v1/corridors');
  const first = corridors.data?.items[0];
  const sel = {
    exporter: query.get('exporter') ?? first?.exporter ?? '',
    importer: query.get('importer') ?? first?.importer ?? '',
    mineral: query.get('mineral') ?? first?.mineral ?? '',
  };
  const ready = sel.exporter && sel.importer && sel.mineral;
  const flows = useApi<{ months: CorridorMonth[] }>(ready ? `/v1/corridors/flows${qs(sel)}` : null);
  const [draft, setDraft] = useState(sel);
  useEffect(() => setDraft(sel), [sel.exporter, sel.importer, sel.mineral]);
  const [notice, setNotice] = useState<string | null>(null);

  const runMatcher = async () => {
    const period = corridors.data?.to;
    try {
      await api('/v1/reconciliation/runs', {
        method: 'POST',
        body: { period, exportingCountry: sel.exporter, importingCountry: sel.importer },
      });
      setNotice(t('runStarted'));
    } catch (e) {
      setNotice((e as Error).message);
    }
  };

  return (
    <Page title={t('reconciliationTitle')}>
      <p>{t('reconciliationIntro')}</p>
      <form
        class="filters"
        aria-label={t('corridor')}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/console/reconciliation${qs(draft)}`);
        }}
      >
        <SelectField
          label={t('exporter')}
          name="exporter"
          value={draft.exporter}
          options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
          onChange={(v) => setDraft({ ...draft, exporter: v })}
        />
        <SelectField
          label={t('importer')}
          name="importer"
          value={draft.importer}
          options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
          onChange={(v) => setDraft({ ...draft, importer: v })}
        />
        <SelectField
          label={t('mineral')}
          name="mineral"
          value={draft.mineral}
          options={minerals.map((m) => ({ value: m, label: i.tr('mineral', m) }))}
          onChange={(v) => setDraft({ ...draft, mineral: v })}
        />
        <div class="filter-actions">
          <button type="submit">{t('apply')}</button>
        </div>
      </form>
      {ready ? (
        <Async res={flows}>
          {(d) => (
            <ChartFigure
              title={t('flowsChart', {
                a: sel.exporter,
                b: sel.importer,
                mineral: i.tr('mineral', sel.mineral),
              })}
              labels={d.months.map((m) => i.month(m.month))}
              unit="kg"
              series={[
                {
                  label: t('exportsAtoB', { a: sel.exporter, b: sel.importer }),
                  color: palette[0]!,
                  data: d.months.map((m) => m.exportKg),
                },
                {
                  label: t('importsBfromA', { a: sel.exporter, b: sel.importer }),
                  color: palette[1]!,
                  data: d.months.map((m) => m.importKg),
                },
              ]}
            />
          )}
        </Async>
      ) : null}
      {ready && props.principal.role === 'secretariat' ? (
        <p>
          <button type="button" class="secondary" onClick={() => void runMatcher()}>
            {t('runReconciliation')}
          </button>
          <a
            class="button secondary"
            href={`/console/discrepancies${qs({ exportingCountry: sel.exporter, importingCountry: sel.importer })}`}
          >
            {t('nav_discrepancies')}
          </a>
        </p>
      ) : null}
      <Notice text={notice} />
      <h2>{t('corridor')}</h2>
      <Async res={corridors}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('noData')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>
                  {t('corridor')}: {i.month(d.from)} – {i.month(d.to)}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('corridor')}</th>
                    <th scope="col">{t('mineral')}</th>
                    <th scope="col" class="num">
                      {t('exportsAtoB', { a: 'A', b: 'B' })} (kg)
                    </th>
                    <th scope="col" class="num">
                      {t('importsBfromA', { a: 'A', b: 'B' })} (kg)
                    </th>
                    <th scope="col" class="num">
                      {t('gap')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((c) => (
                    <tr key={`${c.exporter}${c.importer}${c.mineral}`}>
                      <th scope="row">
                        <a
                          href={`/console/reconciliation${qs({ exporter: c.exporter, importer: c.importer, mineral: c.mineral })}`}
                        >
                          {c.exporter} → {c.importer}
                        </a>
                      </th>
                      <td>{i.tr('mineral', c.mineral)}</td>
                      <td class="num">{i.num(c.exportKg, 1)}</td>
                      <td class="num">{i.num(c.importKg, 1)}</td>
                      <td class="num">{i.pct(gap(c.exportKg, c.importKg))}</td>
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
