import { useState } from 'preact/hooks';
import region from 'virtual:region-map';

import { qs, type Principal } from '../api';
import { Async, Badge, memberStates, Page, SelectField, TextField, useApi, useId } from '../components';
import { useI18n } from '../i18n';
import { project, regionView } from '../map/projection';
import { navigate } from '../router';

export interface SiteView {
  country: string;
  siteId: string;
  name?: string | null;
  location?: { lat: number; lon: number } | null;
  minerals?: string[] | null;
  certificationStatus?: string | null;
  activityStatus?: string | null;
  lastInspectionDate?: string | null;
}

const statusColours: Record<string, string> = {
  blue: '#1f5fbf',
  green: '#1e7b34',
  yellow: '#f2c200',
  red: '#c62828',
};
const statuses = ['green', 'yellow', 'red', 'blue'];

/** Where each member state's code is written on the map (lon, lat). */
const labels: Record<string, [number, number]> = {
  AO: [17.5, -12.5],
  BI: [30.9, -4.6],
  CD: [23.5, -3],
  CF: [20.5, 6.6],
  CG: [15.2, -0.6],
  KE: [37.9, 0.5],
  RW: [28.6, -1.6],
  SD: [30, 15.5],
  SS: [30.5, 7.5],
  TZ: [34.8, -6.3],
  UG: [32.4, 1.6],
  ZM: [26.8, -13.8],
};

function statusKind(s: string | null | undefined) {
  return s === 'green' ? 'ok' : s === 'yellow' ? 'warn' : s === 'red' ? 'bad' : 'info';
}

export function RegionMap(props: { sites: SiteView[] }) {
  const { t, tr } = useI18n();
  const id = useId('map');
  return (
    <figure class="map">
      <svg
        viewBox={`0 0 ${region.width} ${region.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{t('mapTitle')}</title>
        <desc id={`${id}-desc`}>{t('mapDesc')}</desc>
        <rect width={region.width} height={region.height} class="sea" />
        {region.countries.map((c) => (
          <path key={c.name} d={c.d} class={c.code ? 'member' : 'other'} fill-rule="evenodd" />
        ))}
        {Object.entries(labels).map(([code, [lon, lat]]) => {
          const [x, y] = project(regionView, lon, lat);
          return (
            <text key={code} x={x} y={y} class="map-label" text-anchor="middle">
              {code}
            </text>
          );
        })}
        {props.sites
          .filter((s) => s.location)
          .map((s) => {
            const [x, y] = project(regionView, s.location!.lon, s.location!.lat);
            return (
              <circle
                key={`${s.country}${s.siteId}`}
                cx={x.toFixed(1)}
                cy={y.toFixed(1)}
                r={4}
                fill={statusColours[s.certificationStatus ?? 'blue'] ?? '#555'}
                class="site"
              >
                <title>
                  {s.name ?? s.siteId} — {tr('mineStatus', s.certificationStatus)}
                </title>
              </circle>
            );
          })}
      </svg>
      <figcaption>
        <span class="map-legend">
          {statuses.map((s) => (
            <span key={s} class="legend-item">
              <svg width="14" height="14" aria-hidden="true">
                <circle cx="7" cy="7" r="5" fill={statusColours[s]} class="site" />
              </svg>{' '}
              {tr('mineStatus', s)}
            </span>
          ))}
        </span>
        <span class="small">Natural Earth 1:50m</span>
      </figcaption>
    </figure>
  );
}

export function SitesPage(props: { principal: Principal }) {
  const i = useI18n();
  const { t } = i;
  const [country, setCountry] = useState(props.principal.country ?? '');
  const [status, setStatus] = useState('');
  const res = useApi<{ items: SiteView[] }>(`/v1/records/mineSite${qs({ country, limit: 1000 })}`);
  // The outlines are drawn whatever happens to the sites; the sites come when the records do.
  const sites = (res.data?.items ?? []).filter((s) => !status || s.certificationStatus === status);
  const [lot, setLot] = useState({ country: props.principal.country ?? 'RW', lot: '' });
  return (
    <Page title={t('sitesTitle')}>
      <p>{t('sitesIntro')}</p>
      <div class="filters">
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
        <SelectField
          label={t('siteStatus')}
          name="status"
          value={status}
          allLabel={t('all')}
          options={statuses.map((s) => ({ value: s, label: i.tr('mineStatus', s) }))}
          onChange={setStatus}
        />
      </div>
      <div class="map-and-table">
        <RegionMap sites={sites} />
        <Async res={res}>
          {() => (
            <div class="table-wrap tall" tabIndex={0} role="region" aria-label={t('sitesCaption')}>
              <table>
                <caption>
                  {t('sitesCaption')} ({i.num(sites.length)})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('site')}</th>
                    <th scope="col">{t('country')}</th>
                    <th scope="col">{t('siteStatus')}</th>
                    <th scope="col">{t('minerals')}</th>
                    <th scope="col">{t('activity')}</th>
                    <th scope="col">{t('lastInspection')}</th>
                    <th scope="col">{t('location')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sites.map((s) => (
                    <tr key={`${s.country}${s.siteId}`}>
                      <th scope="row">
                        {s.name ?? '—'} <span class="small">({s.siteId})</span>
                      </th>
                      <td>{s.country}</td>
                      <td>
                        <Badge
                          kind={statusKind(s.certificationStatus)}
                          label={i.tr('mineStatus', s.certificationStatus)}
                        />
                      </td>
                      <td>{(s.minerals ?? []).map((m) => i.tr('mineral', m)).join(', ')}</td>
                      <td>{s.activityStatus ?? '—'}</td>
                      <td>{i.date(s.lastInspectionDate ?? null)}</td>
                      <td class="num">
                        {s.location ? `${s.location.lat.toFixed(3)}, ${s.location.lon.toFixed(3)}` : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </div>
      <section aria-labelledby="trace-h">
        <h2 id="trace-h">{t('lotTraceTitle')}</h2>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (lot.lot.trim())
              navigate(`/console/lots/${lot.country}/${encodeURIComponent(lot.lot.trim())}`);
          }}
        >
          <SelectField
            label={t('country')}
            name="lotCountry"
            value={lot.country}
            options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
            onChange={(v) => setLot({ ...lot, country: v })}
          />
          <TextField
            label={t('lotNumber')}
            name="lotNumber"
            value={lot.lot}
            required
            onInput={(v) => setLot({ ...lot, lot: v })}
          />
          <div class="filter-actions">
            <button type="submit">{t('trace')}</button>
          </div>
        </form>
      </section>
    </Page>
  );
}
