// Loaded with --import by bench/backup-memory.ts to run backup-rsync with V8's defaults, beside
// the settings lean-v8.ts gives it: its call to v8.setFlagsFromString does nothing.
import { syncBuiltinESMExports } from 'node:module';
import v8 from 'node:v8';

v8.setFlagsFromString = () => {};
syncBuiltinESMExports();
