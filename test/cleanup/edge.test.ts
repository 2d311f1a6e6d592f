// Before/after fixtures for the less common shapes: && false, ??, nested ternaries, an else-if without a
// final else, switch fallthrough and default, checks in embedded statements, JSX checks nested in a
// removed element, several conditional children of one fragment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup } from './fixture.js';

test('x && false, x || true in conditions; ?? and nested ternaries in values', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function run(user: { admin: boolean }, limit?: number): string {
      if (user.admin && !/*flag*/client.getBooleanValue('new-checkout', false)) {
        track('old-admin', 1);
      }
      if (user.admin || /*flag*/client.getBooleanValue('new-checkout', false)) {
        track('everyone', 2);
      }
      const max = limit ?? (/*flag*/client.getBooleanValue('new-checkout', false) ? 10 : 5);
      return user.admin ? 'admin' : /*flag*/client.getBooleanValue('new-checkout', false) ? \`new \${max}\` : 'old';
    }
    `,
    `
    import { track } from './analytics';
    export function run(user: { admin: boolean }, limit?: number): string {
      track('everyone', 2);
      const max = limit ?? 10;
      return user.admin ? 'admin' : \`new \${max}\`;
    }
    `,
  );
});

test('an else-if branch without a final else is dropped from the chain when off', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function run(count: number): void {
      if (count > 10) {
        track('many', count);
      } else if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        track('new', count);
      }
    }
    `,
    `
    import { track } from './analytics';
    export function run(count: number): void {
      if (count > 10) {
        track('many', count);
      }
    }
    `,
    { value: false },
  );
});

test('switch: fallthrough cases lead to the matching body; no match takes the default', () => {
  const before = `
    import { client } from './clients';
    export function size(): number {
      switch (/*flag*/client.getStringValue('new-checkout', 'control')) {
        case 'small':
        case 'compact': {
          const base = 1;
          return base;
        }
        case 'control':
          break;
        default:
          return 3;
      }
      return 2;
    }
    `;
  checkCleanup(
    before,
    `
    export function size(): number {
      {
        const base = 1;
        return base;
      }
    }
    `,
    { value: 'small' },
  );
  checkCleanup(
    before,
    `
    export function size(): number {
      return 3;
    }
    `,
    { value: 'wide' },
  );
  checkCleanup(
    before,
    `
    export function size(): number {
      return 2;
    }
    `,
    { value: 'control' },
  );
});

test('a check in an embedded statement (loop body without braces)', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function run(items: string[]): void {
      for (const item of items) if (/*flag*/client.getBooleanValue('new-checkout', false)) track(item, 1);
      for (const item of items) if (!/*flag*/client.getBooleanValue('new-checkout', false)) track(item, 2);
    }
    `,
    `
    import { track } from './analytics';
    export function run(items: string[]): void {
      for (const item of items) track(item, 1);
      for (const item of items) {}
    }
    `,
  );
});

test('checks nested inside a removed <IfFeatureEnabled> go with it; sibling containers of a fragment', () => {
  checkCleanup(
    `
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Page() {
      return (
        <>
          /*flag*/<IfFeatureEnabled feature="new-checkout">
            {/*flag*/useBooleanFlagValue('new-checkout', false) && <b>New</b>}
          </IfFeatureEnabled>
          {/*flag*/useBooleanFlagValue('new-checkout', false) ? <i>New</i> : <u>Old</u>}
          {!/*flag*/useBooleanFlagValue('new-checkout', false) && <s>Old</s>}
        </>
      );
    }
    `,
    `
    export function Page() {
      return (
        <>
          <u>Old</u>
          <s>Old</s>
        </>
      );
    }
    `,
    { value: false },
  );
});

test('a hook variable that is off: early return and the rest of the component kept', () => {
  checkCleanup(
    `
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Banner(props: { name: string }) {
      const enabled = /*flag*/useBooleanFlagValue('new-checkout', false);
      if (enabled) {
        return <aside>New checkout for {props.name}</aside>;
      }
      return null;
    }
    `,
    `
    export function Banner(props: { name: string }) {
      return null;
    }
    `,
    { value: false },
  );
});

test('a value returned by a function that does more than return it is a finished rewrite', () => {
  const before = `
    import { client } from './clients';
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function canPay(user?: { verified: boolean }): boolean {
      if (!user?.verified) return false;
      return /*flag*/client.getBooleanValue('new-checkout', false);
    }
    export function Badge() {
      return /*flag*/useBooleanFlagValue('new-checkout', false) && <b>New</b>;
    }
    `;
  const on = checkCleanup(
    before,
    `
    export function canPay(user?: { verified: boolean }): boolean {
      if (!user?.verified) return false;
      return true;
    }
    export function Badge() {
      return <b>New</b>;
    }
    `,
  );
  assert.equal(on.status, 'cleaned');
  const off = checkCleanup(
    before,
    `
    export function canPay(user?: { verified: boolean }): boolean {
      if (!user?.verified) return false;
      return false;
    }
    export function Badge() {
      return false;
    }
    `,
    { value: false },
  );
  assert.equal(off.status, 'cleaned');
});
