// The banner above the product list: free shipping over 50 euros.
import { useFeature } from './useFeature';

export function PromoBanner() {
  const freeShipping = useFeature('free-shiping');
  if (!freeShipping) return null;
  return <aside className="promo">Free shipping on orders over 50 €</aside>;
}
