import { safeReturnTo } from '../../server/middleware/guards';

describe('returnTo after sign-in', () => {
  it.each(['/account', '/coordinator/organisations?state=pending', '/organisation'])(
    'keeps the on-site path %s',
    (path) => {
      expect(safeReturnTo(path)).toBe(path);
    },
  );
  it.each([
    '//evil.example',
    'https://evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '/login',
    '',
    42,
    null,
    '/a b',
    '/a\r\nSet-Cookie: x',
  ])('refuses %p', (value) => {
    expect(safeReturnTo(value)).toBeUndefined();
  });
});
