// Before/after fixtures of the cleanup's rewrites (conditions, statements, JSX, variables and hooks,
// constants, wrappers across files); each "after" is type-checked by checkCleanup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCleanup } from './fixture.js';

test('if (flag) A else B keeps A, unwrapped into the enclosing block; the unused import goes', () => {
  checkCleanup(
    `
    import { client } from './clients';
    export function price(total: number): number {
      // Apply the new rounding.
      if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        const rounded = Math.round(total);
        return rounded;
      } else {
        return total;
      }
    }
    `,
    `
    export function price(total: number): number {
      // Apply the new rounding.
      const rounded = Math.round(total);
      return rounded;
    }
    `,
  );
});

test('off: if (flag) A else B keeps B; if (flag) A without else is removed with its comment', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function price(total: number): number {
      let result = total;
      // New rounding, behind the flag.
      if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        result = Math.round(result);
      }
      if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        track('new', result);
      } else {
        track('old', result);
      }
      return result;
    }
    `,
    `
    import { track } from './analytics';
    export function price(total: number): number {
      let result = total;
      track('old', result);
      return result;
    }
    `,
    { value: false },
  );
});

test('negations, nested conditions and && / || with other operands', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function run(user: { admin: boolean; beta: boolean }): void {
      if (!/*flag*/client.getBooleanValue('new-checkout', false)) {
        track('legacy', 1);
      }
      if (user.admin && /*flag*/client.getBooleanValue('new-checkout', false)) {
        track('admin', 2);
      }
      if (!(/*flag*/client.getBooleanValue('new-checkout', false) || user.beta)) {
        track('never', 3);
      }
      if (user.beta) {
        if (/*flag*/client.getBooleanValue('new-checkout', false) && user.admin) {
          track('beta-admin', 4);
        }
      }
    }
    `,
    `
    import { track } from './analytics';
    export function run(user: { admin: boolean; beta: boolean }): void {
      if (user.admin) {
        track('admin', 2);
      }
      if (user.beta) {
        if (user.admin) {
          track('beta-admin', 4);
        }
      }
    }
    `,
  );
});

test('else if chains: the flag branch is taken or dropped from the chain', () => {
  const before = `
    import { client } from './clients';
    export function label(count: number): string {
      if (count === 0) {
        return 'empty';
      } else if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        return 'new';
      } else if (count > 10) {
        return 'many';
      } else {
        return 'some';
      }
    }
    `;
  checkCleanup(
    before,
    `
    export function label(count: number): string {
      if (count === 0) {
        return 'empty';
      } else {
        return 'new';
      }
    }
    `,
  );
  checkCleanup(
    before,
    `
    export function label(count: number): string {
      if (count === 0) {
        return 'empty';
      } else if (count > 10) {
        return 'many';
      } else {
        return 'some';
      }
    }
    `,
    { value: false },
  );
});

test('early returns: if (!flag) return; goes, if (flag) return x; makes the rest unreachable', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function banner(): string | null {
      if (!/*flag*/client.getBooleanValue('new-checkout', false)) return null;
      track('banner', 1);
      return 'Free shipping';
    }
    export function flow(): string {
      if (/*flag*/client.getBooleanValue('new-checkout', false)) return 'one-page';
      // The old multi-step flow.
      track('multi-step', 2);
      return 'multi-step';
    }
    `,
    `
    import { track } from './analytics';
    export function banner(): string | null {
      track('banner', 1);
      return 'Free shipping';
    }
    export function flow(): string {
      return 'one-page';
    }
    `,
  );
});

test('ternaries, awaited checks and a variable that only held the flag', async () => {
  checkCleanup(
    `
    import { client } from './clients';
    export async function checkout(total: number): Promise<string> {
      const newCheckout = await /*flag*/client.getBooleanValue('new-checkout', false);
      const fee = newCheckout ? 0 : 2;
      return newCheckout ? \`one-page \${total + fee}\` : 'multi-step';
    }
    `,
    `
    export async function checkout(total: number): Promise<string> {
      const fee = 0;
      return \`one-page \${total + fee}\`;
    }
    `,
  );
});

test('string flag: comparisons of literals and switch on the value', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function layout(): string {
      const variant = /*flag*/client.getStringValue('new-checkout', 'control');
      if (variant === 'treatment') {
        track('treatment', 1);
      }
      switch (variant) {
        case 'control':
          return 'classic';
        case 'treatment':
          track('switch', 2);
          return 'compact';
        default:
          return 'unknown';
      }
    }
    `,
    `
    import { track } from './analytics';
    export function layout(): string {
      track('treatment', 1);
      track('switch', 2);
      return 'compact';
    }
    `,
    { value: 'treatment' },
  );
});

test('a block is not unwrapped when its declarations would collide', () => {
  checkCleanup(
    `
    import { client } from './clients';
    export function total(items: number[]): number {
      if (/*flag*/client.getBooleanValue('new-checkout', false)) {
        const sum = items.reduce((a, b) => a + b, 0);
        console.log(sum);
      }
      const sum = items.length;
      return sum;
    }
    `,
    `
    export function total(items: number[]): number {
      {
        const sum = items.reduce((a, b) => a + b, 0);
        console.log(sum);
      }
      const sum = items.length;
      return sum;
    }
    `,
  );
});
