import { describe, expect, it } from 'vitest';
import { parseAuthResults, trustedVerdicts } from '../../src/checks/auth-results.js';
import { headerValues, parseHeaders } from '../../src/checks/headers.js';
import { parseHops } from '../../src/checks/received.js';

const RAW = [
  'Authentication-Results: mx.example.org; dkim=pass (2048-bit key; unprotected) header.d=brevo.com;',
  '\tspf=pass (mx.example.org: domain of bounce@brevo.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=brevo.com;',
  '\tdmarc=pass (p=QUARANTINE) header.from=example.org',
  'Authentication-Results: forged.example; spf=fail; dkim=fail',
  'Received: from relay.brevo.com (relay.brevo.com [1.2.3.4])',
  '\tby mx.example.org (Postfix) with ESMTPS id 4F2A1',
  '\tfor <probe@example.org>; Sun, 22 Nov 2026 09:00:03 +0000 (UTC)',
  'Received: by relay.brevo.com with ESMTPSA id abc; Sun, 22 Nov 2026 09:00:01 +0000',
  'Received: from localhost (no date here)',
  'Subject: e2e-probe-1795338000000-ab12cd34ef56: mail round-trip probe',
  '',
  'body: ignored',
].join('\r\n');

describe('mail header parsing', () => {
  const headers = parseHeaders(RAW);

  it('unfolds continuation lines and stops at the body', () => {
    expect(headerValues(headers, 'subject')).toEqual([
      'e2e-probe-1795338000000-ab12cd34ef56: mail round-trip probe',
    ]);
    expect(headers.some(([name]) => name === 'body')).toBe(false);
  });

  it('orders hops oldest first and measures the delay between them, skipping undated headers', () => {
    const hops = parseHops(headerValues(headers, 'received'));
    expect(hops.map((h) => [h.index, h.by, h.with, h.delaySeconds])).toEqual([
      [1, 'relay.brevo.com', 'ESMTPSA', 0],
      [2, 'mx.example.org', 'ESMTPS', 2],
    ]);
  });

  it('reads method=result pairs, ignoring comments that contain ; or =', () => {
    const [first] = headerValues(headers, 'authentication-results');
    expect(parseAuthResults(first ?? '')).toEqual({
      authservId: 'mx.example.org',
      results: { dkim: 'pass', spf: 'pass', dmarc: 'pass' },
    });
  });

  it('trusts only the receiving server: the authserv-id given, else the topmost header', () => {
    const values = headerValues(headers, 'authentication-results');
    expect(trustedVerdicts(values)?.authservId).toBe('mx.example.org');
    expect(trustedVerdicts(values, 'MX.example.org')?.results.spf).toBe('pass');
    expect(trustedVerdicts([...values].reverse())?.results.spf).toBe('fail');
    expect(trustedVerdicts([...values].reverse(), 'mx.example.org')?.results.spf).toBe('pass');
    expect(trustedVerdicts(values, 'other.example')).toBeUndefined();
  });
});
