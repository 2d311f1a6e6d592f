// Delivery options shown on the product page: express delivery is rolling out region by region.
import { OpenFeature } from '@openfeature/server-sdk';
import { FLAGS } from '../flags';
import { EXPRESS_SHIPPING_CENTS, STANDARD_SHIPPING_CENTS } from './pricing';

const flags = OpenFeature.getClient('delivery');

export interface DeliveryOption {
  id: 'standard' | 'express';
  label: string;
  priceCents: number;
}

export async function deliveryOptions(userId: string): Promise<DeliveryOption[]> {
  const options: DeliveryOption[] = [{ id: 'standard', label: 'Standard (3-5 days)', priceCents: STANDARD_SHIPPING_CENTS }];
  if (await flags.getBooleanValue(FLAGS.EXPRESS_DELIVERY, true, { targetingKey: userId })) {
    options.push({ id: 'express', label: 'Express (next day)', priceCents: EXPRESS_SHIPPING_CENTS });
  }
  return options;
}
