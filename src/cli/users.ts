/**
 * `interlend users …`: staff users who sign in to the staff pages with a user name and password (issue 8). The
 * first one can be made here on a fresh install, before any token exists. A password is read from
 * INTERLEND_PASSWORD or, with --password-stdin, from standard input; never from an argument, which other users of
 * the machine can see in the process list and which shells keep in their history.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Instance } from '../app/instance.ts';
import { STAFF_ROLES } from '../domain/access/roles.ts';
import type { StaffUser } from '../domain/access/staff-user.ts';

type Io = { out: (line: string) => void; err: (line: string) => void };

const PASSWORD_HELP = `
The password is read from the environment variable INTERLEND_PASSWORD, or from standard input with
--password-stdin (one line; a final newline is dropped). It is never taken as an argument. At least 12
characters.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function passwordFrom(options: { passwordStdin?: boolean }): Promise<string> {
  if (options.passwordStdin) return (await readStdin()).replace(/\r?\n$/, '');
  const fromEnv = process.env.INTERLEND_PASSWORD;
  if (fromEnv) return fromEnv;
  throw new InvalidArgumentError('give the password in the environment variable INTERLEND_PASSWORD, or on standard input with --password-stdin');
}

function describe(user: StaffUser): string {
  const status = user.disabledAt ? `disabled since ${user.disabledAt}` : 'active';
  return `${user.username.padEnd(20)} ${user.role.padEnd(16)} ${status.padEnd(8)}  last sign-in ${user.lastSignInAt ?? 'never'}  ${user.name}`;
}

export function registerUsers(program: Command, io: Io, withInstance: <T>(work: (instance: Instance) => Promise<T>) => Promise<T>): void {
  const users = program.command('users').description('staff users who sign in to the staff pages with a user name and password');
  const stdinOption = () => new Option('--password-stdin', 'read the password from standard input instead of INTERLEND_PASSWORD');

  users
    .command('add')
    .description('add a staff user')
    .argument('<username>', 'letters, digits, ".", "_", "-" or "@"; compared without case')
    .addOption(new Option('--role <role>', 'what the user may do').choices([...STAFF_ROLES]).makeOptionMandatory())
    .option('--name <name>', 'the name shown in the header and the history (default: the user name)')
    .addOption(stdinOption())
    .addHelpText('after', `${PASSWORD_HELP}\n\nExample (a fresh install's first user):\n  INTERLEND_PASSWORD='…' npx interlend users add alice --role admin --name "Alice Smith"`)
    .action(async (username: string, options: { role: string; name?: string; passwordStdin?: boolean }) => {
      const password = await passwordFrom(options);
      const user = await withInstance((instance) => instance.staffUsers.create({ username, name: options.name ?? username, role: options.role, password }));
      io.err(`Staff user ${user.username} (${user.role}) added: sign in at /ui/sign-in.`);
    });

  users
    .command('list')
    .description('list staff users (never their passwords)')
    .action(async () => {
      const list = await withInstance((instance) => instance.staffUsers.list());
      if (!list.length) io.err('There is no staff user yet: add one with interlend users add.');
      for (const user of list) io.out(describe(user));
    });

  users
    .command('set-password')
    .description("set a user's new password; the user's open sessions end")
    .argument('<username>')
    .addOption(stdinOption())
    .addHelpText('after', PASSWORD_HELP)
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      const password = await passwordFrom(options);
      const user = await withInstance((instance) => instance.staffUsers.setPassword(username, password));
      io.err(`New password set for ${user.username}; their open sessions have ended.`);
    });

  users
    .command('disable')
    .description('stop a user from signing in; their open sessions end at once')
    .argument('<username>')
    .action(async (username: string) => {
      const user = await withInstance((instance) => instance.staffUsers.disable(username));
      io.err(`${user.username} is disabled.`);
    });

  users
    .command('enable')
    .description('let a disabled user sign in again')
    .argument('<username>')
    .action(async (username: string) => {
      const user = await withInstance((instance) => instance.staffUsers.enable(username));
      io.err(`${user.username} may sign in again.`);
    });

  users
    .command('delete')
    .description('remove a user and end their open sessions (to keep the user but stop them signing in, disable it)')
    .argument('<username>')
    .action(async (username: string) => {
      await withInstance((instance) => instance.staffUsers.delete(username));
      io.err(`${username} removed.`);
    });
}
