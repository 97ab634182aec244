import { useState } from 'preact/hooks';

import { qs, type Principal } from '../api';
import { Async, Badge, memberStates, monthsBack, Page, SelectField, useApi } from '../components';
import { useI18n } from '../i18n';

/** One figure of a state's month, with what it was computed from and where its items are listed. */
interface Figure {
  value: number | null;
  href?: string | null;
  items?: string[];
  [detail: string]: unknown;
}
export interface ComplianceRow {
  country: string;
  period: string;
  band: string;
  computedAt?: string;
  figures: Record<string, Figure | undefined>;
}

const figureKeys = [
  'timeliness',
  'certificateCoverage',
  'confirmationRate',
  'reliabilityIndex',
  'openMajorItems',
  'overdueMajorItems',
] as const;

function bandKind(b: string) {
  return b === 'compliant' ? 'ok' : b === 'partial' ? 'warn' : b === 'non_compliant' ? 'bad' : 'info';
}

/** The console page for an API link (discrepancies or batches); anything else stays unlinked. */
export function consoleLink(apiLink: string | null | undefined): string | undefined {
  const m = apiLink ? /^\/v1\/(discrepancies|batches)(\?.*)?$/.exec(apiLink) : null;
  return m ? `/console/${m[1]}${m[2] ?? ''}` : undefined;
}

const n = (v: unknown) => (typeof v === 'number' ? v : null);

export function CompliancePage(props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const months = monthsBack(12);
  const [period, setPeriod] = useState(months[11]!);
  const [country, setCountry] = useState('');
  const res = useApi<{ items: ComplianceRow[] }>(`/v1/compliance${qs({ period, country })}`);
  return (
    <Page title={t('complianceTitle')}>
      <p>{t('complianceIntro')}</p>
      <div class="filters">
        <SelectField
          label={t('period')}
          name="period"
          value={period}
          options={[...months].reverse().map((m) => ({ value: m, label: i.month(m) }))}
          onChange={setPeriod}
        />
        {props.principal.role === 'submitter' ? null : (
          <SelectField
            label={t('country')}
            name="country"
            value={country}
            allLabel={t('all')}
            options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
            onChange={setCountry}
          />
        )}
      </div>
      <Async res={res}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('noData')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>{t('complianceCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('state')}</th>
                    <th scope="col">{t('period')}</th>
                    <th scope="col">{t('band')}</th>
                    {figureKeys.map((k) => (
                      <th scope="col" class="num" key={k}>
                        {t(k)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((r) => (
                    <tr key={`${r.country}${r.period}`}>
                      <th scope="row">
                        {r.country} — {i.country(r.country)}
                      </th>
                      <td>{r.period}</td>
                      <td>
                        <Badge kind={bandKind(r.band)} label={i.tr('band', r.band)} />
                      </td>
                      {figureKeys.map((k) => {
                        const f = r.figures[k];
                        const value = f?.value ?? null;
                        const text =
                          value == null
                            ? '—'
                            : k === 'openMajorItems' || k === 'overdueMajorItems'
                              ? i.num(value)
                              : k === 'reliabilityIndex'
                                ? i.num(value, 3)
                                : i.pct(value);
                        const behind =
                          k === 'timeliness'
                            ? `${i.num(n(f?.monthsOnTime))} / ${i.num(n(f?.monthsDue))}`
                            : k === 'certificateCoverage'
                              ? `${i.num(n(f?.certified))} / ${i.num(n(f?.exports))}`
                              : k === 'confirmationRate'
                                ? `${i.num(n(f?.confirmed))} / ${i.num(n(f?.confirmable))}`
                                : k === 'reliabilityIndex' && n(f?.bound) !== null
                                  ? `≤ ${i.num(n(f?.bound), 3)}`
                                  : null;
                        const href = consoleLink(typeof f?.href === 'string' ? f.href : null);
                        return (
                          <td class="num" key={k}>
                            {href ? (
                              <a href={href} aria-label={`${t(k)}, ${r.country} ${r.period}: ${text}`}>
                                {text}
                              </a>
                            ) : (
                              text
                            )}
                            {behind ? <span class="figure-behind">{behind}</span> : null}
                          </td>
                        );
                      })}
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
