/** `lumensync doctor`: the setup checklist with ✓/✗ and a fix per step; `--probe` checks the API contract. */
import type { Argv, CommandModule } from 'yargs';
import { resolveSettings } from '../../config/settings.js';
import { doctorExitCode, renderReport, runDoctor } from '../../doctor/doctor.js';
import type { ExitCode } from '../exit-codes.js';
import { mirrorOptions, type MirrorArgs } from '../mirror-options.js';
import { printJson, printLine } from '../output.js';
import { DESCRIPTIONS } from '../command-list.js';

/** Parsed doctor flags. */
export interface DoctorArgs extends MirrorArgs {
  probe?: boolean;
  'probe-write'?: boolean;
}

/** Run the doctor; returns the exit code (0 all good, 3 remote step failed, 2 local step failed, 1 contract contradicted). */
export async function runDoctorCommand(args: DoctorArgs, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const settings = await resolveSettings(args, env);
  const report = await runDoctor(settings.connection, settings.mirrors, { probe: args.probe ?? false, probeWrite: args['probe-write'] ?? false, env });
  if (args.json) printJson({ ...report, exitCode: doctorExitCode(report) });
  else printLine(renderReport(report));
  return doctorExitCode(report);
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor [dir]',
  describe: DESCRIPTIONS.doctor,
  builder: (yargs: Argv) => mirrorOptions(yargs)
    .positional('dir', { type: 'string', describe: 'local folder of the mirror to check (omit with --config to check every mirror)' })
    .option('probe', { type: 'boolean', defaultDescription: 'false', describe: 'also check, read-only, every UNCONFIRMED response shape and behaviour of the API contract' })
    .option('probe-write', { type: 'boolean', defaultDescription: 'false', describe: 'also upload, list, embed, move and remove one tiny document in a scratch folder' })
    .example('$0 doctor --config lumensync.json', 'check every mirror of the config file')
    .example('$0 doctor ./handbook --org acme --folder handbook --workspace support-bot', 'check one mirror given by flags')
    .example('$0 doctor --config lumensync.json --probe --json', 'also verify the API contract against the server, as JSON') as unknown as Argv<DoctorArgs>,
  handler: () => undefined,
};
