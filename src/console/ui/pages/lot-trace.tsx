import { Async, Facts, Page, useApi } from '../components';
import { useI18n, type I18n } from '../i18n';

/** One lot of a trace, with what it was made from (the chain of custody walks backwards). */
export interface TraceLot {
  country: string;
  lotNumber: string;
  mineral?: string | null;
  massKg?: number | null;
  gradePct?: number | null;
  operation?: string | null;
  custodianId?: string | null;
  registeredAt?: string | null;
  siteId?: string | null;
  site?: { siteId: string; name?: string | null; certificationStatus?: string | null } | null;
  transfers?: {
    transferId: string;
    fromActorId?: string | null;
    toActorId?: string | null;
    occurredAt?: string | null;
    massKg?: number | null;
  }[];
  inputs?: TraceLot[];
}

interface TraceExport {
  exportId: string;
  certificateNumber: string | null;
  destinationCountry: string | null;
  shippedOn: string | null;
  massKg: number | null;
}
interface TraceCertificate {
  certificateKey: string;
  status: string | null;
}

function LotNode(props: { lot: TraceLot; i: I18n; depth: number }) {
  const { lot, i } = props;
  const { t } = i;
  return (
    <li>
      <p class="trace-head">
        <strong>{lot.lotNumber}</strong> ({lot.country}) · {i.tr('mineral', lot.mineral)} ·{' '}
        {i.num(lot.massKg ?? null, 1)} kg
        {lot.operation ? ` · ${lot.operation}` : ''}
      </p>
      <Facts
        items={[
          [t('custodian'), lot.custodianId ?? '—'],
          [t('registered'), i.dateTime(lot.registeredAt ?? null)],
          [
            t('siteOfOrigin'),
            lot.site
              ? `${lot.site.name ?? lot.site.siteId} — ${i.tr('mineStatus', lot.site.certificationStatus)}`
              : (lot.siteId ?? '—'),
          ],
        ]}
      />
      {lot.transfers && lot.transfers.length > 0 ? (
        <table>
          <caption>{t('transfers')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('from')}</th>
              <th scope="col">{t('to')}</th>
              <th scope="col" class="num">
                {t('massKg')}
              </th>
            </tr>
          </thead>
          <tbody>
            {lot.transfers.map((x) => (
              <tr key={x.transferId}>
                <td>{i.dateTime(x.occurredAt ?? null)}</td>
                <td>{x.fromActorId ?? '—'}</td>
                <td>{x.toActorId ?? '—'}</td>
                <td class="num">{i.num(x.massKg ?? null, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {lot.inputs && lot.inputs.length > 0 ? (
        <>
          <p>{t('inputLots')}:</p>
          <ul class="trace">
            {lot.inputs.map((x) => (
              <LotNode key={`${x.country}${x.lotNumber}`} lot={x} i={i} depth={props.depth + 1} />
            ))}
          </ul>
        </>
      ) : null}
    </li>
  );
}

export function LotTracePage(props: { country: string; lot: string }) {
  const i = useI18n();
  const res = useApi<{ lot: TraceLot; exports?: TraceExport[]; certificates?: TraceCertificate[] }>(
    `/v1/lots/${encodeURIComponent(props.country)}/${encodeURIComponent(props.lot)}/trace`,
  );
  return (
    <Page title={i.t('lotTitle', { lot: props.lot, country: props.country })}>
      <p>
        <a href="/console/sites">{i.t('back')}</a>
      </p>
      <Async res={res}>
        {(d) => (
          <>
            {(d.exports ?? []).length > 0 ? (
              <div class="table-wrap">
                <table>
                  <caption>{i.t('exportsOfLot')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{i.t('exportSide')}</th>
                      <th scope="col">{i.t('certificate')}</th>
                      <th scope="col">{i.t('to')}</th>
                      <th scope="col">{i.t('when')}</th>
                      <th scope="col" class="num">
                        {i.t('massKg')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(d.exports ?? []).map((x) => (
                      <tr key={x.exportId}>
                        <th scope="row">{x.exportId}</th>
                        <td>{x.certificateNumber ?? '—'}</td>
                        <td>{i.country(x.destinationCountry)}</td>
                        <td>{i.date(x.shippedOn)}</td>
                        <td class="num">{i.num(x.massKg, 1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            <ul class="trace">
              <LotNode lot={d.lot} i={i} depth={0} />
            </ul>
          </>
        )}
      </Async>
    </Page>
  );
}
