import { describe, expect, it } from 'vitest';
import {
  issueFromText,
  issueFromTralixError,
  issuesFromMessage,
  PROVIDER_REFUSED,
} from '../../src/senders/provider-issues.js';

describe('provider errors as issues', () => {
  it("turns Factu-Ramval's field map into paths (seed 001)", () => {
    const issues = issuesFromMessage({
      '0.fecha': ['El campo 0.fecha es requerido'],
      '1.id': ['El campo 1.id es requerido'],
    });
    expect(issues).toEqual([
      {
        code: PROVIDER_REFUSED,
        path: [0, 'fecha'],
        message: 'El campo 0.fecha es requerido',
        severity: 'error',
      },
      { code: PROVIDER_REFUSED, path: [1, 'id'], message: 'El campo 1.id es requerido', severity: 'error' },
    ]);
    expect(issuesFromMessage({ '0.fecha': ['x'] }, (p) => [7, ...p.slice(1)])[0]?.path).toEqual([7, 'fecha']);
    expect(issuesFromMessage('La cuenta que intenta autenticarse no existe')[0]?.message).toBe(
      'La cuenta que intenta autenticarse no existe',
    );
  });

  it('keeps SAT codes', () => {
    expect(issueFromText('CFDI40108 - El TipoDeComprobante es I,E o N').code).toBe('CFDI40108');
    expect(issuesFromMessage({ message: 'CFDI40221 - x', messageDetail: 'y' })[0]?.code).toBe('CFDI40221');
  });

  it("reads Tralix's generation errors (seed 002)", () => {
    const text =
      'Error CFDI40108\nEl TipoDeComprobante es I,E o N, el importe registrado en el campo no es igual al redondeo de la suma de los importes de los conceptos registrados.. :\n Código de error: CFDI40108';
    const issue = issueFromTralixError(text);
    expect(issue.code).toBe('CFDI40108');
    expect(issue.message).toBe(
      'El TipoDeComprobante es I,E o N, el importe registrado en el campo no es igual al redondeo de la suma de los importes de los conceptos registrados.',
    );
    expect(issueFromTralixError('Parámetros incorrectos')).toMatchObject({
      code: PROVIDER_REFUSED,
      message: 'Parámetros incorrectos',
    });
  });
});
