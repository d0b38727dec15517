import { redactUrl } from '../../src/common/redact-url';

describe('redactUrl', () => {
  it.each([
    ['/v1beta/models?key=AIza-secret', '/v1beta/models?key=[REDACTED]'],
    ['/v1beta/models?pageSize=5&KEY=AIza-secret&x=1', '/v1beta/models?pageSize=5&KEY=[REDACTED]&x=1'],
    [
      '/api/models?api_key=sk-1&api-key=sk-2&apikey=sk-3',
      '/api/models?api_key=[REDACTED]&api-key=[REDACTED]&apikey=[REDACTED]',
    ],
    [
      '/x?token=t&access_token=a&password=p&secret=s',
      '/x?token=[REDACTED]&access_token=[REDACTED]&password=[REDACTED]&secret=[REDACTED]',
    ],
    ['/x?key=a#frag', '/x?key=[REDACTED]#frag'],
  ])('hides the credential in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each(['/api/models?monkey=1&keys=2&key_id=3', '/api/models/key=literal-path', '/api/models'])(
    'leaves %s as it is',
    (url) => {
      expect(redactUrl(url)).toBe(url);
    },
  );
});
