import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutRecordLineSchema } from '../../src/layouts/index.js';
import { assertCliBuilt, ROOT, runCli, runJson, scratchDir } from './run-cli.js';

/*
 * `convert --to records` / `--from records` through the built binary: every line of a layout text
 * becomes one JSON object with its record id and every field by name, and the records give the
 * text's bytes back, for each built-in layout and a user-defined one. Edits in the JSON reach the
 * text; a value its field cannot hold is refused at `records.N.field`.
 */

const scratch = scratchDir('records');
beforeAll(assertCliBuilt);
afterAll(scratch.cleanup);

const LAYOUTS = join(ROOT, 'samples/layouts');

const TEXTS = [
  { layout: 'tralix-legacy', file: 'tralix-legacy-seed-002.txt', variant: undefined },
  { layout: 'tralix-40', file: 'tralix-40-factura.txt', variant: undefined },
  { layout: 'tralix-40', file: 'tralix-40-ticket-insumo.txt', variant: 'ticket' },
  { layout: 'tralix-40', file: 'tralix-40-rep.txt', variant: undefined },
  { layout: join(LAYOUTS, 'mini.layout.json'), file: 'mini.txt', variant: undefined },
] as const;

function variantArgs(variant: string | undefined): string[] {
  return variant === undefined ? [] : ['--variant', variant];
}

describe('convert --to records and back gives the same bytes', () => {
  for (const { layout, file, variant } of TEXTS) {
    it(`${file} (${layout.endsWith('.json') ? 'user-defined layout' : layout})`, async () => {
      const source = join(LAYOUTS, file);
      const bytes = readFileSync(source);
      const jsonl = scratch.file(`${file}.jsonl`, '');
      const out = await runCli([
        'convert',
        source,
        '--from',
        'layout',
        '--to',
        'records',
        '--layout',
        layout,
        ...variantArgs(variant),
        '-o',
        jsonl,
      ]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
      const textLines = bytes
        .toString('utf8')
        .replace(/\r?\n$/, '')
        .split(/\r?\n/);
      expect(lines).toHaveLength(textLines.length);
      lines.forEach((line, i) => {
        const record = LayoutRecordLineSchema.parse(JSON.parse(line));
        expect(record.line).toBe(i + 1);
        // Every field value the line writes is in the object (escapes undone: `\;` reads as `;`).
        const textLine = textLines[i] ?? '';
        expect(textLine).toContain(record.id);
        for (const value of Object.values(record.fields))
          if (!value.includes(';')) expect(textLine).toContain(value);
      });
      const back = await runCli([
        'convert',
        jsonl,
        '--from',
        'records',
        '--to',
        'layout',
        '--layout',
        layout,
        ...variantArgs(variant),
      ]);
      expect(back.stderr).toBe('');
      expect(back.code).toBe(0);
      expect(Buffer.from(back.stdout, 'utf8').equals(bytes)).toBe(true);
    });
  }

  it('keeps a CRLF text without a final line ending byte for byte', async () => {
    const lf = readFileSync(join(LAYOUTS, 'tralix-legacy-seed-002.txt'), 'utf8');
    const crlf = lf.replace(/\n$/, '').replaceAll('\n', '\r\n');
    const source = scratch.file('seed-crlf.txt', crlf);
    const records = await runJson([
      'convert',
      source,
      '--from',
      'layout',
      '--to',
      'records',
      '--layout',
      'tralix-legacy',
    ]);
    expect(records.code).toBe(0);
    // The text differs from the definition's line ending: said, as a warning, and carried.
    expect(records.doc.issues.map((i) => `${i.code} ${i.severity}`)).toContain('LAYOUT_LINE_ENDING warning');
    const document = (records.doc.outputs as { document: string }).document;
    const objects = document
      .trimEnd()
      .split('\n')
      .map((l) => LayoutRecordLineSchema.parse(JSON.parse(l)));
    expect(objects.at(-1)?.end).toBe('');
    expect(objects[0]?.end).toBe('\r\n');
    const back = await runCli(
      ['convert', '-', '--from', 'records', '--to', 'layout', '--layout', 'tralix-legacy'],
      {
        input: document,
      },
    );
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(crlf);
  });
});

describe('the edit loop on records', () => {
  const seed = join(LAYOUTS, 'tralix-legacy-seed-002.txt');

  async function records(): Promise<string[]> {
    const run = await runCli([
      'convert',
      seed,
      '--from',
      'layout',
      '--to',
      'records',
      '--layout',
      'tralix-legacy',
    ]);
    expect(run.code).toBe(0);
    return run.stdout.trimEnd().split('\n');
  }

  it('an edited field reaches the text, and only that field', async () => {
    const lines = await records();
    const receptor = lines.findIndex((l) => JSON.parse(l).id === '03');
    const edited = JSON.parse(lines[receptor] ?? '');
    edited.fields.telefono = '5555555555';
    lines[receptor] = JSON.stringify(edited);
    const back = await runCli(
      ['convert', '-', '--from', 'records', '--to', 'layout', '--layout', 'tralix-legacy'],
      { input: `${lines.join('\n')}\n` },
    );
    expect(back.code).toBe(0);
    const original = readFileSync(seed, 'utf8').split('\n');
    const written = back.stdout.split('\n');
    expect(written).toHaveLength(original.length);
    written.forEach((line, i) => {
      if (i === receptor) expect(line).toBe((original[i] ?? '').replace('4424876399', '5555555555'));
      else expect(line).toBe(original[i]);
    });
  });

  it('a value its field cannot hold is refused at records.N.field, nothing written', async () => {
    const lines = await records();
    const concept = lines.findIndex((l) => JSON.parse(l).id === '05');
    const edited = JSON.parse(lines[concept] ?? '');
    edited.fields.cantidad = 'tres';
    lines[concept] = JSON.stringify(edited);
    const out = scratch.file('refused.txt', '');
    const back = await runJson(
      ['convert', '-', '--from', 'records', '--to', 'layout', '--layout', 'tralix-legacy', '-o', out],
      { input: lines.join('\n') },
    );
    expect(back.code).toBe(1);
    expect(back.doc.issues).toContainEqual(
      expect.objectContaining({
        code: 'LAYOUT_FIELD_TYPE',
        path: `records.${concept}.cantidad`,
        severity: 'error',
      }),
    );
    expect(readFileSync(out, 'utf8')).toBe('');
  });

  it('a line that is not a records object names its JSON line', async () => {
    const back = await runJson(
      ['convert', '-', '--from', 'records', '--to', 'layout', '--layout', 'tralix-legacy'],
      {
        input: '{"id":"00","fields":{}}\n{"id":"01","feilds":{}}\n',
      },
    );
    expect(back.code).toBe(1);
    expect(back.doc.issues.map((i) => i.message).join('\n')).toMatch(/JSON line 2/);
  });

  it('a text whose lines the records cannot hold is refused with the line', async () => {
    const source = scratch.file('unknown-record.txt', `${readFileSync(seed, 'utf8').trimEnd()}\n42|what|\n`);
    const run = await runJson([
      'convert',
      source,
      '--from',
      'layout',
      '--to',
      'records',
      '--layout',
      'tralix-legacy',
    ]);
    expect(run.code).toBe(1);
    expect(run.doc.issues).toContainEqual(
      expect.objectContaining({ code: 'LAYOUT_RECORD_UNKNOWN', severity: 'error' }),
    );
  });

  it('records of a comprobante read from XML or JSON: json → records → layout equals json → layout', async () => {
    const json = join(ROOT, 'samples/json/factura-parcial.json');
    const direct = await runCli(['convert', json, '--to', 'layout', '--layout', 'tralix-40']);
    expect(direct.code).toBe(0);
    const recs = await runCli(['convert', json, '--to', 'records', '--layout', 'tralix-40']);
    expect(recs.code).toBe(0);
    const back = await runCli(
      ['convert', '-', '--from', 'records', '--to', 'layout', '--layout', 'tralix-40'],
      {
        input: recs.stdout,
      },
    );
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(direct.stdout);
  });
});

describe('the edit loop on model JSON: layout → JSON → edit → layout → validate', () => {
  const seed = join(LAYOUTS, 'tralix-legacy-seed-002.txt');

  async function toJson(source: string, layout: string): Promise<Record<string, unknown>> {
    const run = await runJson(['convert', source, '--from', 'layout', '--layout', layout, '--to', 'json']);
    expect(run.code).toBe(0);
    return JSON.parse((run.doc.outputs as { document: string }).document);
  }

  async function toLayout(json: unknown, layout: string): Promise<{ code: number | null; stdout: string }> {
    return runCli(['convert', '-', '--from', 'json', '--to', 'layout', '--layout', layout], {
      input: JSON.stringify(json),
    });
  }

  it('seed 002: the draft is written with what is missing as warnings, and gives the same bytes back', async () => {
    const run = await runJson([
      'convert',
      seed,
      '--from',
      'layout',
      '--layout',
      'tralix-legacy',
      '--to',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(run.doc.ok).toBe(true);
    const incomplete = run.doc.issues.filter((i) => i.code === 'LAYOUT_MODEL_INCOMPLETE');
    expect(incomplete.map((i) => i.path)).toEqual(expect.arrayContaining(['emisor', 'tipoDeComprobante']));
    expect(run.doc.issues.every((i) => i.severity === 'warning')).toBe(true);
    const json = JSON.parse((run.doc.outputs as { document: string }).document);
    // The fields the model has no place for travel under layoutLines.
    expect(json.layoutLines.lines[1].fields.observacion1).toBe('Primera Observación');
    expect(json.layoutLines.lines.find((l: { id: string }) => l.id === '03').fields.telefono).toBe(
      '4424876399',
    );
    const back = await toLayout(json, 'tralix-legacy');
    expect(back.code).toBe(0);
    expect(Buffer.from(back.stdout, 'utf8').equals(readFileSync(seed))).toBe(true);
  });

  it('seed 002: an edit in the model reaches its line and nothing else', async () => {
    const json = await toJson(seed, 'tralix-legacy');
    (json.receptor as { nombre: string }).nombre = 'PATITO FELIZ, S.A. DE C.V.';
    (json.conceptos as Array<{ descripcion: string }>)[2] = {
      ...(json.conceptos as Array<{ descripcion: string }>)[2],
      descripcion: 'ALPISTE',
    } as { descripcion: string };
    const back = await toLayout(json, 'tralix-legacy');
    expect(back.code).toBe(0);
    const original = readFileSync(seed, 'utf8').split('\n');
    const written = back.stdout.split('\n');
    expect(written).toHaveLength(original.length);
    written.forEach((line, i) => {
      const was = original[i] ?? '';
      if (was.startsWith('03|'))
        expect(line).toBe(was.replace('|PATITO, S.A. DE C.V.|', '|PATITO FELIZ, S.A. DE C.V.|'));
      else if (was.includes('COMIDA DE CORRECAMINOS'))
        expect(line).toBe(was.replace('COMIDA DE CORRECAMINOS', 'ALPISTE'));
      else expect(line).toBe(was);
    });
  });

  it('seed 002: a line whose model node was removed is refused, naming the line', async () => {
    const json = await toJson(seed, 'tralix-legacy');
    delete json.receptor;
    const run = await runJson(
      ['convert', '-', '--from', 'json', '--to', 'layout', '--layout', 'tralix-legacy'],
      {
        input: JSON.stringify(json),
      },
    );
    expect(run.code).toBe(1);
    expect(run.doc.issues).toContainEqual(
      expect.objectContaining({ code: 'LAYOUT_UNSUPPORTED_CONTENT', path: 'layoutLines.lines.3.path' }),
    );
  });

  it('lines read with one layout are not written with another', async () => {
    const json = await toJson(seed, 'tralix-legacy');
    const run = await runJson(['convert', '-', '--from', 'json', '--to', 'layout', '--layout', 'tralix-40'], {
      input: JSON.stringify(json),
    });
    expect(run.code).toBe(1);
    expect(run.doc.issues[0]?.path).toBe('layoutLines.layout');
  });

  it('tralix-40: an edited importe comes back in the text and validate names the SAT rule at its line', async () => {
    const source = join(LAYOUTS, 'tralix-40-factura.txt');
    const json = await toJson(source, 'tralix-40');
    expect((await toLayout(json, 'tralix-40')).stdout).toBe(readFileSync(source, 'utf8'));
    const total = json.total as string;
    json.total = (Number(total) + 1).toFixed(2);
    const back = await toLayout(json, 'tralix-40');
    expect(back.code).toBe(0);
    const edited = scratch.file('factura-40-edited.txt', back.stdout);
    const validate = await runJson(['validate', edited, '--layout', 'tralix-40']);
    expect(validate.code).toBe(1);
    const line = back.stdout.split('\n').findIndex((l) => l.includes(`|${json.total}|`)) + 1;
    expect(line).toBeGreaterThan(0);
    const sat = validate.doc.issues.filter((i) => /^CFDI40\d+$/.test(i.code));
    expect(sat.length).toBeGreaterThan(0);
    expect(sat.some((i) => i.message.includes(`line ${line}`) && i.message.includes('total'))).toBe(true);
  });
});
