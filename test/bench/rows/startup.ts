/** Row 9: CLI start-up, `lumensync --help` vs `node -e 0`. */
import { CLI_MAIN, interleave, runProcess, series } from '../lib.js';
import { ms, msSeries, type RowRunner } from '../row.js';

export const startup: RowRunner = async (ctx) => {
  const rounds = Math.max(ctx.rounds * 2, 10);
  const cases = {
    node: async () => (await runProcess(process.execPath, ['-e', '0'], { check: true })).wallMs,
    help: async () => (await runProcess(process.execPath, [CLI_MAIN, '--help'], { check: true })).wallMs,
  };
  await cases.node();
  await cases.help();
  const samples = await interleave(rounds, cases);
  const node = series(samples.node!);
  const help = series(samples.help!);
  const ratio = help.median / node.median;
  return {
    row: 9, name: 'CLI start-up: lumensync --help', target: '≤ 2× node -e 0', verdict: ratio <= 2 ? 'met' : 'missed',
    measured: `${msSeries(help)}; node -e 0 ${ms(node.median)} → ${ratio.toFixed(2)}×`,
    figures: { rounds, help, node, ratio },
  };
};
