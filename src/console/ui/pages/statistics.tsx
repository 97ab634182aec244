import { useEffect, useState } from 'preact/hooks';

import { qs } from '../api';
import { ChartFigure, palette } from '../chart';
import {
  Async,
  memberStates,
  minerals,
  monthsBack,
  Page,
  SelectField,
  TextField,
  useApi,
} from '../components';
import { useI18n, type I18n } from '../i18n';
import { navigate, useLocation } from '../router';

interface Cell {
  flow: 'export' | 'import';
  month: string;
  reporter: string;
  partner: string;
  mineral: string;
  massKg: number | null;
  valueUsd: number | null;
  shipments: number | null;
  confidential: boolean;
}
interface Statistics {
  generatedAt: string;
  from: string;
  to: string;
  minTraders: number;
  items: Cell[];
}

const PAGE = 100;

export function StatisticsPage() {
  const i = useI18n();
  const { t } = i;
  const { query } = useLocation();
  const last12 = monthsBack(12);
  const filters = {
    flow: query.get('flow') ?? 'export',
    reporter: query.get('reporter') ?? '',
    mineral: query.get('mineral') ?? '',
    from: query.get('from') ?? last12[0]!,
    to: query.get('to') ?? last12[11]!,
  };
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [query.toString()]);
  const [shown, setShown] = useState(PAGE);
  const apiQuery = qs(filters);
  const res = useApi<Statistics>(`/v1/public/statistics${apiQuery}`);
  useEffect(() => setShown(PAGE), [apiQuery]);

  return (
    <Page title={t('statsTitle')}>
      <p>{t('statsIntro')}</p>
      <form
        class="filters"
        aria-label={t('statsFilters')}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/statistics${qs(draft)}`);
        }}
      >
        <SelectField
          label={t('flow')}
          name="flow"
          value={draft.flow}
          options={['export', 'import'].map((f) => ({ value: f, label: i.tr('flow', f) }))}
          onChange={(v) => setDraft({ ...draft, flow: v })}
        />
        <SelectField
          label={t('reporter')}
          name="reporter"
          value={draft.reporter}
          allLabel={t('all')}
          options={memberStates.map((c) => ({ value: c, label: `${c} — ${i.country(c)}` }))}
          onChange={(v) => setDraft({ ...draft, reporter: v })}
        />
        <SelectField
          label={t('mineral')}
          name="mineral"
          value={draft.mineral}
          allLabel={t('all')}
          options={minerals.map((m) => ({ value: m, label: i.tr('mineral', m) }))}
          onChange={(v) => setDraft({ ...draft, mineral: v })}
        />
        <TextField
          label={t('fromMonth')}
          name="from"
          type="month"
          value={draft.from}
          onInput={(v) => setDraft({ ...draft, from: v })}
        />
        <TextField
          label={t('toMonth')}
          name="to"
          type="month"
          value={draft.to}
          onInput={(v) => setDraft({ ...draft, to: v })}
        />
        <div class="filter-actions">
          <button type="submit">{t('apply')}</button>
        </div>
      </form>
      <p>
        <a
          class="button secondary"
          href={`/v1/public/statistics${qs({ ...filters, format: 'csv' })}`}
          download
        >
          {t('downloadCsv')}
        </a>
      </p>
      <Async res={res}>
        {(d) => {
          const months = monthsBetween(d.from, d.to);
          const mins = filters.mineral ? [filters.mineral] : minerals;
          const series = mins.map((m, k) => ({
            label: i.tr('mineral', m),
            color: palette[k % palette.length]!,
            stack: 'mass',
            data: months.map((mo) =>
              d.items
                .filter((c) => c.month === mo && c.mineral === m && !c.confidential)
                .reduce((s, c) => s + (c.massKg ?? 0), 0),
            ),
          }));
          return (
            <>
              <ChartFigure
                title={t('statsChart', { flow: capitalise(i.tr('flow', filters.flow)) })}
                labels={months.map(i.month)}
                series={series}
                unit="kg"
                stacked
              />
              <CellTable d={d} i={i} shown={shown} />
              {d.items.length > shown ? (
                <button type="button" class="secondary" onClick={() => setShown((n) => n + PAGE)}>
                  {t('more')}
                </button>
              ) : null}
              <p class="small">{i.dateTime(d.generatedAt)}</p>
              <Methodology minTraders={d.minTraders} />
            </>
          );
        }}
      </Async>
    </Page>
  );
}

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 240; guard++) {
    const p = `${y}-${String(m).padStart(2, '0')}`;
    if (p > to) break;
    out.push(p);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

function CellTable(props: { d: Statistics; i: I18n; shown: number }) {
  const { d, i } = props;
  const { t } = i;
  if (d.items.length === 0) return <p>{t('noData')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>{t('statsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('month')}</th>
            <th scope="col">{t('flow')}</th>
            <th scope="col">{t('reporter')}</th>
            <th scope="col">{t('partner')}</th>
            <th scope="col">{t('mineral')}</th>
            <th scope="col" class="num">
              {t('massKg')}
            </th>
            <th scope="col" class="num">
              {t('valueUsd')}
            </th>
            <th scope="col" class="num">
              {t('shipments')}
            </th>
          </tr>
        </thead>
        <tbody>
          {d.items.slice(0, props.shown).map((c) => (
            <tr key={`${c.flow}${c.month}${c.reporter}${c.partner}${c.mineral}`}>
              <td>{c.month}</td>
              <td>{i.tr('flow', c.flow)}</td>
              <td>{i.country(c.reporter)}</td>
              <td>{i.country(c.partner)}</td>
              <td>{i.tr('mineral', c.mineral)}</td>
              {c.confidential ? (
                <td class="num confidential" colSpan={3}>
                  {t('confidential')}
                </td>
              ) : (
                <>
                  <td class="num">{i.num(c.massKg, 1)}</td>
                  <td class="num">{i.num(c.valueUsd)}</td>
                  <td class="num">{i.num(c.shipments)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Methodology(props: { minTraders: number }) {
  const { lang, t } = useI18n();
  const n = props.minTraders;
  return (
    <section id="methodology" aria-labelledby="methodology-h" class="methodology">
      <h2 id="methodology-h">{t('methodologyTitle')}</h2>
      {lang === 'fr' ? (
        <>
          <p>
            <strong>Source.</strong> Les déclarations mensuelles que les États membres transmettent à la Base
            de données régionale sur les flux de minerais de la CIRGL par le hub RMDX, selon la norme
            régionale de données (version 1.0.0). Résolutions 1896 (2009), 1952 (2010) et 2021 (2011) du
            Conseil de sécurité des Nations unies : les États sont invités à publier leurs statistiques
            d’importation et d’exportation de ces minerais.
          </p>
          <p>
            <strong>Ce qui est compté.</strong> Les déclarations d’exportation et d’importation des minerais
            désignés : or (SH 7108.12), cassitérite (2609.00), wolframite (2611.00) et coltan (2615.90). Seuls
            comptent les enregistrements dont la dernière version est arrivée dans un lot entièrement traité
            par le hub (statut « terminé », ou « terminé avec erreurs », où seuls les enregistrements valides
            ont été conservés). Les lots en cours de traitement, rejetés ou en échec ne comptent pas, ni les
            enregistrements annulés. Un enregistrement corrigé compte une seule fois, dans sa dernière
            version.
          </p>
          <p>
            <strong>Masse et valeur.</strong> Masse nette déclarée, convertie en kilogrammes (et non en
            contenu métal). Valeur déclarée en dollars des États-Unis : les exportations FAB (franco à bord),
            les importations CAF (coût, assurance, fret) ; les valeurs miroirs diffèrent donc du coût du
            transport et de l’assurance.
          </p>
          <p>
            <strong>Mois et partenaire.</strong> Le mois d’expédition (exportations) ou d’arrivée
            (importations), et non le mois de déclaration. Le partenaire est le pays de destination déclaré
            d’une exportation, le pays d’origine déclaré d’une importation.
          </p>
          <p>
            <strong>Confidentialité.</strong> Aucune entreprise ni personne n’est nommée ni identifiée : seuls
            des agrégats sont publiés.{' '}
            {n > 1
              ? `Une case (État × partenaire × minerai × mois) derrière laquelle se trouvent moins de ${n} opérateurs distincts (exportateurs pour les exportations, importateurs pour les importations) n’est pas publiée : elle apparaît comme « confidentiel », sans chiffres. Les totaux de cette page n’additionnent que les cases publiées, de sorte qu’une case masquée ne peut pas être déduite par soustraction.`
              : 'Le Secrétariat peut masquer les cases derrière lesquelles se trouvent trop peu d’opérateurs distincts (réglage RMDX_PUBLIC_MIN_TRADERS) ; actuellement toutes les cases sont publiées.'}
          </p>
          <p>
            <strong>Statistiques miroirs.</strong> Les exportations de A vers B et les importations de B en
            provenance de A sont publiées telles que chaque État les a déclarées, sans ajustement. Les écarts
            viennent des délais (un minerai peut mettre des mois à arriver), de la base d’évaluation (FAB ou
            CAF), du transit et d’erreurs de déclaration ; le Secrétariat les rapproche dans la base régionale
            et ne les publie pas ici.
          </p>
          <p>
            <strong>Révisions et données ouvertes.</strong> Les chiffres changent lorsque les États corrigent
            leurs déclarations ; chaque réponse indique l’heure à laquelle elle a été produite. Les données
            sont disponibles en JSON et en CSV à <code>/v1/public/statistics</code> (paramètres{' '}
            <code>from</code>, <code>to</code>, <code>flow</code>, <code>reporter</code>, <code>partner</code>
            , <code>mineral</code>, <code>format</code>).
          </p>
        </>
      ) : (
        <>
          <p>
            <strong>Source.</strong> The monthly returns that member states submit to the ICGLR Regional
            Database on Mineral Flows through the RMDX hub, in the regional data standard (version 1.0.0). UN
            Security Council resolutions 1896 (2009), 1952 (2010) and 2021 (2011) ask states to publish their
            import and export statistics for these minerals.
          </p>
          <p>
            <strong>What counts.</strong> Export and import declarations of the designated minerals: gold (HS
            7108.12), cassiterite (2609.00), wolframite (2611.00) and coltan (2615.90). Only records whose
            latest version came in a batch the hub finished processing count (status “completed”, or
            “completed with errors”, where only the valid records were stored). Batches still being processed,
            rejected or failed do not count, nor do withdrawn (voided) records. A corrected record counts
            once, in its latest version.
          </p>
          <p>
            <strong>Mass and value.</strong> Net mass as declared, converted to kilograms (not metal content).
            Value as declared in US dollars: exports free on board (FOB), imports cost, insurance and freight
            (CIF); mirror values therefore differ by the cost of transport and insurance.
          </p>
          <p>
            <strong>Month and partner.</strong> The month of shipment (exports) or arrival (imports), not the
            month of reporting. The partner is the declared destination of an export and the declared origin
            of an import.
          </p>
          <p>
            <strong>Confidentiality.</strong> No company or person is named or identified: only aggregates are
            published.{' '}
            {n > 1
              ? `A cell (state × partner × mineral × month) with fewer than ${n} distinct traders behind it (exporters for exports, importers for imports) is withheld: it shows as “confidential”, without figures. Totals on this page add up published cells only, so a withheld cell cannot be worked out by subtraction.`
              : 'The Secretariat can withhold cells with too few distinct traders behind them (setting RMDX_PUBLIC_MIN_TRADERS); at present every cell is published.'}
          </p>
          <p>
            <strong>Mirror statistics.</strong> Exports of A to B and imports of B from A are published as
            each state reported them, without adjustment. Differences come from timing (ore can take months to
            arrive), the valuation basis (FOB or CIF), transit and reporting errors; the Secretariat
            reconciles them in the regional database and does not publish them here.
          </p>
          <p>
            <strong>Revisions and open data.</strong> Figures change when states correct their returns; every
            answer carries the time it was produced. The data are available as JSON and CSV at{' '}
            <code>/v1/public/statistics</code> (parameters <code>from</code>, <code>to</code>,{' '}
            <code>flow</code>, <code>reporter</code>, <code>partner</code>, <code>mineral</code>,{' '}
            <code>format</code>).
          </p>
        </>
      )}
    </section>
  );
}
