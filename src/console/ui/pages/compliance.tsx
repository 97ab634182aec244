import { useState } from 'preact/hooks';

import { qs, type Principal } from '../api';
import { Async, Badge, memberStates, monthsBack, Page, SelectField, useApi } from '../components';
import { useI18n } from '../i18n';

interface Figure {
  value: number | null;
  /** Where the items behind the figure are listed (API path). */
  link?: string;
}
export interface ComplianceRow {
  country: string;
  period: string;
  band: 'compliant' | 'partial' | 'non_compliant' | string;
  figures: Record<string, number | null | Figure>;
}

const figureKeys = [
  'timeliness',
  'certificateCoverage',
  'confirmationRate',
  'reliabilityIndex',
  'openMajorItems',
] as const;

function bandKind(b: string) {
  return b === 'compliant' ? 'ok' : b === 'partial' ? 'warn' : b === 'non_compliant' ? 'bad' : 'info';
}

/** A console link for an API link to discrepancies; anything else is shown as text. */
function consoleLink(apiLink: string | undefined): string | undefined {
  if (!apiLink) return undefined;
  const m = /^\/v1\/discrepancies(\?.*)?$/.exec(apiLink);
  return m ? `/console/discrepancies${m[1] ?? ''}` : undefined;
}

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
                        const value = f !== null && typeof f === 'object' ? f.value : f;
                        const text =
                          value == null
                            ? '—'
                            : k === 'openMajorItems'
                              ? i.num(value)
                              : k === 'reliabilityIndex'
                                ? i.num(value, 3)
                                : i.pct(value);
                        const href = f !== null && typeof f === 'object' ? consoleLink(f.link) : undefined;
                        return (
                          <td class="num" key={k}>
                            {href ? (
                              <a href={href} aria-label={`${t(k)}, ${r.country} ${r.period}: ${text}`}>
                                {text}
                              </a>
                            ) : (
                              text
                            )}
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
