// The shop's own unit test: pricing rules, independent of any flag SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceCart, STANDARD_SHIPPING_CENTS, EXPRESS_SHIPPING_CENTS } from '../src/server/pricing';

const cart = { lines: [{ sku: 'beans', unitPriceCents: 2400, quantity: 3 }] };

test('free shipping applies over the threshold', () => {
  const priced = priceCart(cart, { freeShipping: true, expressDelivery: false, holidayDiscountPercent: 0 });
  assert.deepEqual(priced, { subtotalCents: 7200, discountCents: 0, shippingCents: 0, totalCents: 7200 });
});

test('standard shipping without the free-shipping offer', () => {
  const priced = priceCart(cart, { freeShipping: false, expressDelivery: false, holidayDiscountPercent: 0 });
  assert.equal(priced.shippingCents, STANDARD_SHIPPING_CENTS);
});

test('express delivery is always charged, discounts apply before shipping', () => {
  const priced = priceCart(cart, { freeShipping: true, expressDelivery: true, holidayDiscountPercent: 20 });
  assert.equal(priced.discountCents, 1440);
  assert.equal(priced.shippingCents, EXPRESS_SHIPPING_CENTS);
  assert.equal(priced.totalCents, 7200 - 1440 + EXPRESS_SHIPPING_CENTS);
});
