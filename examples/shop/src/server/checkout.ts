// The checkout endpoint's logic: which checkout flow a customer gets and how the cart is priced.
import { OpenFeature } from '@openfeature/server-sdk';
import { FLAGS } from '../flags';
import { priceCart, type Cart, type PricedCart } from './pricing';

const flags = OpenFeature.getClient('checkout');

export interface CheckoutResult extends PricedCart {
  flow: 'one-page' | 'multi-step';
}

export async function checkout(cart: Cart, userId: string): Promise<CheckoutResult> {
  const context = { targetingKey: userId };
  const newCheckout = await flags.getBooleanValue(FLAGS.NEW_CHECKOUT, false, context);
  const freeShipping = await flags.getBooleanValue(FLAGS.FREE_SHIPPING, false, context);
  const expressDelivery = await flags.getBooleanValue(FLAGS.EXPRESS_DELIVERY, false, context);
  const holidaySale = await flags.getBooleanValue(FLAGS.HOLIDAY_SALE, false, context);
  const priced = priceCart(cart, { freeShipping, expressDelivery, holidayDiscountPercent: holidaySale ? 20 : 0 });
  return { ...priced, flow: newCheckout ? 'one-page' : 'multi-step' };
}
