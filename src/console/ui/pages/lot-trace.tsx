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
  const res = useApi<{ lot: TraceLot }>(
    `/v1/lots/${encodeURIComponent(props.country)}/${encodeURIComponent(props.lot)}/trace`,
  );
  return (
    <Page title={i.t('lotTitle', { lot: props.lot, country: props.country })}>
      <p>
        <a href="/console/sites">{i.t('back')}</a>
      </p>
      <Async res={res}>
        {(d) => (
          <ul class="trace">
            <LotNode lot={d.lot} i={i} depth={0} />
          </ul>
        )}
      </Async>
    </Page>
  );
}
