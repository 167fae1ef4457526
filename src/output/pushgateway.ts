import { durationText } from '../config/duration.js';
import { request } from 'undici';
import type { MetricFamily } from '../checks/types.js';
import { PushError } from '../errors.js';
import { exposition } from './prometheus.js';
import { redact, registerCredentials } from './redact.js';

export interface PushTarget {
  url: string;
  job: string;
  /** Grouping key beyond the job. */
  labels: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A grouping-key path segment; values with "/" or empty ones need the @base64 form. */
function segment(name: string, value: string): string {
  if (value === '' || value.includes('/')) {
    return `${name}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** The group URL and an Authorization header taken out of URL userinfo. */
export function groupUrl(target: Pick<PushTarget, 'url' | 'job' | 'labels'>): { url: string; auth?: string } {
  const base = new URL(target.url);
  let auth: string | undefined;
  if (base.username || base.password) {
    const password = decodeURIComponent(base.password);
    registerCredentials(decodeURIComponent(base.username), password);
    auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${password}`).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const path = [
    segment('job', target.job),
    ...Object.keys(target.labels)
      .sort()
      .map((k) => segment(k, target.labels[k] ?? '')),
  ].join('/');
  const prefix = base.pathname.replace(/\/+$/, '');
  return { url: `${base.origin}${prefix}/metrics/${path}`, ...(auth ? { auth } : {}) };
}

/**
 * Pushes with POST, which replaces only the families named in this push within
 * the group. A family left out (last_success_timestamp on a failing run) keeps
 * its earlier value; PUT would have wiped it together with the whole group.
 */
export async function pushMetrics(families: readonly MetricFamily[], target: PushTarget): Promise<void> {
  const { url, auth } = groupUrl(target);
  const body = exposition(families);
  const signals = [AbortSignal.timeout(target.timeoutMs), ...(target.signal ? [target.signal] : [])];
  try {
    const response = await request(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        ...(auth ? { authorization: auth } : {}),
      },
      signal: AbortSignal.any(signals),
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const reason = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
      throw new PushError(
        redact(
          `pushgateway ${url}: expected HTTP 2xx, got ${response.statusCode}${reason ? ` (${reason})` : ''}`,
        ),
      );
    }
  } catch (error) {
    if (error instanceof PushError) throw error;
    const cause = error as Error;
    const why =
      cause.name === 'TimeoutError' ? `no answer within ${durationText(target.timeoutMs)}` : cause.message;
    throw new PushError(redact(`pushgateway ${url}: expected a reachable Pushgateway, got ${why}`), {
      cause: error,
    });
  }
}
