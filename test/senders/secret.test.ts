import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CfdiLayoutError } from '../../src/errors.js';
import {
  basicAuth,
  createRedactor,
  redactDeep,
  requireSecret,
  SECRET_ENV,
  Secret,
  secretsFromEnv,
} from '../../src/senders/secret.js';

describe('Secret', () => {
  const secret = new Secret('s3cr3t-value');

  it('never prints its value', () => {
    expect(String(secret)).toBe('***');
    expect(`${secret}`).toBe('***');
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}');
    expect(inspect(secret)).toBe('***');
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.toContain('s3cr3t');
    expect(secret.reveal()).toBe('s3cr3t-value');
  });

  it('reads every credential from an injected environment, empty meaning unset', () => {
    const secrets = secretsFromEnv({
      [SECRET_ENV.tralixKey]: 'k',
      [SECRET_ENV.tralixUser]: '',
      [SECRET_ENV.factureUser]: 'u',
    });
    expect(secrets.tralix.key?.reveal()).toBe('k');
    expect(secrets.tralix.user).toBeUndefined();
    expect(secrets.facture.user?.reveal()).toBe('u');
    expect(secrets.facturav4.apiKey).toBeUndefined();
  });

  it('names the missing variable, never a value', () => {
    expect(() => requireSecret(undefined, SECRET_ENV.facturav4ApiKey)).toThrowError(CfdiLayoutError);
    try {
      requireSecret(undefined, SECRET_ENV.facturav4ApiKey);
    } catch (err) {
      expect((err as CfdiLayoutError).code).toBe('SECRET_MISSING');
      expect((err as Error).message).toContain('CFDI_LAYOUT_FACTURAV4_API_KEY');
    }
  });

  it('redacts plain, URL-encoded, base64 and Basic forms', () => {
    const user = new Secret('tepox');
    const password = new Secret('p@ss/word');
    const redact = createRedactor([user, password, basicAuth(user, password)]);
    const basic = basicAuth(user, password).reveal();
    const text = `u=tepox p=p@ss/word enc=${encodeURIComponent('p@ss/word')} b64=${Buffer.from('p@ss/word').toString('base64')} h=${basic}`;
    const out = redact(text);
    expect(out).not.toContain('tepox');
    expect(out).not.toContain('p@ss/word');
    expect(out).not.toContain(encodeURIComponent('p@ss/word'));
    expect(out).not.toContain(basic.slice(6));
    expect(redactDeep({ a: [text], b: { c: text } }, redact)).toEqual({ a: [out], b: { c: out } });
  });
});
