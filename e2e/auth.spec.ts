import { expect, test } from './fixtures';

test('without the token, or with a wrong one, web mode serves nothing', async ({
  browser,
  request,
  studio,
}) => {
  for (const path of [
    '/',
    '/index.html',
    '/assets/',
    '/?token=wrong',
    `/?token=${studio.token}x`,
  ]) {
    const res = await request.get(`${studio.origin}${path}`, { failOnStatusCode: false });
    expect(res.status(), path).toBe(401);
    expect(await res.text()).not.toContain('<div id="root">');
  }

  // A browser without the token's cookie: the page is refused and so is the socket,
  // with no token and with a wrong one.
  const ctx = await browser.newContext();
  const stranger = await ctx.newPage();
  const res = await stranger.goto(`${studio.origin}/`);
  expect(res?.status()).toBe(401);
  const sockets = await stranger.evaluate(async (origin) => {
    const tryOpen = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
    const base = `${origin.replace('http', 'ws')}/ws`;
    return [await tryOpen(base), await tryOpen(`${base}?token=wrong`)];
  }, studio.origin);
  expect(sockets).toEqual(['refused', 'refused']);

  // The right token opens both.
  const ok = await stranger.goto(studio.url);
  expect(ok?.status()).toBe(200);
  await ctx.close();
});
