import { describe, expect, it } from 'vitest';
import {
  headline,
  PAGERDUTY_SUMMARY_MAX,
  renderHtml,
  renderPagerDuty,
  renderSlack,
  renderText,
} from './render.ts';
import { sampleGroup, sampleIncident, sampleNotification } from './sample-notifications.ts';

describe('render', () => {
  it('says DAG, run, task, try, map index, state, occurrences, flapping, error and link in every format', () => {
    const incident = sampleIncident({ mapIndex: 4, occurrences: 3, flapping: true });
    const notification = sampleNotification({ incidents: [incident] });
    const text = renderText(notification);
    for (const part of [
      'DAG: etl_daily',
      'Run: scheduled__2024-05-01T00:00:00+00:00',
      'Task: load_orders',
      'Map index: 4',
      'Try: 3',
      'State: open, 3 occurrences, flapping',
      'Error: relation "orders" does not exist',
      `Open: ${incident.url}`,
    ])
      expect(text).toContain(part);

    const html = renderHtml(notification);
    for (const part of ['etl_daily', 'load_orders', 'open, 3 occurrences, flapping', '<pre'])
      expect(html).toContain(part);
    expect(html).toContain(`href="${incident.url.replace(/&/g, '&amp;')}"`);
    expect(html).toContain('relation &quot;orders&quot; does not exist');

    const slack = JSON.stringify(renderSlack(notification).blocks);
    for (const part of ['etl_daily', 'load_orders', 'Map index', 'Try `3`', 'flapping', 'does not exist'])
      expect(slack).toContain(part);
    expect(slack).toContain(incident.url.replace(/&/g, '&amp;'));

    const pd = renderPagerDuty(notification);
    expect(pd.customDetails.incidents).toEqual([
      expect.objectContaining({
        dag: 'etl_daily',
        task: 'load_orders',
        map_index: '4',
        try: '3',
        state: 'open, 3 occurrences, flapping',
        url: incident.url,
      }),
    ]);
  });

  it('says what happened in the headline', () => {
    const n = sampleNotification({ incidents: [sampleIncident({ occurrences: 5 })] });
    expect(headline(n)).toBe('Task failed: etl_daily.load_orders');
    expect(headline({ ...n, event: 'repeat' })).toBe(
      'Still failing (5 occurrences): Task failed: etl_daily.load_orders',
    );
    expect(headline({ ...n, event: 'acknowledge' })).toMatch(/^Acknowledged: /);
    expect(headline({ ...n, event: 'resolve' })).toMatch(/^Resolved: /);
    expect(headline({ ...n, event: 'test' })).toMatch(/^Test: /);
  });

  it('lists each incident of a group up to 20, then "and N more"', () => {
    const n = sampleNotification({ incidents: sampleGroup(25) });
    const text = renderText(n);
    expect(text).toContain('task_20');
    expect(text).not.toContain('task_21');
    expect(text).toContain('…and 5 more');
    const slack = renderSlack(n);
    expect(JSON.stringify(slack.blocks)).toContain('…and 5 more');
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    expect(renderHtml(n)).toContain('…and 5 more');
    const pd = renderPagerDuty(n);
    expect(pd.customDetails.incidents).toHaveLength(20);
    expect(pd.customDetails.more_incidents).toBe(5);
  });

  it('escapes markup in Slack and HTML', () => {
    const n = sampleNotification({
      incidents: [sampleIncident({ errorLines: ['<script>alert(1)</script> & <@channel>'] })],
    });
    expect(renderHtml(n)).not.toContain('<script>');
    expect(renderHtml(n)).toContain('&lt;script&gt;');
    const slack = JSON.stringify(renderSlack(n));
    expect(slack).not.toContain('<@channel>');
    expect(slack).toContain('&lt;@channel&gt;');
  });

  it('caps the PagerDuty summary at 1024 characters', () => {
    const n = sampleNotification({ summary: 'x'.repeat(5_000) });
    const { summary } = renderPagerDuty(n);
    expect(summary.length).toBe(PAGERDUTY_SUMMARY_MAX);
    expect(summary.endsWith('…')).toBe(true);
  });
});
