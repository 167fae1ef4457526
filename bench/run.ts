// npm run bench: every benchmark, one after the other, figures on stdout.
await import('./startup.ts');
await import('./probe.ts');
await import('./backup.ts');
await import('./backup-memory.ts');
await import('./spf.ts');
await import('./spf-domains.ts');
await import('./gate.ts');
await import('./gate-scale.ts');
