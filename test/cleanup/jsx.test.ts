// Before/after fixtures of the cleanup in TSX: conditional rendering, ternaries in props, the
// IfFeatureEnabled component, fragments, and hooks (plain and destructured).
import { test } from 'node:test';
import { checkCleanup } from './fixture.js';

test('{flag && <X/>} and {flag ? <A/> : <B/>} keep the enabled element', () => {
  checkCleanup(
    `
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Page() {
      return (
        <main>
          {/*flag*/useBooleanFlagValue('new-checkout', false) && <aside className="promo">New</aside>}
          {/*flag*/useBooleanFlagValue('new-checkout', false) ? (
            <button className="one-page">Pay</button>
          ) : (
            <a href="/cart">Checkout</a>
          )}
        </main>
      );
    }
    `,
    `
    export function Page() {
      return (
        <main>
          <aside className="promo">New</aside>
          <button className="one-page">Pay</button>
        </main>
      );
    }
    `,
  );
});

test('off: the conditional elements go, and a fragment left with one element collapses', () => {
  checkCleanup(
    `
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Page() {
      return (
        <>
          {/*flag*/useBooleanFlagValue('new-checkout', false) && <aside className="promo">New</aside>}
          <section>Products</section>
        </>
      );
    }
    `,
    `
    export function Page() {
      return (
        <section>Products</section>
      );
    }
    `,
    { value: false },
  );
});

test('ternaries inside JSX props and a hook variable that only held the flag', () => {
  checkCleanup(
    `
    import { useBooleanFlagValue } from '@openfeature/react-sdk';
    export function Button() {
      const isOn = /*flag*/useBooleanFlagValue('new-checkout', false);
      return <button className={isOn ? 'primary' : 'secondary'}>Pay</button>;
    }
    `,
    `
    export function Button() {
      return <button className="primary">Pay</button>;
    }
    `,
  );
});

test('<IfFeatureEnabled> is unwrapped when on and removed when off', () => {
  const before = `
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    export function Page() {
      return (
        <main>
          <h1>Shop</h1>
          {/* The new checkout entry point. */}
          /*flag*/<IfFeatureEnabled feature="new-checkout">
            <a href="/checkout">Checkout</a>
            <small>New!</small>
          </IfFeatureEnabled>
        </main>
      );
    }
    `;
  checkCleanup(
    before,
    `
    export function Page() {
      return (
        <main>
          <h1>Shop</h1>
          {/* The new checkout entry point. */}
          <a href="/checkout">Checkout</a>
          <small>New!</small>
        </main>
      );
    }
    `,
  );
  checkCleanup(
    before,
    `
    export function Page() {
      return (
        <main>
          <h1>Shop</h1>
          {/* The new checkout entry point. */}
        </main>
      );
    }
    `,
    { value: false },
  );
});

test('<IfFeatureEnabled> as the returned element becomes its only child', () => {
  checkCleanup(
    `
    import { IfFeatureEnabled } from '@growthbook/growthbook-react';
    export function Promo() {
      return (
        /*flag*/<IfFeatureEnabled feature="new-checkout">
          <aside>
            Free shipping
          </aside>
        </IfFeatureEnabled>
      );
    }
    `,
    `
    export function Promo() {
      return (
        <aside>
          Free shipping
        </aside>
      );
    }
    `,
  );
});

test('destructured hooks: only that binding goes, its uses get the value', () => {
  checkCleanup(
    `
    import { useFlags } from 'launchdarkly-react-client-sdk';
    export function Header() {
      const { /*flag*/newCheckout, darkMode } = useFlags();
      return <header className={darkMode ? 'dark' : 'light'}>{newCheckout ? <b>New</b> : <i>Old</i>}</header>;
    }
    export function Footer() {
      const { /*flag*/newCheckout } = useFlags();
      if (!newCheckout) return null;
      return <footer>New checkout</footer>;
    }
    `,
    `
    import { useFlags } from 'launchdarkly-react-client-sdk';
    export function Header() {
      const { darkMode } = useFlags();
      return <header className={darkMode ? 'dark' : 'light'}><b>New</b></header>;
    }
    export function Footer() {
      return <footer>New checkout</footer>;
    }
    `,
  );
});

test('details objects: useBooleanFlagDetails(k).value is the check', () => {
  checkCleanup(
    `
    import { useBooleanFlagDetails } from '@openfeature/react-sdk';
    export function Badge() {
      return /*flag*/useBooleanFlagDetails('new-checkout', false).value ? <b>New</b> : null;
    }
    `,
    `
    export function Badge() {
      return <b>New</b>;
    }
    `,
  );
});
