/**
 * `interlend doctor` (issue 7): the guide's setup as checks, printed for the librarian or as JSON. Exit code 0 when
 * every check passes, 1 with warnings, 2 with failures. `interlend doctor users` is the username match report.
 */
import type { Command } from 'commander';
import type { DoctorReport } from '../app/doctor-service.ts';
import type { CliDeps } from './program.ts';
import { registerDoctorUsers } from './doctor-users.ts';

type Io = { out: (line: string) => void; err: (line: string) => void };

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export function printDoctorReport(report: DoctorReport, out: (line: string) => void): void {
  for (const c of report.checks) {
    out(`${MARK[c.status]}  ${c.title}`);
    out(`      ${c.message}`);
    out(`      (guide: ${c.guideStep})`);
  }
  const { pass, warn, fail } = report.summary;
  out('');
  out(`${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed.`);
}

export function registerDoctor(program: Command, deps: CliDeps, io: Io, withInstance: CliDeps['openInstance']): void {
  const doctor = program
    .command('doctor')
    .description("check the setup against the guide (ILLiad as lender of last resort): exit 0 all pass, 1 warnings, 2 failures")
    .option('--json', 'print the checks as JSON')
    .option('--offline', 'check the configuration only; do not call ILLiad')
    .option('--server-url <url>', "this server's address as ILLiad reaches it, for the NCIP address shown (default: $PUBLIC_URL, else http://localhost:$PORT)")
    .action(async (options: { json?: boolean; offline?: boolean; serverUrl?: string }) => {
      const serverAddress = options.serverUrl ?? process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
      const instance = await withInstance();
      let report: DoctorReport;
      try {
        report = await instance.doctor.run({ serverAddress, offline: !!options.offline });
      } finally {
        await instance.close();
      }
      if (options.json) io.out(JSON.stringify(report, null, 2));
      else printDoctorReport(report, io.out);
      process.exitCode = report.exitCode;
    });
  registerDoctorUsers(doctor, deps, io);
}
