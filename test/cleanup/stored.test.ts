// Values that are stored or passed on: replacing a check by the value it always has keeps the program's
// behaviour wherever the literal lands, so an object property, a shorthand property (`{ isOn }` →
// `{ isOn: true }`), an array element, an argument or a prop gets the literal. Where the object stays
// local and is read by property, the value is followed one level further and folded there (depth 1 or 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup } from './fixture.js';

test('stored in an object property, a shorthand property and an array; passed to a function and a prop', () => {
  const plan = checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Page(props: { onSettings(settings: { newCheckout: boolean; isOn: boolean }): void }) {
      const isOn = /*flag*/useBooleanFlagValue('new-checkout', false);
      props.onSettings({ newCheckout: /*flag*/client.getBooleanValue('new-checkout', false), isOn });
      track('checkout', [/*flag*/client.getBooleanValue('new-checkout', false), 'web']);
      return <button disabled={!/*flag*/client.getBooleanValue('new-checkout', false)}>Pay</button>;
    }
    `,
    `
    import { track } from './analytics';
    export function Page(props: { onSettings(settings: { newCheckout: boolean; isOn: boolean }): void }) {
      props.onSettings({ newCheckout: true, isOn: true });
      track('checkout', [true, 'web']);
      return <button disabled={false}>Pay</button>;
    }
    `,
  );
  assert.equal(plan.status, 'cleaned');
  assert.deepEqual(
    plan.sites.map((site) => [site.line, site.status, site.depth, site.literalKept]),
    [
      [5, 'rewritten', 1, 'stored in an object property (`isOn`)'],
      [6, 'rewritten', 0, 'stored in an object property (`newCheckout`)'],
      [7, 'rewritten', 0, 'stored in an array'],
      [8, 'rewritten', 0, 'passed as the prop `disabled` of <button>'],
    ],
  );
});

test('deep clean: a local object read by property is followed one level, and a constant from it one more', () => {
  const plan = checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function checkout(total: number): string {
      const options = { express: /*flag*/client.getBooleanValue('new-checkout', false), currency: 'EUR' };
      const express = options.express;
      track('options', options.currency);
      if (express) return \`express \${total}\`;
      return \`standard \${total}\`;
    }
    `,
    `
    import { track } from './analytics';
    export function checkout(total: number): string {
      const options = { express: true, currency: 'EUR' };
      track('options', options.currency);
      return \`express \${total}\`;
    }
    `,
  );
  assert.deepEqual(plan.sites.map((site) => [site.status, site.depth]), [['rewritten', 2]]);
});

test('an object passed whole is not followed: the property keeps the literal', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function checkout(): boolean {
      const options = { express: /*flag*/client.getBooleanValue('new-checkout', false) };
      track('options', options);
      return options.express;
    }
    `,
    `
    import { track } from './analytics';
    export function checkout(): boolean {
      const options = { express: true };
      track('options', options);
      return options.express;
    }
    `,
  );
});

test("a React hook's dependency list loses the literal; a returned shorthand gets it", () => {
  checkCleanup(
    `
    import { useCallback } from 'react';
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function useFilteredItems(items: string[]) {
      const isNewCheckout = /*flag*/useBooleanFlagValue('new-checkout', false);
      const isHidden = useCallback((item: string) => !isNewCheckout && item.startsWith('beta'), [isNewCheckout]);
      return { items: items.filter((item) => !isHidden(item)), isNewCheckout };
    }
    `,
    `
    import { useCallback } from 'react';
    export function useFilteredItems(items: string[]) {
      const isHidden = useCallback((item: string) => false, []);
      return { items: items.filter((item) => !isHidden(item)), isNewCheckout: true };
    }
    `,
  );
});
