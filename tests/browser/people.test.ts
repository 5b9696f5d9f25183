/**
 * People and keys in the console, in real Chromium against a real hub: an ADMIN creates a person and a key for her,
 * and that key signs in as her with the key's roles (the ADMIN holds those roles too: nobody mints a key with a role
 * they do not hold, and an administrator who lacks one is told so); granting an approver role is a request a second ADMIN approves
 * in their own session (the requester's own approval refused in words); deactivating a person revokes her keys and
 * disables her SSO sign-ins at once; a RISK_OFFICER reads people without a control that changes them, a VIEWER does
 * not see them at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectCleanSessions, screenshot, signInWithKey, openSession, type Session } from '../helpers/browser.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { graphqlRequest } from '../helpers/processes.js';

let world: ConsoleWorld;
let ines: Session;
let noraPath = '';
let noraKey = '';
const noraEmail = `nora.${Date.now().toString(36)}@example.com`;
const mutations = /approve|reject|cancel|deactivate|revoke|create|link|request|save|grant/i;

beforeAll(async () => {
  world = await startConsoleWorld();
  // An administrator who also works with models: she can give a key the roles she holds herself.
  await world.addPerson('Ines Admin', ['VIEWER', 'DATA_SCIENTIST', 'ADMIN']);
}, 300_000);

afterAll(async () => {
  expectCleanSessions(world?.sessions ?? []);
  await world?.close();
});

describe('people and keys in the console', () => {
  it('should let an ADMIN create a person and a key for her, which then signs in as her with its roles', async () => {
    ines = await world.signIn('Ines Admin');
    const { page } = ines;
    expect(await page.getByTestId('identity-name').textContent()).toBe('Ines Admin');
    expect(await page.getByTestId('identity-email').textContent()).toMatch(/^ines\.admin\.[0-9a-f]+@example\.com$/);
    expect(await page.getByTestId('identity-roles').textContent()).toBe('VIEWER, DATA_SCIENTIST, ADMIN');

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'People and keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'People and keys' }).waitFor();
    // The governed roles are not offered here: they need a second ADMIN.
    const offered = await page.getByRole('group', { name: 'Roles' }).getByRole('checkbox').count();
    expect(offered).toBe(3);
    await page.getByLabel('Email').fill(noraEmail);
    await page.getByLabel('Display name').fill('Nora New');
    await page.getByRole('checkbox', { name: 'VIEWER' }).check();
    await page.getByRole('checkbox', { name: 'DATA_SCIENTIST' }).check();
    await page.getByRole('button', { name: 'Create the person' }).click();

    await page.getByRole('heading', { level: 1, name: 'Nora New' }).waitFor();
    noraPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('person-roles').textContent()).toBe('VIEWER, DATA_SCIENTIST');
    await page.getByText('Nora New has no API key.').waitFor();

    // A key with a subset of her roles: the label says what it is for; who acts is Nora.
    await page.getByLabel('What it is for').fill('Notebook automation');
    await page.getByRole('group', { name: 'Roles the key carries' }).getByRole('checkbox', { name: 'DATA_SCIENTIST' }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    noraKey = (await page.getByTestId('new-key').textContent())!.trim();
    expect(noraKey).toMatch(/^mh_/);
    const row = page.getByRole('row', { name: /Notebook automation/ });
    await eventually(() => row.innerText()).toContain('DATA_SCIENTIST');
    expect(await row.innerText()).toContain('Active');

    // An SSO sign-in linked by the ADMIN, as a refused first sign-in would ask for.
    await page.getByLabel('Issuer').fill('https://login.example.com');
    await page.getByLabel('Subject').fill('nora-5e1f');
    await page.getByRole('button', { name: 'Link the sign-in' }).click();
    await eventually(() => page.getByRole('row', { name: /nora-5e1f/ }).innerText()).toContain('Active');
    await screenshot(page, 'people-person');

    const nora = await openSession(world.browser, world.url);
    world.sessions.push(nora);
    await signInWithKey(nora, noraKey);
    expect(await nora.page.getByTestId('identity-name').textContent()).toBe('Nora New');
    expect(await nora.page.getByTestId('identity-email').textContent()).toBe(noraEmail);
    expect(await nora.page.getByTestId('identity-roles').textContent()).toBe('DATA_SCIENTIST');
    // A data scientist reaches her requests, not the people screen.
    const nav = await nora.page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();
    expect(nav).toContain('My requests');
    expect(nav).not.toContain('People and keys');

    await page.goto('/admin/people');
    await page.getByRole('row', { name: /Nora New/ }).waitFor();
    await screenshot(page, 'people');
  });

  it('should turn an ADMIN’s grant of VALIDATOR into a request that a second ADMIN approves in their own session, and tell an administrator which key roles are not hers to give', async () => {
    const { page } = ines;
    await page.goto(noraPath);
    await page.getByRole('heading', { level: 1, name: 'Nora New' }).waitFor();
    await page.getByLabel('Role to grant').selectOption('VALIDATOR');
    await page.getByLabel('Why the role is needed').fill('Joins the model validation team.');
    await page.getByRole('button', { name: 'Request the role grant' }).click();
    await page.getByText('Requested: awaiting a second administrator.').waitFor();
    await page.getByRole('link', { name: 'Follow the request' }).click();
    await page.getByRole('heading', { level: 1, name: /^Role grant: Grant VALIDATOR to Nora New/ }).waitFor();
    const requestPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('awaiting').textContent()).toContain('awaiting a second administrator');

    // The requester's own approval is refused, with the rule in words.
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('SELF_APPROVAL');
    await screenshot(page, 'control-request-self-approval');

    const ada = await world.signIn('Ada Admin', '/approvals');
    await ada.page.getByRole('heading', { level: 1, name: 'Approvals awaiting me' }).waitFor();
    await ada.page.getByRole('link', { name: /Grant VALIDATOR to Nora New/ }).click();
    await ada.page.waitForURL((url) => url.pathname === requestPath);
    await ada.page.getByLabel('Comment').fill('Confirmed with her manager.');
    await ada.page.getByRole('button', { name: 'Approve' }).click();
    await eventually(() => ada.page.locator('.summary-line .badge').first().textContent()).toBe('Applied');
    await ada.page.getByText('Confirmed with her manager.').waitFor();

    await page.goto(noraPath);
    await eventually(() => page.getByTestId('person-roles').textContent()).toBe('VIEWER, DATA_SCIENTIST, VALIDATOR');
    // Ada holds ADMIN, VIEWER and OPERATOR: only VIEWER of Nora's roles is hers to put on a key, and the form says why.
    await ada.page.goto(noraPath);
    await ada.page.getByText('A key carries only roles that both Nora New and you hold; DATA_SCIENTIST, VALIDATOR are not yours to give.', { exact: false }).waitFor();
    const offeredToAda = ada.page.getByRole('group', { name: 'Roles the key carries' }).getByRole('checkbox');
    expect(await offeredToAda.count()).toBe(1);
    expect(await ada.page.getByRole('group', { name: 'Roles the key carries' }).getByRole('checkbox', { name: 'VIEWER' }).count()).toBe(1);
  });

  it('should let an ADMIN edit a person: a blank name refused with its code, OPERATOR added and VALIDATOR removed at once', async () => {
    const { page } = ines;
    await page.goto(noraPath);
    const edit = page.getByRole('region', { name: 'Edit Nora New' });
    await edit.getByLabel('Name').fill('   ');
    await edit.getByRole('button', { name: 'Save Nora New' }).click();
    await edit.getByRole('alert').waitFor();
    expect(await edit.getByRole('alert').innerText()).toContain('BAD_USER_INPUT');
    await edit.getByLabel('Name').fill('Nora New');

    // Governed roles she does not hold are not offered here (they are requests); one she holds can be taken away.
    const roles = edit.getByRole('group', { name: 'Roles' });
    expect(await roles.getByRole('checkbox', { name: 'RISK_OFFICER' }).count()).toBe(0);
    await roles.getByRole('checkbox', { name: 'OPERATOR' }).check();
    await roles.getByRole('checkbox', { name: 'VALIDATOR' }).uncheck();
    await edit.getByRole('button', { name: 'Save Nora New' }).click();
    await eventually(() => page.getByTestId('person-roles').textContent()).toBe('VIEWER, DATA_SCIENTIST, OPERATOR');
    await page.reload();
    await eventually(() => page.getByTestId('person-roles').textContent()).toBe('VIEWER, DATA_SCIENTIST, OPERATOR');
    expect(await page.getByRole('region', { name: 'Edit Nora New' }).getByRole('group', { name: 'Roles' }).getByRole('checkbox', { name: 'VALIDATOR' }).count()).toBe(0);
    // Her key still signs in with what it carries.
    const { body } = await graphqlRequest(world.url, noraKey, '{ me { roles } }');
    expect(body.data).toEqual({ me: { roles: ['DATA_SCIENTIST'] } });
  });

  it('should deactivate a person only after confirmation, revoking her keys and disabling her SSO sign-ins at once', async () => {
    const { page } = ines;
    await page.goto(noraPath);
    await page.getByText('Deactivating revokes the one active API key and disables the one SSO sign-in of Nora New at once.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Deactivate Nora New' }).click();
    // The first click only asks.
    expect(await page.getByRole('row', { name: /Notebook automation/ }).innerText()).toContain('Active');
    await page.getByRole('button', { name: 'Deactivate and disable every sign-in Nora New' }).click();
    await eventually(() => page.locator('.summary-line .badge').first().textContent()).toBe('Deactivated');
    expect(await page.getByRole('row', { name: /Notebook automation/ }).innerText()).toContain('Revoked');
    expect(await page.getByRole('row', { name: /nora-5e1f/ }).innerText()).toContain('Disabled');
    const { body } = await graphqlRequest(world.url, noraKey, '{ me { displayName } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should let a RISK_OFFICER read people without a control that changes them', async () => {
    const rita = await world.signIn('Rita Risk', '/admin/people?status=all');
    const { page } = rita;
    await page.getByRole('row', { name: /Nora New/ }).waitFor();
    expect((await page.getByRole('button').allTextContents()).filter((t) => mutations.test(t))).toEqual([]);
    await page.getByRole('link', { name: 'Nora New' }).click();
    await page.getByRole('heading', { level: 2, name: 'API keys' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect((await page.getByRole('button').allTextContents()).filter((t) => mutations.test(t))).toEqual([]);
  });

  it('should show a VIEWER neither the people screen nor a control on it', async () => {
    const vera = await world.signIn('Vera Viewer');
    const { page } = vera;
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).not.toContain('People and keys');
    for (const path of ['/admin/people', noraPath, '/admin/keys']) {
      await page.goto(path);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available to your roles');
      expect((await page.getByRole('button').allTextContents()).filter((t) => mutations.test(t))).toEqual([]);
    }
  });
});
