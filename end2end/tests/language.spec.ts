// English and Spanish: chosen from Accept-Language, switchable on every page, and remembered.
// Runs hydrated and with JavaScript off (the switch is an ordinary form post).
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { button, expectHeading, openPage, waitForPath } from '../support/journey';

test('a browser that prefers Spanish gets Spanish pages', async ({ browser }) => {
  const context = await browser.newContext({
    locale: 'es-ES',
    extraHTTPHeaders: { 'Accept-Language': 'es-ES,es;q=0.9,en;q=0.5' },
    javaScriptEnabled: test.info().project.name === 'hydrated',
  });
  try {
    const page = await context.newPage();
    await openPage(page, '/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await expectHeading(page, 'Su cuenta de Caseport');
    await expect(page.getByRole('link', { name: 'Crear una cuenta', exact: true })).toBeVisible();
    await expect(button(page, 'English')).toBeVisible();
  } finally {
    await context.close();
  }
});

test('the language switch on any page changes the language and it is remembered', async ({ page }) => {
  await openPage(page, '/register');
  await expectHeading(page, 'Create your account');
  await button(page, 'Español').click();
  await waitForPath(page, '/register');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expectHeading(page, 'Cree su cuenta');
  await expect(page.getByLabel('Correo electrónico', { exact: true })).toBeVisible();

  await openPage(page, '/sign-in');
  await expectHeading(page, 'Iniciar sesión');

  await button(page, 'English').click();
  await waitForPath(page, '/sign-in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectHeading(page, 'Sign in');
});

test('errors are shown in the chosen language', async ({ page, pageProblems }) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with an unknown email to see the error');
  await openPage(page, '/sign-in');
  await button(page, 'Español').click();
  await waitForPath(page, '/sign-in');
  await page.getByLabel('Correo electrónico', { exact: true }).fill('nadie@example.test');
  await page.getByLabel('Contraseña', { exact: true }).fill('una contraseña cualquiera');
  await button(page, 'Iniciar sesión').click();
  await expect(page.getByRole('alert')).toContainText('El correo electrónico o la contraseña que introdujo no son correctos.');
});
