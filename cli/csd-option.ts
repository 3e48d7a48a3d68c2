import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { CfdiLayoutError } from '../src/errors.js';
import type { Csd } from '../src/sealing/csd.js';
import type { GlobalArgs } from './command.js';
import { usage } from './command.js';

/** The environment variable holding the CSD's password (never an argument: argv shows in `ps`). */
export const CSD_PASSWORD_ENV = 'CFDI_LAYOUT_CSD_PASSWORD';

/** The options that name a CSD. */
export interface CsdArgs {
  cer: string | undefined;
  key: string | undefined;
  'password-file': string | undefined;
}

/** Adds --cer, --key and --password-file to a command. */
export function csdOptions<T>(y: Argv<T>, why: string): Argv<T & CsdArgs> {
  return y
    .option('cer', { type: 'string', describe: `The CSD's certificate (.cer, DER) ${why}` })
    .option('key', { type: 'string', describe: "The CSD's private key (.key, encrypted PKCS#8 DER)" })
    .option('password-file', {
      type: 'string',
      describe: `File holding the .key's password; else the ${CSD_PASSWORD_ENV} environment variable. Never an argument`,
    }) as unknown as Argv<T & CsdArgs>;
}

/** The CSD the options name, loaded; `undefined` when neither --cer nor --key is given. */
export async function csdFromArgs(args: GlobalArgs & CsdArgs): Promise<Csd | undefined> {
  if (args.cer === undefined && args.key === undefined) {
    if (args['password-file'] !== undefined) throw usage('--password-file needs --cer and --key');
    return undefined;
  }
  if (args.cer === undefined || args.key === undefined) throw usage('--cer and --key go together');
  let password: string | undefined;
  if (args['password-file'] !== undefined) {
    // One trailing newline is the editor's, not the password's.
    password = (await readFile(args['password-file'], 'utf8')).replace(/\r?\n$/, '');
  } else password = process.env[CSD_PASSWORD_ENV];
  if (password === undefined || password === '') {
    throw new CfdiLayoutError(
      'SECRET_MISSING',
      `set the environment variable ${CSD_PASSWORD_ENV} or name a file with --password-file; the CSD password is never read from arguments`,
    );
  }
  const [cer, key] = await Promise.all([readFile(args.cer), readFile(args.key)]);
  const { loadCsd } = await import('../src/sealing/csd.js');
  return loadCsd({ cer, key, password });
}
