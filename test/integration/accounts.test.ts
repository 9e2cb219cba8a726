import { Token } from '../../models/Token';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeUser, unique } from '../helpers/builders';
import { csrfFrom, linkIn, loginAs, sessionCookie, submitForm } from '../helpers/http';

const t = useTestApp();

describe('candidate sign-up', () => {
  it('when a candidate registers, then a verification email arrives, its link verifies the address and sign-in works', async () => {
    const agent = t.agent();
    const email = `${unique('zhang')}@test.cn`;
    const res = await submitForm(agent, '/register', {
      name: '张晓明',
      email,
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      privacy: '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/sent');

    expect(await t.deliver()).toBe(1);
    const [mail] = t.smtp.to(email);
    expect(mail?.subject).toContain('验证');
    expect(mail?.html).toContain('张晓明');
    const link = linkIn(mail!.text, '/verify-email/');

    const verified = await agent.get(link);
    expect(verified.status).toBe(303);
    expect((await User.findOne({ email }).lean())?.emailVerifiedAt).toBeInstanceOf(Date);

    const login = await loginAs(agent, email);
    expect(login.headers.location).toBe('/account');
    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain(email);
    expect(account.text).not.toContain('尚未验证');
  });

  it('when the form is invalid, then it comes back with 422, the errors and what was typed, but never the password', async () => {
    const agent = t.agent();
    const res = await submitForm(agent, '/register', {
      name: '李娜',
      email: 'not-an-email',
      password: 'short',
      passwordConfirm: 'different',
      privacy: '1',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="李娜"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('请输入有效的电子邮箱地址');
    expect(res.text).toContain('密码至少需要 10 个字符');
    expect(res.text).not.toContain('value="short"');
  });

  it('when an address already has an account, then the page is the same and the owner is told by email', async () => {
    const existing = await makeUser({ name: '王老师' });
    const before = await User.countDocuments();
    const res = await submitForm(t.agent(), '/register', {
      name: '冒名者',
      email: existing.email,
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      privacy: '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/sent');
    expect(await User.countDocuments()).toBe(before);
    await t.deliver();
    const [mail] = t.smtp.to(existing.email);
    expect(mail?.text).toContain('王老师');
    expect(mail?.text).not.toContain('/verify-email/');
  });

  it('when a verification link is opened twice, then the second time says it was already used', async () => {
    const agent = t.agent();
    const email = `${unique('twice')}@test.cn`;
    await submitForm(agent, '/register', {
      name: 'Twice',
      email,
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      privacy: '1',
    });
    await t.deliver();
    const link = linkIn(t.smtp.to(email)[0]!.text, '/verify-email/');
    expect((await agent.get(link)).status).toBe(303);
    const again = await agent.get(link);
    expect(again.status).toBe(400);
    expect(again.text).toContain('这个链接已经使用过');
  });
});

describe('sign-in', () => {
  it('when the password is wrong, then sign-in is refused with the same message as for an unknown address', async () => {
    const user = await makeUser();
    const wrong = await submitForm(t.agent(), '/login', { email: user.email, password: 'wrong password!' });
    const unknown = await submitForm(t.agent(), '/login', {
      email: `${unique('nobody')}@test.cn`,
      password: 'wrong password!',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('邮箱或密码不正确');
    expect(unknown.text).toContain('邮箱或密码不正确');
    expect(wrong.text).toContain(`value="${user.email}"`);
  });

  it('when a user signs in, then the session id changes (no fixation) and only a session cookie identifies them', async () => {
    const user = await makeUser();
    const agent = t.agent();
    const page = await agent.get('/login');
    // The form page gives an anonymous session (for its CSRF token).
    const before = sessionCookie(page);
    expect(before).toBeDefined();
    const res = await agent
      .post('/login')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const cookieHeader = String(res.headers['set-cookie']);
    expect(cookieHeader).toMatch(/HttpOnly/i);
    expect(cookieHeader).toMatch(/SameSite=Lax/i);
  });

  it('when signing in with a returnTo, then an on-site path is honoured and an off-site one is ignored', async () => {
    const user = await makeUser();
    const onSite = await submitForm(t.agent(), '/login', {
      email: user.email,
      password: TEST_PASSWORD,
      returnTo: '/account?tab=1',
    });
    expect(onSite.headers.location).toBe('/account?tab=1');
    for (const evil of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const res = await submitForm(t.agent(), '/login', { email: user.email, password: TEST_PASSWORD, returnTo: evil });
      expect(res.headers.location).toBe('/account');
    }
  });

  it('when signed out, then the old session no longer opens the account page', async () => {
    const user = await makeUser();
    const agent = t.agent();
    await loginAs(agent, user.email);
    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(account.text) });
    expect(out.status).toBe(303);
    const after = await agent.get('/account');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?returnTo=%2Faccount');
  });

  it("when a form is posted without a CSRF token, or with another session's token, then it is refused with 403", async () => {
    const user = await makeUser();
    const none = await t.agent().post('/login').type('form').send({ email: user.email, password: TEST_PASSWORD });
    expect(none.status).toBe(403);
    expect(none.text).toContain('页面已过期');

    const other = t.agent();
    const othersToken = csrfFrom((await other.get('/login')).text);
    const mine = t.agent();
    await mine.get('/login');
    const stolen = await mine
      .post('/login')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: othersToken });
    expect(stolen.status).toBe(403);
  });
});

describe('password reset', () => {
  it('when a reset is requested, then the emailed link sets a new password once, and old sessions end', async () => {
    const user = await makeUser({ name: '赵老师' });
    const oldSession = t.agent();
    await loginAs(oldSession, user.email);

    const res = await submitForm(t.agent(), '/password/forgot', { email: user.email });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/password/forgot/sent');
    await t.deliver();
    const mail = t.smtp.to(user.email).at(-1)!;
    expect(mail.subject).toContain('重置密码');
    const link = linkIn(mail.text, '/password/reset/');

    const agent = t.agent();
    const newPassword = '新的密码 new-password-2026';
    const done = await submitForm(agent, link, { password: newPassword, passwordConfirm: newPassword });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login');

    // The old password no longer works, the new one does.
    expect((await submitForm(t.agent(), '/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await submitForm(t.agent(), '/login', { email: user.email, password: newPassword })).status).toBe(303);
    // The session that was open before the reset is over.
    expect((await oldSession.get('/account')).status).toBe(303);

    // The link cannot be used a second time.
    const reuse = await agent.get(link);
    expect(reuse.status).toBe(400);
    expect(reuse.text).toContain('这个链接已经使用过');
  });

  it('when the reset link is more than an hour old, then it is refused as expired', async () => {
    const user = await makeUser();
    await submitForm(t.agent(), '/password/forgot', { email: user.email });
    await t.deliver();
    const link = linkIn(t.smtp.to(user.email).at(-1)!.text, '/password/reset/');
    t.clock.advance(61 * 60 * 1000);
    const res = await t.agent().get(link);
    expect(res.status).toBe(400);
    expect(res.text).toContain('这个链接已过期');
  });

  it('when a reset is asked for an unknown address, then the answer is the same and no email is sent', async () => {
    const address = `${unique('ghost')}@test.cn`;
    const res = await submitForm(t.agent(), '/password/forgot', { email: address });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/password/forgot/sent');
    await t.deliver();
    expect(t.smtp.to(address)).toHaveLength(0);
  });

  it('when a reset link is tampered with, then it is refused as invalid', async () => {
    const res = await t.agent().get('/password/reset/not-a-real-token');
    expect(res.status).toBe(400);
    expect(res.text).toContain('这个链接无效');
    expect(await Token.countDocuments({ _id: 'not-a-real-token' })).toBe(0);
  });
});

describe('account settings', () => {
  it('when a user changes name and language, then the pages follow the saved language', async () => {
    const user = await makeUser();
    const agent = t.agent();
    await loginAs(agent, user.email);
    const res = await submitForm(agent, '/account', { name: '新名字', locale: 'en' });
    expect(res.status).toBe(303);
    const page = await agent.get('/account');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('value="新名字"');
    expect(page.text).toContain('Saved.');
  });

  it('when the current password is wrong, then the password is not changed and the error shows', async () => {
    const user = await makeUser();
    const agent = t.agent();
    await loginAs(agent, user.email);
    const res = await submitForm(
      agent,
      '/account',
      { currentPassword: 'nope nope nope', password: 'another-password-1', passwordConfirm: 'another-password-1' },
      '/account/password',
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('当前密码不正确');
    expect((await submitForm(t.agent(), '/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(303);
  });
});
