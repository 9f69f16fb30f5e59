import { describe, expect, it } from 'vitest';
import { cleanVendorError, cleanVendorText, redactSecrets } from '../../src/core/http/sanitize.js';

describe('cleanVendorText', () => {
  it('makes one line: control characters and runs of whitespace become single spaces', () => {
    expect(cleanVendorText('  first\r\n\tsecond\u0000third\u001b[31m  fourth\u0085 ', [])).toBe('first second third [31m fourth');
  });

  it('clips to 200 characters with an ellipsis, never between the halves of a surrogate pair', () => {
    const long = cleanVendorText('y'.repeat(500), []);
    expect(long).toHaveLength(200);
    expect(long?.endsWith('y...')).toBe(true);
    expect(cleanVendorText('y'.repeat(200), [])).toBe('y'.repeat(200));
    const astral = cleanVendorText(`${'y'.repeat(196)}😀${'y'.repeat(10)}`, []);
    expect(astral).toBe(`${'y'.repeat(196)}...`);
  });

  it('is null when nothing is left', () => {
    expect(cleanVendorText(' \n\t ', [])).toBeNull();
    expect(cleanVendorText('', [])).toBeNull();
    expect(cleanVendorText(null, [])).toBeNull();
    expect(cleanVendorText(undefined, [])).toBeNull();
  });

  it('takes secrets out before clipping, so no part of one survives the cut', () => {
    const secret = 'cut-me-not-7f6e5d4c';
    const text = `${'z'.repeat(190)}${secret}`;
    expect(cleanVendorText(text, [secret])).toBe(`${'z'.repeat(190)}[redacted]`);
  });

  it('finds a secret with a line break in it, written as sent or as the vendor flattened it', () => {
    const secret = 'abc\r\ndef-ghijkl';
    expect(cleanVendorText(`key ${secret} refused`, [secret])).toBe('key [redacted] refused');
    expect(cleanVendorText('key abc def-ghijkl refused', [secret])).toBe('key [redacted] refused');
  });

  it('leaves values shorter than four characters alone', () => {
    expect(cleanVendorText('abc abcd', ['abc', 'abcd'])).toBe('abc [redacted]');
  });
});

describe('redactSecrets', () => {
  it('replaces a secret as written and as it reads inside a JSON string', () => {
    const secret = 'quo"te\\back';
    const body = JSON.stringify({ message: `echo ${secret}` });
    expect(body).not.toContain(secret);
    expect(redactSecrets(body, [secret])).toBe('{"message":"echo [redacted]"}');
    expect(redactSecrets(`raw ${secret}`, [secret])).toBe('raw [redacted]');
  });
});

describe('cleanVendorError', () => {
  it('cleans every string a parser returned and keeps the numbers', () => {
    const cleaned = cleanVendorError(
      {
        vendorCode: ' CODE\nsecret-value-123 ',
        summary: 'sum\tmary',
        fieldErrors: [{ path: ['data', 'secret-value-123'], message: '   ' }],
        retryAfterSeconds: 5,
        vendorRequestId: 'req-1',
      },
      ['secret-value-123'],
    );
    expect(cleaned).toEqual({
      vendorCode: 'CODE [redacted]',
      summary: 'sum mary',
      fieldErrors: [{ path: ['data', '[redacted]'], message: 'invalid' }],
      retryAfterSeconds: 5,
      vendorRequestId: 'req-1',
    });
  });
});
