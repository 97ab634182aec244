import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

import { useId } from './components';
import { useI18n } from './i18n';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

export interface Series {
  label: string;
  data: (number | null)[];
  color: string;
  type?: 'bar' | 'line';
  stack?: string;
}

/** Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by more than hue. */
export const palette = ['#1f5fbf', '#b54700', '#2e7d32', '#7b1fa2', '#00695c', '#8d6e00'];

/**
 * A Chart.js chart drawn on a canvas that names itself (role img + label), with the same figures as a
 * table right under it, so nothing is only in the picture.
 */
export function ChartFigure(props: {
  title: string;
  labels: string[];
  series: Series[];
  unit?: string;
  stacked?: boolean;
}) {
  const { t, num } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const id = useId('chart');
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: props.labels,
        datasets: props.series.map((s) => ({
          type: s.type ?? 'bar',
          label: s.label,
          data: s.data,
          backgroundColor: s.color,
          borderColor: s.color,
          borderWidth: s.type === 'line' ? 2 : 0,
          stack: s.stack,
          pointRadius: 3,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: props.stacked ?? false },
          y: {
            stacked: props.stacked ?? false,
            beginAtZero: true,
            ticks: { callback: (v) => num(Number(v)) },
          },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [props.labels.join(), JSON.stringify(props.series), props.stacked, num]);
  return (
    <figure class="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{props.title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={props.title} />
      </div>
      <details>
        <summary>{t('showTable')}</summary>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('month')}</th>
                {props.series.map((s) => (
                  <th scope="col" class="num" key={s.label}>
                    {s.label}
                    {props.unit ? ` (${props.unit})` : ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.labels.map((l, i) => (
                <tr key={l}>
                  <th scope="row">{l}</th>
                  {props.series.map((s) => (
                    <td class="num" key={s.label}>
                      {num(s.data[i] ?? null)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
