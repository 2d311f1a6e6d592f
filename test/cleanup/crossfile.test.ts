// Before/after fixtures across files: constants objects and enums whose entry is no longer used,
// wrapper functions and hooks that become unused (in their own file and through imports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup } from './fixture.js';

test('the constants-object entry goes once nothing references it; other entries stay', () => {
  const plan = checkCleanup(
    `
    //- /flags.ts
    export const FLAGS = {
      // Released in April.
      NEW_CHECKOUT: 'new-checkout',
      DARK_MODE: 'dark-mode',
    } as const;
    //- /checkout.ts
    import { client } from './clients';
    import { FLAGS } from './flags';
    export function flow(): string {
      const theme = client.getBooleanValue(FLAGS.DARK_MODE, false) ? 'dark' : 'light';
      return /*flag*/client.getBooleanValue(FLAGS.NEW_CHECKOUT, false) ? \`one-page \${theme}\` : 'multi-step';
    }
    `,
    `
    //- /flags.ts
    export const FLAGS = {
      DARK_MODE: 'dark-mode',
    } as const;
    //- /checkout.ts
    import { client } from './clients';
    import { FLAGS } from './flags';
    export function flow(): string {
      const theme = client.getBooleanValue(FLAGS.DARK_MODE, false) ? 'dark' : 'light';
      return \`one-page \${theme}\`;
    }
    `,
  );
  assert.deepEqual(plan.removedDeclarations, ['flags.ts: FLAGS.NEW_CHECKOUT']);
});

test('the enum member goes, and the enum import when nothing else uses it', () => {
  checkCleanup(
    `
    //- /flags.ts
    export enum UiFlag {
      DarkMode = 'dark-mode',
      NewCheckout = 'new-checkout',
    }
    //- /page.tsx
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    import { UiFlag } from './flags';
    export function Page() {
      return /*flag*/useBooleanFlagValue(UiFlag.NewCheckout, false) ? <main>New</main> : <main>Old</main>;
    }
    `,
    `
    //- /flags.ts
    export enum UiFlag {
      DarkMode = 'dark-mode',
    }
    //- /page.tsx
    export function Page() {
      return <main>New</main>;
    }
    `,
  );
});

test('a wrapper across files: its callers are rewritten, then the unused wrapper and its import go', () => {
  const plan = checkCleanup(
    `
    //- /features.ts
    import { client } from './clients';
    export function isOn(key: string): boolean {
      return client.getBooleanValue(key, false);
    }
    /** Whether the customer gets the one-page checkout. */
    export function isNewCheckout(): boolean {
      return /*flag*/client.getBooleanValue('new-checkout', false);
    }
    //- /checkout.ts
    import { isNewCheckout, isOn } from './features';
    export function flow(): string {
      if (isOn('dark-mode')) console.log('dark');
      return /*flag*/isNewCheckout() ? 'one-page' : 'multi-step';
    }
    `,
    `
    //- /features.ts
    import { client } from './clients';
    export function isOn(key: string): boolean {
      return client.getBooleanValue(key, false);
    }
    //- /checkout.ts
    import { isOn } from './features';
    export function flow(): string {
      if (isOn('dark-mode')) console.log('dark');
      return 'one-page';
    }
    `,
  );
  assert.deepEqual(plan.removedDeclarations, ['features.ts: isNewCheckout']);
  assert.equal(plan.status, 'cleaned');
});

test('a wrapper hook still used at a skipped site stays, and the flag is partially cleaned', () => {
  const plan = checkCleanup(
    `
    //- /useNewCheckout.ts
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export const useNewCheckout = () => /*flag*/useBooleanFlagValue('new-checkout', false);
    //- /page.tsx
    import { useNewCheckout } from './useNewCheckout';
    export const defaultVariant = /*flag*/useNewCheckout();
    export function Page() {
      return /*flag*/useNewCheckout() ? <main>New</main> : <main>Old</main>;
    }
    `,
    `
    //- /useNewCheckout.ts
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export const useNewCheckout = () => useBooleanFlagValue('new-checkout', false);
    //- /page.tsx
    import { useNewCheckout } from './useNewCheckout';
    export const defaultVariant = useNewCheckout();
    export function Page() {
      return <main>New</main>;
    }
    `,
  );
  assert.equal(plan.status, 'partially-cleaned');
  assert.deepEqual(
    plan.sites.map((site) => [site.file, site.line, site.status, site.reason]),
    [
      ['useNewCheckout.ts', 2, 'skipped', 'the value is returned from a function that is still used'],
      ['page.tsx', 2, 'skipped', 'the value is stored in the exported constant `defaultVariant`'],
      ['page.tsx', 4, 'rewritten', undefined],
    ],
  );
});

test("removing a file's first import keeps the file's header comment", () => {
  checkCleanup(
    `
    // The checkout call to action.
    import { useFlags } from 'launchdarkly-react-client-sdk';

    export function Button() {
      const { /*flag*/newCheckout } = useFlags();
      return newCheckout ? <b>Pay</b> : <i>Checkout</i>;
    }
    `,
    `
    // The checkout call to action.

    export function Button() {
      return <b>Pay</b>;
    }
    `,
  );
});

test('a client or flags object left unused once its checks are gone is removed, with its import', () => {
  checkCleanup(
    `
    import { useFlags } from 'launchdarkly-react-client-sdk';
    export function Header() {
      const flags = useFlags();
      const title = 'Shop';
      return <h1>{title}{/*flag*/flags.newCheckout ? <b>New</b> : null}</h1>;
    }
    `,
    `
    export function Header() {
      const title = 'Shop';
      return <h1>{title}<b>New</b></h1>;
    }
    `,
  );
});
