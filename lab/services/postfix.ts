import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnDaemon, portOpen, waitFor } from '../process.ts';
import type { LabTls } from '../tls.ts';
import type { LabContext, Started } from './types.ts';

// Debian's stock master.cf chroots services into the queue directory, where the
// absolute Dovecot socket paths do not exist: every service here runs unchrooted.
const SERVICES = [
  'pickup    unix  n       -       n       60      1       pickup',
  'cleanup   unix  n       -       n       -       0       cleanup',
  'qmgr      unix  n       -       n       300     1       qmgr',
  'tlsmgr    unix  -       -       n       1000?   1       tlsmgr',
  'rewrite   unix  -       -       n       -       -       trivial-rewrite',
  'bounce    unix  -       -       n       -       0       bounce',
  'defer     unix  -       -       n       -       0       bounce',
  'trace     unix  -       -       n       -       0       bounce',
  'verify    unix  -       -       n       -       1       verify',
  'flush     unix  n       -       n       1000?   0       flush',
  'proxymap  unix  -       -       n       -       -       proxymap',
  'proxywrite unix -       -       n       -       1       proxymap',
  'smtp      unix  -       -       n       -       -       smtp',
  'relay     unix  -       -       n       -       -       smtp',
  'showq     unix  n       -       n       -       -       showq',
  'error     unix  -       -       n       -       -       error',
  'retry     unix  -       -       n       -       -       error',
  'discard   unix  -       -       n       -       -       discard',
  'lmtp      unix  -       -       n       -       -       lmtp',
  'anvil     unix  -       -       n       -       1       anvil',
  'scache    unix  -       -       n       -       1       scache',
  'postlog   unix-dgram n  -       n       -       1       postlogd',
];

export interface PostfixSockets {
  lmtpSocket: string;
  authSocket: string;
}

/**
 * Postfix from its own config directory: port 25-style SMTP (the MX path, no
 * auth, local domain only) and submission (STARTTLS required, SASL through
 * Dovecot), delivering the virtual domain to Dovecot over LMTP.
 */
export async function startPostfix(ctx: LabContext, tls: LabTls, sockets: PostfixSockets): Promise<Started> {
  const smtpPort = await ctx.port();
  const submissionPort = await ctx.port();
  // Submission over implicit TLS (RFC 8314, port 465).
  const submissionsPort = await ctx.port();
  // postscreen behind a load balancer: the client address arrives in a PROXY v2 header.
  const proxiedPort = await ctx.port();
  const confDir = ctx.path('postfix');
  const queueDir = ctx.path('postfix-queue');
  const dataDir = ctx.path('postfix-data');
  for (const dir of [confDir, queueDir, dataDir]) mkdirSync(dir, { recursive: true });
  execFileSync('chown', ['postfix', dataDir]);
  const logFile = ctx.path('postfix.log');
  const main = {
    compatibility_level: '3.6',
    queue_directory: queueDir,
    data_directory: dataDir,
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    myhostname: `mail.${ctx.domain}`,
    mydomain: ctx.domain,
    myorigin: '$mydomain',
    mydestination: '',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    maillog_file: logFile,
    maillog_file_prefixes: ctx.dir,
    virtual_mailbox_domains: ctx.domain,
    virtual_transport: `lmtp:unix:${sockets.lmtpSocket}`,
    smtpd_tls_cert_file: tls.certFile,
    smtpd_tls_key_file: tls.keyFile,
    smtpd_tls_security_level: 'may',
    smtpd_sasl_type: 'dovecot',
    smtpd_sasl_path: sockets.authSocket,
    smtpd_relay_restrictions: 'permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination',
    smtp_dns_support_level: 'disabled',
    biff: 'no',
    append_dot_mydomain: 'no',
    readme_directory: 'no',
    alias_maps: '',
    alias_database: '',
    local_recipient_maps: '',
  };
  writeFileSync(
    `${confDir}/main.cf`,
    Object.entries(main)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
  );
  writeFileSync(
    `${confDir}/master.cf`,
    [
      `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
      `127.0.0.1:${submissionPort} inet n - n - - smtpd`,
      '  -o syslog_name=postfix/submission',
      '  -o smtpd_tls_security_level=encrypt',
      '  -o smtpd_sasl_auth_enable=yes',
      '  -o smtpd_tls_auth_only=yes',
      '  -o smtpd_client_restrictions=permit_sasl_authenticated,reject',
      '  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
      `127.0.0.1:${submissionsPort} inet n - n - - smtpd`,
      '  -o syslog_name=postfix/submissions',
      '  -o smtpd_tls_wrappermode=yes',
      '  -o smtpd_sasl_auth_enable=yes',
      '  -o smtpd_client_restrictions=permit_sasl_authenticated,reject',
      '  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
      `127.0.0.1:${proxiedPort} inet n - n - 1 postscreen`,
      '  -o postscreen_upstream_proxy_protocol=haproxy',
      'smtpd     pass  -       -       n       -       -       smtpd',
      ...SERVICES,
      '',
    ].join('\n'),
  );
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', MAIL_CONFIG: confDir };
  execFileSync('/usr/sbin/postfix', ['-c', confDir, 'check'], { stdio: 'pipe', env });
  const script = spawnDaemon('/usr/sbin/postfix', ['-c', confDir, 'start-fg'], {
    logFile: ctx.path('postfix.out'),
    env,
  });
  const pidFile = `${queueDir}/pid/master.pid`;
  await waitFor(
    'postfix',
    async () =>
      existsSync(pidFile) &&
      (await portOpen(smtpPort)) &&
      (await portOpen(submissionPort)) &&
      (await portOpen(submissionsPort)) &&
      (await portOpen(proxiedPort)),
  );
  // The master daemon runs in a session of its own (setsid), apart from the start-fg script.
  const master = Number(readFileSync(pidFile, 'utf8').trim());
  return {
    name: 'postfix',
    pid: master,
    expect: 'master',
    also: [{ pid: script, expect: 'postfix' }],
    info: { smtpPort, submissionPort, submissionsPort, proxiedPort, configDir: confDir, logFile },
  };
}
