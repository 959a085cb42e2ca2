/**
 * Flag problems explained with what the user typed: a number flag given text ("abc", not
 * "NaN"), and an unknown option with the closest known one ("did you mean --org?").
 */
import { didYouMean } from '../config/suggest.js';

/** The text given for `--flag` on the command line (`--flag value` or `--flag=value`; the last one wins). */
export function typedValue(argv: readonly string[], flag: string): string | undefined {
  let found: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg === `--${flag}`) found = argv[index + 1] ?? '';
    else if (arg.startsWith(`--${flag}=`)) found = arg.slice(flag.length + 3);
  }
  return found;
}

/** One message per number flag whose value is not a number, echoing the text typed. */
export function notANumberProblems(args: Record<string, unknown>, argv: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    // yargs also sets the camelCase alias of every dashed flag: report the flag as written.
    if (typeof value !== 'number' || !Number.isNaN(value) || /[A-Z]/.test(key)) continue;
    const typed = typedValue(argv, key);
    problems.push(`--${key} must be a number, got ${typed === undefined || typed === '' ? 'nothing' : JSON.stringify(typed)}`);
  }
  return problems;
}

/**
 * yargs' "Unknown argument(s): a, b" rewritten with the flag as typed and a suggestion, or
 * undefined when the message is something else (or names a stray positional, not a flag).
 */
export function explainUnknownOptions(message: string, argv: readonly string[], known: readonly string[]): string | undefined {
  const match = /^Unknown arguments?: (.+)$/.exec(message);
  if (!match) return undefined;
  const names = match[1]!.split(', ');
  const typedAsFlag = (name: string): boolean => argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}` || arg === `--no-${name}`);
  if (!names.every(typedAsFlag)) return undefined;
  const flags = known.filter((name) => name.length > 1 && !/[A-Z]/.test(name));
  const parts = names.map((name) => {
    const shown = name.length === 1 ? `-${name}` : `--${name}`;
    const guess = didYouMean(name, flags);
    return guess === undefined ? shown : `${shown} (did you mean --${guess}?)`;
  });
  return `unknown option${parts.length === 1 ? '' : 's'} ${parts.join(', ')}`;
}
