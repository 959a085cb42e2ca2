/**
 * pm2 process file for the lumensync watch daemon.
 *
 *   export LUMENONE_HOST=https://lumenone.example.com LUMENONE_ACCOUNT_ID=<uuid>
 *   export LUMENONE_API_KEY=<key>            # or LUMENONE_API_KEY_FILE=/path/to/key (mode 0600)
 *   pm2 start ecosystem.config.cjs           # waits for the first reconcile ("ready")
 *   pm2 logs lumensync | pm2 reload lumensync | pm2 stop lumensync
 *   pm2 save && pm2 startup                  # start again at boot
 *
 * Credentials come from the environment pm2 is started with, never from this file. What to
 * mirror comes from the config file (LUMENSYNC_CONFIG, default ./lumensync.json) or, for a
 * one-off, from LUMENSYNC_WATCH_ARGS (the whole argument list after `lumensync`).
 */
const path = require('node:path');

const env = process.env;
const logDir = env.LUMENSYNC_PM2_LOG_DIR || path.join(__dirname, 'logs');
/** Must stay below kill_timeout: pm2 sends SIGKILL when kill_timeout runs out. */
const drainTimeoutMs = Number(env.LUMENSYNC_DRAIN_TIMEOUT_MS || 10000);
const args = env.LUMENSYNC_WATCH_ARGS
  || `watch --config ${env.LUMENSYNC_CONFIG || path.join(__dirname, 'lumensync.json')} --drain-timeout-ms ${drainTimeoutMs}`;

module.exports = {
  apps: [
    {
      name: env.LUMENSYNC_PM2_NAME || 'lumensync',
      script: path.join(__dirname, 'bin', 'lumensync.js'),
      args,
      cwd: __dirname,
      exec_mode: 'fork',
      // One writer per mirror: the state lock refuses a second instance anyway.
      instances: 1,
      autorestart: true,
      // The daemon calls process.send('ready') once its first full reconcile has run.
      wait_ready: true,
      // A first reconcile of a large tree can take minutes; pm2 marks the app online after this anyway.
      listen_timeout: Number(env.LUMENSYNC_LISTEN_TIMEOUT_MS || 120000),
      // SIGINT starts the drain (requests in flight finish, journal saved, exit 0); SIGKILL only after this.
      kill_signal: 'SIGINT',
      kill_timeout: drainTimeoutMs + 5000,
      // Crash loops (remote unreachable at start, bad config) back off: 100 ms doubling up to 15 s.
      exp_backoff_restart_delay: 100,
      max_memory_restart: env.LUMENSYNC_MAX_MEMORY || '512M',
      out_file: path.join(logDir, 'lumensync.out.log'),
      error_file: path.join(logDir, 'lumensync.err.log'),
      merge_logs: true,
      time: true,
      env: {
        NODE_ENV: 'production',
      },
    },
  ],
};
