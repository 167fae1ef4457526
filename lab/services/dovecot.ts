import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnDaemon, portOpen, waitFor } from '../process.ts';
import type { LabTls } from '../tls.ts';
import type { LabContext, Started } from './types.ts';

export interface MailUser {
  address: string;
  password: string;
}

/**
 * Dovecot standalone: IMAP (143, STARTTLS) and IMAPS, LMTP and SASL auth on
 * unix sockets for Postfix, users from a passwd-file, Maildir under the lab.
 */
export async function startDovecot(ctx: LabContext, tls: LabTls, users: MailUser[]): Promise<Started> {
  const imapPort = await ctx.port();
  const imapsPort = await ctx.port();
  // IMAP behind a load balancer: the client address arrives in a PROXY header (haproxy = yes).
  const proxiedPort = await ctx.port();
  const run = ctx.path('dovecot-run');
  const mail = ctx.path('mail');
  mkdirSync(run, { recursive: true });
  mkdirSync(mail, { recursive: true });
  execFileSync('chown', [`${ctx.mailUid}:${ctx.mailGid}`, mail]);
  const passwd = ctx.path('dovecot-users');
  writeFileSync(passwd, users.map((u) => `${u.address}:{PLAIN}${u.password}::::::\n`).join(''), {
    mode: 0o640,
  });
  execFileSync('chown', ['root:dovecot', passwd]);
  const conf = ctx.path('dovecot.conf');
  const lmtpSocket = ctx.path('dovecot-lmtp');
  const authSocket = ctx.path('dovecot-auth');
  writeFileSync(
    conf,
    `
base_dir = ${run}
state_dir = ${ctx.path('dovecot-state')}
instance_name = mailops-lab-${imapPort}
hostname = mail.${ctx.domain}
protocols = imap lmtp
listen = 127.0.0.1
haproxy_trusted_networks = 127.0.0.1/32
log_path = ${ctx.path('dovecot.log')}
ssl = yes
ssl_cert = <${tls.certFile}
ssl_key = <${tls.keyFile}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
auth_username_format = %Lu
first_valid_uid = ${ctx.mailUid}
mail_location = maildir:${mail}/%d/%n/Maildir
mail_uid = ${ctx.mailUid}
mail_gid = ${ctx.mailGid}
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${passwd}
}
userdb {
  driver = static
  args = uid=${ctx.mailUid} gid=${ctx.mailGid} home=${mail}/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
  inet_listener imap_proxied {
    address = 127.0.0.1
    port = ${proxiedPort}
    haproxy = yes
  }
}
service lmtp {
  unix_listener ${lmtpSocket} {
    mode = 0666
  }
}
service auth {
  unix_listener ${authSocket} {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@${ctx.domain}
}
`,
  );
  const pid = spawnDaemon('/usr/sbin/dovecot', ['-F', '-c', conf], { logFile: ctx.path('dovecot.out') });
  await waitFor('dovecot', async () => (await portOpen(imapPort)) && (await portOpen(imapsPort)));
  return {
    name: 'dovecot',
    pid,
    expect: 'dovecot',
    info: {
      imapPort,
      imapsPort,
      proxiedPort,
      config: conf,
      lmtpSocket,
      authSocket,
      logFile: ctx.path('dovecot.log'),
    },
  };
}
