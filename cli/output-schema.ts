import { z } from 'zod';

/** The document every command prints with `--json`: stable, so scripts can rely on it. */
export const CliOutputSchema = z
  .strictObject({
    ok: z
      .boolean()
      .describe('False when the command failed: invalid documents, rejected rows, provider refusals'),
    command: z.string().describe('The command that ran (desglose, convert, validate, build, …)'),
    issues: z.array(
      z
        .object({
          code: z
            .string()
            .describe('SAT rule code (CFDI40108) or the library code (XML_MALFORMED, LAYOUT_FIELD_TYPE, …)'),
          path: z
            .string()
            .describe('Where, as a dot path (conceptos.2.importe); empty for the whole document'),
          message: z.string(),
          severity: z.enum(['error', 'warning']),
        })
        .catchall(z.unknown()),
    ),
    outputs: z.unknown().describe('What the command produced (files, counts, documents); command-specific'),
  })
  .describe('cfdi-layout --json output');
