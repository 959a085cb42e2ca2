/** Data shapes of `lumensync doctor`: every check returns one of these, rendering is separate. */

/** ok ✓, fail ✗ (exit non-zero), warn ! (worth a look, not fatal), skip – (could not run). */
export type StepStatus = 'ok' | 'fail' | 'warn' | 'skip';

/** Which part of the setup a step is about; decides the exit code of a failed doctor run. */
export type StepArea = 'remote' | 'local';

/** One checklist step's outcome. */
export interface DoctorStep {
  /** Stable id, e.g. `key`, `org`, `slug-forms`, `workspaces`, `folder`, `root`, `state-dir`, `inotify`, `clock`. */
  id: string;
  area: StepArea;
  /** What was checked, e.g. "the API key works (GET /v1/auth)". */
  title: string;
  status: StepStatus;
  /** What was found. */
  detail: string;
  /** What to do, for fail and warn. */
  fix?: string;
  /** The mirror the step is about (several mirrors → one step each). */
  mirror?: string;
}

/** Verdict on one UNCONFIRMED assumption of the API contract. */
export type ProbeVerdict = 'confirmed' | 'contradicted' | 'inconclusive';

/** One `--probe` / `--probe-write` result. */
export interface ProbeResult {
  /** Stable id, e.g. `orgs-wrapper`. */
  id: string;
  /** The assumption, as the contract states it (with its § number). */
  assumption: string;
  verdict: ProbeVerdict;
  /** What the server actually did. */
  observed: string;
  /** The one module (and function) to change when contradicted. */
  module: string;
}

/** The whole doctor report (also the `--json` output). */
export interface DoctorReport {
  ok: boolean;
  steps: DoctorStep[];
  probes: ProbeResult[];
}

/** A step, without repeating area/id boilerplate at every call site. */
export const step = (id: string, area: StepArea, title: string, status: StepStatus, detail: string, fix?: string, mirror?: string): DoctorStep => ({
  id, area, title, status, detail, ...(fix === undefined ? {} : { fix }), ...(mirror === undefined ? {} : { mirror }),
});
