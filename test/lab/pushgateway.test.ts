import { describe, expect, inject, it } from 'vitest';
import { PushError } from '../../src/errors.js';
import { reportFamilies } from '../../src/output/metrics.js';
import { groupUrl, pushMetrics } from '../../src/output/pushgateway.js';
import { freePort } from '../../lab/process.ts';
import { loadReport, NOW_MS } from '../helpers/fixtures.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';

const lab = inject('lab');
const url = lab.pushgateway.url;
const target = { url, job: 'mailops-test', labels: { instance: 'mx/1' }, timeoutMs: 5000 };
const group = 'instance="mx/1"';
/** A group of the test's own: test files run in parallel against one Pushgateway. */
const own = () => ({ ...target, job: ownJob('mailops-test') });

describe('Pushgateway push (real prometheus-pushgateway)', () => {
  it('pushes a report and reads it back from /metrics', async () => {
    const mine = own();
    await pushMetrics(reportFamilies(loadReport('roundtrip-pass'), NOW_MS), mine);
    expect((await scrape(url, mine.job, 'email_roundtrip_success')).get(`{${group}}`)).toBe(1);
    expect((await scrape(url, mine.job, 'email_roundtrip_duration_seconds')).get(`{${group}}`)).toBe(20.3);
    expect(
      (await scrape(url, mine.job, 'email_roundtrip_last_run_timestamp_seconds')).get(`{${group}}`),
    ).toBe(NOW_MS / 1000);
    expect(
      (await scrape(url, mine.job, 'email_roundtrip_auth_result_info')).get(
        `{${group},method="spf",result="pass"}`,
      ),
    ).toBe(1);
    // The Pushgateway stamps the push itself; we never send client timestamps.
    expect((await scrape(url, mine.job, 'push_time_seconds')).get(`{${group}}`)).toBeGreaterThan(0);
  });

  it('keeps the last-success timestamp when a later run fails', async () => {
    const mine = own();
    const pass = loadReport('roundtrip-pass');
    await pushMetrics(reportFamilies(pass, NOW_MS), mine);
    const fail = { ...pass, status: 'fail' as const, durationMs: 300_000, metrics: [] };
    await pushMetrics(reportFamilies(fail, NOW_MS + 1_200_000), mine);
    expect((await scrape(url, mine.job, 'email_roundtrip_success')).get(`{${group}}`)).toBe(0);
    expect((await scrape(url, mine.job, 'email_roundtrip_duration_seconds')).get(`{${group}}`)).toBe(300);
    expect(
      (await scrape(url, mine.job, 'email_roundtrip_last_run_timestamp_seconds')).get(`{${group}}`),
    ).toBe(NOW_MS / 1000 + 1200);
    expect(
      (await scrape(url, mine.job, 'email_roundtrip_last_success_timestamp_seconds')).get(`{${group}}`),
    ).toBe(NOW_MS / 1000);
  });

  it('encodes grouping-key values that contain a slash', () => {
    expect(groupUrl(target).url).toBe(`${url}/metrics/job/mailops-test/instance@base64/bXgvMQ`);
  });

  it('moves credentials from the URL into an Authorization header', () => {
    const withAuth = groupUrl({ ...target, url: 'https://ops:pa55word@gw.example:9091/prefix/' });
    expect(withAuth.url).toBe(
      'https://gw.example:9091/prefix/metrics/job/mailops-test/instance@base64/bXgvMQ',
    );
    expect(withAuth.auth).toBe(`Basic ${Buffer.from('ops:pa55word').toString('base64')}`);
  });

  it('reports a push the Pushgateway rejects as a PushError (exit 4)', async () => {
    const mine = own();
    await pushMetrics(reportFamilies(loadReport('roundtrip-pass'), NOW_MS), mine);
    const conflicting = reportFamilies(loadReport('roundtrip-pass'), NOW_MS).map((f) => ({
      ...f,
      type: 'counter' as const,
    }));
    const error = await pushMetrics(conflicting, { ...mine, labels: { instance: 'other' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).exitCode).toBe(4);
    expect((error as PushError).message).toMatch(/expected HTTP 2xx, got 400/);
  });

  it('reports an unreachable Pushgateway as a PushError (exit 4)', async () => {
    const port = await freePort();
    const error = await pushMetrics([], { ...target, url: `http://ops:pa55word@127.0.0.1:${port}` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).message).toMatch(/expected a reachable Pushgateway, got .*ECONNREFUSED/);
  });
});
