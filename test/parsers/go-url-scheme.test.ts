// What Go's url.Parse makes of a registry URL's scheme (go1.19 src/net/url/url.go:433-453, :534-548): the
// outcomes below are what `go run` prints for url.Parse on each value.
import { describe, expect, it } from 'vitest';
import { goUrlScheme } from '../../src/parsers/go-url-scheme.js';

describe('goUrlScheme', () => {
  it('takes http and https URLs as they are, in any case', () => {
    expect(goUrlScheme('https://harbor.example.com')).toEqual({ kind: 'ok', scheme: 'https' });
    expect(goUrlScheme('http://10.0.0.1:5000')).toEqual({ kind: 'ok', scheme: 'http' });
    expect(goUrlScheme('HTTPS://x.io')).toEqual({ kind: 'ok', scheme: 'https' });
  });

  it('reads a bare host, or a host after //, as no scheme', () => {
    expect(goUrlScheme('harbor.example.com')).toEqual({ kind: 'no-scheme', scheme: '' });
    expect(goUrlScheme('192.168.1.10')).toEqual({ kind: 'no-scheme', scheme: '' });
    expect(goUrlScheme('//harbor.example.com')).toEqual({ kind: 'no-scheme', scheme: '' });
  });

  it('reads a name before host:port as the scheme, with no host', () => {
    expect(goUrlScheme('harbor.example.com:5000')).toEqual({ kind: 'no-scheme', scheme: 'harbor.example.com' });
    expect(goUrlScheme('localhost:5000')).toEqual({ kind: 'no-scheme', scheme: 'localhost' });
  });

  it('refuses an address:port, as url.Parse does', () => {
    expect(goUrlScheme('192.168.1.10:5000')).toEqual({
      kind: 'error',
      message: 'parse "192.168.1.10:5000": first path segment in URL cannot contain colon',
    });
    expect(goUrlScheme(':5000')).toEqual({ kind: 'error', message: 'parse ":5000": missing protocol scheme' });
  });
});
