// Pure pricing rules of the shop: the flag values are decided by the caller and passed in, so this
// module is tested on its own (test/pricing.test.ts) and knows nothing about feature flags.

export interface CartLine {
  sku: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
}

export interface PricingOptions {
  freeShipping: boolean;
  expressDelivery: boolean;
  holidayDiscountPercent: number;
}

export interface PricedCart {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  totalCents: number;
}

export const STANDARD_SHIPPING_CENTS = 490;
export const EXPRESS_SHIPPING_CENTS = 1290;
export const FREE_SHIPPING_THRESHOLD_CENTS = 5000;

export function subtotal(cart: Cart): number {
  return cart.lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
}

export function shippingCost(subtotalCents: number, options: Pick<PricingOptions, 'freeShipping' | 'expressDelivery'>): number {
  if (options.expressDelivery) return EXPRESS_SHIPPING_CENTS;
  if (options.freeShipping && subtotalCents >= FREE_SHIPPING_THRESHOLD_CENTS) return 0;
  return STANDARD_SHIPPING_CENTS;
}

export function priceCart(cart: Cart, options: PricingOptions): PricedCart {
  const subtotalCents = subtotal(cart);
  const discountCents = Math.round((subtotalCents * options.holidayDiscountPercent) / 100);
  const shippingCents = shippingCost(subtotalCents - discountCents, options);
  return { subtotalCents, discountCents, shippingCents, totalCents: subtotalCents - discountCents + shippingCents };
}
